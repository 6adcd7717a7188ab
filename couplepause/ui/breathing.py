"""Breathing together: the pacer, time left, and optional one-tap captures."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QWidget

from couplepause.common.texts import clock_time, words
from couplepause.core.episode import ACTIVATION_RANGE
from couplepause.ui.fitting import Asked, Fitted, regrid, restyle
from couplepause.ui.models import Frame
from couplepause.ui.safety_dialog import heading_with_link, safety_link
from couplepause.ui.widgets import Choice, Pacer, announce, button, label, row, set_text, vbox

FRAME_MS = 40  # 25 frames a second: a slow breath moves under a pixel per frame
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
MARGINS = ((40, 14, 40, 12), (32, 6, 32, 8))  # roomy, short
PACER_ROOMY = 240  # the pacer's room in the one-column ways; beside the captures it keeps Pacer.SMALLEST
# The keys that press a focused button: in the breathing's first seconds (``Frame.settled``)
# the main button lets them pass, so the Space or Enter that started the pause, pressed
# again a moment later, does not end the breathing. A click still does.
PRESSING_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select}


class _KeysWait(QObject):
    """Holds back the pressing keys from a button while ``waiting()``."""

    def __init__(self, waiting: Callable[[], bool], parent: QObject):
        super().__init__(parent)
        self._waiting = waiting

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and event.key() in PRESSING_KEYS:
            return self._waiting()
        return False


class BreathingView(Fitted):
    """Laid out three ways (``Fitted``): in one column; the same with its headings a
    size smaller; and on a short window the captures beside the pacer, so that the
    pacer keeps at least ``Pacer.SMALLEST``."""

    STEPS = 3
    skip_requested = Signal()
    extend_requested = Signal()
    break_requested = Signal()
    safety_requested = Signal()
    paused_by_chosen = Signal(object)
    activation_chosen = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("breathing", "heading"))
        layout = vbox(self, margins=MARGINS[0], spacing=8)
        self.heading = label(words("breathing", "heading"), "heading", center=True)
        self.safety_button = safety_link()
        layout.addLayout(heading_with_link(self.heading, self.safety_button))
        # The cycle named as what they face together, never one of them.
        self.common_enemy = label(words("breathing", "common_enemy"), "muted", center=True)
        layout.addWidget(self.common_enemy)
        self.pacer = Pacer()
        self.pacer.setObjectName("pacer")
        self.pacer.setAccessibleName(words("accessible", "pacer"))
        # The phase is said when it changes (politely: after whatever the screen
        # reader is saying); the time left is there to be read, never said by itself:
        # it changes every second.
        self.phase_word = label("", "big", center=True)
        self.phase_word.setAccessibleName(words("accessible", "phase"))
        self.time_left = label("", "muted", center=True)  # its name is what it shows

        self.skip_button = button(words("breathing", "skip"), "primary")
        self.extend_button = button(words("breathing", "extend"))
        self.break_button = button(words("breathing", "break"))
        self._keys_wait = False  # the breathing's first seconds: the main button takes no keys
        self.skip_button.installEventFilter(_KeysWait(lambda: self._keys_wait, self))
        self.buttons = QWidget()
        self.buttons.setLayout(row(self.skip_button, self.extend_button, self.break_button))
        self.buttons.layout().setContentsMargins(0, 0, 0, 0)

        # Optional captures: who paused, how stirred up each feels. Never required,
        # kept small and quiet below everything else (beside the pacer on a short window).
        self.who_label = label(words("breathing", "who_paused"), "small", wrap=False, center=True)
        self.who = Choice(
            [("a", words("app", "partner_a")), ("b", words("app", "partner_b")), ("both", words("app", "both"))],
            words("breathing", "who_paused"),
            role="tiny",
        )
        self.who_row = Asked(self.who_label, self.who, spacing=10)
        self.who_hint = label(words("breathing", "who_paused_hint"), "small", center=True)
        self.activation_label = label(words("breathing", "activation"), "small", wrap=False)
        self.activation_names = {}
        self.activation = {}
        low, high = ACTIVATION_RANGE
        for partner in ("a", "b"):
            name = label("", "small", wrap=False)
            choice = Choice([(n, str(n)) for n in range(low, high + 1)], "", role="tiny")
            choice.chosen.connect(lambda v, p=partner: self.activation_chosen.emit(p, v))
            self.activation_names[partner] = name
            self.activation[partner] = choice
        self.captures = QWidget()
        self.captures_grid = QGridLayout(self.captures)
        self.captures_grid.setContentsMargins(0, 6, 0, 0)
        self.captures_grid.setHorizontalSpacing(10)
        self.captures_grid.setVerticalSpacing(4)

        self.body = QGridLayout()
        self.body.setHorizontalSpacing(24)
        self.body.setVerticalSpacing(8)
        layout.addLayout(self.body, 1)

        self.who.chosen.connect(self.paused_by_chosen)
        self.skip_button.clicked.connect(self.skip_requested)
        self.extend_button.clicked.connect(self.extend_requested)
        self.break_button.clicked.connect(self.break_requested)
        self.safety_button.clicked.connect(self.safety_requested)

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
        self.lay_out(0)

    def fits(self, room) -> bool:
        """A roomier way fits only where it leaves the pacer PACER_ROOMY; the last
        way, where it keeps Pacer.SMALLEST."""
        side = Pacer.SMALLEST if self.step() == self.STEPS - 1 else PACER_ROOMY
        self.pacer.setMinimumSize(side, side)
        try:
            return super().fits(room)
        finally:
            self.pacer.setMinimumSize(Pacer.SMALLEST, Pacer.SMALLEST)

    def lay_out(self, step: int) -> None:
        beside = step >= 2
        restyle((self.heading,), "compact", step >= 1)
        restyle((self.common_enemy,), "role", "small" if step >= 1 else "muted")
        self.layout().setContentsMargins(*MARGINS[min(step, 1)])
        self.layout().setSpacing(8 if step == 0 else 4)
        self.body.setVerticalSpacing(8 if step == 0 else 4)
        center, right, left = Qt.AlignmentFlag.AlignCenter, Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignLeft
        a, b = (self.activation_names[p] for p in "ab")
        # Beside the pacer, the names to choose from one under another, so the pacer keeps the width.
        chips = self.who.layout()
        chips.setDirection(QBoxLayout.Direction.TopToBottom if beside else QBoxLayout.Direction.LeftToRight)
        centred = Qt.AlignmentFlag.AlignHCenter if beside else Qt.AlignmentFlag(0)
        for chip in self.who.buttons():
            chips.setAlignment(chip, centred)
        self.who_row.set_above(beside)
        # Beside the pacer the column is as wide as its rows of chips: the hint wraps to it.
        widest = max(self.activation["a"].sizeHint().width(), self.who.sizeHint().width())
        self.captures.setMaximumWidth(widest if beside else QWIDGETSIZE_MAX)
        if beside:  # the captures in a column of their own, each name over its row
            regrid(self.captures_grid, [
                (self.who_row, 0, 0, 1, 1, None), (self.who_hint, 1, 0, 1, 1, None),
                (self.activation_label, 2, 0, 1, 1, center), (a, 3, 0, 1, 1, center),
                (self.activation["a"], 4, 0, 1, 1, center), (b, 5, 0, 1, 1, center),
                (self.activation["b"], 6, 0, 1, 1, center),
            ])
            regrid(self.body, [
                (self.pacer, 0, 0, 1, 1, None), (self.phase_word, 1, 0, 1, 1, None), (self.time_left, 2, 0, 1, 1, None),
                (self.captures, 0, 1, 3, 1, Qt.AlignmentFlag.AlignVCenter), (self.buttons, 3, 0, 1, 2, None),
            ])
            self.body.setColumnStretch(0, 1)
        else:  # under the buttons, each name beside its row
            regrid(self.captures_grid, [
                (self.who_row, 0, 0, 1, 2, None), (self.who_hint, 1, 0, 1, 2, None),
                (self.activation_label, 2, 1, 1, 1, left), (a, 3, 0, 1, 1, right),
                (self.activation["a"], 3, 1, 1, 1, left), (b, 4, 0, 1, 1, right),
                (self.activation["b"], 4, 1, 1, 1, left),
            ])
            regrid(self.body, [
                (self.pacer, 0, 0, 1, 1, None), (self.phase_word, 1, 0, 1, 1, None), (self.time_left, 2, 0, 1, 1, None),
                (self.buttons, 3, 0, 1, 1, None), (self.captures, 4, 0, 1, 1, Qt.AlignmentFlag.AlignHCenter),
            ])
            self.body.setColumnStretch(0, 0)
        self.body.setRowStretch(0, 1)

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
        self.fit()

    def set_reduced_motion(self, reduced: bool) -> None:
        self.pacer.set_reduced_motion(reduced)

    def reset_captures(self, paused_by, activation: dict) -> None:
        self.who.set_value(paused_by)
        for partner, choice in self.activation.items():
            choice.set_value(activation.get(partner))

    def start(self, provider: Callable[[], Frame]) -> None:
        """Animate from ``provider() -> Frame``, read from the monotonic clock."""
        self._provider = provider
        self._said = None
        self.tick()
        self._timer.start()
        self.focus_main()

    def focus_main(self) -> None:
        self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def takes_keys(self) -> bool:
        """Whether the main button takes Space and Enter yet (not in the first seconds)."""
        return not self._keys_wait

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
        self._keys_wait = not frame.settled
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
