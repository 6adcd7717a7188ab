"""What a person sees, measured: the geometry checks of the window-manager walk.

Qt only (no couplepause import), so the walker (walker.py, run inside a private X
screen) and the offscreen tests of the checks themselves (test_checks.py) share them.
Each check returns ``Problem``s: a kind (what the tests group by) and a sentence
that names the widget by its class and its words, so a report reads like a review.

- ``outside``: a window whose frame (title bar included) leaves the screen's
  available area, a widget outside the screen, a widget cut by its parent, a
  screen of the main window that must be scrolled to be seen whole, or a column of
  words inside one (a card's prompts) that must be scrolled to be read whole.
- ``text``: a text wider than its place where it does not wrap (QFontMetrics'
  horizontalAdvance against the contents rect: labels, buttons, check boxes, radio
  buttons, group box titles, combo boxes, tabs, field placeholders), a wrapping text
  taller than its label, one of its words wider than the label, or a sentence squeezed
  into a column of about one word a line.
- ``overlap``: two visible siblings that share pixels.
- ``pause``: the Pause button under ``PAUSE_SMALLEST`` (the main action must read as one).
- ``pacer``: the breathing pacer (the widget named ``pacer``) under ``PACER_SMALLEST``
  across (the heart of the breathing screen must stay a calm, clearly visible shape).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText is QtGui's
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QFocusFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QRubberBand,
    QScrollArea,
    QSizeGrip,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionGroupBox,
    QStyleOptionTab,
    QTabBar,
    QWidget,
)

PAUSE_SMALLEST = 120  # issue 20: the Pause button keeps a size that reads as the main action
PACER_SMALLEST = 160  # issue 20: the breathing shape's room, at its smallest, reads as that shape
SLACK_PX = 1  # rounding: a text may touch its edge
# A sentence of at least this many words, with fewer than two a line in a label narrower
# than one and a half of its longest word, is squeezed into a column.
SQUEEZED_WORDS = 4
KINDS = ("outside", "text", "overlap", "pause", "pacer")


@dataclass(frozen=True)
class Problem:
    kind: str
    what: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


# ------------------------------------------------------------------ naming
def describe(widget: QWidget) -> str:
    """A widget as a reviewer would point at it: its class and its words."""
    words = ""
    if isinstance(widget, (QLabel, QAbstractButton)):
        words = widget.text()
    elif isinstance(widget, QGroupBox):
        words = widget.title()
    elif isinstance(widget, QComboBox):
        words = widget.currentText()
    words = words or widget.accessibleName() or widget.objectName()
    words = " ".join(strip_mnemonic(_plain(words)).split())
    if len(words) > 48:
        words = words[:47] + "…"
    return f'{type(widget).__name__} "{words}"' if words else type(widget).__name__


def _plain(text: str) -> str:
    if GuiQt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def strip_mnemonic(text: str) -> str:
    """A button's text as drawn: "&Save" is "Save", "&&" is "&"."""
    return re.sub(r"&(.)", r"\1", text)


def rect_text(rect: QRect) -> str:
    return f"{rect.width()}x{rect.height()} at ({rect.x()},{rect.y()})"


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


# ------------------------------------------------------------------ the tree
_NOT_SIBLINGS = (QSizeGrip, QFocusFrame, QRubberBand)  # drawn over others on purpose


def shown_children(widget: QWidget) -> list[QWidget]:
    """The visible child widgets of ``widget`` that are part of it (not windows of their own)."""
    return [
        child for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible() and not child.isWindow()
    ]


def shown_widgets(window: QWidget) -> list[QWidget]:
    """Every visible widget of ``window``, parents before children."""
    found, todo = [], [window]
    while todo:
        widget = todo.pop(0)
        found.append(widget)
        todo.extend(shown_children(widget))
    return found


