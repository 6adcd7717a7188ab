"""The app with the keyboard alone: every key goes to the widget that has the focus,
as it would for a person who cannot or does not use a mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from couplepause.core.flow import State
from couplepause.ui.models import KEYS_WAIT_SECONDS
from tests.ui.conftest import DIALOG_OPENERS, open_dialog

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QAbstractItemView)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the focus"
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot, target: QWidget, limit: int = 60) -> None:
    for _ in range(limit):
        if focused() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()!r}")


def tab_stops(qtbot, limit: int = 80) -> list[QWidget]:
    """Every widget Tab stops at, once round, starting from the focused one."""
    first = focused()
    stops = [first]
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        if focused() is first:
            return stops
        stops.append(focused())
    raise AssertionError("Tab never came back to where it started")


def assert_every_stop_is_a_visible_control(qtbot, screen: QWidget) -> None:
    stops = tab_stops(qtbot)
    on_screen = [w for w in stops if screen.isAncestorOf(w)]
    assert on_screen, "Tab never reaches this screen"
    for widget in stops:
        assert isinstance(widget, CONTROLS), f"an invisible stop: {type(widget).__name__} {widget.accessibleName()!r}"
        assert widget.isVisible() and not widget.visibleRegion().isEmpty(), widget.accessibleName()
        assert widget.accessibleName(), f"a stop without a name: {type(widget).__name__}"


def settle(breathing, clock) -> None:
    """Past the breathing's first seconds, in which its main button takes no keys."""
    clock.advance(KEYS_WAIT_SECONDS)
    breathing.tick()
    assert breathing.takes_keys()


def test_enter_presses_the_pause_button(active, qtbot):
    press(qtbot, Qt.Key.Key_Return)
    assert active.controller.flow.state is State.BREATHING


def test_each_screen_gives_the_focus_to_its_main_action(active, qtbot, clock):
    w, c = active.window, active.controller
    press(qtbot, Qt.Key.Key_Space)
    assert focused() is w.breathing.skip_button
    assert_every_stop_is_a_visible_control(qtbot, w.breathing)
    tab_to(qtbot, w.breathing.break_button)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is w.break_choice.start_button  # agreeing on a break comes first
    assert_every_stop_is_a_visible_control(qtbot, w.break_choice)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.BREAK
    assert focused() is w.on_break.come_back_button
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.BREATHING  # back together: a minute of breathing first
    assert focused() is w.breathing.skip_button
    settle(w.breathing, clock)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.TURNS
    assert focused() is w.turns.swap_button
    assert_every_stop_is_a_visible_control(qtbot, w.turns)
    press(qtbot, Qt.Key.Key_Return)  # the floor passes: now they can move on
    tab_to(qtbot, w.turns.repair_button)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.REPAIR
    assert focused() is w.repair.choices["a"].button_for("yes")
    assert_every_stop_is_a_visible_control(qtbot, w.repair)


def test_the_whole_flow_with_the_keyboard_alone(active, qtbot, clock):
    w, c = active.window, active.controller
    press(qtbot, Qt.Key.Key_Return)  # Pause
    # Who paused: one Tab stop for the row; the arrows move along it, Space chooses.
    tab_to(qtbot, w.breathing.who.button_for("a"))
    press(qtbot, Qt.Key.Key_Right)
    assert focused() is w.breathing.who.button_for("b")
    press(qtbot, Qt.Key.Key_Space)
    assert c.flow.episode.paused_by == "b"
    tab_to(qtbot, w.breathing.skip_button)
    settle(w.breathing, clock)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.TURNS
    press(qtbot, Qt.Key.Key_Return)  # pass the floor
    tab_to(qtbot, w.turns.repair_button)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.REPAIR
    press(qtbot, Qt.Key.Key_Space)  # A: yes
    tab_to(qtbot, w.repair.choices["b"].button_for("yes"))
    press(qtbot, Qt.Key.Key_Return)  # B: yes
    assert c.flow.state is State.AFTER
    tab_to(qtbot, w.after.note)
    qtbot.keyClicks(focused(), "We found our way back")
    tab_to(qtbot, w.after.save_button)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.TALKING
    assert focused() is w.talking.pause_button
    assert active.writer.flush(5)
    episode = active.repository.load_all()[0]
    assert episode.is_repaired and episode.note == "We found our way back" and episode.paused_by == "b"


def escape(qtbot, dialog: QDialog) -> None:
    """Escape where the dialog's focus is (the offscreen platform does not move
    the active window to a new dialog, as a desktop does)."""
    assert dialog.focusWidget() is not None, "the dialog opened with nothing focused"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)


def open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def test_settings_from_the_menu_shortcut_and_escape_closes_it(active, qtbot):
    press(qtbot, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    dialog = open_dialogs()[0]
    assert active.controller.flow.state is State.TALKING
    escape(qtbot, dialog)
    qtbot.waitUntil(lambda: not open_dialogs())


def test_space_on_the_settings_link_opens_settings_and_never_pauses(active, qtbot):
    tab_to(qtbot, active.window.talking.settings_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    assert active.controller.flow.state is State.TALKING
    open_dialogs()[0].close()


def test_the_menu_names_settings_with_its_shortcut(active):
    actions = {a.text().replace("&", ""): a for a in active.window.file_menu.actions()}
    assert actions["Settings…"].shortcut().toString() == "Ctrl+,"


@pytest.mark.parametrize("opener", DIALOG_OPENERS)
def test_escape_closes_every_dialog(active, qtbot, opener):
    dialog = open_dialog(active, qtbot, opener)
    escape(qtbot, dialog)
    qtbot.waitUntil(lambda: not open_dialogs())
