"""The main window: a notice line on top and one screen at a time below."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.texts import words
from couplepause.ui.basics import button, fitting, label, notice_bar, scroller
from couplepause.ui.talking import TalkingView

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

NOTICE_LINGER_MS = 5000
# The notice band, roomy and compact: compact on a window under COMPACT_HEIGHT (a small
# laptop), where a live screen under it needs every line.
COMPACT_HEIGHT = 640
NOTICE_MARGINS = ((18, 10, 12, 10), (14, 4, 8, 4))
HOLDER_MARGINS = ((16, 12, 16, 0), (16, 6, 16, 0))
DEFAULT_SIZE = (1120, 780)  # when the screen has room; else the screen's free area
MINIMUM_SIZE = (640, 480)

# The screens after the Pause, built on first use (breathing right after the
# window first shows, so start-up pays only for the home screen): name -> builder.
def _breathing(wall):
    from couplepause.ui.breathing import BreathingView

    return BreathingView()


def _turns(wall):
    from couplepause.ui.turns import TurnsView

    return TurnsView()


def _repair(wall):
    from couplepause.ui.repair import RepairView

    return RepairView()


def _break_choice(wall):
    from couplepause.ui.pause_break import BreakChoiceView

    return BreakChoiceView(wall)


def _on_break(wall):
    from couplepause.ui.pause_break import BreakView

    return BreakView()


def _after(wall):
    from couplepause.ui.after import AfterView

    return AfterView()


FLOW_SCREENS = {
    "breathing": _breathing,
    "turns": _turns,
    "repair": _repair,
    "break_choice": _break_choice,
    "on_break": _on_break,
    "after": _after,
}


class _FirstExpose(QObject):
    """Calls back once, when the window is first really on screen."""

    def __init__(self, callback, parent):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched, event) -> bool:
        if self._callback is not None and event.type() == QEvent.Type.Expose and watched.isExposed():
            callback, self._callback = self._callback, None
            QTimer.singleShot(0, callback)
        return False


def _screen(name: str) -> property:
    return property(lambda self: self.screen(name), doc=f"The {name} screen (built on first use).")


class MainWindow(QMainWindow):
    screen_built = Signal(str, QWidget)  # name, view: wire it up
    first_exposed = Signal()  # the window is on screen for the first time

    breathing = _screen("breathing")
    turns = _screen("turns")
    repair = _screen("repair")
    break_choice = _screen("break_choice")
    on_break = _screen("on_break")
    after = _screen("after")

    def __init__(self, wall=None, parent=None, *, welcome: bool = False):
        super().__init__(parent)
        self._wall = wall  # the wall clock, for the return time of a break
        self._screens: dict[str, QWidget] = {}
        self.setWindowTitle(words("app", "title"))
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(*fitting(DEFAULT_SIZE))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # The notice band above the screens: built with the first notice.
        self._notice: QWidget | None = None
        self._notice_callbacks: tuple[Callable[[], None] | None, Callable[[], None] | None] = (None, None)

        # The menu bar is there from the first frame (its entries come with the
        # store): added later, it would push the Pause button down on screen.
        self.file_menu = self.menuBar().addMenu(words("menu", "file"))
        self.help_menu = self.menuBar().addMenu(words("menu", "help"))

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.talking = TalkingView()
        self.talking.show_welcome(welcome)  # from the first frame: the Pause button never moves at start
        self._pages: dict[QWidget, QWidget] = {}
        # The home screen fits any window (one button, a few lines): no scroll
        # area, which also keeps the scroll-area machinery out of start-up.
        self.add_view(self.talking, scroll=False)
        self.show_view(self.talking)

        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.hide_notice)
        # Asked before the window closes; returns False to keep it open.
        self.close_guard: Callable[[], bool] | None = None

    @property
    def notice(self) -> QWidget:
        """The band with a calm line at the top, its action and OK (built on first use)."""
        if self._notice is None:
            self._notice = self._notice_band()
        return self._notice

    def _notice_band(self) -> QWidget:
        """The notice band, put above the screens, in the window's height (roomy or compact)."""
        self.notice_text = label()
        self.notice_text.setAccessibleName(words("accessible", "notice"))
        self.notice_action = button("", "primary")
        self.notice_action.clicked.connect(self._notice_acted)
        self.notice_action.hide()
        self.notice_dismiss = button(words("notices", "dismiss"))
        self.notice_dismiss.clicked.connect(self._notice_dismissed)
        band = notice_bar(self.notice_text, self.notice_action, self.notice_dismiss, margins=NOTICE_MARGINS[0])
        band.setProperty("compact", False)  # as built: restyled when the window is short
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(*HOLDER_MARGINS[0])
        holder_layout.addWidget(band)
        holder.hide()
        self.centralWidget().layout().insertWidget(0, holder)
        self.notice_holder = holder
        self._compact_notice(band, self.height() < COMPACT_HEIGHT)
        return band

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._notice is not None:
            self._compact_notice(self._notice, self.height() < COMPACT_HEIGHT)

    def _compact_notice(self, band: QWidget, compact: bool) -> None:
        if band.property("compact") == compact:
            return
        band.setProperty("compact", compact)
        band.layout().setContentsMargins(*NOTICE_MARGINS[compact])
        self.notice_holder.layout().setContentsMargins(*HOLDER_MARGINS[compact])
        for widget in (self.notice_text, self.notice_action, self.notice_dismiss):
            widget.setProperty("compact", compact)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.updateGeometry()

    def set_wall(self, wall) -> None:
        self._wall = wall

    def screen(self, name: str) -> QWidget:
        view = self._screens.get(name)
        if view is None:
            view = FLOW_SCREENS[name](self._wall)
            self._screens[name] = view
            self.add_view(view)
            self.screen_built.emit(name, view)
        return view

    def built(self, name: str) -> QWidget | None:
        """The screen if it exists already; never builds it."""
        return self._screens.get(name)

    def ready_for_the_pause(self) -> None:
        """Once the window is on screen: the pointing hands, and the breathing screen
        the Pause opens, so that it answers at once. The screens after breathing are
        built when first needed (each in 2-5 ms, within a frame)."""
        self.talking.finish()
        self.screen("breathing")

    def flow_views(self) -> tuple[QWidget, ...]:
        return (self.talking, *self._screens.values())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and not hasattr(self, "_expose_watch"):
            self._expose_watch = _FirstExpose(self.first_exposed.emit, handle)
            handle.installEventFilter(self._expose_watch)

    def add_view(self, view: QWidget, *, scroll: bool = True) -> None:
        """Add a screen. It scrolls when it cannot fit (large text, small screen);
        a screen that scrolls its own parts (the history's tables) does not."""
        if not scroll:
            self._pages[view] = view
            self.stack.addWidget(view)
            return
        self._pages[view] = scroller(view, self.stack)

    def show_view(self, view: QWidget) -> None:
        area = self._pages[view]
        if self.stack.currentWidget() is not area:
            self.stack.setCurrentWidget(area)

    def current_view(self) -> QWidget:
        page = self.stack.currentWidget()
        return page.widget() if isinstance(page, QScrollArea) else page

    def show_notice(
        self,
        text: str,
        *,
        linger: bool = False,
        action: tuple[str, Callable[[], None]] | None = None,
        on_dismiss: Callable[[], None] | None = None,
    ) -> None:
        """A calm line at the top. ``linger``: it fades out by itself. ``action``: a
        button (text, what it does) beside OK; ``on_dismiss``: run when OK is pressed."""
        if self._notice is None:
            self._notice = self._notice_band()
        self.notice_text.setText(text)
        if action is None:
            self.notice_action.hide()
        else:
            self.notice_action.setText(action[0])
            self.notice_action.setAccessibleName(action[0])
            self.notice_action.show()
        self._notice_callbacks = (action[1] if action else None, on_dismiss)
        self.notice_holder.show()
        if linger and action is None:
            self._notice_timer.start(NOTICE_LINGER_MS)
        else:
            self._notice_timer.stop()

    def hide_notice(self) -> None:
        self._notice_timer.stop()
        self._notice_callbacks = (None, None)
        if self._notice is not None:
            self.notice_holder.hide()

    def _notice_acted(self) -> None:
        act = self._notice_callbacks[0]
        self.hide_notice()
        if act is not None:
            act()

    def _notice_dismissed(self) -> None:
        dismissed = self._notice_callbacks[1]
        self.hide_notice()
        if dismissed is not None:
            dismissed()

    def notice_shown(self) -> str | None:
        """The line on show, if any."""
        if self._notice is None or not self.notice_holder.isVisibleTo(self):
            return None
        return self.notice_text.text()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # nothing to raise there
            self.raise_()
            self.activateWindow()
        QApplication.alert(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        self._notice_timer.stop()
        event.accept()
