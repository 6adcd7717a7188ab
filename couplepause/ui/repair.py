"""Repair: acknowledge, own one's part, reconnect. Each partner answers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from couplepause.core.episode import PARTNERS, REPAIR_ANSWERS
from couplepause.texts import word_list, words
from couplepause.ui.widgets import Choice, button, card, label, row, set_text, vbox


class RepairView(QWidget):
    answered = Signal(str, str)
    more_turns_requested = Signal()
    break_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("repair", "heading"))
        layout = vbox(self, margins=(40, 10, 40, 10), spacing=10)
        layout.addStretch(1)
        layout.addWidget(label(words("repair", "heading"), "heading", center=True))
        prompts = [label(text, "prompt", center=True) for text in word_list("repair", "prompts")]
        layout.addWidget(card(*prompts, spacing=6))

        answers = QHBoxLayout()
        answers.setSpacing(20)
        self.questions: dict[str, object] = {}
        self.needs: dict[str, object] = {}
        self.choices: dict[str, Choice] = {}
        for partner in PARTNERS:
            question = label("", center=True)
            # What the other said they need to hear, from their plan (hidden without one).
            need = label("", "small", center=True)
            need.hide()
            choice = Choice(
                [(a, words("repair", a)) for a in REPAIR_ANSWERS], ""
            )
            choice.chosen.connect(lambda v, p=partner: v and self.answered.emit(p, v))
            holder = QWidget()
            holder.setLayout(row(choice))
            answers.addWidget(card(question, need, holder, spacing=8), 1)
            self.needs[partner] = need
            self.questions[partner] = question
            self.choices[partner] = choice
        layout.addLayout(answers)
        self.status = label(words("repair", "waiting"), "muted", center=True)
        layout.addWidget(self.status)
        self.more_button = button(words("repair", "more_turns"))
        self.break_button = button(words("repair", "break"))
        layout.addLayout(row(self.more_button, self.break_button))
        layout.addStretch(2)
        self.more_button.clicked.connect(self.more_turns_requested)
        self.break_button.clicked.connect(self.break_requested)

    def render(self, names: dict[str, str], answers: dict[str, str | None],
               needs: dict[str, str] | None = None) -> None:
        """``needs``: for each partner, what the other said they need to hear ("" for none)."""
        for partner in PARTNERS:
            need = (needs or {}).get(partner, "")
            set_text(self.needs[partner], need)
            self.needs[partner].setVisible(bool(need))
            question = words("repair", "question", name=names[partner])
            set_text(self.questions[partner], question)
            choice = self.choices[partner]
            choice.setAccessibleName(question)
            for value in REPAIR_ANSWERS:
                choice.set_label(value, words("repair", value))
            choice.set_value(answers.get(partner))
        hesitant = any(answers.get(p) in ("partly", "not_yet") for p in PARTNERS)
        set_text(self.status, words("repair", "not_yet_hint" if hesitant else "waiting"))

    def focus_first(self) -> None:
        self.choices["a"].button_for("yes").setFocus(Qt.FocusReason.OtherFocusReason)
