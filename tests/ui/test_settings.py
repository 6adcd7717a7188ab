"""Settings: one schema, shown in a dialog that opens without blocking; invalid values are refused."""

import pytest
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


def _walk_with_tab(qtbot, dialog, start):
    """The widgets Tab visits from ``start`` until it comes back (at most 40)."""
    from PySide6.QtWidgets import QApplication

    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen = [QApplication.focusWidget()]
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is seen[0]:
            return seen
        seen.append(QApplication.focusWidget())
    raise AssertionError("Tab never came back")


def test_tab_walks_the_settings_in_reading_order(app, qtbot):
    """Down the left column, down the right one, then the links and the buttons."""
    dialog = app.open_settings()
    seen = _walk_with_tab(qtbot, dialog, dialog.partner_a)
    expected = [w for w in dialog.tab_stops() if w.isEnabled() and w.isVisibleTo(dialog)]
    assert seen == expected
    assert dialog.custom not in seen  # not used with the chosen pattern: skipped
    middle = dialog.partner_a.parentWidget().parentWidget()  # the columns' page
    split = middle.width() // 2

    def place(widget):
        centre = widget.mapTo(dialog, widget.rect().center())
        if not middle.isAncestorOf(widget):
            return 2, centre.y(), centre.x()  # below the columns
        return (0 if widget.mapTo(middle, widget.rect().center()).x() < split else 1), centre.y(), centre.x()

    places = [place(w) for w in seen]
    assert places == sorted(places), [w.accessibleName() or w.text() for w in seen]
    assert {p[0] for p in places} == {0, 1, 2}
    dialog.close()


def test_the_passphrase_links_follow_the_history_s_protection(app, qtbot):
    dialog = app.open_settings()
    assert dialog.protect_button.isVisibleTo(dialog)
    assert not dialog.change_button.isVisibleTo(dialog) and not dialog.remove_button.isVisibleTo(dialog)
    app.privacy.protection_changed.emit(True)  # protected while Settings is open
    assert not dialog.protect_button.isVisibleTo(dialog)
    assert dialog.change_button.isVisibleTo(dialog) and dialog.remove_button.isVisibleTo(dialog)
    seen = _walk_with_tab(qtbot, dialog, dialog.restore_button)
    assert seen[1:3] == [dialog.change_button, dialog.remove_button]
    with qtbot.waitSignal(dialog.passphrase_requested) as asked:
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["remove"]
    app.privacy.protection_changed.emit(False)
    assert dialog.protect_button.isVisibleTo(dialog) and not dialog.change_button.isVisibleTo(dialog)
    dialog.close()


def test_a_protected_history_is_offered_change_and_remove(app, qtbot):

    app.repository.protect("a passphrase we share", None)
    dialog = app.open_settings()
    assert dialog.change_button.isVisibleTo(dialog) and dialog.remove_button.isVisibleTo(dialog)
    assert not dialog.protect_button.isVisibleTo(dialog)
    dialog.close()


def test_a_refused_value_is_said_once_as_a_problem_where_it_is(app, qtbot):
    from couplepause.common.texts import words

    dialog = app.open_settings()
    dialog.pattern.setCurrentIndex(dialog.pattern.findData("custom"))
    dialog.custom.setText("4,0,0,0")  # no out-breath
    dialog.save()
    try:
        app.settings.update({"custom_pattern": "4,0,0,0"})
    except SettingError as exc:
        said = str(exc)
    assert dialog.error.text() == said  # the problem's words, once
    assert said.count("breathing pattern") == 1
    assert dialog.error.property("problem") is True and dialog.error.accessibleName() == words("accessible", "problem")
    assert dialog.isVisible() and dialog.focusWidget() is dialog.custom
    dialog.custom.setText("4,0,6,0")
    dialog.save()
    assert not dialog.isVisible()


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # the offscreen platform
def test_every_drop_down_shows_its_items_whole(app, qtbot):
    from PySide6.QtGui import QGuiApplication

    app.settings.update({"theme": "system"})
    dialog = app.open_settings()
    area = QGuiApplication.primaryScreen().availableGeometry()
    for combo in (dialog.theme, dialog.language, dialog.pattern, dialog.break_minutes):
        texts = [combo.itemText(i) for i in range(combo.count())]
        widest = max(combo.fontMetrics().horizontalAdvance(t) for t in texts)
        assert combo.width() >= widest, combo.accessibleName()  # the chosen one is never cut
        combo.showPopup()
        view = combo.view()
        qtbot.waitUntil(view.isVisible)
        assert view.verticalScrollBar().maximum() == 0, combo.accessibleName()  # every item shows
        assert view.viewport().width() >= view.sizeHintForColumn(0), combo.accessibleName()
        for i in range(combo.count()):
            item = view.visualRect(combo.model().index(i, 0))
            assert view.viewport().rect().contains(item), (combo.accessibleName(), texts[i])
        assert area.contains(view.window().geometry())
        combo.hidePopup()
    dialog.close()
