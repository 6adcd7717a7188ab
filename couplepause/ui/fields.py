"""Form fields that show what they hold: a drop-down whose list shows every item
whole, and spin boxes padded like text fields.

Qt opens a style-sheeted combo box's list as wide as the box (style.qss makes it a
plain list below the box: the menu-like list Qt draws otherwise hides items behind
its scroll arrows), so a box narrower than its longest item cut that item short
("Like the rest of this co"). ``Dropdown`` widens its open list to its longest
item, and as tall as all its items, within the screen's free area.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QComboBox, QLineEdit


class Dropdown(QComboBox):
    """A combo box that shows its current item and, open, all items whole."""

    def __init__(self, accessible: str, parent=None):
        super().__init__(parent)
        self.setAccessibleName(accessible)
        # As wide as its longest item, so the chosen one is never cut either.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def addItem(self, text: str, data=None) -> None:
        super().addItem(text, data)
        self.setMaxVisibleItems(max(self.maxVisibleItems(), self.count()))

    def showPopup(self) -> None:
        super().showPopup()
        view = self.view()
        popup = view.window()  # the list's own top-level frame
        if popup is self.window():
            return
        wanted = QRect(popup.geometry())
        frame = popup.width() - view.viewport().width()
        wanted.setWidth(max(wanted.width(), view.sizeHintForColumn(0) + frame))
        popup.setGeometry(within(wanted, self.screen().availableGeometry()))


def within(rect: QRect, area: QRect) -> QRect:
    """``rect`` moved (and if need be narrowed) to lie inside ``area``."""
    result = QRect(rect)
    result.setWidth(min(result.width(), area.width()))
    result.setHeight(min(result.height(), area.height()))
    if result.right() > area.right():
        result.moveRight(area.right())
    if result.left() < area.left():
        result.moveLeft(area.left())
    if result.bottom() > area.bottom():
        result.moveBottom(area.bottom())
    if result.top() < area.top():
        result.moveTop(area.top())
    return result


def pad_spin_box(spin) -> None:
    """Give a spin box's number the same room on its left as a text field's words
    (style.qss pads the box, but Qt places the number at its very edge)."""
    edit = spin.findChild(QLineEdit)
    if edit is not None:
        edit.setTextMargins(10, 0, 0, 0)
