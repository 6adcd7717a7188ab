"""Every language but English is a gettext catalogue made from resources/words.toml:
the template is up to date, every catalogue has every text with the English
placeholders, plural forms follow each language's rules, a new language is begun with
one command, the app reads only compiled catalogues, and the language follows the
system (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG) unless Settings choose one."""

from __future__ import annotations

import gettext
import importlib
import shutil
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import polib
import pytest

from couplepause.common import texts
from couplepause.common.texts import context, words

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
in_a_checkout = pytest.mark.skipif(not (PACKAGING / "messages.py").is_file(), reason="runs from a source checkout")
ENGLISH = tomllib.loads(texts.resource_folder().joinpath("words.toml").read_text("utf-8"))
# Every catalogue of the source tree, by language code.
CATALOGUES = sorted(path.parent.parent.name for path in ROOT.glob("resources/locale/*/LC_MESSAGES/couplepause.po"))


def _messages():
    """packaging/messages.py, imported as its command line runs (packaging/ on the path,
    for couplepause_build)."""
    if str(PACKAGING) not in sys.path:
        sys.path.append(str(PACKAGING))
    return importlib.import_module("messages")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _entries():
    """(context, English) of every text in words.toml: lists item by item."""
    def leaves(value):
        return [value] if isinstance(value, str) else [leaf for item in value for leaf in leaves(item)]

    for section, table in ENGLISH.items():
        for key, value in table.items():
            if isinstance(value, dict):
                yield context(section, key), value
            else:
                for leaf in leaves(value):
                    yield context(section, key), leaf


# ------------------------------------------------------------ the catalogues
@in_a_checkout
def test_the_template_is_up_to_date_with_the_words():
    assert _messages().template_problems() == [], "run: python packaging/messages.py update"


@in_a_checkout
@pytest.mark.parametrize("code", CATALOGUES)
def test_every_catalogue_has_every_text_with_the_english_placeholders(code):
    messages = _messages()
    assert messages.catalogue_problems(messages.catalogues()[code]) == []


@in_a_checkout
def test_german_is_among_the_catalogues():
    assert "de" in CATALOGUES


@in_a_checkout
def test_gettext_s_own_check_passes_for_every_catalogue():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    for po in _messages().catalogues().values():  # formats, plural forms, header
        done = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("code", [code for code in texts.languages() if code != texts.SOURCE_LANGUAGE])
def test_the_catalogue_the_app_reads_has_every_text(code):
    """The installed package's compiled catalogue of each language answers for every
    English text of words.toml, plural entries included."""
    missed = []

    class Missed(gettext.NullTranslations):
        def pgettext(self, ctxt, message):
            missed.append(f"{ctxt}: {message}")
            return message

        def npgettext(self, ctxt, one, other, n):
            missed.append(f"{ctxt}: {one}")
            return one

    compiled = texts.catalogue.__wrapped__(code)  # a fresh one: the cached one stays as it is
    compiled.add_fallback(Missed())
    for ctxt, english in _entries():
        if isinstance(english, dict):
            compiled.npgettext(ctxt, english["one"], english["other"], 2)
        else:
            compiled.pgettext(ctxt, english)
    assert missed == []


def test_the_installed_catalogues_are_the_source_tree_s():
    """Each catalogue of a checkout is compiled where the app reads it (the editable
    install, a wheel): none is left for the .po alone."""
    if not CATALOGUES:
        pytest.skip("runs from a source checkout")
    assert set(CATALOGUES) <= set(texts.languages())


def test_every_plural_entry_says_one_and_other_with_the_same_values():
    for ctxt, english in _entries():
        if isinstance(english, dict):
            assert set(english) <= {"one", "other", "count"}, ctxt
            count = english.get("count", "n")
            assert count in _fields(english["other"]), ctxt
            assert _fields(english["one"]) <= _fields(english["other"]), ctxt
            assert _fields(english["other"]) - _fields(english["one"]) <= {count}, ctxt


# ------------------------------------------------------------------- German
def test_german_words(language):
    language("de")
    assert texts.language() == "de"
    assert words("talking", "pause") == "Pause"
    assert words("settings", "title") == "Einstellungen"
    assert words("turns", "speaker_title", speaker="Sam") == "Sam, du sprichst"
    assert texts.word_list("report", "how")[0][0] == "Pause"
    assert texts.language_name("de") == "Deutsch"
    assert texts.language_name("en") == "English"
    language("en")
    assert words("settings", "title") == "Settings"


