"""Settings: one schema, shown in a dialog that opens without blocking; invalid values are refused."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from couplepause.core.flow import Ev
from couplepause.settings import KEYS, SCHEMA, SettingError, Settings


def test_defaults_come_from_the_schema(data_dir):
    settings = Settings.for_data_dir(data_dir)
    assert settings.values() == {key.name: key.default for key in SCHEMA}
    assert settings.pattern().key == "slow"


def test_invalid_values_are_refused_and_nothing_is_stored(data_dir):
    settings = Settings.for_data_dir(data_dir)
    for name, bad in (("partner_a", "x" * 41), ("breathing_minutes", 0), ("break_minutes", 19),
                      ("custom_pattern", "0,0,0,0"), ("breathing_pattern", "fast"), ("turn_timer", "maybe")):
        try:
            settings.update({"partner_b": "Alex", name: bad})
        except SettingError:
            pass
        else:
            raise AssertionError(f"{name}={bad!r} was accepted")
    assert settings.get("partner_b") == ""  # all or nothing


def test_a_hand_edited_bad_value_falls_back_to_the_default(data_dir):
    data_dir.mkdir()
    (data_dir / "settings.ini").write_text("[General]\nbreathing_minutes=banana\n", encoding="utf-8")
    assert Settings.for_data_dir(data_dir).get("breathing_minutes") == KEYS["breathing_minutes"].default


def test_dialog_opens_without_blocking_and_refuses_a_bad_name(app, qtbot):
    dialog = app.open_settings()
    assert dialog.isVisible() and QApplication.activeModalWidget() is None
    dialog.partner_a.setText("A name that is far, far too long to fit on any screen")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert app.settings.get("partner_a") == ""
    dialog.partner_a.setText("Sam")
    dialog.partner_b.setText("Alex")
    dialog.reduced_motion.setChecked(True)
    dialog.turn_timer.setChecked(False)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert app.settings.get("partner_a") == "Sam" and app.settings.get("reduced_motion") is True
    app.controller.pause()
    app.controller.dispatch(Ev.END_BREATHING)
    assert "Sam" in app.window.turns.heading.text() or "Alex" in app.window.turns.heading.text()
    assert not app.window.turns.timer.isVisibleTo(app.window)  # the turn timer is off
    assert app.window.breathing.pacer.reduced_motion()


def test_pause_still_works_with_the_settings_dialog_open(app, qtbot):
    app.open_settings()
    app.controller.pause()
    assert app.controller.flow.episode is not None
