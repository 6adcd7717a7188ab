"""Repair: acknowledge, own one's part, reconnect. Each partner answers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from couplepause.common.texts import word_list, words
from couplepause.core.episode import PARTNERS, REPAIR_ANSWERS
from couplepause.ui.fitting import Fitted, restyle
from couplepause.ui.safety_dialog import heading_with_link, safety_link
from couplepause.ui.widgets import Choice, button, card, label, row, set_text, vbox

MARGINS = ((40, 10, 40, 10), (32, 4, 32, 6), (24, 2, 24, 4))  # roomy, short, shorter
CARD_MARGINS = ((24, 20, 24, 20), (20, 12, 20, 12), (16, 8, 16, 8))


class RepairView(Fitted):
    """Laid out three ways (``Fitted``): roomy; with its heading a size smaller and
    less air; and with its chips, buttons and cards closer still."""

    STEPS = 3
    answered = Signal(str, str)
    more_turns_requested = Signal()
    break_requested = Signal()
    safety_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("repair", "heading"))
        layout = vbox(self, margins=MARGINS[0], spacing=10)
        layout.addStretch(1)
        self.heading = label(words("repair", "heading"), "heading", center=True)
        self.safety_button = safety_link()
        layout.addLayout(heading_with_link(self.heading, self.safety_button))
        prompts = [label(text, "prompt", center=True) for text in word_list("repair", "prompts")]
        self.prompts_card = card(*prompts, spacing=6)
        layout.addWidget(self.prompts_card)

        answers = QHBoxLayout()
        answers.setSpacing(20)
        self.questions: dict[str, object] = {}
        self.needs: dict[str, object] = {}
        self.choices: dict[str, Choice] = {}
        self.answer_cards: list[QWidget] = []
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
            answer = card(question, need, holder, spacing=8)
            answer.layout().insertStretch(2, 1)  # the answers of both on one line, whatever is above them
            answers.addWidget(answer, 1)
            self.answer_cards.append(answer)
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
        self.safety_button.clicked.connect(self.safety_requested)

    def lay_out(self, step: int) -> None:
        self.layout().setContentsMargins(*MARGINS[step])
        self.layout().setSpacing((10, 8, 6)[step])
        restyle((self.heading,), "compact", step >= 1)
        chips = [b for choice in self.choices.values() for b in choice.buttons()]
        restyle((self.more_button, self.break_button, *chips), "compact", step >= 2)
        for frame in (self.prompts_card, *self.answer_cards):
            frame.layout().setContentsMargins(*CARD_MARGINS[step])
            frame.layout().setSpacing((8, 6, 4)[step])

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
        self.fit()

    def focus_first(self) -> None:
        self.choices["a"].button_for("yes").setFocus(Qt.FocusReason.OtherFocusReason)
