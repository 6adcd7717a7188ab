"""Setting, changing or removing the passphrase, and deleting all our data. The
dialogs only collect the couple's choice; the app does the work and tells them
how it went."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QWidget

from couplepause.common.texts import words
from couplepause.ui.widgets import button, dialog_frame, label, message_and_buttons, say_in

PASSPHRASE_MIN = 8
SET, CHANGE, REMOVE = "set", "change", "remove"


def _secret(accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    return field


class PassphraseDialog(QDialog):
    """``chosen(values)``: {"mode", "current", "new", "names"} once the entries fit."""

    chosen = Signal(dict)

    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        title = {SET: "title", CHANGE: "change_title", REMOVE: "remove_title"}[mode]
        layout = dialog_frame(self, words("protect", title), 720, margins=(24, 16, 24, 16), spacing=10)
        layout.addWidget(label(words("protect", title), "heading"))
        if mode == SET:
            layout.addWidget(label(words("protect", "intro")))
        if mode == REMOVE:
            layout.addWidget(label(words("protect", "remove_intro")))
        if mode != REMOVE:
            layout.addWidget(label(words("protect", "warning")))
        self.current = _secret(words("protect", "current")) if mode != SET else None
        self.new = _secret(words("protect", "new" if mode == SET else "new_one")) if mode != REMOVE else None
        self.again = _secret(words("protect", "again")) if mode != REMOVE else None
        fields = QFormLayout()  # each field named on its left: a short dialog on a small screen
        fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        fields.setHorizontalSpacing(16)
        fields.setVerticalSpacing(10)
        for field in (self.current, self.new, self.again):
            if field is not None:
                name = label(field.accessibleName(), wrap=False)
                name.setBuddy(field)
                fields.addRow(name, field)
        layout.addLayout(fields)
        self.names = QCheckBox(words("protect", "names")) if mode == SET else None
        if self.names is not None:
            self.names.setAccessibleName(words("protect", "names"))
            self.names.setAccessibleDescription(words("protect", "names_hint"))
            layout.addWidget(self.names)
            layout.addWidget(label(words("protect", "names_hint"), "small"))
        self.message = label("", "small")
        self.message.hide()
        action = {SET: "protect", CHANGE: "change", REMOVE: "remove"}[mode]
        self.go_button = button(words("protect", action), "primary")
        self.cancel_button = button(words("protect", "cancel"))
        layout.addLayout(message_and_buttons(self.message, self.cancel_button, self.go_button))
        self.go_button.clicked.connect(self.go)
        self.cancel_button.clicked.connect(self.reject)
        (self.current or self.new).setFocus()

    def go(self) -> None:
        if self.new is not None:
            if len(self.new.text()) < PASSPHRASE_MIN:
                say_in(self, self.message, words("protect", "too_short", n=PASSPHRASE_MIN))
                self.new.setFocus()
                return
            if self.new.text() != self.again.text():
                say_in(self, self.message, words("protect", "differ"))
                self.again.setFocus()
                self.again.selectAll()
                return
        if self.current is not None and not self.current.text():
            self.current.setFocus()
            return
        self.go_button.setEnabled(False)
        say_in(self, self.message, words("protect", "working"), problem=False)
        self.chosen.emit({
            "mode": self.mode,
            "current": self.current.text() if self.current else None,
            "new": self.new.text() if self.new else None,
            "names": bool(self.names and self.names.isChecked()),
        })

    def show_result(self, text: str, *, ok: bool) -> None:
        say_in(self, self.message, text, problem=not ok)
        self.go_button.setEnabled(not ok)
        if ok:
            self.cancel_button.setText(words("protect", "close"))
            for field in (self.current, self.new, self.again):
                if field is not None:
                    field.clear()
                    field.setEnabled(False)
        self.cancel_button.setFocus()


class DeleteAllDialog(QDialog):
    """``confirmed()`` once the couple typed the word."""

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = dialog_frame(self, words("delete_all", "title"), 580)
        layout.addWidget(label(words("delete_all", "title"), "heading"))
        layout.addWidget(label(words("delete_all", "intro")))
        self.word = words("delete_all", "word")
        layout.addWidget(label(words("delete_all", "type", word=self.word)))
        self.field = QLineEdit()
        self.field.setAccessibleName(words("delete_all", "field"))
        self.field.setPlaceholderText(self.word)
        layout.addWidget(self.field)
        self.message = label("", "small")
        self.message.hide()
        self.delete_button = button(words("delete_all", "delete"), "primary")
        self.delete_button.setEnabled(False)
        self.cancel_button = button(words("delete_all", "cancel"))
        layout.addLayout(message_and_buttons(self.message, self.cancel_button, self.delete_button))
        self.field.textChanged.connect(
            lambda text: self.delete_button.setEnabled(text.strip().casefold() == self.word.casefold())
        )
        self.field.returnPressed.connect(lambda: self.delete_button.isEnabled() and self.delete())
        self.delete_button.clicked.connect(self.delete)
        self.cancel_button.clicked.connect(self.reject)
        self.field.setFocus()

    def delete(self) -> None:
        self.delete_button.setEnabled(False)
        self.field.setEnabled(False)
        self.confirmed.emit()

    def show_result(self, text: str, *, ok: bool) -> None:
        say_in(self, self.message, text, problem=not ok)
        self.cancel_button.setText(words("protect", "close"))
        self.cancel_button.setFocus()
