"""What assistive technology is told, asked the way it asks: through Qt's accessible
interfaces (tests/a11y drives the same through the real AT-SPI bus)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QRadioButton

from couplepause.common.texts import words
from couplepause.core.flow import Ev
from couplepause.ui import breathing as breathing_view
from couplepause.ui import motion
from couplepause.ui.widgets import Choice, RadioGroup

Role = QAccessible.Role


def accessible(widget):
    return QAccessible.queryAccessibleInterface(widget)


def test_a_choice_is_a_named_group_of_radio_buttons(qtbot):
    choice = Choice([("a", "Alex"), ("b", "Sam")], "Who pressed pause?")
    qtbot.addWidget(choice)
    group = accessible(choice)
    assert group.role() == Role.Grouping
    assert group.text(QAccessible.Text.Name) == "Who pressed pause?"
    buttons = [group.child(i) for i in range(group.childCount())]
    assert [b.role() for b in buttons] == [Role.RadioButton, Role.RadioButton]
    assert [b.text(QAccessible.Text.Name) for b in buttons] == ["Alex", "Sam"]  # the group says the question
    assert all(b.state().checkable and not b.state().checked for b in buttons)
    choice.show()
    qtbot.mouseClick(choice.button_for("b"), Qt.MouseButton.LeftButton)
    assert [bool(b.state().checked) for b in buttons] == [False, True] and choice.value() == "b"
    qtbot.mouseClick(choice.button_for("b"), Qt.MouseButton.LeftButton)  # the chosen one again: none
    assert not any(b.state().checked for b in buttons) and choice.value() is None


def test_a_screen_readers_toggle_chooses_as_a_click_does(qtbot):
    choice = Choice([("a", "Alex"), ("b", "Sam")], "Who pressed pause?")
    qtbot.addWidget(choice)
    chosen = []
    choice.chosen.connect(chosen.append)
    group = accessible(choice)
    for i in (0, 1, 1):
        option = group.child(i).actionInterface()
        assert option.actionNames()[0] == option.toggleAction()  # what "activate" does to a radio button
        option.doAction(option.toggleAction())
    assert chosen == ["a", "b", None] and choice.value() is None
    choice.set_value("a")  # shown, not chosen
    assert chosen == ["a", "b", None] and choice.value() == "a"


def test_the_live_screens_choices_are_named_radio_groups(app):
    app.controller.pause()
    w = app.window
    choices = [w.breathing.who, *w.breathing.activation.values()]
    names = {"a": app.controller.names()["a"], "b": app.controller.names()["b"]}
    assert accessible(w.breathing.activation["a"]).text(QAccessible.Text.Name) == words(
        "breathing", "activation_accessible", name=names["a"])
    for event in (Ev.END_BREATHING, Ev.SWAP, Ev.TO_REPAIR):
        assert app.controller.dispatch(event)
    choices += list(w.repair.choices.values())
    for choice in choices:
        group = accessible(choice)
        assert group.role() == Role.Grouping and group.text(QAccessible.Text.Name)
        for i in range(group.childCount()):
            option = group.child(i)
            assert option.role() == Role.RadioButton and option.text(QAccessible.Text.Name)
    assert accessible(w.repair.choices["a"]).text(QAccessible.Text.Name) == words("repair", "question", name=names["a"])


def test_the_notes_patterns_are_a_named_radio_group(app):
    [holder] = app.window.after.findChildren(RadioGroup)
    assert accessible(holder).role() == Role.Grouping
    assert accessible(holder).text(QAccessible.Text.Name) == words("after", "cycle_label")
    assert {accessible(r).role() for r in holder.findChildren(QRadioButton)} == {Role.RadioButton}


def test_what_changes_on_screen_is_there_to_be_read(app, clock):
    """The time left in a turn and the time to come back: named by what they show."""
    app.settings.update({"turn_timer": True, "turn_minutes": 2})
    app.controller.pause()
    app.controller.dispatch(Ev.END_BREATHING)
    timer = app.window.turns.timer
    assert accessible(timer).text(QAccessible.Text.Name) == words("accessible", "turn_time_left", time="2:00")
    app.window.break_choice.prepare(20)
    back_at = app.window.break_choice.back_at
    assert accessible(back_at).text(QAccessible.Text.Name) == back_at.text() != ""


def test_phase_changes_are_announced_and_the_seconds_never(app, clock, monkeypatch):
    said = []
    monkeypatch.setattr(breathing_view, "announce", lambda widget, message: said.append((clock.mono, message)))
    app.settings.update({"breathing_pattern": "slow", "breathing_minutes": 1})
    app.controller.pause()
    view = app.window.breathing
    pattern = app.controller.flow.config.pattern
    started = clock.mono
    changes = []
    for _ in range(40):  # one tick a second, as the time left changes
        kind = pattern.phase_at(clock.mono - started).kind
        if not changes or changes[-1] != kind:
            changes.append(kind)
        assert view.phase_word.accessibleName() == words("accessible", f"phase_{kind}")
        clock.advance(1)
        view.tick()
    if pattern.phase_at(clock.mono - started).kind != changes[-1]:
        changes.append(pattern.phase_at(clock.mono - started).kind)  # the last tick's
    assert [message for _, message in said] == [words("accessible", f"phase_{k}") for k in changes]
    assert len(said) < 20  # a phase lasts seconds: far fewer than one a second
    time_left = accessible(view.time_left)
    assert time_left.text(QAccessible.Text.Name) == view.time_left.text()  # read on demand, never said


def test_the_desktops_reduced_motion_stills_the_pacer_and_qts_effects(app, clock):
    assert not app.settings.get("reduced_motion")
    app.controller.pause()
    pacer = app.window.breathing.pacer
    assert not pacer.reduced_motion()
    app.controller.desktop_motion.learn(True)
    assert pacer.reduced_motion()
    assert not QApplication.isEffectEnabled(Qt.UIEffect.UI_General)
    app.controller.desktop_motion.learn(False)
    assert not pacer.reduced_motion()


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        (motion.REDUCED_MOTION, 1, True),
        (motion.REDUCED_MOTION, 0, False),
        (motion.REDUCED_MOTION, 7, False),  # unknown: no preference
        (motion.REDUCED_MOTION, "1", None),
        (motion.GNOME_ANIMATIONS, False, True),
        (motion.GNOME_ANIMATIONS, True, False),
        (motion.GNOME_ANIMATIONS, 0, None),
        (("org.freedesktop.appearance", "color-scheme"), 1, None),
    ],
)
def test_what_the_desktops_settings_say(key, value, said):
    assert motion.reduces(key, value) is said
