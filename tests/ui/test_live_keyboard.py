"""The live screens with the keyboard alone: a row of choices is one Tab stop that
lands on the chosen item from either side, "Not now, go back" never leaves the focus
where one Space goes straight back, and every Tab stop shows one focus mark."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from couplepause.core.flow import BREAK_CHOICES, Ev, State
from couplepause.ui.widgets import Choice
from tests.ui.test_home_layout import started
from tests.ui.test_keyboard import focused, press, settle, tab_stops, tab_to

BACK = Qt.Key.Key_Backtab


@pytest.fixture
def active(make_app, qtbot, monkeypatch):
    app = started(make_app, qtbot, monkeypatch)
    with qtbot.waitActive(app.window):
        app.window.activateWindow()
    assert focused() is app.window.talking.pause_button
    return app


@pytest.fixture
def row_between(qtbot):
    """A row of five choices between two buttons, in an active window."""
    window = QWidget()
    layout = QVBoxLayout(window)
    before, after = QPushButton("before"), QPushButton("after")
    choice = Choice([(n, str(n)) for n in range(5)], "How many?")
    for widget in (before, choice, after):
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    yield before, choice, after
    del window


def test_a_row_of_choices_is_one_stop_that_lands_on_the_chosen_item_from_either_side(row_between, qtbot):
    before, choice, after = row_between
    before.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is choice.button_for(0)  # nothing chosen yet: the first
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is after  # one stop: Tab leaves the row
    press(qtbot, BACK)
    assert focused() is choice.button_for(0)  # from the end too: the first, not the last
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Space)
    assert choice.value() == 2
    press(qtbot, Qt.Key.Key_Right)  # moved on without choosing
    assert focused() is choice.button_for(3)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is after
    press(qtbot, BACK)
    assert focused() is choice.button_for(2)  # back to what was chosen, not to where the focus was
    press(qtbot, BACK)
    assert focused() is before
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is choice.button_for(2)
    choice.set_value(4)  # chosen by the program while the focus is in the row...
    after.setFocus()
    press(qtbot, BACK)
    assert focused() is choice.button_for(4)  # ...is where the keyboard comes back to
    choice.set_value(None)
    before.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is choice.button_for(0)


def test_shift_tab_back_to_the_break_length_keeps_the_length_chosen(active, qtbot):
    """A 30-minute break never becomes 90 by a Shift+Tab and a Space."""
    w, c = active.window, active.controller
    c.pause()
    c.choose_break()
    assert focused() is w.break_choice.start_button
    chosen = w.break_choice.value()
    assert chosen != BREAK_CHOICES[-1]
    press(qtbot, BACK)
    assert focused() is w.break_choice.minutes.button_for(chosen)
    press(qtbot, Qt.Key.Key_Space)  # Space on the chosen one keeps it
    assert w.break_choice.value() == chosen
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is w.break_choice.start_button
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.BREAK
    br = c.flow.episode.breaks[-1]
    assert br.return_at - br.started_at == timedelta(minutes=chosen)


def test_after_a_break_tab_comes_to_the_first_answer_not_the_one_given_before(active, qtbot, clock):
    w, c = active.window, active.controller
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    assert focused() is w.repair.choices["a"].button_for("yes")
    tab_to(qtbot, w.repair.choices["b"].button_for("yes"))
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Space)  # B: not yet
    assert c.flow.episode.repair_answers["b"] == "not_yet"
    tab_to(qtbot, w.repair.break_button)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)  # start the break
    assert c.flow.state is State.BREAK
    press(qtbot, Qt.Key.Key_Return)  # we're ready to come back: breathing, then turns
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    assert focused() is w.repair.choices["a"].button_for("yes")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is w.repair.choices["b"].button_for("yes")
    press(qtbot, BACK)
    assert focused() is w.repair.choices["a"].button_for("yes")


def test_the_cycle_question_after_a_pause_is_one_stop_on_its_chosen_answer(active, qtbot):
    w, c = active.window, active.controller
    c.pause()
    for event, partner, value in ((Ev.END_BREATHING, None, None), (Ev.SWAP, None, None), (Ev.TO_REPAIR, None, None),
                                  (Ev.ANSWER, "a", "yes"), (Ev.ANSWER, "b", "yes")):
        c.dispatch(event, partner, value)
    assert c.flow.state is State.AFTER
    first, *_, last = w.after.cycles.buttons()
    assert last.isChecked()  # "none of these" until they say
    first.setChecked(True)
    tab_to(qtbot, w.after.save_button)
    press(qtbot, BACK)
    assert focused() is first
    press(qtbot, BACK)
    assert focused() is w.after.note


@pytest.mark.parametrize("screen", ["breathing", "turns", "repair"])
def test_not_now_go_back_leaves_the_focus_on_the_screens_main_action(active, qtbot, clock, screen):
    """Never on "We need a longer break", where one Space would go straight back."""
    w, c = active.window, active.controller
    c.pause()
    if screen != "breathing":
        c.dispatch(Ev.END_BREATHING)
    if screen == "repair":
        c.dispatch(Ev.SWAP)
        c.dispatch(Ev.TO_REPAIR)
    view = getattr(w, screen)
    tab_to(qtbot, view.break_button)
    press(qtbot, Qt.Key.Key_Return)
    assert w.current_view() is w.break_choice
    tab_to(qtbot, w.break_choice.cancel_button)
    press(qtbot, Qt.Key.Key_Return)
    assert w.current_view() is view
    assert focused() is not view.break_button and view.isAncestorOf(focused())
    if screen == "breathing":  # Space now skips the rest of the breathing, as it says
        settle(view, clock)
        press(qtbot, Qt.Key.Key_Space)
        assert c.flow.state is State.TURNS
    assert w.current_view() is not w.break_choice


# --------------------------------------------------------------- one visible focus
def pixels(widget: QWidget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    lines = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return lines[:, :image.width() * 4].copy()  # the image's memory goes with it


def changed_area(a: np.ndarray, b: np.ndarray) -> QRect | None:
    differs = (a != b).reshape(a.shape[0], -1, 4).any(axis=2)
    ys, xs = np.nonzero(differs)
    if len(ys) == 0:
        return None
    return QRect(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def assert_one_focus_mark_on_every_stop(qtbot, view: QWidget) -> int:
    """Each stop on ``view`` looks different with the focus than without it, and
    nothing else on the screen changes with it."""
    stops = [stop for stop in tab_stops(qtbot) if view.isAncestorOf(stop)]
    assert stops
    for stop in stops:
        stop.setFocus(Qt.FocusReason.TabFocusReason)
        assert stop.hasFocus()
        with_focus = pixels(view)
        stop.clearFocus()
        without = pixels(view)
        area = changed_area(with_focus, without)
        name = f"{type(stop).__name__} {stop.accessibleName()!r}"
        assert area is not None, f"{name}: no visible focus"
        where = QRect(stop.mapTo(view, stop.rect().topLeft()), stop.size()).adjusted(-2, -2, 2, 2)
        assert where.contains(area), f"{name}: the focus changes more than the stop itself ({area} in {where})"
    return len(stops)


def test_every_tab_stop_of_the_live_screens_shows_one_focus(active, qtbot, clock):
    w, c = active.window, active.controller
    w.resize(1264, 752)  # room for everything the home screen can show
    w.talking.show_open_episode("You paused at 21:04 and didn't get to finish.", "Pick up where we left off")
    assert assert_one_focus_mark_on_every_stop(qtbot, w.talking) >= 11  # the links, Pause, welcome, pick-up
    w.talking.show_open_episode(None)
    c.pause()
    w.breathing.stop()  # the shape holds still while the screen is looked at
    assert assert_one_focus_mark_on_every_stop(qtbot, w.breathing) >= 6  # a row of choices is one stop
    c.choose_break()
    assert assert_one_focus_mark_on_every_stop(qtbot, w.break_choice) >= 3
    w.break_choice.cancel_button.click()
    c.dispatch(Ev.END_BREATHING)
    assert assert_one_focus_mark_on_every_stop(qtbot, w.turns) >= 3
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    assert assert_one_focus_mark_on_every_stop(qtbot, w.repair) >= 4
    c.choose_break()
    w.break_choice.start_button.click()
    assert assert_one_focus_mark_on_every_stop(qtbot, w.on_break) >= 1
    w.on_break.come_back_button.click()
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    assert c.flow.state is State.AFTER
    assert assert_one_focus_mark_on_every_stop(qtbot, w.after) >= 4
