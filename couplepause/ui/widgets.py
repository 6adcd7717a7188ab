"""Building blocks of the screens after the first one.

The first window's blocks (label, button, row, the Pause button) live in
``basics``, which stays clear of the ``Qt`` namespace; they are re-exported
here, with ``button`` adding the pointing-hand cursor.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QGuiApplication, QPainter, QRadialGradient
from PySide6.QtWidgets import (
    QAbstractButton,
    QAccessibleWidget,
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.texts import words
from couplepause.ui import basics, theme
from couplepause.ui.basics import fitting, label, row, set_text, vbox

__all__ = [
    "Choice", "Pacer", "RadioGroup", "announce", "button", "card", "card_layout", "dialog_frame", "fit",
    "hand_cursor", "keep_inside", "label", "mark_problem", "message_and_buttons", "place", "row", "say_in",
    "set_text", "show_beside", "vbox",
]


def show_beside(dialog: QWidget) -> QWidget:
    """Show a dialog next to the window, never modal: the Pause button stays
    within reach whatever else is open. It opens whole inside the screen's free
    area, its title bar included."""
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.ensurePolished()  # its fonts and paddings, before it is measured
    fit(dialog)
    dialog.resize(*fitting((dialog.width(), dialog.height())))  # never larger than the screen
    place(dialog)
    dialog.show()
    inside = fitting((dialog.width(), dialog.height()))
    if inside != (dialog.width(), dialog.height()):
        dialog.resize(*inside)
        place(dialog)
    return bring_forward(dialog)


def keep_inside(dialog: QWidget) -> None:
    """Move a dialog that grew back inside the screen's free area, frame included."""
    screen = QWidget.screen(dialog)
    if screen is None or not dialog.isVisible():
        return
    area, frame = screen.availableGeometry(), dialog.frameGeometry()
    if not area.contains(frame):
        x = max(area.left(), min(frame.x(), area.right() + 1 - frame.width()))
        y = max(area.top(), min(frame.y(), area.bottom() + 1 - frame.height()))
        dialog.move(x, y)


