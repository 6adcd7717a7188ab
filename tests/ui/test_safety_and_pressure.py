"""Safety and help, one step away from every live screen, safety first; and no pressure:
the key that started the pause does not end the breathing, the longer break is a real
button, "Noticed first" instead of who paused, and each partner answers for themselves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from couplepause.common.texts import word_list, words
from couplepause.core.flow import Ev, State
from couplepause.export.base import ExportOptions
from couplepause.export.csv_format import header
from couplepause.ui.models import KEYS_WAIT_SECONDS
from couplepause.ui.safety_dialog import COUNTRIES, SafetyDialog, countries_for
from tests.ui.test_keyboard import focused, press, settle, tab_stops

# What each country's line must say: every number checked against its official source.
NUMBERS = {
    "de": ["110", "112", "116\u00a0016", "0800\u00a0123\u00a099\u00a000"],
    "at": ["133", "112", "0800\u00a0222\u00a0555"],
    "ch": ["117", "112", "144", "opferhilfe-schweiz.ch"],
    "gb": ["999", "112", "0808\u00a02000\u00a0247", "0808\u00a08010\u00a0327"],
    "us": ["911", "1-800-799-7233", "START", "88788"],
}
LIVE_SCREENS = ("breathing", "turns", "repair", "break_choice", "on_break")


def safety_dialogs() -> list[SafetyDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, SafetyDialog) and w.isVisible()]


def show_screen(bundle, name: str):
    """Bring the live flow to the screen ``name``; its view."""
    c, w = bundle.controller, bundle.window
    c.pause()
    if name in ("turns", "repair"):
        c.dispatch(Ev.END_BREATHING)
    if name == "repair":
        c.dispatch(Ev.SWAP)
        c.dispatch(Ev.TO_REPAIR)
    if name in ("break_choice", "on_break"):
        c.choose_break()
    if name == "on_break":
        c.dispatch(Ev.START_BREAK, value=w.break_choice.value())
    view = getattr(w, name)
    assert w.current_view() is view
    return view


# ------------------------------------------------------------ the breathing's first seconds
@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return])
def test_the_key_that_started_the_pause_does_not_end_the_breathing(active, qtbot, clock, key):
    w, c = active.window, active.controller
    press(qtbot, key)  # Pause
    assert c.flow.state is State.BREATHING
    assert focused() is w.breathing.skip_button  # the focus stays on the main action
    press(qtbot, key)  # the same key, a moment later
    press(qtbot, key)
    assert c.flow.state is State.BREATHING
    clock.advance(KEYS_WAIT_SECONDS - 0.5)
    w.breathing.tick()
    press(qtbot, key)
    assert c.flow.state is State.BREATHING and not w.breathing.takes_keys()
    settle(w.breathing, clock)
    press(qtbot, key)  # past the first seconds the button does what it says
    assert c.flow.state is State.TURNS


def test_a_click_ends_the_breathing_at_once(active, qtbot):
    w, c = active.window, active.controller
    press(qtbot, Qt.Key.Key_Space)
    qtbot.mouseClick(w.breathing.skip_button, Qt.MouseButton.LeftButton)
    assert c.flow.state is State.TURNS


def test_a_breathing_after_a_break_waits_its_first_seconds_too(active, qtbot, clock):
    w, c = active.window, active.controller
    show_screen(active, "on_break")
    press(qtbot, Qt.Key.Key_Return)  # we're ready to come back
    assert c.flow.state is State.BREATHING and focused() is w.breathing.skip_button
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.BREATHING
    settle(w.breathing, clock)
    press(qtbot, Qt.Key.Key_Return)
    assert c.flow.state is State.TURNS


def test_the_longer_break_is_a_real_button_beside_the_others(app):
    w = app.window
    app.controller.pause()
    breathing = w.breathing
    assert breathing.break_button.property("role") is None  # a button, not a grey link
    assert breathing.break_button.parent() is breathing.skip_button.parent()
    assert app.window.repair.break_button.property("role") is None  # as on the repair screen


# ------------------------------------------------------------ Safety and help
def test_the_dialog_is_titled_safety_and_help_and_says_safety_first(qtbot):
    dialog = SafetyDialog(country="")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle().startswith("Safety and help")
    first, *lines = [dialog.first, *dialog.lines, dialog.elsewhere, dialog.about]
    assert "afraid for their own safety" in first.text()
    tops = [label.mapTo(dialog, label.rect().topLeft()).y() for label in (first, *lines)]
    assert tops == sorted(tops)  # safety first, then the lines, then what couplepause is
    assert dialog.licence.isVisible()


def test_every_country_s_line_has_its_checked_numbers(qtbot, language):
    for lang in ("en", "de"):
        language(lang)
        for code in COUNTRIES:
            text = words("safety", f"lines_{code}")
            for number in NUMBERS[code]:
                assert number in text, (lang, code, number)


@pytest.mark.parametrize("country", [*COUNTRIES, "", "fr"])
def test_the_couple_s_country_comes_first(qtbot, country):
    dialog = SafetyDialog(country=country)
    qtbot.addWidget(dialog)
    shown = [line.property("country") for line in dialog.lines]
    assert sorted(shown) == sorted(COUNTRIES)
    assert shown == countries_for(country)
    if country in COUNTRIES:
        assert shown[0] == country
    else:
        assert shown == list(COUNTRIES)


def test_german_says_it_gender_neutrally(language):
    language("de")
    for key in ("first",):
        text = words("safety", key)
        assert "um die eigene Sicherheit" in text and "seine Sicherheit" not in text
    assert "seine Sicherheit" not in words("welcome", "safety")


@pytest.mark.parametrize("name", LIVE_SCREENS)
def test_every_live_screen_leads_to_safety_and_help(active, qtbot, name):
    view = show_screen(active, name)
    link = view.safety_button
    assert link.isVisible() and link.property("role") == "link"
    main = focused()
    assert link is not main and link in tab_stops(qtbot)  # reached by Tab...
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert focused() is not link  # ...never by a click's focus
    qtbot.waitUntil(lambda: len(safety_dialogs()) == 1)
    assert active.controller.flow.state is not State.TALKING  # the pause goes on beside it
    for dialog in safety_dialogs():
        dialog.reject()


def test_the_help_menu_opens_it(active, qtbot):
    actions = [a for a in active.window.help_menu.actions() if a.text().replace("&", "") == "Safety and help"]
    assert len(actions) == 1
    actions[0].trigger()
    qtbot.waitUntil(lambda: len(safety_dialogs()) == 1)
    safety_dialogs()[0].reject()


# ------------------------------------------------------------ the words
def test_the_turns_screen_shows_the_first_speaker_rule(app):
    app.controller.pause()
    app.controller.dispatch(Ev.END_BREATHING)
    turns = app.window.turns
    assert turns.who_row.isVisible()
    assert turns.who_starts_label.text() == "Whoever noticed first starts; change it if you like."


def test_each_partner_is_asked_about_themselves(app, qtbot):
    app.settings.update({"partner_a": "Alex", "partner_b": "Sam"})
    app.controller.apply_settings()
    show_screen(app, "repair")
    questions = [app.window.repair.questions[p].text() for p in "ab"]
    assert questions == ["Alex, do you feel close again?", "Sam, do you feel close again?"]
    assert not any("each other" in q for q in questions)


def test_noticed_first_instead_of_who_paused(language):
    for lang, expected in (("en", "Noticed first"), ("de", "Zuerst bemerkt")):
        language(lang)
        assert words("history", "col_paused_by") == expected
        assert words("report", "col_paused_by") == expected
    assert "Zuerst bemerkt" in header(ExportOptions())  # the German spreadsheet's word
    language("en")
    assert "paused_by" in header(ExportOptions())  # the English one keeps its stable key


def test_repair_time_is_one_sign_among_others(language):
    for lang in ("en", "de"):
        language(lang)
        meanings = " ".join(meaning for _term, meaning in word_list("report", "how"))
        assert "main sign" not in meanings and "wichtigste" not in meanings
    language("en")
    assert "one sign among others" in " ".join(m for _t, m in word_list("report", "how"))
