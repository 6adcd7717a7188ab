"""The history's lock: a passphrase field in place of the history. The Pause stays
beside it, one click away; nothing here ever stands before the Pause."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from couplepause.common.texts import words
from couplepause.ui.widgets import button, label, mark_problem, row, vbox


class UnlockPanel(QWidget):
    """Asks for the passphrase; ``unlock_requested(passphrase)`` when given."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = vbox(self, (0, 24, 0, 24), 14)
        layout.addStretch(1)
        layout.addWidget(label(words("lock", "heading"), "heading", center=True))
        layout.addWidget(label(words("lock", "text"), "muted", center=True))
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(words("lock", "field"))
        self.field.setPlaceholderText(words("lock", "field"))
        self.field.setMinimumWidth(320)
        self.field.setMaximumWidth(420)
        self.unlock_button = button(words("lock", "unlock"), "primary")
        layout.addLayout(row(self.field, self.unlock_button))
        self.message = label("", "small", center=True)
        self.message.setAccessibleName(words("accessible", "problem"))
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch(2)
        self.unlock_button.clicked.connect(self._asked)
        self.field.returnPressed.connect(self._asked)

    def reset(self) -> None:
        self.field.clear()
        self.field.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.message.hide()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def working(self) -> None:
        self.field.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self.message.setText(words("lock", "opening"))
        mark_problem(self.message, False)
        self.message.show()

    def failed(self, text: str) -> None:
        self.field.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.field.selectAll()
        self.message.setText(text)
        mark_problem(self.message, True)
        self.message.show()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _asked(self) -> None:
        if self.field.text():
            self.unlock_requested.emit(self.field.text())