def test_counts_take_the_plural_form_of_the_language(language):
    assert [texts.pauses(n) for n in (0, 1, 2)] == ["0 pauses", "1 pause", "2 pauses"]
    assert texts.duration(60) == "1 minute" and texts.duration(3 * 3600) == "3 hours"
    language("de")
    assert [texts.pauses(n) for n in (0, 1, 2, 21)] == ["0 Pausen", "1 Pause", "2 Pausen", "21 Pausen"]
    assert [texts.duration(s) for s in (30, 60, 600, 3600, 5400)] == [
        "weniger als eine Minute", "1 Minute", "10 Minuten", "1 Stunde", "1\u00a0Std. 30\u00a0Min."]
    # The form is chosen by the value the entry names ({more}).
    assert "1 weiteren Monat " in words("notices", "lost_months", month="März", more=1)
    assert "3 weiteren Monaten " in words("notices", "lost_months", month="März", more=3)
    assert words("summary", "open", n=1).startswith("Eine Pause ist")


POLISH = r"""msgid ""
msgstr ""
"Language: pl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

msgctxt "counts.pauses"
msgid "{n} pause"
msgid_plural "{n} pauses"
msgstr[0] "{n} pauza"
msgstr[1] "{n} pauzy"
msgstr[2] "{n} pauz"

msgctxt "languages.name"
msgid "English"
msgstr "Polski"
"""


@pytest.fixture
def resources_with(tmp_path, monkeypatch):
    """resources/ as shipped, plus the catalogues a test writes into its locale/."""
    folder = tmp_path / "resources"
    shutil.copytree(Path(texts.resource_folder()), folder)
    monkeypatch.setattr(texts, "resource_folder", lambda: folder)
    for cached in (texts.languages, texts.catalogue):
        cached.cache_clear()
    yield folder
    monkeypatch.undo()
    for cached in (texts.languages, texts.catalogue):
        cached.cache_clear()
    texts.set_language("en")


def test_a_language_with_three_plural_forms(resources_with):
    """Any language can follow: one catalogue with its own Plural-Forms (Polish: 1, 2-4, 5+)."""
    mo = resources_with / "locale" / "pl" / "LC_MESSAGES" / "couplepause.mo"
    mo.parent.mkdir(parents=True)
    polib.pofile(POLISH).save_as_mofile(str(mo))
    assert texts.languages() == ("en", "de", "pl")
    texts.set_language("pl")
    assert [texts.pauses(n) for n in (1, 2, 4, 5, 12, 22, 25)] == [
        "1 pauza", "2 pauzy", "4 pauzy", "5 pauz", "12 pauz", "22 pauzy", "25 pauz"]
    assert texts.language_name("pl") == "Polski"
    assert words("settings", "title") == "Settings"  # not translated yet: the English stays


def test_the_app_reads_only_compiled_catalogues(resources_with):
    """A .po alone (no .mo beside it) is a source, not a language the app speaks."""
    po = resources_with / "locale" / "pl" / "LC_MESSAGES" / "couplepause.po"
    po.parent.mkdir(parents=True)
    po.write_text(POLISH, "utf-8")
    assert "pl" not in texts.languages()
    assert texts.catalogue("pl").pgettext("languages.name", "English") == "English"


