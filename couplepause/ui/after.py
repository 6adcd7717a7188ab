"""After the repair: an optional short note, skippable in one click."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPlainTextEdit, QRadioButton

from couplepause.common.texts import words
from couplepause.core.episode import CYCLES, Reflection
from couplepause.ui.fitting import Fitted, restyle
from couplepause.ui.widgets import RadioGroup, button, card, label, row, vbox

MARGINS = ((64, 14, 64, 10), (48, 6, 48, 6), (32, 4, 32, 4))  # roomy, short, shorter
CARD_MARGINS = ((24, 20, 24, 20), (20, 12, 20, 12), (16, 8, 16, 8))
NOTE_LINES = (3, 2, 2)  # the note field's height in lines of words (it scrolls beyond)


class AfterView(Fitted):
    """Laid out three ways (``Fitted``): roomy; with its heading a size smaller and
    less air; and with a shorter note field and its buttons closer still."""

    STEPS = 3
    finished = Signal(object)  # a Reflection: what they wrote (empty when they skip)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("after", "heading"))
        layout = vbox(self, margins=MARGINS[0], spacing=8)
        self.heading = label(words("after", "heading"), "heading", center=True)
        layout.addWidget(self.heading)
        layout.addWidget(label(words("after", "subheading"), "muted", center=True))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(words("after", "note_placeholder"))
        self.note.setAccessibleName(words("after", "note_label"))
        self.note.setTabChangesFocus(True)
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
        self.radios = radios
        self.radio_grid = grid
        choices = RadioGroup(words("after", "cycle_label"))
        choices.setLayout(grid)
        self.card = card(label(words("after", "note_label")), self.note, label(words("after", "cycle_label")), choices)
        layout.addWidget(self.card)
        self.save_button = button(words("after", "save"), "primary")
        self.skip_button = button(words("after", "skip"))
        layout.addLayout(row(self.save_button, self.skip_button))
        layout.addStretch(1)
        self.save_button.clicked.connect(self._save)
        self.skip_button.clicked.connect(lambda: self.finished.emit(Reflection()))

    def lay_out(self, step: int) -> None:
        self.layout().setContentsMargins(*MARGINS[step])
        self.layout().setSpacing((8, 6, 4)[step])
        restyle((self.heading,), "compact", step >= 1)
        restyle((self.save_button, self.skip_button), "compact", step >= 2)
        self.card.layout().setContentsMargins(*CARD_MARGINS[step])
        self.card.layout().setSpacing((12, 8, 6)[step])
        self.radio_grid.setVerticalSpacing((6, 2, 0)[step])
        self.note.setFixedHeight(self._note_height(NOTE_LINES[step]))

    def _note_height(self, lines: int) -> int:
        """The note field's height for ``lines`` lines of its words, its padding and edge included."""
        self.note.ensurePolished()
        margins = self.note.contentsMargins()
        document = self.note.document().documentMargin()
        return int(self.note.fontMetrics().lineSpacing() * lines + 2 * document + margins.top() + margins.bottom())

    def reset(self) -> None:
        self.note.clear()
        self.none_radio.setChecked(True)
        self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        checked = self.cycles.checkedButton()
        self.finished.emit(Reflection.written(self.note.toPlainText(), checked.property("cycle") if checked else None))
