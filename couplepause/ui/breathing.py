"""Breathing together: the pacer, time left, and optional one-tap captures."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from couplepause.core.episode import ACTIVATION_RANGE
from couplepause.texts import clock_time, words
from couplepause.ui.models import Frame
from couplepause.ui.widgets import Choice, Pacer, announce, button, label, row, set_text, vbox

FRAME_MS = 40  # 25 frames a second: a slow breath moves under a pixel per frame


class BreathingView(QWidget):
    skip_requested = Signal()
    extend_requested = Signal()
    break_requested = Signal()
    paused_by_chosen = Signal(object)
    activation_chosen = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("breathing", "heading"))
        layout = vbox(self, margins=(40, 14, 40, 12), spacing=8)
        self.heading = label(words("breathing", "heading"), "heading", center=True)
        layout.addWidget(self.heading)
        self.pacer = Pacer()
        self.pacer.setAccessibleName(words("accessible", "pacer"))
        layout.addWidget(self.pacer, 1)
        # The phase is said when it changes (politely: after whatever the screen
        # reader is saying); the time left is there to be read, never said by itself:
        # it changes every second.
        self.phase_word = label("", "big", center=True)
        self.phase_word.setAccessibleName(words("accessible", "phase"))
        layout.addWidget(self.phase_word)
        self.time_left = label("", "muted", center=True)  # its name is what it shows
        layout.addWidget(self.time_left)

        self.skip_button = button(words("breathing", "skip"), "primary")
        self.extend_button = button(words("breathing", "extend"))
        self.break_button = button(words("breathing", "break"), "link")
        layout.addLayout(row(self.skip_button, self.extend_button, self.break_button))

        # Optional captures: who paused, how stirred up each feels. Never required,
        # kept small and quiet below everything else.
        self.who_label = label(words("breathing", "who_paused"), "small", wrap=False)
        self.who = Choice(
            [("a", words("app", "partner_a")), ("b", words("app", "partner_b")), ("both", words("app", "both"))],
            words("breathing", "who_paused"),
            role="tiny",
        )
        layout.addSpacing(6)
        layout.addLayout(row(self.who_label, self.who, spacing=10))
        self.who_hint = label(words("breathing", "who_paused_hint"), "small", center=True)
        layout.addWidget(self.who_hint)
        captures = QGridLayout()
        captures.setHorizontalSpacing(10)
        captures.setVerticalSpacing(4)
        self.activation_label = label(words("breathing", "activation"), "small", wrap=False)
        captures.addWidget(self.activation_label, 1, 1, Qt.AlignmentFlag.AlignLeft)
        self.activation_names = {}
        self.activation = {}
        low, high = ACTIVATION_RANGE
        for line, partner in enumerate(("a", "b"), start=2):
            name = label("", "small", wrap=False)
            choice = Choice([(n, str(n)) for n in range(low, high + 1)], "", role="tiny")
            choice.chosen.connect(lambda v, p=partner: self.activation_chosen.emit(p, v))
            captures.addWidget(name, line, 0, Qt.AlignmentFlag.AlignRight)
            captures.addWidget(choice, line, 1, Qt.AlignmentFlag.AlignLeft)
            self.activation_names[partner] = name
            self.activation[partner] = choice
        holder = QWidget()
        holder.setLayout(captures)
        layout.addLayout(row(holder))

        self.who.chosen.connect(self.paused_by_chosen)
        self.skip_button.clicked.connect(self.skip_requested)
        self.extend_button.clicked.connect(self.extend_requested)
        self.break_button.clicked.connect(self.break_requested)

        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.tick)
        # A frame lands anywhere within FRAME_MS of a phase change; this one-shot
        # lands on the change itself, so "in"/"out" switch on time.
        self._edge = QTimer(self)
        self._edge.setSingleShot(True)
        self._edge.setTimerType(Qt.TimerType.PreciseTimer)
        self._edge.timeout.connect(self.tick)
        self._provider: Callable[[], Frame] | None = None
        self._said: str | None = None  # the phase last announced

    def set_names(self, a: str, b: str) -> None:
        """Show the partners' own names on the captures."""
        for partner, name in (("a", a), ("b", b)):
            self.who.set_label(partner, name)
            self.activation_names[partner].setText(name)
            self.activation[partner].setAccessibleName(words("breathing", "activation_accessible", name=name))
            for value in range(ACTIVATION_RANGE[0], ACTIVATION_RANGE[1] + 1):
                self.activation[partner].button_for(value).setAccessibleName(
                    words("accessible", "activation_button", name=name, value=value, high=ACTIVATION_RANGE[1])
                )

    def set_reduced_motion(self, reduced: bool) -> None:
        self.pacer.set_reduced_motion(reduced)

    def reset_captures(self, paused_by, activation: dict) -> None:
        self.who.set_value(paused_by)
        for partner, choice in self.activation.items():
            choice.set_value(activation.get(partner))

    def start(self, provider: Callable[[], "Frame"]) -> None:
        """Animate from ``provider() -> Frame``, read from the monotonic clock."""
        self._provider = provider
        self._said = None
        self.tick()
        self._timer.start()
        self.focus_main()

    def focus_main(self) -> None:
        self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop(self) -> None:
        self._timer.stop()
        self._edge.stop()
        self._provider = None

    def is_animating(self) -> bool:
        return self._timer.isActive()

    def tick(self) -> None:
        if self._provider is None:
            return
        frame = self._provider()
        if self._provider is None:  # the provider ended the breathing
            return
        self.pacer.set_level(frame.level)
        set_text(self.phase_word, words("breathing", frame.kind))
        if frame.kind != self._said:
            self._said = frame.kind
            spoken = words("accessible", f"phase_{frame.kind}")
            self.phase_word.setAccessibleName(spoken)
            announce(self.phase_word, spoken)
        set_text(self.time_left, words("breathing", "time_left", time=clock_time(frame.seconds_left)))
        if frame.phase_left * 1000 < FRAME_MS * 1.5 and not self._edge.isActive():
            self._edge.start(max(0, int(frame.phase_left * 1000)))
