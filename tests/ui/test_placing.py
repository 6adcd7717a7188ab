"""Windows open whole on the screen (ui/placing.py); tests/wm sees it under a real window
manager, where the frame and the title bar count too."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from couplepause.ui.placing import keep_inside, keep_on_screen


def free_area():
    return QGuiApplication.primaryScreen().availableGeometry()


def test_a_window_above_and_left_of_the_screen_comes_inside(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(300, 200)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.move(free_area().left() - 40, free_area().top() - 30)
    keep_inside(dialog)
    assert free_area().contains(dialog.frameGeometry())
    assert dialog.size().toTuple() == (300, 200)


def test_a_window_larger_than_the_screen_is_made_smaller_but_never_below_its_minimum(qtbot):
    area = free_area()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setMinimumSize(200, area.height() + 50)
    dialog.resize(area.width() + 100, area.height() + 100)
    dialog.show()
    qtbot.waitExposed(dialog)
    keep_inside(dialog)
    assert dialog.width() <= area.width()  # made to fit across
    assert dialog.height() == area.height() + 50  # as short as it may be, no shorter
    assert dialog.frameGeometry().top() == area.top()  # its top edge (the title bar) in reach


def test_a_window_shown_off_the_screen_is_put_inside_once_it_shows(qtbot):
    area = free_area()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(300, 200)
    dialog.move(area.right() - 100, area.bottom() - 50)
    keep_on_screen(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: area.contains(dialog.frameGeometry()))
