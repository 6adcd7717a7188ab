"""The home screen: one big, calm Pause button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from couplepause.common.texts import words
from couplepause.ui.basics import (
    PAUSE_DIAMETER,
    PAUSE_MIN_DIAMETER,
    Lines,
    RoundButton,
    button,
    invalidate,
    label,
    notice_bar,
    row,
    screen_shortcut,
    vbox,
)

# The first window: built from ``basics`` only, never touching the ``Qt``
# namespace (see basics); ``finish()`` adds the niceties that need it.
PAUSE_KEYS = ("P",)
WELCOME_WIDTH = 720
PAUSE_FOLDS_FIRST = 170  # the welcome says less before the Pause button goes under this
HINT_BESIDE = 300  # the hint under the Pause button, while the welcome is beside it
MARGINS = (32, 8, 32, 8)  # the stretches above and below the Pause button give the air
SPACING = 12


def one_line(text: str, metrics, room: int) -> str:
    """``text`` as it fits ``room`` pixels across: whole, or cut at a word's end with "…"."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    low, high = 0, len(text)  # the longest start that fits with "…" lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if metrics.horizontalAdvance(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle
    cut = text[:low]
    return (cut[:cut.rindex(" ")] if " " in cut else cut).rstrip(" ,;:") + "…"


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
        layout = vbox(self, margins=MARGINS, spacing=SPACING)

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
        self.hint = label(words("talking", "pause_hint"), "muted", center=True)
        # The Pause button with its hint under it: one column, the welcome beside it.
        column = QVBoxLayout()
        column.setSpacing(SPACING)
        column.addStretch(1)
        column.addLayout(row(self.pause_button))
        column.addLayout(row(self.hint))
        column.addStretch(1)
        middle = QHBoxLayout()
        middle.setSpacing(2 * SPACING)
        middle.addStretch(1)
        middle.addLayout(column)
        beside = QVBoxLayout()  # the welcome as tall as its words, in the middle of the row
        beside.addStretch(1)
        beside.addStretch(1)
        middle.addLayout(beside)
        middle.addStretch(1)
        layout.addLayout(middle)
        self._middle, self._beside = middle, beside

        # From their plan: their own sign for a pause, and each one's early signs. A
        # line each, cut to the width (_fit_plan_lines); the whole words are each
        # label's description.
        self.signal = label("", "muted", wrap=False, center=True)
        self.signs = label("", "small", wrap=False, center=True)
        self._plan_lines: dict[QLabel, list[str]] = {self.signal: [], self.signs: []}
        for line in self._plan_lines:
            line.setMinimumWidth(1)  # a long line never holds the window wide
            line.hide()
            layout.addWidget(line)
        self.last_time = label(words("talking", "welcome"), center=True)
        self.last_time.setAccessibleName(words("accessible", "last_time"))
        layout.addWidget(self.last_time)
        layout.addStretch(3)

        # The welcome (a first start) and the offer to pick up an open episode: each
        # built when first shown, so a later start draws neither.
        self._welcome: QFrame | None = None
        self._resume: QFrame | None = None
        self._finished = False  # finish() has run: a card built later gets the pointing hand too

        self.pause_button.clicked.connect(self.pause_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        self.safety_button.clicked.connect(self.safety_requested)
        self.history_button.clicked.connect(self.history_requested)

        # P starts a pause from anywhere on this screen; Space and Enter press
        # the button that has the focus, which is the Pause button whenever the
        # screen appears. The shortcut fires once per press (no auto-repeat);
        # the flow ignores a second pause anyway.
        self.shortcuts = [screen_shortcut(key, self, self.pause_requested.emit) for key in PAUSE_KEYS]

    def finish(self) -> None:
        """Once the window is on screen: the pointing hand over what can be clicked,
        and from now on over the buttons of a card as it is built."""
        self._finished = True
        self._pointing(*self.findChildren(QPushButton))

    def _pointing(self, *buttons: QPushButton) -> None:
        if self._finished:
            from couplepause.ui.widgets import hand_cursor

            hand_cursor(*buttons)

    @property
    def welcome(self) -> QFrame:
        """The first start's card beside the Pause button: what this is, the safety
        note and a practice pause, never in front of the button (built on first use)."""
        if self._welcome is None:
            self.welcome_title = label(words("welcome", "title"), "title")
            self.welcome_text = label(words("welcome", "text"), "small")
            self.welcome_safety = label(words("welcome", "safety"), "small")
            self.practice_button = button(words("welcome", "practice"), "primary")
            self.names_button = button(words("welcome", "names"))
            self.welcome_plan_button = button(words("welcome", "plan"))
            self.welcome_done_button = button(words("welcome", "done"))
            card = QFrame()
            card.setProperty("role", "card")
            card.setAccessibleName(words("welcome", "title"))
            card.setAccessibleDescription(words("welcome", "text"))
            band = vbox(card, margins=(20, 14, 20, 16), spacing=8)
            for line in (self.welcome_title, self.welcome_text, self.welcome_safety):
                band.addWidget(line)
            band.addSpacing(4)
            buttons = (self.practice_button, self.welcome_plan_button, self.names_button, self.welcome_done_button)
            band.addWidget(Lines(None, buttons, spacing=10))
            card.setMaximumWidth(WELCOME_WIDTH)
            card.hide()
            self._beside.insertWidget(1, card)
            self.practice_button.clicked.connect(self.practice_requested)
            self.names_button.clicked.connect(self.names_requested)
            self.welcome_plan_button.clicked.connect(self.plan_requested)
            self.welcome_done_button.clicked.connect(self.welcome_done)
            self._folds = ((self.welcome_plan_button, self.names_button), (self.welcome_text,))
            self._pointing(*buttons)
            self._welcome = card
        return self._welcome

    @property
    def resume_card(self) -> QFrame:
        """The offer to pick up an open episode from before (a restart, or a break),
        never forced (built on first use)."""
        if self._resume is None:
            self.resume_text = label()
            self.resume_button = button(words("talking", "resume_pick_up"), "primary")
            self.let_rest_button = button(words("talking", "resume_let_rest"))
            card = notice_bar(self.resume_text, self.resume_button, self.let_rest_button, margins=(20, 12, 20, 12))
            card.hide()
            self.layout().addWidget(card)
            self.resume_button.clicked.connect(self.resume_requested)
            self.let_rest_button.clicked.connect(self.let_rest_requested)
            self._pointing(self.resume_button, self.let_rest_button)
            self._resume = card
        return self._resume

    def _welcome_shown(self) -> bool:
        return self._welcome is not None and self._welcome.isVisibleTo(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _needed(self) -> int:
        """The height this screen needs at its width, as it stands."""
        invalidate(self.layout())
        return self.layout().totalHeightForWidth(self.width())

    def _fit(self) -> None:
        """The Pause button as large as the room allows. Where the welcome leaves
        it too little, the welcome says less, a step at a time (``_folds``): first
        the buttons the screen has elsewhere (the plan's link above, the names in
        Settings), then its long text; the title, the safety note, the practice
        pause and "Got it" stay. The Pause button goes under PAUSE_FOLDS_FIRST only
        where that is not enough, and never under PAUSE_MIN_DIAMETER. The hint
        under it (its description for screen readers says it too) goes before the
        button gets small, except beside the welcome, where it is news. The lines
        from their plan go last, only where even the smallest button does not fit."""
        if self.width() <= 0 or self.height() <= 0:
            return
        self._fit_hint()
        self._fit_plan_lines()
        welcome = self._folds if self._welcome_shown() else ()
        # The lines from their plan: only where nothing else helps.
        last = (tuple(line for line, texts in self._plan_lines.items() if texts),)
        last = last if last[0] else ()
        folds = (*welcome, (self.hint,), *last)
        first = len(welcome) if welcome else len(folds) - len(last)  # the most folded before the button gets small
        tries = [(PAUSE_FOLDS_FIRST, level) for level in range(first + 1)]
        tries += [(PAUSE_MIN_DIAMETER, level) for level in range(first, len(folds) + 1)]
        for floor, level in tries:
            self._fold(folds, level)
            if self._largest_pause(floor):
                break
        self.pause_button.set_diameter(self.pause_button.diameter())  # its word in the size that fits

    def _fold(self, folds, level: int) -> None:
        """The first ``level`` steps of ``folds`` hidden, the others shown."""
        for step, widgets in enumerate(folds):
            for widget in widgets:
                if widget.isHidden() != (step < level):
                    widget.setVisible(step >= level)

    def _fit_hint(self) -> None:
        """The hint under the Pause button: a narrow column beside the welcome, else
        one line where the width allows."""
        hint = self.hint
        if self._welcome_shown():
            width = HINT_BESIDE
        else:
            hint.ensurePolished()
            left, _, right, _ = MARGINS
            width = min(hint.fontMetrics().horizontalAdvance(hint.text()) + 8, self.width() - left - right)
        if hint.width() != width or hint.minimumWidth() != width:
            hint.setFixedWidth(width)

    def _fit_plan_lines(self) -> None:
        """The lines from their plan, each cut short with "…" at a word's end where
        the window is narrower than its words."""
        left, _, right, _ = MARGINS
        room = self.width() - left - right
        for line, texts in self._plan_lines.items():
            if texts:
                line.ensurePolished()
                text = "\n".join(one_line(words_, line.fontMetrics(), room) for words_ in texts)
                if line.text() != text:
                    line.setText(text)

    def _largest_pause(self, floor: int) -> bool:
        """Give the Pause button the largest diameter, from ``floor`` up, that the
        screen's height holds; False where even ``floor`` does not fit."""
        button, room = self.pause_button, self.height()
        low, high = floor, PAUSE_DIAMETER
        button.set_diameter(high, word=False)
        if self._needed() <= room:
            return True
        button.set_diameter(low, word=False)
        if self._needed() > room:
            return False
        while high - low > 1:  # the largest that fits lies in [low, high)
            middle = (low + high) // 2
            button.set_diameter(middle, word=False)
            if self._needed() <= room:
                low = middle
            else:
                high = middle
        button.set_diameter(low, word=False)
        return True

    def show_welcome(self, shown: bool) -> None:
        """The first-run welcome beside the Pause button; the line under it ("Last
        time…") makes room for it."""
        if shown or self._welcome is not None:
            self.welcome.setVisible(shown)
        # As wide as it may be before the room around it grows; without it, the
        # Pause button in the middle.
        self._middle.setStretchFactor(self._beside, 100 if shown else 0)
        self.last_time.setVisible(not shown)
        if not shown and self._welcome is not None:
            self._fold(self._folds, 0)  # whole, should it come back
        self._refit()

    def _refit(self) -> None:
        if self.isVisible():  # before the first show, the first resize does it
            self._fit()

    def set_plan_lines(self, signal: str, signs: list[str]) -> None:
        """From their plan: their own sign for a pause, and each partner's early signs
        in their own words, one line each (empty: not shown)."""
        lines = {self.signal: [signal] if signal else [], self.signs: list(signs)}
        if lines == self._plan_lines:
            return
        self._plan_lines = lines
        for line, texts in lines.items():
            line.setText("\n".join(texts))  # cut to the width when it is fitted
            line.setAccessibleDescription("\n".join(texts))
            line.setVisible(bool(texts))
        self._refit()

    def set_last_time(self, text: str | None) -> None:
        self.last_time.setText(text or words("talking", "welcome"))
        self._refit()

    def show_open_episode(self, text: str | None, action: str = "") -> None:
        """Offer to pick up an open episode (text=None hides the offer)."""
        if text is None:
            if self._resume is not None and not self._resume.isHidden():
                self._resume.hide()
                self._refit()
            return
        card = self.resume_card
        self.resume_text.setText(text)
        self.resume_button.setText(action)
        self.resume_button.setAccessibleName(action)
        card.show()
        self._refit()

    def focus_pause(self) -> None:
        self.pause_button.setFocus()

