"""The building blocks of the first window: labels, buttons, rows, the Pause button.

They never touch PySide's ``Qt`` namespace: creating it builds a Python enum
for each of its many enums, time the window with the Pause button should not
wait for (docs/ARCHITECTURE.md, "The way to the first window"; the start-up
benchmark in benchmarks/bench_live.py shows the cost). That rules out ``Qt.*`` names, and also calls whose
overloads or defaults name a ``Qt`` enum (``QBrush(QColor)``,
``QPainter.setPen(QColor)``). Enum properties are set by their key names
instead (``set_enum``). Everything after the first window lives in
``widgets`` and may use ``Qt`` freely. tests/ui/test_first_window.py starts the app
and fails if the namespace is built before the first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QPainterPath, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from couplepause.ui import theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStackedWidget

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
    sequence = QKeySequence(key)
    if sequence.isEmpty():
        raise ValueError(f"not a key: {key!r}")
    shortcut = QShortcut(sequence, screen)
    set_enum(shortcut, "context", "WidgetWithChildrenShortcut")
    shortcut.setAutoRepeat(False)
    shortcut.activated.connect(slot)
    return shortcut


def scroller(page: QWidget, stack: QStackedWidget | None = None) -> QScrollArea:
    """A frameless scroll area around a page; the page, not the area, takes the focus.
    With ``stack``, the area goes into it first and the page after: a page put into an
    area already in its window is styled once, not twice (half the time to build)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    if stack is not None:
        stack.addWidget(area)
    area.setWidget(page)
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
    """A soft band with a line of text and its buttons on the right, or under it
    where the width is short (``Lines``)."""
    frame = QFrame()
    frame.setProperty("role", "notice")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.addWidget(Lines(text, buttons, end=True))
    return frame


TEXT_ROOM = 300  # the least width a text keeps beside its buttons; else it takes a line of its own