# ------------------------------------------------------------- a new language
@pytest.mark.process
@in_a_checkout
def test_a_new_language_is_begun_with_its_plural_forms_and_offered_once_translated(resources_with, tmp_path):
    messages = _messages()
    locale = tmp_path / "locale"
    po_path = messages.init("pl", locale)
    assert po_path == locale / "pl" / "LC_MESSAGES" / "couplepause.po"
    po = polib.pofile(str(po_path))
    assert po.metadata["Language"] == "pl"
    assert po.metadata["Plural-Forms"].startswith("nplurals=3; plural=")
    pot = messages.template()
    assert [(e.msgctxt, e.msgid) for e in po] == [(e.msgctxt, e.msgid) for e in pot]
    assert po.percent_translated() == 0
    pauses = po.find("{n} pause", msgctxt="counts.pauses")
    assert sorted(pauses.msgstr_plural) == [0, 1, 2]  # a slot for each of Polish's forms
    problems = messages.catalogue_problems(po_path)
    assert problems and all(problem.endswith("not translated") for problem in problems)
    msgfmt = shutil.which("msgfmt")
    if msgfmt is not None:
        done = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    with pytest.raises(messages.LanguageError, match="there already"):
        messages.init("pl", locale)
    with pytest.raises(messages.LanguageError, match="no language is known"):
        messages.init("xx", locale)
    assert messages.init("pt-BR", locale).parent.parent.name == "pt_BR"

    # Compiled while nothing names the language: no .mo, so Settings do not offer it.
    shipped = resources_with / "locale"
    compile_catalogues = importlib.import_module("couplepause_build.catalogues").compile_catalogues
    assert compile_catalogues(shipped, locale) == []
    # Its name, and one text, translated: compiled, offered, spoken.
    pauses.msgstr_plural = {0: "{n} pauza", 1: "{n} pauzy", 2: "{n} pauz"}
    po.find("English", msgctxt="languages.name").msgstr = "Polski"
    po.save(str(po_path))
    assert compile_catalogues(shipped, locale) == [shipped / "pl" / "LC_MESSAGES" / "couplepause.mo"]
    texts.languages.cache_clear()
    assert "pl" in texts.languages() and "pt_BR" not in texts.languages()
    assert texts.language_name("pl") == "Polski"
    texts.set_language("pl")
    assert texts.pauses(5) == "5 pauz"


@in_a_checkout
def test_the_comments_of_words_toml_are_notes_for_their_texts():
    text = """# About the whole file.

[one]
# About section one.
first = "First"
second = "Second"

# About the pair below.
third = "Third"
fourth = '''Fourth
# not a comment, a line of the text'''

fifth = ["a", "b"]  # beside a value: not a note
# About the section below, just above it.
[two]
only = { one = "{n} thing", other = "{n} things" }
"""
    assert _messages().comments(text) == {
        ("one", "first"): ["About the whole file.", "About section one."],
        ("one", "second"): [],
        ("one", "third"): ["About the pair below."],
        ("one", "fourth"): ["About the pair below."],
        ("one", "fifth"): [],
        ("two", "only"): ["About the section below, just above it."],
    }


# ---------------------------------------------------------- which language
@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "de_AT.UTF-8"}, "de"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French yet
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANGUAGE": "de", "LC_ALL": "C.UTF-8"}, "de"),  # LANGUAGE first
    ({"LANGUAGE": "fr:de:en", "LANG": "en_US.UTF-8"}, "de"),  # the first one there are words for
    ({"LANGUAGE": "", "LC_ALL": "de_CH.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
    ({"LC_MESSAGES": "de_DE.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
    ({"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}, "en"),
])
def test_the_language_follows_the_system(environ, expected):
    assert texts.system_language(environ) == expected


def test_a_chosen_language_comes_before_the_system_s(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de")
    try:
        assert texts.set_language("en") == "en"
        assert texts.set_language("system") == "de"
        assert texts.set_language("xx") == "de"  # no such language: the system's
    finally:
        monkeypatch.delenv("LANGUAGE")
        texts.set_language("en")


def test_the_setting_is_a_language_there_are_words_for(tmp_path):
    from couplepause.settings import SettingError, Settings, language_of, languages

    assert languages() == ("system", "en", "de")
    settings = Settings(tmp_path / "settings.ini")
    assert settings.get("language") == "system"
    settings.update({"language": "de"})
    assert Settings(tmp_path / "settings.ini").get("language") == "de"
    assert language_of(tmp_path / "settings.ini") == "de"  # as the command line reads it
    with pytest.raises(SettingError):
        settings.update({"language": "xx"})
    assert language_of(tmp_path / "missing.ini") == "system"
    (tmp_path / "odd.ini").write_text("[General]\nlanguage=xx\n", encoding="utf-8")
    assert language_of(tmp_path / "odd.ini") == "system"  # a value edited by hand means the default
    (tmp_path / "bad.ini").write_bytes(b"\xff\xfe[General\nlanguage=de")
    assert language_of(tmp_path / "bad.ini") in languages()  # a damaged file never stops a command


def test_the_words_and_the_look_the_app_reads_are_the_ones_written():
    """The app reads words.json and theme.json, compiled from the TOML at build time: a
    change to the TOML shows once the package is built again (pip install -e ., or
    python packaging/messages.py compile DIR)."""
    for name in ("words", "theme"):
        written = tomllib.loads(texts.resource_folder().joinpath(f"{name}.toml").read_text("utf-8"))
        assert texts.resource_data(name) == written, f"rebuild: {name}.json is older than {name}.toml"
