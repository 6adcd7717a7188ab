"""The window in German: every word on every screen and in the dialogs comes from the
German catalogue, dates and numbers follow it, so do Qt's own words (standard
buttons) and widgets (date fields); Settings choose the language for the next start."""

from __future__ import annotations

import tomllib

import pytest
from PySide6.QtCore import QDate, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from couplepause.common import texts
from couplepause.common.formatting import date_pattern
from couplepause.common.texts import context, source_words, words
from couplepause.core.flow import Ev
from couplepause.ui.main_window import FLOW_SCREENS


def english_only() -> set[str]:
    """Every English text of words.toml that German says otherwise."""
    german = texts.catalogue("de")
    found = set()

    def add(ctxt, english):
        if ctxt == "languages.name":
            return  # "English" is English's own name, also in a German list of languages
        if isinstance(english, str):
            if english and german.pgettext(ctxt, english) != english:
                found.add(english)
        elif isinstance(english, list):
            for item in english:
                add(ctxt, item)

    for section in tomllib.loads(texts.resource_folder().joinpath("words.toml").read_text("utf-8")):
        for key, english in source_words(section).items():
            add(context(section, key), english)
    return found


def said(root: QWidget) -> set[str]:
    """What a person can read in a widget and its children (all the screens are built)."""
    shown = {root.windowTitle()}
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLabel):
            shown.add(widget.text())
        elif isinstance(widget, QAbstractButton):
            shown.add(widget.text().replace("&", ""))
        elif isinstance(widget, QGroupBox):
            shown.add(widget.title())
        elif isinstance(widget, QLineEdit):
            shown.add(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            shown.update(widget.itemText(i) for i in range(widget.count()))
        shown.update({widget.accessibleName(), widget.toolTip()})
    return {text for text in shown if text}


@pytest.fixture
def german_app(language, make_app, qtbot):
    language("de")
    bundle = make_app()
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    qtbot.waitUntil(lambda: bundle.writer.pending() == 0)
    for name in FLOW_SCREENS:  # every screen, to read its words
        bundle.window.screen(name)
    return bundle


def test_every_screen_speaks_german(german_app, qtbot):
    w, c = german_app.window, german_app.controller
    english = english_only()
    assert len(english) > 500
    seen = said(w)
    assert {"Pause", "Einstellungen", "Lasst uns gemeinsam atmen", "Wer spricht zuerst?",
            "Zueinander zurückfinden", "Eine längere Auszeit", "Ihr habt zueinander zurückgefunden"} <= seen
    c.pause()
    qtbot.waitUntil(lambda: w.current_view() is w.breathing)
    seen |= said(w)
    c.dispatch(Ev.END_BREATHING)
    seen |= said(w)
    assert "Person A, du sprichst" in seen or "Person B, du sprichst" in seen
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    seen |= said(w)
    assert "Person A, fühlst du dich wieder verbunden?" in seen
    c.choose_break()
    seen |= said(w)
    menus = {action.text().replace("&", "") for menu in w.menuBar().findChildren(QWidget) for action in menu.actions()}
    assert {"Datei", "Hilfe", "Einstellungen…", "Beenden"} <= menus | {a.text().replace("&", "") for a in w.menuBar().actions()}
    assert not seen & english, sorted(seen & english)
    assert not menus & {text.replace("&", "") for text in english}


def test_the_dialogs_speak_german(german_app, qtbot):
    english = english_only()
    settings = german_app.open_settings()
    assert {"Eure Namen", "Aussehen", "Sprache", "Speichern", "Abbrechen"} <= said(settings)
    assert not said(settings) & english, sorted(said(settings) & english)
    settings.reject()
    safety = german_app.open_safety()
    assert not said(safety) & english
    safety.reject()


def test_the_language_is_chosen_in_settings_for_the_next_start(german_app, qtbot):
    dialog = german_app.open_settings()
    combo = dialog.language
    assert [combo.itemData(i) for i in range(combo.count())] == ["system", "en", "de"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["Wie dieser Computer", "English", "Deutsch"]
    assert combo.currentData() == "system"
    combo.setCurrentIndex(combo.findData("en"))
    dialog.save()
    assert german_app.settings.get("language") == "en"
    # Still German now; it says so, in German.
    assert german_app.window.notice_text.text() == "Ab dem nächsten Start spricht couplepause English."
    assert texts.language() == "de"


def test_qt_s_own_words_and_date_fields_follow(german_app, qtbot):
    from couplepause.app.launch import speak_in_qt

    app = QApplication.instance()
    speak_in_qt(app)
    try:
        box = QMessageBox()
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        assert box.button(QMessageBox.StandardButton.Yes).text().replace("&", "") == "Ja"
        assert box.button(QMessageBox.StandardButton.No).text().replace("&", "") == "Nein"
        field = QDateEdit(QDate(2026, 10, 2))
        field.setDisplayFormat(date_pattern())
        assert field.text() == "2. Okt. 2026"
        assert QLocale().name() == "de_DE"
    finally:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
            translator.setParent(None)


def test_english_is_untouched(app, qtbot):
    """Without another language the words are English and Qt has no translator."""
    from couplepause.app.launch import speak_in_qt

    assert texts.language() == "en"
    before = QApplication.instance().findChildren(QTranslator)
    speak_in_qt(QApplication.instance())
    assert QApplication.instance().findChildren(QTranslator) == before
    assert {words("talking", "settings"), "Pause"} <= said(app.window)