class Lines(QWidget):
    """A text and its buttons, or buttons alone, folded to the width they get: the
    text beside the buttons while it keeps ``TEXT_ROOM`` (or its whole line), else
    above them; the buttons in one row while it fits, else in as many columns as
    fit. ``end``: the buttons lean to the right. Placed by hand (no layout), so the
    height asked for at a width is the height of what is placed at that width."""

    def __init__(self, text: QLabel | None, buttons, *, spacing: int = 12, end: bool = False):
        super().__init__()
        self._text = text
        self._buttons = list(buttons)
        self._spacing = spacing
        self._end = end
        for widget in (text, *self._buttons):
            if widget is not None:
                widget.setParent(self)  # its own from now on: shown unless hidden
        for before, after in zip(self._buttons, self._buttons[1:]):
            QWidget.setTabOrder(before, after)  # Tab goes the way the eyes read

    def _shown(self) -> tuple[QLabel | None, list[QPushButton]]:
        text = self._text if self._text is not None and not self._text.isHidden() else None
        return text, [b for b in self._buttons if not b.isHidden()]

    def _plan(self, width: int) -> tuple[bool, list[int]]:
        """At ``width``: whether the text sits beside the buttons, and the width of
        each column of buttons."""
        text, buttons = self._shown()
        widths = [b.sizeHint().width() for b in buttons]
        if text is not None:
            text.ensurePolished()  # its font from the style sheet
            whole = text.fontMetrics().horizontalAdvance(text.text()) + 2 * text.margin() + 4
            if width - sum(widths) - self._spacing * len(widths) >= min(TEXT_ROOM, whole):
                return True, widths
        for count in range(len(widths), 1, -1):
            columns = [max(widths[c::count]) for c in range(count)]
            if sum(columns) + self._spacing * (count - 1) <= width:
                return False, columns
        return False, [min(width, max(widths, default=0))]

    def _places(self, width: int) -> tuple[list[tuple[QWidget, QRect]], int]:
        """Where each shown widget goes at ``width``, and the height it all takes."""
        text, buttons = self._shown()
        beside, columns = self._plan(width)
        spacing, places = self._spacing, []
        if beside:
            room = width - sum(columns) - spacing * len(columns)
            height = max([b.sizeHint().height() for b in buttons] + [text.heightForWidth(room)])
            places.append((text, QRect(0, 0, room, height)))
            x = room + spacing
            for b, w in zip(buttons, columns):
                h = b.sizeHint().height()
                places.append((b, QRect(x, (height - h) // 2, w, h)))
                x += w + spacing
            return places, height
        y = 0
        if text is not None:
            y = text.heightForWidth(width)
            places.append((text, QRect(0, 0, width, y)))
            y += spacing if buttons else 0
        across = sum(columns) + spacing * (len(columns) - 1)
        left = max(0, width - across) if self._end else 0
        count = len(columns)
        for start in range(0, len(buttons), count):
            line = buttons[start:start + count]
            h = max(b.sizeHint().height() for b in line)
            x = left
            for b, w in zip(line, columns):
                places.append((b, QRect(x, y, w, h)))
                x += w + spacing
            y += h + spacing
        return places, (y - spacing if buttons else y)

    def _place(self) -> None:
        for widget, rect in self._places(self.width())[0]:
            if widget.geometry() != rect:
                widget.setGeometry(rect)

    def heightForWidth(self, width: int) -> int:
        return self._places(width)[1]

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        text, buttons = self._shown()
        hints = [b.sizeHint() for b in buttons] + ([text.sizeHint()] if text is not None else [])
        width = sum(h.width() for h in hints) + self._spacing * max(0, len(hints) - 1)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        text, buttons = self._shown()
        widths = [b.sizeHint().width() for b in buttons]
        if text is not None:
            widths.append(text.minimumSizeHint().width())
        return QSize(max(widths, default=0), max((b.sizeHint().height() for b in buttons), default=0))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def event(self, event) -> bool:
        # A text or a button changed, or was shown or hidden; or the band comes into view
        # (a button shown or hidden while it was out of view told it nothing).
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self.updateGeometry()
            self._place()
        return super().event(event)


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


def invalidate(layout: QLayout) -> None:
    """Forget what ``layout``, the layouts in it and the bands it holds measured
    (Qt does that when it next lays them out; a screen that fits itself measures its
    room before, right after a part of it was shown, hidden or restyled)."""
    layout.invalidate()
    for i in range(layout.count()):
        item = layout.itemAt(i)
        widget = item.widget()
        if item.layout() is not None:
            invalidate(item.layout())
        elif widget is not None:
            if widget.layout() is not None:
                invalidate(widget.layout())
            widget.updateGeometry()  # what the layout above kept of its size (a band placed by hand too)


def set_text(widget: QLabel | QPushButton, text: str) -> None:
    """Set text only when it changes: no needless relayout while animating."""
    if widget.text() != text:
        widget.setText(text)


# The Pause button's size: as large as PAUSE_DIAMETER where the screen has room,
# never under PAUSE_MIN_DIAMETER, where it still reads as the main action; its word
# a step smaller below each of PAUSE_WORD_STEPS (style.qss: ``word``).
PAUSE_DIAMETER = 300
PAUSE_MIN_DIAMETER = 120
PAUSE_WORD_STEPS = ((250, "large"), (170, "compact"), (0, "small"))


class RoundButton(QPushButton):
    """The big round Pause button. Drawn by hand so it stays a circle; its
    diameter is what the screen has room for, its word sized to fit it; colours
    come from the theme."""

    FOCUS_WIDTH = 5

    def __init__(self, text: str):
        super().__init__(text)  # (text, parent) would have PySide build QIcon's enums to choose an overload
        self._diameter = PAUSE_DIAMETER
        self.setProperty("word", "large")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        set_enum(self, "focusPolicy", "StrongFocus")
        self.setAutoDefault(True)  # Enter presses it too

    def sizeHint(self) -> QSize:
        return QSize(self._diameter, self._diameter)

    def diameter(self) -> int:
        return self._diameter

    def set_diameter(self, diameter: int, *, word: bool = True) -> int:
        """As large as ``diameter`` (between PAUSE_MIN_DIAMETER and PAUSE_DIAMETER),
        its word in the size that fits it (``word=False``: the size only, while the
        room is measured); the diameter taken."""
        diameter = max(PAUSE_MIN_DIAMETER, min(PAUSE_DIAMETER, diameter))
        if diameter != self._diameter:
            self._diameter = diameter
            self.updateGeometry()
        if word:
            self._fit_word()
        return diameter

    def _fit_word(self) -> None:
        diameter = self._diameter
        word = next(step for least, step in PAUSE_WORD_STEPS if diameter >= least)
        if self.property("word") != word:
            self.setProperty("word", word)
            self.style().unpolish(self)
            self.style().polish(self)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hitButton(self, pos) -> bool:  # only the circle is the button
        radius = min(self.width(), self.height()) / 2.0
        center = QPointF(self.width() / 2.0, self.height() / 2.0)
        return (pos.x() - center.x()) ** 2 + (pos.y() - center.y()) ** 2 <= radius ** 2

    # The hover colour follows the mouse.
    def enterEvent(self, event) -> None:
        super().enterEvent(event)
        self.update()

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self.update()

    def changeEvent(self, event) -> None:
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

    def paintEvent(self, event) -> None:
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
