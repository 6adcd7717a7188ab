"""Safety and help (Help → Safety and help, and every screen's link): the version and the
licence in one short line beside Close, in the couple's language."""

from __future__ import annotations

import pytest

from couplepause import __version__
from couplepause.ui.dialogs import SafetyDialog


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", f"couplepause {__version__} · free software under the GNU GPL, version\u00a03 or later"),
    ("de", f"couplepause {__version__} · freie Software unter der GNU GPL, Version\u00a03 oder später"),
])
def test_about_says_the_version_and_the_licence(qtbot, language, lang, expected):
    language(lang)
    dialog = SafetyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.licence.text() == expected
    assert dialog.licence.isVisible()
    assert dialog.licence.property("role") == "small"


def test_the_app_s_about_shows_it(app):
    dialog = app.open_safety()
    assert __version__ in dialog.licence.text() and dialog.licence.isVisible()
    dialog.reject()
