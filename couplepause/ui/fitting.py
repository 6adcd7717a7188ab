"""The live screens whole in the window they are shown in, without scrolling.

A small laptop (1024x600, less a window manager's frame and the menu bar), long names,
German words and a notice on top leave a live screen little height. Each live screen
is a ``Fitted``: it knows a few ways to lay itself out, the roomiest first (``STEPS``,
``lay_out(step)``: headings a size smaller, parts side by side), and takes the first
whose height at the window's width fits the room its scroll area shows. Where even the
last one is too tall, the columns of words that may scroll inside their card
(``Column``: the partners' prompts) give up height until the screen fits; the screen
itself scrolls only where nothing else helps (very large text).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QGridLayout, QLabel, QScrollArea, QSizePolicy, QWidget

from couplepause.ui.basics import invalidate, vbox

COLUMN_LEAST_LINES = 3  # a column that scrolls still shows this many lines of its words


def restyle(widgets, name: str, value) -> None:
    """Set a style property (style.qss reads it) on ``widgets`` and have the style
    take it (its font, padding, edge) at once, so the screen is measured with it."""
    for widget in widgets:
        if widget.property(name) != value:
            widget.setProperty(name, value)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.updateGeometry()


def regrid(grid: QGridLayout, places) -> None:
    """Put widgets in other cells of ``grid``: ``places`` is (widget, row, column, rows,
    columns, alignment or None) for each; every row and column without stretch."""
    for widget, *_ in places:
        grid.removeWidget(widget)
    for widget, row, column, rows, columns, align in places:
        if align is None:
            grid.addWidget(widget, row, column, rows, columns)
        else:
            grid.addWidget(widget, row, column, rows, columns, align)
    for line in range(grid.rowCount()):
        grid.setRowStretch(line, 0)
    for line in range(grid.columnCount()):
        grid.setColumnStretch(line, 0)


class Column(QScrollArea):
    """Lines of words in a column that asks for their whole height; only when the
    screen cannot give it (``cap``) does it scroll, inside its card, never the screen."""

    def __init__(self, spacing: int = 6, parent=None):
        super().__init__(parent)
        self.inner = QWidget()
        self.lines = vbox(self.inner, (0, 0, 0, 0), spacing)
        self.lines.addStretch(1)  # the words at the top of their card, however tall it is
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAutoFillBackground(False)
        self.inner.setAutoFillBackground(False)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._cap: int | None = None
        self.inner.installEventFilter(self)

    def add(self, widget: QWidget) -> None:
        self.lines.insertWidget(self.lines.count() - 1, widget)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.inner and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # its words changed: the layouts above measure again
        return False

    def whole(self, width: int) -> int:
        """The height all its words take at ``width``."""
        layout = self.lines
        return layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()

    def least(self) -> int:
        """The height it keeps when it must scroll: a few lines of its words."""
        return self.fontMetrics().lineSpacing() * COLUMN_LEAST_LINES

    def cap(self) -> int | None:
        return self._cap

    def set_cap(self, cap: int | None) -> None:
        """At most ``cap`` pixels tall (it scrolls), or None: as tall as its words."""
        if cap is not None:
            cap = max(cap, self.least())
        if cap != self._cap:
            self._cap = cap
            # Uncapped, it has the height of its words, so no bar (one shown for a moment
            # while the window changed would make the words narrower, and keep itself).
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if cap is None
                                            else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.updateGeometry()

    def forget(self) -> None:
        invalidate(self.lines)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        whole = self.whole(width)
        return whole if self._cap is None else min(whole, self._cap)

    def sizeHint(self) -> QSize:
        width = self.inner.sizeHint().width()
        return QSize(width, self.heightForWidth(max(width, 1)))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.inner.minimumSizeHint().width(), min(self.least(), self.sizeHint().height()))


class Fitted(QWidget):
    """A live screen that lays itself out to be whole in the room its scroll area
    shows (``MainWindow.add_view`` puts it in one): subclasses name ``STEPS`` and
    lay themselves out for each in ``lay_out``; ``fit()`` again when their words change."""

    STEPS = 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self._step = -1
        self._area: QAbstractScrollArea | None = None
        self._fitting = False
        self.columns: list[Column] = []  # the columns that may scroll inside their card

    # ------------------------------------------------------------ the room
    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ParentChange:
            self._watch()
        return super().event(event)

    def _watch(self) -> None:
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        if not isinstance(area, QAbstractScrollArea):
            area = None
        if area is self._area:
            return
        if self._area is not None:
            self._area.removeEventFilter(self)
        self._area = area
        if area is not None:
            area.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._area and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._area is None:  # shown on its own (a test): its own size is its room
            self.fit()

    def minimumSizeHint(self) -> QSize:
        """As narrow as its layout goes; its height is the one it asks for at the width
        it gets (a layout's least height is that of its parts at their narrowest, which
        its scroll area would otherwise keep, however wide the window)."""
        layout = self.layout()
        if layout is None:
            return super().minimumSizeHint()
        return QSize(layout.totalMinimumSize().width(), 0)

    def room(self) -> QSize:
        """The room the screen has: its scroll area's, less a scroll bar's width (a
        scroll area that shows one measures the screen at that width before it lets
        the bar go, so the screen must fit there too)."""
        if self._area is not None:
            room = self._area.maximumViewportSize()
            return QSize(room.width() - self._area.verticalScrollBar().sizeHint().width(), room.height())
        return self.size()

    # ------------------------------------------------------------ fitting
    def step(self) -> int:
        """How the screen is laid out now: 0 the roomiest, up to STEPS - 1."""
        return self._step

    def lay_out(self, step: int) -> None:
        """Lay the screen out the ``step``-th way (0: the roomiest)."""

    def fit(self) -> None:
        """Take the roomiest way that fits the room; where none does, let the columns
        scroll inside their cards, as little as will do."""
        room = self.room()
        if self._fitting or room.width() <= 0 or room.height() <= 0:
            return
        self._fitting = True
        try:
            for column in self.columns:
                column.set_cap(None)
            for step in range(self.STEPS):
                if step != self._step:
                    self._step = step
                    self.lay_out(step)
                if self.fits(room):
                    return
            self._squeeze(room)
        finally:
            self._fitting = False

    def needed(self, width: int) -> QSize:
        """The least width the screen takes, and the height it asks for at ``width``."""
        layout = self.layout()
        invalidate(layout)
        for column in self.columns:
            column.forget()
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        return QSize(layout.totalMinimumSize().width(), height)

    def fits(self, room: QSize) -> bool:
        needed = self.needed(room.width())
        return needed.width() <= room.width() and needed.height() <= room.height()

    def _squeeze(self, room: QSize) -> None:
        """The columns as tall as the room leaves them (the same cap for all: the
        tallest gives first), in as few measurements as a halving search takes."""
        shown = [c for c in self.columns if not c.isHidden()]
        if not shown:
            return
        low, high = min(c.least() for c in shown), room.height()
        for column in shown:
            column.set_cap(low)
        if not self.fits(room):
            return  # the screen scrolls: nothing else helps
        while high - low > 1:
            middle = (low + high) // 2
            for column in shown:
                column.set_cap(middle)
            if self.fits(room):
                low = middle
            else:
                high = middle
        for column in shown:
            column.set_cap(low)


class Asked(QWidget):
    """A question and its row of choices: the question beside the row, in the middle,
    where the width holds both, else on its own line above it. Placed by hand (no
    layout), so the height asked for at a width is the height of what is placed there."""

    def __init__(self, question: QLabel, choice: QWidget, *, spacing: int = 12, line_spacing: int = 4):
        super().__init__()
        self.question = question
        self.choice = choice
        self._spacing = spacing
        self._line_spacing = line_spacing
        self._above = False
        question.setParent(self)
        choice.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _beside_width(self) -> int:
        return self.question.sizeHint().width() + self._spacing + self.choice.sizeHint().width()

    def beside(self, width: int) -> bool:
        return not self._above and self._beside_width() <= width

    def set_above(self, above: bool) -> None:
        """The question on its own line above its choices, whatever the width."""
        if above != self._above:
            self._above = above
            self.updateGeometry()
            self._place()

    def _places(self, width: int) -> tuple[list[tuple[QWidget, QRect]], int]:
        question, choice = self.question.sizeHint(), self.choice.sizeHint()
        if self.beside(width):
            height = max(question.height(), choice.height())
            left = (width - self._beside_width()) // 2
            top = (height - question.height()) // 2
            return [(self.question, QRect(left, top, question.width(), question.height())),
                    (self.choice, QRect(left + question.width() + self._spacing, (height - choice.height()) // 2,
                                        choice.width(), choice.height()))], height
        shown = min(width, choice.width())
        top = question.height() + self._line_spacing
        return [(self.question, QRect(0, 0, width, question.height())),
                (self.choice, QRect((width - shown) // 2, top, shown, choice.height()))], top + choice.height()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._places(width)[1]

    def sizeHint(self) -> QSize:
        if self._above:
            width = max(self.question.sizeHint().width(), self.choice.sizeHint().width())
        else:
            width = self._beside_width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = max(self.choice.minimumSizeHint().width(), self.choice.sizeHint().width())
        return QSize(width, self.heightForWidth(width))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        for widget, rect in self._places(self.width())[0]:
            if widget.geometry() != rect:
                widget.setGeometry(rect)

    def event(self, event) -> bool:
        # A name on a chip changed, or the row comes into view (a change while it was
        # out of view told it nothing).
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self.updateGeometry()
            self._place()
        return super().event(event)
