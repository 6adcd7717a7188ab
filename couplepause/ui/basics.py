"""The building blocks of the first window: labels, buttons, rows, the Pause button.

They never touch PySide's ``Qt`` namespace: creating it builds a Python enum
for each of its many enums, time the window with the Pause button should not
wait for (docs/ARCHITECTURE.md, "The way to the first window"; the start-up
benchmark in benchmarks/bench_live.py shows the cost). That rules out ``Qt.*`` names, and also calls whose
overloads or defaults name a ``Qt`` enum (``QBrush(QColor)``,
``QPainter.setPen(QColor)``). Enum properties are set by their key names
instead (``set_enum``), a shortcut's key by its text (``QKeySequence``'s class
is as slow to build). Everything after the first window lives in
``widgets`` and may use ``Qt`` freely; a test keeps this module honest.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize
from PySide6.QtGui import QGuiApplication, QPainter, QPainterPath, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from couplepause.ui import theme


FRAME_ROOM = (16, 48)  # what a window manager's frame and title bar usually take


def fitting(size: tuple[int, int]) -> tuple[int, int]:
    """``size``, or less where the screen's free area (less a window frame) is smaller."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return size
    area = screen.availableGeometry()
    return min(size[0], area.width() - FRAME_ROOM[0]), min(size[1], area.height() - FRAME_ROOM[1])


def set_enum(obj: QObject, name: str, keys: str) -> None:
    """Set an enum or flags property by its key names, e.g.
    ``set_enum(label, "alignment", "AlignLeft|AlignTop")``: Qt converts the
    names itself, as it does for ``qproperty-`` in a style sheet."""
    if not obj.setProperty(name, keys):
        raise ValueError(f"could not set {type(obj).__name__}.{name} to {keys!r}")


def screen_shortcut(key: str, screen: QWidget, slot: Callable[[], None]) -> QShortcut:
    """A key that works anywhere on ``screen`` (and its children), once per press."""
    shortcut = QShortcut(screen)
    if not shortcut.setProperty("key", key):  # by its text, like an enum by its name
        raise ValueError(f"not a key: {key!r}")
    set_enum(shortcut, "context", "WidgetWithChildrenShortcut")
    shortcut.setAutoRepeat(False)
    shortcut.activated.connect(slot)
    return shortcut


