"""Windows open whole on the screen, title bar included.

A window is sized to the screen's free area less a usual frame (``basics.fitting``)
before it shows; where it is placed is then up to Qt and the window manager, which
can leave a frame's title bar above the top of a small screen or a bottom edge below
it. ``keep_on_screen`` looks once the window is first on screen, when its real frame
is known, and moves it (smaller first, where it must and may be) so that the whole
frame lies in the free area. After that the window is the couple's to place.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


class _FirstShown(QObject):
    """Puts a window inside the screen once, right after it is first exposed."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self._widget = widget

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Expose and watched.isExposed():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, lambda: keep_inside(self._widget))
        return False


def keep_on_screen(window: QWidget) -> None:
    """Once ``window`` (shown, or about to be) is first on screen, keep its frame inside
    the screen's free area."""
    window.winId()  # its native window, to watch
    handle = window.windowHandle()
    if handle is not None:
        handle.installEventFilter(_FirstShown(window))


def keep_inside(window: QWidget) -> None:
    """Move ``window`` so that its frame lies in its screen's free area, making it smaller
    first where it is larger than that area (never below its minimum size)."""
    handle = window.windowHandle()
    screen = handle.screen() if handle is not None else QGuiApplication.primaryScreen()
    if screen is None or not window.isVisible():
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    if area.contains(frame):
        return
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = max(window.minimumWidth(), min(window.width(), area.width() - extra_w))
    height = max(window.minimumHeight(), min(window.height(), area.height() - extra_h))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    # The top left corner wins where the window cannot fit: the title bar stays in reach.
    x = max(area.left(), min(frame.left(), area.right() + 1 - width - extra_w))
    y = max(area.top(), min(frame.top(), area.bottom() + 1 - height - extra_h))
    window.move(x, y)  # a window's position is its frame's