def scrolled(widget: QWidget) -> bool:
    """True for what a scroll area's viewport holds (it may lie outside, scrolled away)."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return True
        parent = area
    return False


# ------------------------------------------------------------------ outside
def window_outside(window: QWidget, area: QRect) -> list[Problem]:
    frame = window.frameGeometry()
    if area.contains(frame):
        return []
    lost = [side for side, out in (
        ("left", frame.left() < area.left()), ("top", frame.top() < area.top()),
        ("right", frame.right() > area.right()), ("bottom", frame.bottom() > area.bottom()),
    ) if out]
    least = window.minimumSize()
    tail = ""
    if least.width() > area.width() or least.height() > area.height():
        tail = f"; it cannot be made smaller than {least.width()}x{least.height()}"
    return [Problem("outside", f"the window {describe(window)} ({rect_text(frame)} with its frame) "
                               f"leaves the screen's free area {rect_text(area)} at the {'/'.join(lost)}{tail}")]


_SEEN = (QLabel, QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QAbstractItemView, QTabBar, QGroupBox)


def widgets_outside(window: QWidget, area: QRect) -> list[Problem]:
    """Widgets cut by their parent, what a person would look for off the screen (one
    problem per window, naming them), and main-window screens that must be scrolled."""
    problems, off = [], []
    for widget in shown_widgets(window)[1:]:
        if scrolled(widget):
            if isinstance(widget, QScrollArea) and widget.verticalScrollBar().maximum() > 0:
                # A column of words inside a screen (a partner's prompts in their card).
                hidden = widget.verticalScrollBar().maximum()
                problems.append(Problem("outside", f"the words in {describe(widget.parentWidget())} must be "
                                                   f"scrolled to be read whole ({hidden} px)"))
            continue
        parent = widget.parentWidget()
        inner = widget.geometry()
        if not inner.isEmpty() and not parent.rect().contains(inner):  # (a widget of no size shows nothing)
            problems.append(Problem("outside", f"{describe(widget)} ({rect_text(inner)}) is cut by its parent "
                                               f"{describe(parent)} ({parent.width()}x{parent.height()})"))
        if isinstance(widget, _SEEN) and not area.contains(global_rect(widget)):
            off.append(describe(widget))
        if isinstance(widget, QScrollArea) and not isinstance(window, QDialog):
            hidden = widget.verticalScrollBar().maximum(), widget.horizontalScrollBar().maximum()
            if any(hidden):
                problems.append(Problem("outside", f"the screen {describe(widget.widget())} must be scrolled to "
                                                   f"be seen whole ({hidden[0]} px down, {hidden[1]} px across)"))
    if off:
        named = ", ".join(off[:8]) + (f" and {len(off) - 8} more" if len(off) > 8 else "")
        problems.append(Problem("outside", f"{len(off)} of {describe(window)}'s texts and controls are "
                                           f"(partly) off the screen: {named}"))
    return problems


# ------------------------------------------------------------------ overlap
def overlaps(window: QWidget) -> list[Problem]:
    problems = []
    for widget in shown_widgets(window):
        children = [c for c in shown_children(widget) if not isinstance(c, _NOT_SIBLINGS)]
        for i, one in enumerate(children):
            for other in children[i + 1:]:
                shared = one.geometry().intersected(other.geometry())
                if not shared.isEmpty():
                    problems.append(Problem("overlap", f"{describe(one)} and {describe(other)} overlap by "
                                                       f"{shared.width()}x{shared.height()} px"))
    return problems


# ------------------------------------------------------------------ texts
def _lines_height(metrics, lines: int) -> int:
    return metrics.lineSpacing() * (lines - 1) + metrics.height()


def _label_room(label: QLabel) -> QRect:
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    if label.indent() > 0:
        room.setWidth(room.width() - label.indent())
    return room


def _words(text: str) -> list[str]:
    """Where a wrapping label may break a line: at spaces, and after a dash."""
    return [w for w in re.split(r"\s+|(?<=[-–/])", text) if w]


def _text_width(label: QLabel) -> tuple[float, int]:
    """The width the label's text needs on one line per paragraph, and its line count."""
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if rich:
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        return document.idealWidth(), max(1, document.blockCount())
    lines = text.split("\n")
    metrics = label.fontMetrics()
    return max(metrics.horizontalAdvance(line) for line in lines), len(lines)


