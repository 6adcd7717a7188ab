"""Taking turns: the floor passes between the partners.

Partner A's card is always on the left and B's on the right; the roles move,
the people don't. The speaker's card shows prompts to share their own
experience, the listener's card prompts to reflect back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from couplepause.common.texts import words
from couplepause.ui.fitting import Asked, Column, Fitted, restyle
from couplepause.ui.models import TurnsScreen
from couplepause.ui.safety_dialog import safety_link
from couplepause.ui.widgets import Choice, button, card_layout, label, row, set_text, vbox

MARGINS = ((40, 16, 40, 12), (32, 6, 32, 8), (20, 4, 20, 6), (20, 4, 20, 6), (20, 2, 20, 4))  # roomy ... shortest
CARD_MARGINS = ((20, 14, 20, 14), (16, 10, 16, 10), (14, 8, 12, 8), (14, 6, 12, 6), (14, 4, 12, 4))


class PartnerCard(QFrame):
    """One partner's card: their role as its title, and its prompts in a column that
    scrolls inside the card only when the screen has no room for them all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = card_layout(self, margins=CARD_MARGINS[0], spacing=6)
        self.title = label("", "title")
        layout.addWidget(self.title)
        self.column = Column(spacing=6)
        self.prompts: list[QLabel] = []
        layout.addWidget(self.column, 1)

    def show_role(self, title: str, prompts: list[str], speaking: bool) -> None:
        set_text(self.title, title)
        self.setAccessibleName(title)
        while len(self.prompts) < len(prompts):  # as many lines as the words have
            prompt = label("", "prompt")
            self.prompts.append(prompt)
            self.column.add(prompt)
        for widget, text in zip(self.prompts, prompts + [""] * len(self.prompts)):
            set_text(widget, text)
            widget.setVisible(bool(text))
        if self.property("speaking") != speaking:
            self.setProperty("speaking", speaking)  # style.qss draws the edge
            self.style().unpolish(self)
            self.style().polish(self)

    def compact(self, step: int) -> None:
        self.layout().setContentsMargins(*CARD_MARGINS[step])
        restyle((self.title,), "compact", "more" if step >= 3 else step >= 1)
        restyle(self.prompts, "compact", "more" if step >= 4 else step >= 2)
        self.column.lines.setSpacing((6, 6, 3, 3, 2)[step])


class TurnsView(Fitted):
    """Laid out five ways (``Fitted``): roomy; with its headings a size smaller and
    less air; with its buttons and lines closer still; with the cards' titles
    smaller again; and with the prompts a size smaller too (a small laptop, long
    names, a plan and a notice at once). The prompts give up height last, scrolling
    inside their cards."""

    STEPS = 5
    swap_requested = Signal()
    speaker_chosen = Signal(str)
    repair_requested = Signal()
    break_requested = Signal()
    safety_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = vbox(self, margins=MARGINS[0], spacing=8)
        self.heading = label("", "heading", center=True)
        layout.addWidget(self.heading)

        # The rule, said where they can change it: whoever noticed first starts.
        self.who_starts_label = label(words("turns", "who_starts_rule"), "muted", wrap=False, center=True)
        self.who_starts = Choice([("a", ""), ("b", "")], words("turns", "who_starts"))
        self.who_starts.chosen.connect(lambda v: v and self.speaker_chosen.emit(v))
        self.who_row = Asked(self.who_starts_label, self.who_starts)
        layout.addWidget(self.who_row)

        cards = QHBoxLayout()
        cards.setSpacing(20)
        self.cards = {"a": PartnerCard(), "b": PartnerCard()}
        cards.addWidget(self.cards["a"], 1)
        cards.addWidget(self.cards["b"], 1)
        layout.addLayout(cards, 1)
        self.columns = [card.column for card in self.cards.values()]

        self.timer = label("", "title", wrap=False)
        self.timer_hint = label("", "muted", center=True)
        layout.addWidget(self.timer_hint)

        self.swap_button = button(words("turns", "swap"), "primary")  # the speaker feels heard
        self.repair_button = button(words("turns", "repair"))
        self.break_button = button(words("turns", "break"), "link")
        layout.addLayout(row(self.swap_button, self.repair_button))
        self.repair_hint = label(words("turns", "repair_waiting"), "small", wrap=False)
        self.bottom = row(self.timer, self.repair_hint, self.break_button, spacing=18)
        layout.addLayout(self.bottom)
        # Safety and help: a line of its own; laid out the shortest way, beside the
        # longer break (a short window has no line to spare, and width for it there).
        self.safety_button = safety_link()
        self.safety_row = row(self.safety_button)
        layout.addLayout(self.safety_row)

        self.swap_button.clicked.connect(self.swap_requested)
        self.repair_button.clicked.connect(self.repair_requested)
        self.break_button.clicked.connect(self.break_requested)
        self.safety_button.clicked.connect(self.safety_requested)
        self._shape: tuple | None = None  # what the last fit measured

    def lay_out(self, step: int) -> None:
        self.layout().setContentsMargins(*MARGINS[step])
        self.layout().setSpacing((8, 6, 6, 4, 4)[step])
        restyle((self.heading,), "compact", step >= 1)
        restyle((self.swap_button, self.repair_button, self.timer, *self.who_starts.buttons()), "compact", step >= 2)
        for card in self.cards.values():
            card.compact(step)
        beside = step == self.STEPS - 1
        if (self.bottom.indexOf(self.safety_button) >= 0) != beside:
            (self.safety_row if beside else self.bottom).removeWidget(self.safety_button)
            if beside:
                self.bottom.insertWidget(self.bottom.count() - 1, self.safety_button)  # before its closing stretch
            else:
                self.safety_row.insertWidget(1, self.safety_button)

    def render(self, screen: TurnsScreen) -> None:
        names = screen.names
        speaker = screen.speaker
        listener = "b" if speaker == "a" else "a"
        set_text(self.heading, words("turns", "heading", speaker=names[speaker]))
        self.setAccessibleName(self.heading.text())
        for partner, card in self.cards.items():
            if partner == speaker:
                card.show_role(
                    words("turns", "speaker_title", speaker=names[partner]), screen.prompts[partner], True
                )
            else:
                card.show_role(
                    words("turns", "listener_title", listener=names[partner]), screen.prompts[partner], False
                )
        self.who_row.setVisible(screen.can_choose)
        for partner in ("a", "b"):
            self.who_starts.set_label(partner, names[partner])
        self.who_starts.set_value(speaker if screen.can_choose else None)
        set_text(self.swap_button, words("turns", "swap"))
        self.swap_button.setAccessibleName(words("turns", "swap_accessible", listener=names[listener]))
        self.repair_button.setEnabled(screen.can_repair)
        shape = (self.heading.text(), screen.can_choose, screen.can_repair, screen.timer_text is not None,
                 screen.timer_done, tuple(tuple(p) for p in screen.prompts.values()))
        self.repair_hint.setVisible(not screen.can_repair)
        self.timer.setVisible(screen.timer_text is not None)
        self.timer_hint.setVisible(screen.timer_text is not None and screen.timer_done)
        if screen.timer_text is not None:
            set_text(self.timer, screen.timer_text)
            spoken = words("accessible", "turn_time_left", time=screen.timer_text)
            if self.timer.accessibleName() != spoken:  # read when asked for, never said by itself
                self.timer.setAccessibleName(spoken)
            set_text(self.timer_hint, words("turns", "timer_done"))
        if shape != self._shape:  # the words changed: lay the screen out for them
            self._shape = shape
            self.fit()
