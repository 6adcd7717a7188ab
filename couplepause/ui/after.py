"""After the repair: an optional short note, skippable in one click."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPlainTextEdit, QRadioButton, QWidget

from couplepause.core.episode import CYCLES
from couplepause.core.flow import NOTE_MAX
from couplepause.texts import words
from couplepause.ui.widgets import RadioGroup, button, card, label, row, vbox


class AfterView(QWidget):
    finished = Signal(object)  # {"note": str|None, "cycle": str|None}, or None to skip

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("after", "heading"))
        layout = vbox(self, margins=(64, 14, 64, 10), spacing=8)
        layout.addWidget(label(words("after", "heading"), "heading", center=True))
        layout.addWidget(label(words("after", "subheading"), "muted", center=True))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(words("after", "note_placeholder"))
        self.note.setAccessibleName(words("after", "note_label"))
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self.cycles = QButtonGroup(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        radios = []
        for value in (*CYCLES, None):
            text = words("cycles", value) if value else words("after", "cycle_none")
            radio = QRadioButton(text)
            radio.setAccessibleName(text)
            radio.setProperty("cycle", value)
            self.cycles.addButton(radio)
            grid.addWidget(radio, len(radios) // 2, len(radios) % 2)
            radios.append(radio)
        self.none_radio = radios[-1]
        choices = RadioGroup(words("after", "cycle_label"))
        choices.setLayout(grid)
        layout.addWidget(
            card(label(words("after", "note_label")), self.note, label(words("after", "cycle_label")), choices)
        )
        self.save_button = button(words("after", "save"), "primary")
        self.skip_button = button(words("after", "skip"))
        layout.addLayout(row(self.save_button, self.skip_button))
        layout.addStretch(1)
        self.save_button.clicked.connect(self._save)
        self.skip_button.clicked.connect(lambda: self.finished.emit(None))

    def reset(self) -> None:
        self.note.clear()
        self.none_radio.setChecked(True)
        self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        note = self.note.toPlainText().strip()[:NOTE_MAX] or None
        checked = self.cycles.checkedButton()
        cycle = checked.property("cycle") if checked else None
        self.finished.emit({"note": note, "cycle": cycle})
