"""The words keep their tone in every language: nothing that blames, shames, scores or
sounds clinical; one form of address per screen (German: "du" for one partner, "ihr" for
both); one term per idea; the typography of each language."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from couplepause.common import texts
from couplepause.common.texts import context

GERMAN = Path(texts.resource_folder()) / "locale" / "de" / "LC_MESSAGES" / "couplepause.po"
in_a_checkout = pytest.mark.skipif(not GERMAN.is_file(), reason="the .po is in the source tree")

# Sections that speak of files, errors and commands rather than to the couple in the moment.
TECHNICAL = ("settings", "notices", "menu", "accessible", "problems", "problems_cli", "problem_kinds", "argparse", "cli")

# Words that blame, shame, score or sound clinical have no place in front of a couple.
UNKIND = {
    "en": r"fault|blame\w*|wrong|fail(ed|ure)?|bad|score\w*|streak\w*|points?|badges?|great job|well done|"
          r"patients?|disorder|symptoms?|dysfunction\w*|should have|overreact\w*|crazy|hysterical|selfish|"
          r"clingy|needy|nag\w*|just calm down|you always|you never|win|won|lose|loser|achievement\w*|rewards?|"
          r"level up",
    "de": r"Schuld|schuld\w*|falsch\w*|versag\w*|Versagen|schlecht\w*|Punkte?|Punktzahl|Abzeichen|Serie|"
          r"Erfolgsserie|Patient\w*|Störung\w*|Symptom\w*|gut gemacht|toll gemacht|hättest|hättet|"
          r"Fehlverhalten|überreagier\w*|hysterisch\w*|egoistisch\w*|klammer\w*|nörgel\w*|beruhig dich|"
          r"du immer|du nie|gewonnen|gewinn\w*|Verlierer\w*|Belohnung\w*|Bruch|Reparatur|Rückfall",
}

# German: "du" for one partner (the partners' own cards), "ihr" for the couple everywhere else.
DU = re.compile(r"\b(du|dich|dir|dein\w*|Du|Dich|Dir|Dein\w*)\b")
IHR = re.compile(r"\b(ihr|euch|euer|eure\w*|Euch|Euer|Eure\w*)\b")  # "Ihr" may be "their"
ONE_PARTNER = re.compile(
    r"^(turns\.(speaker|listener|listening|impact|timer_done|swap)\w*|repair\.question\w*)$"
)
# German: one term per idea.
NOT_GERMAN_TERMS = {
    r"Probe\w*": "the practice pause is the Übungspause",
    r"Passphrase": "a passphrase is a Passwort on every screen",
    r"[Mm]ittlere|im Mittel\b": "a median is a Median",
}


def _english() -> list[tuple[str, str]]:
    import tomllib

    data = tomllib.loads(texts.resource_folder().joinpath("words.toml").read_text("utf-8"))
    found = []

    def walk(value, ctxt):
        if isinstance(value, dict):
            if set(value) >= {"one", "other"}:
                found.extend((ctxt, value[form]) for form in ("one", "other"))
            else:
                for item in value.values():
                    walk(item, ctxt)
        elif isinstance(value, list):
            for item in value:
                walk(item, ctxt)
        elif isinstance(value, str):
            found.append((ctxt, value))

    for section, table in data.items():
        for key, value in table.items():
            walk(value, context(section, key))
    return found


def _german() -> list[tuple[str, str]]:
    found = []
    for entry in polib.pofile(str(GERMAN)):
        if entry.obsolete:
            continue
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        found.extend((entry.msgctxt, text) for text in forms)
    return found


def _spoken(pairs):
    return [(ctxt, text) for ctxt, text in pairs if ctxt.split(".")[0] not in TECHNICAL]


def _unkind(pairs, language):
    pattern = re.compile(rf"\b({UNKIND[language]})\b", re.IGNORECASE if language == "en" else 0)
    return [f"{ctxt}: {text}" for ctxt, text in _spoken(pairs) if pattern.search(text)]


def test_english_keeps_a_kind_tone():
    assert _unkind(_english(), "en") == []


@in_a_checkout
def test_german_keeps_a_kind_tone():
    assert _unkind(_german(), "de") == []


def test_the_unkind_lists_catch_what_they_name():
    # The lists are not dead letters: a blaming line in either language is caught.
    assert _unkind([("turns.x", "It was your fault, you always do this.")], "en")
    assert _unkind([("turns.x", "Das war deine Schuld, du immer mit deinem Drängen.")], "de")
    assert not _unkind([("turns.x", "No need to defend or fix. Just hear.")], "en")


@in_a_checkout
def test_german_says_du_to_one_partner_and_ihr_to_both():
    mixed = []
    for ctxt, text in _german():
        said = re.sub(r"„[^“]*“|--\S+", "", text)  # what a partner says aloud, and options
        if ONE_PARTNER.match(ctxt):
            if IHR.search(said):
                mixed.append(f"ihr on a partner's own card: {ctxt}: {text}")
        elif DU.search(said):
            mixed.append(f"du where both are meant: {ctxt}: {text}")
    assert mixed == []


@in_a_checkout
def test_german_has_one_term_per_idea():
    found = []
    for ctxt, text in _german():
        for pattern, why in NOT_GERMAN_TERMS.items():
            if re.search(pattern, text):
                found.append(f"{ctxt}: {text} ({why})")
        key = ctxt.split(".", 1)[1] if "." in ctxt else ctxt
        if "cycle" in key and "Muster" in text:
            found.append(f"{ctxt}: {text} (a cycle is a Kreislauf; Muster are the patterns over time)")
    assert found == []


@in_a_checkout
def test_german_typography():
    found = []
    for ctxt, text in _german():
        if re.search(r"z\. B\.", text):
            found.append(f"{ctxt}: 'z. B.' without a non-breaking space")
        if re.search(r"[\d}] (%|Min\.|Std\.)|< \d", text):
            found.append(f"{ctxt}: a number and its unit split by a plain space: {text}")
        if ctxt.split(".")[0] != "argparse" and re.search(r"['\"]", text):
            found.append(f"{ctxt}: straight quotes (German quotes are „…“): {text}")
    assert found == []


def test_english_uses_one_apostrophe_style():
    # Typographic quotes (“…”) go with typographic apostrophes (’).
    found = [f"{ctxt}: {text}" for ctxt, text in _english() if "'" in text and not ctxt.startswith("argparse.")]
    assert found == []
