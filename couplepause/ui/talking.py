"""The home screen: one big, calm Pause button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QWidget

from couplepause.texts import words
from couplepause.ui.basics import RoundButton, button, label, notice_bar, row, screen_shortcut, vbox


# The first window: built from ``basics`` only, never touching the ``Qt``
# namespace (see basics); ``finish()`` adds the niceties that need it.
PAUSE_KEYS = ("P",)
WELCOME_WIDTH = 560


class TalkingView(QWidget):
    pause_requested = Signal()
    settings_requested = Signal()
    safety_requested = Signal()
    history_requested = Signal()
    resume_requested = Signal()
    let_rest_requested = Signal()
    practice_requested = Signal()
    names_requested = Signal()
    plan_requested = Signal()
    welcome_done = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("accessible", "home"))
        layout = vbox(self, spacing=18)

        self.history_button = button(words("history", "open_button"), "link")
        self.plan_button = button(words("talking", "plan"), "link")
        self.safety_button = button(words("talking", "safety"), "link")
        self.settings_button = button(words("talking", "settings"), "link")
        layout.addLayout(row(None, self.plan_button, self.history_button, self.safety_button, self.settings_button,
                             center=False))
        layout.addStretch(2)

        self.pause_button = RoundButton(words("talking", "pause"))
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setAccessibleName(words("talking", "pause_accessible"))
        self.pause_button.setAccessibleDescription(words("talking", "pause_hint"))
        # The first start: what this is, the safety note and a practice pause,
        # beside the Pause button, never in front of it.
        self.welcome_title = label(words("welcome", "title"), "title")
        self.welcome_text = label(words("welcome", "text"), "small")
        self.welcome_safety = label(words("welcome", "safety"), "small")
        self.practice_button = button(words("welcome", "practice"), "primary")
        self.names_button = button(words("welcome", "names"))
        self.welcome_plan_button = button(words("welcome", "plan"))
        self.welcome_done_button = button(words("welcome", "done"))
        self.welcome = QFrame()
        self.welcome.setProperty("role", "card")
        self.welcome.setAccessibleName(words("welcome", "title"))
        band = vbox(self.welcome, margins=(20, 12, 20, 12), spacing=6)
        band.addLayout(row(self.welcome_title, None, self.welcome_done_button, center=False))
        for line in (self.welcome_text, self.welcome_safety):
            band.addWidget(line)
        band.addLayout(row(self.practice_button, self.welcome_plan_button, None, center=False))
        band.addLayout(row(self.names_button, None, center=False))
        self.welcome.setMaximumWidth(WELCOME_WIDTH)
        self.welcome.hide()
        layout.addLayout(row(self.pause_button, self.welcome, spacing=40))

        self.hint = label(words("talking", "pause_hint"), "muted", center=True)
        layout.addWidget(self.hint)
        self.signal = label("", "muted", center=True)  # their own sign for a pause, from their plan
        self.signal.hide()
        layout.addWidget(self.signal)
        self.last_time = label(words("talking", "welcome"), center=True)
        self.last_time.setAccessibleName(words("accessible", "last_time"))
        layout.addWidget(self.last_time)
        layout.addStretch(3)

        # An open episode from before (a restart, or a break): offered, never forced.
        self.resume_text = label()
        self.resume_button = button(words("talking", "resume_pick_up"), "primary")
        self.let_rest_button = button(words("talking", "resume_let_rest"))
        self.resume_card = notice_bar(self.resume_text, self.resume_button, self.let_rest_button,
                                      margins=(20, 14, 20, 14))
        self.resume_card.hide()
        layout.addWidget(self.resume_card)

        self.practice_button.clicked.connect(self.practice_requested)
        self.names_button.clicked.connect(self.names_requested)
        self.welcome_plan_button.clicked.connect(self.plan_requested)
        self.plan_button.clicked.connect(self.plan_requested)
        self.welcome_done_button.clicked.connect(self.welcome_done)

        self.pause_button.clicked.connect(self.pause_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        self.safety_button.clicked.connect(self.safety_requested)
        self.history_button.clicked.connect(self.history_requested)
        self.resume_button.clicked.connect(self.resume_requested)
        self.let_rest_button.clicked.connect(self.let_rest_requested)

        # P starts a pause from anywhere on this screen; Space and Enter press
        # the button that has the focus, which is the Pause button whenever the
        # screen appears. The shortcut fires once per press (no auto-repeat);
        # the flow ignores a second pause anyway.
        self.shortcuts = [screen_shortcut(key, self, self.pause_requested.emit) for key in PAUSE_KEYS]

    def finish(self) -> None:
        """Once the window is on screen: the pointing hand over what can be clicked."""
        from couplepause.ui.widgets import hand_cursor

        hand_cursor(self.pause_button, self.history_button, self.safety_button, self.settings_button,
                    self.resume_button, self.let_rest_button, self.practice_button, self.names_button,
                    self.welcome_done_button, self.plan_button, self.welcome_plan_button)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_pause()

    def _fit_pause(self) -> None:
        """The Pause button as large as the screen's height allows (it stays round)."""
        others = self.layout().sizeHint().height() - self.pause_button.sizeHint().height()
        self.pause_button.fit_height(self.height() - others)

    def show_welcome(self, shown: bool) -> None:
        """The first-run welcome; the line under the Pause button makes room for it."""
        self.welcome.setVisible(shown)
        self.last_time.setVisible(not shown)
        if self.isVisible():  # before the first show, the first resize does it
            self._fit_pause()

    def set_pause_signal(self, text: str) -> None:
        self.signal.setText(text)
        self.signal.setVisible(bool(text))

    def set_last_time(self, text: str | None) -> None:
        self.last_time.setText(text or words("talking", "welcome"))

    def show_open_episode(self, text: str | None, action: str = "") -> None:
        """Offer to pick up an open episode (text=None hides the offer)."""
        if text is None:
            self.resume_card.hide()
            return
        self.resume_text.setText(text)
        self.resume_button.setText(action)
        self.resume_button.setAccessibleName(action)
        self.resume_card.show()

    def focus_pause(self) -> None:
        self.pause_button.setFocus()
