"""Taking turns: the floor passes between the partners.

Partner A's card is always on the left and B's on the right; the roles move,
the people don't. The speaker's card shows prompts to share their own
experience, the listener's card prompts to reflect back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from couplepause.texts import words
from couplepause.ui.models import TurnsScreen
from couplepause.ui.widgets import Choice, button, card_layout, label, row, set_text, vbox


class PartnerCard(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = card_layout(self, margins=(20, 14, 20, 14), spacing=6)
        self.title = label("", "title")
        layout.addWidget(self.title)
        self.prompts = [label("", "prompt") for _ in range(4)]
        for prompt in self.prompts:
            layout.addWidget(prompt)
        layout.addStretch(1)

    def show_role(self, title: str, prompts: list[str], speaking: bool) -> None:
        set_text(self.title, title)
        self.setAccessibleName(title)
        for widget, text in zip(self.prompts, prompts + [""] * len(self.prompts)):
            set_text(widget, text)
            widget.setVisible(bool(text))
        if self.property("speaking") != speaking:
            self.setProperty("speaking", speaking)  # style.qss draws the edge
            self.style().unpolish(self)
            self.style().polish(self)


class TurnsView(QWidget):
    swap_requested = Signal()
    speaker_chosen = Signal(str)
    repair_requested = Signal()
    break_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = vbox(self, margins=(40, 16, 40, 12), spacing=8)
        self.heading = label("", "heading", center=True)
        layout.addWidget(self.heading)

        self.who_starts_label = label(words("turns", "who_starts"), "muted", wrap=False)
        self.who_starts = Choice([("a", ""), ("b", "")], words("turns", "who_starts"))
        self.who_starts.chosen.connect(lambda v: v and self.speaker_chosen.emit(v))
        self.who_row = QWidget()
        self.who_row.setLayout(row(self.who_starts_label, self.who_starts))
        layout.addWidget(self.who_row)

        cards = QHBoxLayout()
        cards.setSpacing(20)
        self.cards = {"a": PartnerCard(), "b": PartnerCard()}
        cards.addWidget(self.cards["a"], 1)
        cards.addWidget(self.cards["b"], 1)
        layout.addLayout(cards, 1)

        self.timer = label("", "title", wrap=False)
        self.timer_hint = label("", "muted", center=True)
        layout.addWidget(self.timer_hint)

        self.swap_button = button("", "primary", accessible=words("turns", "swap_accessible"))
        self.repair_button = button(words("turns", "repair"))
        self.break_button = button(words("turns", "break"), "link")
        layout.addLayout(row(self.swap_button, self.repair_button))
        self.repair_hint = label(words("turns", "repair_waiting"), "small", wrap=False)
        layout.addLayout(row(self.timer, self.repair_hint, self.break_button, spacing=18))

        self.swap_button.clicked.connect(self.swap_requested)
        self.repair_button.clicked.connect(self.repair_requested)
        self.break_button.clicked.connect(self.break_requested)

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
        swap_text = words("turns", "swap", listener=names[listener])
        set_text(self.swap_button, swap_text)
        self.swap_button.setAccessibleName(swap_text)
        self.repair_button.setEnabled(screen.can_repair)
        self.repair_hint.setVisible(not screen.can_repair)
        self.timer.setVisible(screen.timer_text is not None)
        self.timer_hint.setVisible(screen.timer_text is not None and screen.timer_done)
        if screen.timer_text is not None:
            set_text(self.timer, screen.timer_text)
            spoken = words("accessible", "turn_time_left", time=screen.timer_text)
            if self.timer.accessibleName() != spoken:  # read when asked for, never said by itself
                self.timer.setAccessibleName(spoken)
            set_text(self.timer_hint, words("turns", "timer_done"))