def label_fits(label: QLabel) -> list[Problem]:
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    room = _label_room(label)
    metrics = label.fontMetrics()
    if not label.wordWrap():
        needed, lines = _text_width(label)
        problems = []
        if needed > room.width() + SLACK_PX:
            problems.append(Problem("text", f"{describe(label)} needs {math.ceil(needed)} px on one line "
                                            f"but has {room.width()} px (it does not wrap)"))
        if _lines_height(metrics, lines) > room.height() + SLACK_PX:
            problems.append(Problem("text", f"{describe(label)} needs {_lines_height(metrics, lines)} px "
                                            f"of height but has {room.height()} px"))
        return problems
    problems = []
    plain = _plain(label.text())
    widest = max((metrics.horizontalAdvance(w) for w in _words(plain)), default=0)
    if widest > room.width() + SLACK_PX:
        word = max(_words(plain), key=metrics.horizontalAdvance)
        problems.append(Problem("text", f'{describe(label)}: the word "{word}" needs {widest} px '
                                        f"but the label is {room.width()} px wide"))
    wanted = label.heightForWidth(label.width())
    if wanted > label.height() + SLACK_PX:
        problems.append(Problem("text", f"{describe(label)} wraps to {wanted} px of height "
                                        f"but has {label.height()} px (its last lines are cut)"))
    count = len(plain.split())
    lines = round((wanted - (label.height() - room.height())) / metrics.lineSpacing())
    if count >= SQUEEZED_WORDS and lines > count / 2 and room.width() < 1.5 * widest:
        problems.append(Problem("text", f"{describe(label)} is squeezed to {room.width()} px: its {count} words "
                                        f"stand on {lines} lines, about one a line"))
    return problems


def _contents(widget: QAbstractButton) -> QRect | None:
    style = widget.style()
    if isinstance(widget, QPushButton):
        option, element = QStyleOptionButton(), QStyle.SubElement.SE_PushButtonContents
    elif isinstance(widget, QCheckBox):
        option, element = QStyleOptionButton(), QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(widget, QRadioButton):
        option, element = QStyleOptionButton(), QStyle.SubElement.SE_RadioButtonContents
    else:
        return None
    widget.initStyleOption(option)
    return style.subElementRect(element, option, widget)


def button_fits(widget: QAbstractButton) -> list[Problem]:
    text = strip_mnemonic(widget.text())
    if not text:
        return []
    room = _contents(widget)
    if room is None:
        return []
    metrics = widget.fontMetrics()
    needed = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    if not widget.icon().isNull():
        needed += widget.iconSize().width() + 4
    problems = []
    if needed > room.width() + SLACK_PX:
        problems.append(Problem("text", f"{describe(widget)} needs {needed} px for its words "
                                        f"but has {room.width()} px inside its edge"))
    if metrics.height() > room.height() + 2 * SLACK_PX:
        problems.append(Problem("text", f"{describe(widget)} needs {metrics.height()} px of height "
                                        f"for its words but has {room.height()} px"))
    return problems


def round_button_fits(widget: QAbstractButton) -> list[Problem]:
    """A round button's word inside its circle: the chord at the text's top and bottom edge."""
    side = min(widget.width(), widget.height())
    metrics = widget.fontMetrics()
    half = metrics.height() / 2.0
    radius = side / 2.0
    chord = 2 * math.sqrt(max(0.0, radius * radius - half * half))
    needed = metrics.horizontalAdvance(strip_mnemonic(widget.text()))
    problems = []
    if needed > chord + SLACK_PX:
        problems.append(Problem("text", f"{describe(widget)}: its word needs {needed} px but its circle "
                                        f"({side} px) leaves {int(chord)} px at the word's height"))
    if side < PAUSE_SMALLEST:
        problems.append(Problem("pause", f"{describe(widget)} is {side} px across, under {PAUSE_SMALLEST} px"))
    return problems