def place(dialog: QWidget) -> None:
    """Centre a top-level dialog over its window, with its frame (as the window's
    frame is, where the window manager has drawn one) inside the screen's free area."""
    owner = dialog.parentWidget().window() if dialog.parentWidget() is not None else None
    screen = QWidget.screen(owner) if owner is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    if owner is not None and owner.isVisible():
        frame = owner.frameGeometry()
        extra = QSize(frame.width() - owner.width(), frame.height() - owner.height())
        centre = frame.center()
    else:
        extra, centre = QSize(0, 0), area.center()
    whole = QSize(dialog.width() + extra.width(), dialog.height() + extra.height())
    x = max(area.left(), min(centre.x() - whole.width() // 2, area.right() + 1 - whole.width()))
    y = max(area.top(), min(centre.y() - whole.height() // 2, area.bottom() + 1 - whole.height()))
    dialog.move(x, y)  # a window's position is its frame's


def bring_forward(dialog: QWidget) -> QWidget:
    """Raise a dialog that is open (again) above the window."""
    if QGuiApplication.platformName() != "offscreen":  # nothing to raise there
        dialog.raise_()
    return dialog


def dialog_frame(
    dialog: QWidget, title: str, width: int, *, margins: tuple[int, int, int, int] = (28, 24, 28, 24), spacing: int = 12
) -> QVBoxLayout:
    """A dialog's window title, name for screen readers, width and main layout."""
    dialog.setWindowTitle(f"{title} — {words('app', 'title')}")
    dialog.setAccessibleName(title)
    dialog.setMinimumWidth(width)
    return vbox(dialog, margins, spacing)


def size_to_contents(dialog: QWidget, scroll, *, min_width: int = 0) -> None:
    """Make a dialog whose main part scrolls as large as that part needs (a scroll area
    asks for less than its contents), with room for a scroll bar should one show, and
    never larger than the screen."""
    dialog.layout().activate()
    hint, whole, shown = dialog.sizeHint(), scroll.widget().sizeHint(), scroll.sizeHint()
    extra = scroll.verticalScrollBar().sizeHint().width()
    width = max(min_width, hint.width() + max(0, whole.width() + extra - shown.width()))
    dialog.resize(*fitting((width, hint.height() + max(0, whole.height() - shown.height()))))


def fit(dialog: QWidget) -> None:
    """Give a dialog the height its wrapped lines need at its width (Qt sizes a new
    dialog before the lines know their width); it only ever grows. A dialog that
    is not ours (a native file chooser) may have no layout: it sizes itself."""
    if dialog.layout() is None:
        return
    dialog.layout().activate()
    sized = dialog.testAttribute(Qt.WidgetAttribute.WA_Resized)  # the dialog chose a size itself
    width = max(dialog.minimumWidth(), dialog.sizeHint().width(), dialog.width() if sized else 0)
    height = dialog.layout().heightForWidth(width) if dialog.layout().hasHeightForWidth() else -1
    dialog.resize(width, max(height, dialog.sizeHint().height(), dialog.height() if sized else 0))


def say_in(dialog: QWidget, line: QLabel, text: str, *, problem: bool = True) -> None:
    """Show ``text`` on a dialog's message ``line``: a problem looks like one (its own
    band, style.qss ``problem``) and is named so for screen readers, a notice looks
    plain; the dialog grows to fit it rather than squeezing the choices above it."""
    mark_problem(line, problem)
    line.setText(text)
    line.show()
    dialog.layout().activate()
    needed = dialog.sizeHint().height()
    if dialog.height() < needed:
        dialog.resize(dialog.width(), fitting((dialog.width(), needed))[1])  # never past the screen
        keep_inside(dialog)


def message_and_buttons(message: QLabel, *buttons: QWidget) -> QHBoxLayout:
    """A dialog's last row: its message line (``say_in``) in the room left of its
    buttons, so a problem said costs the dialog no height on a small screen."""
    layout = QHBoxLayout()
    layout.setSpacing(12)
    layout.addWidget(message, 100)
    layout.addStretch(1)  # the buttons stay right while there is no message
    for widget in buttons:
        layout.addWidget(widget)
    return layout


def mark_problem(line: QLabel, problem: bool) -> None:
    """Show ``line`` as a problem (True) or as a plain notice (False)."""
    line.setAccessibleName(words("accessible", "problem" if problem else "notice"))
    if bool(line.property("problem")) != problem:
        line.setProperty("problem", problem)
        line.style().unpolish(line)
        line.style().polish(line)
        # A label takes its band's padding and edge only when told its style changed.
        QApplication.sendEvent(line, QEvent(QEvent.Type.StyleChange))


def announce(widget: QWidget, message: str) -> None:
    """Have screen readers say ``message`` for ``widget``, politely: after what they
    are saying, never cutting in. Nothing is sent when no assistive technology listens."""
    if QAccessible.isActive():
        event = QAccessibleAnnouncementEvent(widget, message)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)


def hand_cursor(*widgets: QWidget) -> None:
    """The pointing hand over things that act when clicked."""
    for widget in widgets:
        widget.setCursor(Qt.CursorShape.PointingHandCursor)


def button(text: str, role: str | None = None, *, accessible: str | None = None) -> QPushButton:
    widget = basics.button(text, role, accessible=accessible)
    hand_cursor(widget)
    return widget


def card_layout(
    frame: QFrame, *, margins: tuple[int, int, int, int] = (24, 20, 24, 20), spacing: int = 12
) -> QVBoxLayout:
    """Make ``frame`` a card (style.qss draws it) and give it its column."""
    frame.setProperty("role", "card")
    return vbox(frame, margins, spacing)


def card(*children: QWidget, spacing: int = 12) -> QFrame:
    frame = QFrame()
    layout = card_layout(frame, spacing=spacing)
    for child in children:
        layout.addWidget(child)
    return frame


class ChoiceButton(QRadioButton):
    """One option of a ``Choice``: a radio button to a screen reader, drawn as
    a soft chip (style.qss). Space or Enter chooses it; the arrow keys move
    along its row.

    It stays auto-exclusive, as a radio button is: Qt tells assistive technology
    that a checkable button which is not is a check box. Its ``Choice``'s button
    group, which is not exclusive, decides instead (Qt leaves grouped buttons to
    their group), so choosing the chosen one again still clears it."""

    def __init__(self, text: str, role: str, accessible: str, parent=None):
        super().__init__(text, parent)
        self.setProperty("role", role)
        self.setAccessibleName(accessible)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        hand_cursor(self)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not event.isAutoRepeat():
                self.click()
            return
        step = _ARROW_STEPS.get(key)
        if step is not None and self.group() is not None:
            row_ = self.group().buttons()
            row_[(row_.index(self) + step) % len(row_)].setFocus(Qt.FocusReason.TabFocusReason)
            return
        super().keyPressEvent(event)


_ARROW_STEPS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}


class RadioGroup(QWidget):
    """What holds a set of radio buttons: to a screen reader, a group named ``name``
    (the question they answer). To the keyboard, one stop: Tab and Shift+Tab come
    to the chosen button (the first, while none is), never to whichever was last
    or happens to be at the end; the arrow keys move along the group."""

    def __init__(self, name: str, parent=None):
        _install_group_role()
        super().__init__(parent)
        self.setAccessibleName(name)
        self._radios: list[QAbstractButton] = []

    def childEvent(self, event) -> None:
        super().childEvent(event)
        child = event.child()
        if event.added() and isinstance(child, QAbstractButton) and child not in self._radios:
            self._radios.append(child)
            child.installEventFilter(self)
            child.toggled.connect(self._rest)
            self._rest()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._rest()
        return False

    def _rest(self) -> None:
        """While the focus is elsewhere, the group's one stop is its chosen button
        (or its first). Within it, Qt keeps the stop on the focused one, so Tab
        leaves the group."""
        focus = QApplication.focusWidget()
        if focus is not None and focus in self._radios:
            return
        shown = [b for b in self._radios if b.isEnabled() and not b.isHidden()]
        if not shown:
            return
        stop = next((b for b in shown if b.isChecked()), shown[0])
        for b in self._radios:
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus if b is stop else Qt.FocusPolicy.ClickFocus)


class Choice(RadioGroup):
    """A row of one-of-N choices; choosing the chosen one again clears it.

    Emits ``chosen`` with the value, or None when cleared. Never required.
    To a screen reader it is a group named ``accessible`` (the question) of
    radio buttons named by their own words.
    """

    chosen = Signal(object)

    def __init__(
        self, options: Iterable[tuple[object, str]], accessible: str, parent=None, *, role: str = "choice"
    ):
        super().__init__(accessible, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        self._buttons: dict[object, ChoiceButton] = {}
        self._quiet = False  # True while the row is set, not chosen
        for value, text in options:
            b = ChoiceButton(text, role, text or accessible)  # a row not filled in yet: the question
            self._group.addButton(b)
            self._buttons[value] = b
            layout.addWidget(b)
            # Toggled, not clicked: assistive technology chooses a radio button with
            # its Toggle action, which Qt carries out without a click.
            b.toggled.connect(lambda checked, v=value: self._toggled(v, checked))

    def _toggled(self, value: object, checked: bool) -> None:
        if self._quiet:
            return
        if checked:
            self._set_quietly(value)
        self.chosen.emit(value if checked else None)

    def _set_quietly(self, value: object) -> None:
        was, self._quiet = self._quiet, True
        try:
            for v, b in self._buttons.items():
                b.setChecked(v == value)
        finally:
            self._quiet = was

    def value(self) -> object:
        for value, b in self._buttons.items():
            if b.isChecked():
                return value
        return None

    def set_value(self, value: object) -> None:
        """Show ``value`` chosen (None: none), without a ``chosen``."""
        self._set_quietly(value)

    def set_label(self, value: object, text: str) -> None:
        b = self._buttons[value]
        b.setText(text)
        b.setAccessibleName(text or self.accessibleName())

    def button_for(self, value: object) -> ChoiceButton:
        return self._buttons[value]

    def buttons(self) -> list[ChoiceButton]:
        return list(self._buttons.values())


class _GroupAccessible(QAccessibleWidget):
    """What assistive technology is told a ``RadioGroup`` is: a grouping (a panel on
    Linux's AT-SPI, a group in Windows' UI Automation), named by the question."""

    def __init__(self, widget: QWidget):
        super().__init__(widget, QAccessible.Role.Grouping)


def _group_role(key: str, obj) -> QAccessibleWidget | None:
    """Qt's accessibility factory, asked once for each object a screen reader meets."""
    if isinstance(obj, RadioGroup) and key == obj.metaObject().className():
        return _GroupAccessible(obj)
    return None


_group_role_installed = False


def _install_group_role() -> None:
    """Give every ``RadioGroup`` its role (on the first one built; a plain QWidget
    would be only a filler)."""
    global _group_role_installed
    if not _group_role_installed:
        QAccessible.installFactory(_group_role)
        _group_role_installed = True


class Pacer(QWidget):
    """The breathing shape: a soft circle that grows on the in-breath and
    shrinks on the out-breath. With reduced motion it keeps its size and
    only its colour and glow change. It grows into the room the screen has, and
    never goes under SMALLEST across: the breathing shape stays calm and clear."""

    MIN_FRACTION = 0.38
    SMALLEST = 160

    def __init__(self, parent=None):
        super().__init__(parent)
        self._level = 0.0
        self._reduced = False
        self.setMinimumSize(self.SMALLEST, self.SMALLEST)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self._take_colours()

    def _take_colours(self) -> None:
        self._in = theme.color("pacer_in")
        self._out = theme.color("pacer_out")
        self._glow = theme.color("pacer_glow")

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self._take_colours()  # another scheme
        super().changeEvent(event)

    def set_reduced_motion(self, reduced: bool) -> None:
        self._reduced = reduced
        self.update()

    def reduced_motion(self) -> bool:
        """True when the shape stays still and only its colour breathes."""
        return self._reduced

    def level(self) -> float:
        return self._level

    def set_level(self, level: float) -> None:
        """Repaint only when the change can be seen, and only the shape's square."""
        level = min(1.0, max(0.0, level))
        full = self._full_radius()
        if self._reduced:
            visible = abs(level - self._level) >= 0.01  # colour steps
        else:
            visible = abs(level - self._level) * full * (1 - self.MIN_FRACTION) >= 0.5  # half a pixel
        if visible:
            self._level = level
            self.update(self._shape_rect(full))

    def _full_radius(self) -> float:
        return min(self.width(), self.height()) / 2.0 - 6

    def _shape_rect(self, full: float):
        halo = full * 1.25 + 2
        center = QPointF(self.width() / 2.0, self.height() / 2.0)
        return QRectF(center.x() - halo, center.y() - halo, 2 * halo, 2 * halo).toAlignedRect()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        full = self._full_radius()
        center = QPointF(self.width() / 2.0, self.height() / 2.0)
        radius = full * 0.8 if self._reduced else full * (self.MIN_FRACTION + (1 - self.MIN_FRACTION) * self._level)
        mixed = _mix(self._out, self._in, self._level)
        if self._reduced:
            mixed.setAlphaF(0.45 + 0.55 * self._level)
        halo = QRadialGradient(center, radius * 1.25)
        glow = _mix(self._glow, mixed, 0.35)
        glow.setAlphaF(0.55)
        halo.setColorAt(0.0, glow)
        glow.setAlphaF(0.0)
        halo.setColorAt(1.0, glow)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(halo)
        painter.drawEllipse(center, radius * 1.25, radius * 1.25)
        body = QRadialGradient(center, radius)
        light = _mix(self._glow, mixed, 0.55)
        light.setAlpha(mixed.alpha())
        body.setColorAt(0.0, light)
        body.setColorAt(1.0, mixed)
        painter.setBrush(body)
        painter.drawEllipse(center, radius, radius)
        painter.end()


def _mix(a, b, t: float):
    """Blend colour a towards b by t (0..1)."""
    color = type(a)()
    color.setRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
        1.0,
    )
    return color