def scroller(page: QWidget) -> QScrollArea:
    """A frameless scroll area around a page; the page, not the area, takes the focus."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    set_enum(area, "focusPolicy", "NoFocus")
    area.viewport().setAutoFillBackground(False)
    page.setAutoFillBackground(False)
    return area


def label(text: str = "", role: str | None = None, *, wrap: bool = True, center: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    set_enum(widget, "textFormat", "PlainText")  # names and notes are never markup
    if role:
        widget.setProperty("role", role)
    if center:
        set_enum(widget, "alignment", "AlignCenter")
    return widget


def button(text: str, role: str | None = None, *, accessible: str | None = None) -> QPushButton:
    """A push button reached by Tab and by click, pressed by Space or Enter when
    it has the focus; ``widgets.button`` adds the hand cursor."""
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setAccessibleName(accessible or text.replace("&", ""))
    set_enum(widget, "focusPolicy", "StrongFocus")
    widget.setAutoDefault(True)  # Enter presses it, in a dialog and in the window alike
    return widget


def notice_bar(text: QLabel, *buttons: QPushButton, margins: tuple[int, int, int, int]) -> QFrame:
    """A soft band with a line of text and its buttons on the right."""
    frame = QFrame()
    frame.setProperty("role", "notice")
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.addWidget(text, 1)
    for widget in buttons:
        layout.addWidget(widget)
    return frame


def row(*items: QWidget | None, spacing: int = 12, center: bool = True) -> QHBoxLayout:
    """A horizontal row; ``None`` items become stretch."""
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    if center:
        layout.addStretch(1)
    for item in items:
        if item is None:
            layout.addStretch(1)
        else:
            layout.addWidget(item)
    if center:
        layout.addStretch(1)
    return layout


def vbox(widget: QWidget, margins: tuple[int, int, int, int] = (48, 32, 48, 32), spacing: int = 16) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return layout


def set_text(widget: QLabel | QPushButton, text: str) -> None:
    """Set text only when it changes: no needless relayout while animating."""
    if widget.text() != text:
        widget.setText(text)


class RoundButton(QPushButton):
    """The big round Pause button. Drawn by hand so it stays a circle that
    holds its word at any text size; colours come from the theme."""

    MIN_DIAMETER = 260
    SMALLEST = 170  # on a short screen
    FOCUS_WIDTH = 5

    def __init__(self, text: str):
        super().__init__(text)  # (text, parent) would have PySide build QIcon's enums to choose an overload
        self._diameter = self.MIN_DIAMETER
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        set_enum(self, "focusPolicy", "StrongFocus")
        self.setAutoDefault(True)  # Enter presses it too

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = self.fontMetrics()
        side = max(self._diameter, metrics.horizontalAdvance(self.text()) + 2 * metrics.height())
        return QSize(side, side)

    def fit_height(self, room: int) -> None:
        """As large as usual, smaller where the screen is short (never below SMALLEST;
        its word a size smaller then, style.qss: ``compact``)."""
        diameter = max(self.SMALLEST, min(self.MIN_DIAMETER, room))
        compact = diameter < self.MIN_DIAMETER
        if bool(self.property("compact")) != compact:
            self.setProperty("compact", compact)
            self.style().unpolish(self)
            self.style().polish(self)
        if diameter != self._diameter:
            self._diameter = diameter
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def hitButton(self, pos) -> bool:  # noqa: N802: only the circle is the button
        radius = min(self.width(), self.height()) / 2.0
        center = QPointF(self.width() / 2.0, self.height() / 2.0)
        return (pos.x() - center.x()) ** 2 + (pos.y() - center.y()) ** 2 <= radius ** 2

    # The hover colour follows the mouse.
    def enterEvent(self, event) -> None:  # noqa: N802
        super().enterEvent(event)
        self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        super().leaveEvent(event)
        self.update()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self._palette = None  # another scheme: the fills are made again
        super().changeEvent(event)

    def _fills(self) -> QPalette:
        """The circle's fills, in palette roles: palette brushes need no
        ``QBrush(QColor)``, whose overloads would build the ``Qt`` namespace."""
        palette = getattr(self, "_palette", None)
        if palette is None:
            palette = self._palette = QPalette()
            for role, name in _FILLS.items():
                palette.setColor(role, theme.color(name))
            self._ring = QPen()
            self._ring.setColor(theme.color("focus"))
            self._ring.setWidthF(self.FOCUS_WIDTH)
        return palette

    def paintEvent(self, event) -> None:  # noqa: N802
        """The circle here; the word on top by the style (style.qss: its font
        and colour, no background and no frame of its own)."""
        palette = self._fills()
        if self.isDown():
            fill = QPalette.ColorRole.Dark
        elif self.underMouse():
            fill = QPalette.ColorRole.Light
        else:
            fill = QPalette.ColorRole.Button
        inset = self.FOCUS_WIDTH / 2.0 + 1
        side = min(self.width(), self.height())  # a circle, whatever room the layout gives
        square = QRectF((self.width() - side) / 2.0, (self.height() - side) / 2.0, side, side)
        circle = QPainterPath()
        circle.addEllipse(square.adjusted(inset, inset, -inset, -inset))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(circle, palette.brush(fill))
        if self.hasFocus():
            painter.strokePath(circle, self._ring)
        painter.end()
        super().paintEvent(event)


# The Pause button's fills, kept in palette roles: at rest, under the mouse, pressed.
_FILLS = {
    QPalette.ColorRole.Button: "pause",
    QPalette.ColorRole.Light: "pause_hover",
    QPalette.ColorRole.Dark: "pause_pressed",
}