def group_title_fits(box: QGroupBox) -> list[Problem]:
    if not box.title():
        return []
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    room = box.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                      QStyle.SubControl.SC_GroupBoxLabel, box)
    needed = box.fontMetrics().horizontalAdvance(strip_mnemonic(box.title()))
    right = box.contentsRect().right()
    if needed > room.width() + SLACK_PX or room.left() + needed > right + SLACK_PX:
        return [Problem("text", f"{describe(box)}: its title needs {needed} px but has "
                                f"{min(room.width(), right - room.left())} px")]
    return []


def combo_fits(combo: QComboBox) -> list[Problem]:
    if combo.isEditable() or not combo.currentText():
        return []
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo)
    needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
    if not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    if needed > room.width() + SLACK_PX:
        return [Problem("text", f"{describe(combo)} needs {needed} px for its choice but shows {room.width()} px")]
    return []


def tabs_fit(bar: QTabBar) -> list[Problem]:
    """Every tab's words in full (Qt elides a tab's text when the bar is short) and every tab in view."""
    problems = []
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        option = QStyleOptionTab()
        bar.initStyleOption(option, index)  # Qt 6 elides option.text to the room there is
        text = strip_mnemonic(bar.tabText(index))
        if strip_mnemonic(option.text) != text:
            problems.append(Problem("text", f'the tab "{text}" is cut to "{strip_mnemonic(option.text)}"'))
        tab = bar.tabRect(index)
        if tab.left() < 0 or tab.right() > bar.width() - 1:
            problems.append(Problem("text", f'the tab "{text}" lies outside its row of tabs '
                                            f"({rect_text(tab)} in {bar.width()} px)"))
    return problems


def placeholder_fits(field: QLineEdit) -> list[Problem]:
    if field.text() or not field.placeholderText():
        return []
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    room = room.marginsRemoved(field.textMargins())
    needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
    if needed > room.width() - 4 + SLACK_PX:  # QLineEdit keeps 2 px each side of its text
        return [Problem("text", f'the field "{field.placeholderText()}" shows {room.width() - 4} px '
                                f"of its {needed} px hint")]
    return []


def pacer_fits(widget: QWidget) -> list[Problem]:
    """The breathing shape's room: the shape grows and shrinks within its square."""
    side = min(widget.width(), widget.height())
    if side < PACER_SMALLEST:
        return [Problem("pacer", f"the pacer is {widget.width()}x{widget.height()}: its shape has "
                                 f"{side} px across, under {PACER_SMALLEST} px")]
    return []


def pacers_fit(window: QWidget) -> list[Problem]:
    return [p for widget in shown_widgets(window) if widget.objectName() == "pacer" for p in pacer_fits(widget)]


def texts_fit(window: QWidget) -> list[Problem]:
    problems = []
    for widget in shown_widgets(window):
        if isinstance(widget, QLabel):
            problems += label_fits(widget)
        elif isinstance(widget, QPushButton) and widget.objectName() == "pauseButton":
            problems += round_button_fits(widget)
        elif isinstance(widget, QAbstractButton):
            problems += button_fits(widget)
        elif isinstance(widget, QGroupBox):
            problems += group_title_fits(widget)
        elif isinstance(widget, QComboBox):
            problems += combo_fits(widget)
        elif isinstance(widget, QTabBar):
            problems += tabs_fit(widget)
        elif isinstance(widget, QLineEdit):
            problems += placeholder_fits(widget)
    return problems


def look(window: QWidget, area: QRect) -> list[Problem]:
    """Everything above for one window on a screen whose free area is ``area``."""
    return [*window_outside(window, area), *widgets_outside(window, area), *texts_fit(window), *overlaps(window),
            *pacers_fit(window)]
