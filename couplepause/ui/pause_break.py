"""A longer break: agreeing on one, and waiting it out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout

from couplepause.common.formatting import time_of_day
from couplepause.common.texts import words
from couplepause.core.flow import BREAK_CHOICES
from couplepause.ui.fitting import Asked, Fitted, restyle
from couplepause.ui.safety_dialog import corner_link, safety_link
from couplepause.ui.widgets import Choice, button, card, label, row, set_text, vbox

TEXT_WIDTH = 640  # the break's few lines of advice, at most
MARGINS = ((80, 40, 80, 40), (40, 8, 40, 8), (24, 4, 24, 4))  # roomy, short, shorter
CARD_MARGINS = ((24, 20, 24, 20), (20, 12, 20, 12), (16, 10, 16, 10))


class BreakChoiceView(Fitted):
    """Agree on a break length; the return time is shown as a clock time. Laid out
    three ways (``Fitted``): roomy; with less air and its big lines a size smaller;
    and with its chips and buttons closer still."""

    STEPS = 3
    start_requested = Signal(int)
    cancelled = Signal()
    safety_requested = Signal()

    def __init__(self, wall: Callable[[], datetime], parent=None):
        super().__init__(parent)
        self._wall = wall
        self.setAccessibleName(words("break", "choose_heading"))
        layout = vbox(self, margins=MARGINS[0], spacing=18)
        self.safety_button = safety_link()
        layout.addLayout(corner_link(self.safety_button))
        layout.addStretch(1)
        self.heading = label(words("break", "choose_heading"), "heading", center=True)
        layout.addWidget(self.heading)
        self.text = label(words("break", "choose_text"), center=True)
        self.text.setMaximumWidth(TEXT_WIDTH)
        line = QHBoxLayout()  # the text as wide as reads well, in the middle (a row would give it a narrow column)
        line.addStretch(1)
        line.addWidget(self.text, 1000)
        line.addStretch(1)
        layout.addLayout(line)
        self.minutes = Choice(
            [(m, words("break", "minutes_choice", n=m)) for m in BREAK_CHOICES], words("break", "minutes")
        )
        self.minutes.chosen.connect(self._chosen)
        self._value = BREAK_CHOICES[1]
        self.back_at = label("", "big", center=True)
        layout.addWidget(Asked(label(words("break", "minutes"), "muted", wrap=False, center=True), self.minutes))
        layout.addWidget(self.back_at)
        self.start_button = button(words("break", "start"), "primary")
        self.cancel_button = button(words("break", "cancel"))
        layout.addLayout(row(self.start_button, self.cancel_button))
        layout.addStretch(2)
        self.safety_button.clicked.connect(self.safety_requested)
        self.start_button.clicked.connect(lambda: self.start_requested.emit(self._value))
        self.cancel_button.clicked.connect(self.cancelled)

    def lay_out(self, step: int) -> None:
        self.layout().setContentsMargins(*MARGINS[step])
        self.layout().setSpacing((18, 10, 6)[step])
        restyle((self.heading, self.back_at), "compact", step >= 1)
        restyle((self.start_button, self.cancel_button, *self.minutes.buttons()), "compact", step >= 2)

    def value(self) -> int:
        return self._value

    def prepare(self, minutes: int) -> None:
        """Offer the usual length from settings (one of BREAK_CHOICES)."""
        nearest = min(BREAK_CHOICES, key=lambda m: abs(m - minutes))
        self._value = nearest
        self.minutes.set_value(nearest)
        self.refresh()
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _chosen(self, minutes) -> None:
        if minutes is None:  # tapping the chosen length again keeps it
            self.minutes.set_value(self._value)
            return
        self._value = minutes
        self.refresh()

    def refresh(self) -> None:
        back = self._wall() + timedelta(minutes=self._value)
        self.back_at.setText(words("break", "back_at", time=time_of_day(back)))
        self.fit()


class BreakView(Fitted):
    """On a break: when to come back; at that time, a gentle invitation. Laid out
    three ways (``Fitted``): roomy; with less air and its big lines a size smaller;
    and with what helps each of them beside the time to come back."""

    STEPS = 3
    come_back_requested = Signal()
    safety_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = vbox(self, margins=MARGINS[0], spacing=18)
        self.safety_button = safety_link()
        layout.addLayout(corner_link(self.safety_button))
        layout.addStretch(1)
        self.heading = label(words("break", "heading"), "heading", center=True)
        self.text = label(words("break", "text"), center=True)
        self.return_at = label("", "big", center=True)
        self.main_card = card(self.heading, self.text, self.return_at, spacing=16)
        # From their plan: what helps each of them settle (shown only when they wrote it).
        self.helps_heading = label(words("break", "helps_heading"), "muted", center=True)
        self.helps = [label("", center=True) for _ in range(2)]
        self.helps_card = card(self.helps_heading, *self.helps, spacing=6)
        self.helps_card.hide()
        self.cards = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.cards.addWidget(self.main_card, 1)
        self.cards.addWidget(self.helps_card, 1)
        layout.addLayout(self.cards)
        self.come_back_button = button(words("break", "return_now"), "primary")
        layout.addLayout(row(self.come_back_button))
        layout.addStretch(2)
        self.come_back_button.clicked.connect(self.come_back_requested)
        self.safety_button.clicked.connect(self.safety_requested)

    def lay_out(self, step: int) -> None:
        self.layout().setContentsMargins(*MARGINS[step])
        self.layout().setSpacing((18, 10, 8)[step])
        self.cards.setSpacing((18, 10, 16)[step])
        restyle((self.heading, self.return_at), "compact", step >= 1)
        restyle((self.come_back_button,), "compact", step >= 2)
        for frame in (self.main_card, self.helps_card):
            frame.layout().setContentsMargins(*CARD_MARGINS[step])
        self.main_card.layout().setSpacing((16, 10, 10)[step])
        self.cards.setDirection(QBoxLayout.Direction.LeftToRight if step >= 2 else QBoxLayout.Direction.TopToBottom)

    def render(self, return_at: datetime, inviting: bool, helps: list[str] = (), invitation: str = "") -> None:
        """``helps``: a line for each partner who wrote what helps them settle;
        ``invitation``: the words that invite them back (their agreed way back)."""
        for widget, text in zip(self.helps, [*helps, "", ""]):
            set_text(widget, text)
            widget.setVisible(bool(text))
        self.helps_card.setVisible(bool(helps) and not inviting)
        if inviting:
            self.heading.setText(words("break", "invite_heading"))
            self.text.setText(invitation or words("break", "invite_text"))
        else:
            self.heading.setText(words("break", "heading"))
            self.text.setText(words("break", "text"))
        self.return_at.setText(words("break", "return_at", time=time_of_day(return_at)))
        self.setAccessibleName(self.heading.text())
        self.fit()
