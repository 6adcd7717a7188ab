"""A small laptop (1024x600, less the window frame) and long names."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea

from couplepause.core.flow import Ev
from couplepause.ui.basics import FRAME_ROOM, PAUSE_MIN_DIAMETER, fitting
from couplepause.ui.main_window import DEFAULT_SIZE, MainWindow
from tests.ui.conftest import DIALOG_OPENERS, open_dialog

LONG = {"partner_a": "Anna-Katharina von Hohenberg", "partner_b": "Christopher Montgomery-Blake"}
SMALL = (1024 - FRAME_ROOM[0], 600 - FRAME_ROOM[1])


def test_the_window_opens_inside_the_screen(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert window.width() <= min(DEFAULT_SIZE[0], area.width()) and window.height() <= area.height()
    assert fitting((5000, 5000)) == (area.width() - FRAME_ROOM[0], area.height() - FRAME_ROOM[1])
    assert fitting((100, 100)) == (100, 100)


def scrolls(window, view) -> bool:
    area = window.stack.currentWidget()
    assert isinstance(area, QScrollArea) and area.widget() is view
    return area.verticalScrollBar().maximum() > 0 or area.horizontalScrollBar().maximum() > 0


def pause_on_a_small_laptop_with_long_names(app):
    """The window at 1024x600 less its frame, both names 28 letters, a pause begun."""
    app.settings.update(LONG)
    app.window.resize(*SMALL)
    app.controller.apply_settings()
    app.controller.pause()
    return app.window, app.controller


def test_breathing_and_repair_fit_a_small_laptop_with_long_names(app, qtbot):
    w, c = pause_on_a_small_laptop_with_long_names(app)
    qtbot.waitUntil(lambda: w.current_view() is w.breathing)
    assert not scrolls(w, w.breathing)
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    assert not scrolls(w, w.repair)
    # Both partners' answers sit in cards of one size.
    a, b = (w.repair.choices[p].parentWidget().parentWidget() for p in ("a", "b"))
    assert a.width() == b.width()


def test_the_partners_cards_keep_one_size_with_long_names(app, qtbot):
    w, c = pause_on_a_small_laptop_with_long_names(app)
    c.dispatch(Ev.END_BREATHING)
    qtbot.waitUntil(lambda: w.current_view() is w.turns)
    cards = w.turns.cards
    assert cards["a"].width() == cards["b"].width()
    assert w.stack.currentWidget().horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("opener", DIALOG_OPENERS)
def test_every_dialog_fits_a_small_laptop_with_its_buttons_in_reach(app, qtbot, opener):
    from PySide6.QtWidgets import QPushButton

    app.settings.update(LONG)
    dialog = open_dialog(app, qtbot, opener)
    assert dialog.width() <= SMALL[0] and dialog.height() <= SMALL[1], dialog.size()
    for button in dialog.findChildren(QPushButton):
        if button.isVisibleTo(dialog) and button.property("role") != "link":
            assert not button.visibleRegion().isEmpty(), button.text()
    dialog.close()


def test_the_passphrase_dialog_fits_with_every_line_shown(app, qtbot):
    from PySide6.QtWidgets import QLabel

    app.privacy.open_passphrase("set")
    dialog = app.privacy.dialog
    qtbot.waitExposed(dialog)
    assert dialog.width() <= SMALL[0] and dialog.height() <= SMALL[1]
    for line in dialog.findChildren(QLabel):
        if line.isVisibleTo(dialog) and line.wordWrap() and line.text():
            assert line.height() >= line.heightForWidth(line.width()), line.text()[:40]


def test_the_pause_button_stays_round_and_clear_of_the_welcome_on_a_small_screen(app, qtbot):
    w = app.window
    w.resize(*SMALL)
    qtbot.waitUntil(lambda: w.talking.height() < SMALL[1])
    talking = w.talking
    assert talking.welcome.isVisible()
    button = talking.pause_button
    assert button.width() == button.height() >= PAUSE_MIN_DIAMETER
    pause = QRect(button.mapTo(talking, button.rect().topLeft()), button.size())
    band = QRect(talking.welcome.mapTo(talking, talking.welcome.rect().topLeft()), talking.welcome.size())
    assert talking.rect().contains(pause) and talking.rect().contains(band)
    assert not pause.intersects(band)
