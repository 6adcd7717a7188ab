"""The CSV in its language's spreadsheet conventions: English as it always was (comma,
decimal point, quoted where needed), German with a semicolon, a decimal comma and
every cell quoted. tests/export/test_spreadsheets.py opens both in LibreOffice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.export import EXPORTERS, ExportOptions, csv_format, default_partner_names
from couplepause.export.csv_format import (
    COLUMNS,
    DECIMAL_COMMA,
    DECIMAL_POINT,
    FORMULA_STARTS,
    GUARD,
    convention,
    neutralise,
)

from ..factory import NOTE, make_episode, sample, with_break

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
ID = "5d0c6d0e-0000-4000-8000-000000000001"
# The columns that hold a number with a fraction, and those that hold a whole one.
DECIMALS = ("minutes_to_repair", "break_minutes", "utc_offset_hours", "turn_minutes", "breathing_minutes")
WHOLE = ("activation_a", "activation_b", "turns", "breaks")


def export(tmp_path: Path, episodes, name: str, **options) -> bytes:
    out = tmp_path / name
    options.setdefault("exported_at", FIXED)
    EXPORTERS["csv"].export(episodes, ExportOptions(**options), out)
    return out.read_bytes()


def records(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def by_column(rows: list[list[str]]) -> list[dict[str, str]]:
    """Each row keyed by the English column names (the German header is in its words)."""
    keys = list(COLUMNS) + ["note"] * (len(rows[0]) - len(COLUMNS))
    return [dict(zip(keys, row)) for row in rows[1:]]


def episodes():
    return [*sample(), make_episode("2026-03-04T07:30:00.000-03:30", repair_seconds=95.0)]


# ------------------------------------------------------------------ which one
def test_the_convention_is_the_language_s(language):
    assert convention() == DECIMAL_POINT
    language("de")
    assert convention() == DECIMAL_COMMA
    assert (DECIMAL_COMMA.decimal_mark, DECIMAL_COMMA.delimiter, DECIMAL_COMMA.quoting) == (",", ";", csv.QUOTE_ALL)
    assert (DECIMAL_POINT.decimal_mark, DECIMAL_POINT.delimiter, DECIMAL_POINT.quoting) == (".", ",", csv.QUOTE_MINIMAL)


@pytest.mark.parametrize(("said", "expected"), [(",", DECIMAL_COMMA), (" , ", DECIMAL_COMMA), (".", DECIMAL_POINT),
                                                ("x", DECIMAL_POINT), ("", DECIMAL_POINT)])
def test_a_translation_s_decimal_mark_other_than_a_comma_means_a_point(monkeypatch, said, expected):
    monkeypatch.setattr(csv_format, "words", lambda section, key: said if key == "decimal_mark" else key)
    assert convention() == expected


# ------------------------------------------------------------------- English
def test_english_is_as_it_always_was(tmp_path):
    episode = make_episode("2026-03-01T21:04:05.123+01:00", note=NOTE, episode_id=ID)
    data = export(tmp_path, [episode], "en.csv", include_notes=True)
    assert data.decode("utf-8-sig").split("\r\n")[1] == (
        "5d0c6d0e-0000-4000-8000-000000000001,2026-03-01T21:04:05.123+01:00,2026-03-01T21:12:57.248+01:00,"
        "8.9,repaired,no,,Partner A,7,,pursue_withdraw,2026-03-01,sunday,21:04,1,2,2.0,2.0,0,yes,partly,"
        '"ZEBRA-NOTE-7f3a: we argued about the dishes again, Łódź, 😊"')


# -------------------------------------------------------------------- German
def test_german_has_semicolons_decimal_commas_and_every_cell_quoted(tmp_path, language):
    language("de")
    episode = make_episode("2026-03-01T21:04:05.123+01:00", note=NOTE, episode_id=ID)
    data = export(tmp_path, [episode], "de.csv", include_notes=True)
    assert data.startswith(b"\xef\xbb\xbf")
    header, line = data.decode("utf-8-sig").split("\r\n")[:2]
    assert header.startswith('"id";"Pause";"Zurückgefunden";"Minuten zum Zurückfinden";')
    assert line == (
        '"5d0c6d0e-0000-4000-8000-000000000001";"2026-03-01T21:04:05.123+01:00";"2026-03-01T21:12:57.248+01:00";'
        f'"8,9";"zurückgefunden";"nein";"";"{default_partner_names()[0]}";"7";"";"Nähe gesucht, Abstand genommen";'
        '"2026-03-01";"Sonntag";"21:04";"1";"2";"2,0";"2,0";"0";"ja";"zum Teil";'
        '"ZEBRA-NOTE-7f3a: we argued about the dishes again, Łódź, 😊"')


def test_german_numbers_are_the_english_ones_with_a_decimal_comma(tmp_path, language):
    chosen = episodes()
    english = by_column(records(export(tmp_path, chosen, "en.csv", include_notes=True), ","))
    language("de")
    german = by_column(records(export(tmp_path, chosen, "de.csv", include_notes=True), ";"))
    assert [row["id"] for row in german] == [row["id"] for row in english]
    fractions = set()
    for de, en in zip(german, english):
        for key in DECIMALS:
            assert "." not in de[key], (key, de[key])
            assert de[key] == en[key].replace(".", ","), key
            fractions.add(de[key])
        for key in (*WHOLE, "id", "paused_at", "repaired_at", "date", "time", "note"):
            assert de[key] == en[key], key
    assert {"8,9", "45,0", "32,0", "5,5", "-3,5", "-8", "1,6"} <= fractions


def test_german_cells_hold_separators_quotes_and_line_breaks(tmp_path, language):
    language("de")
    notes = ['Sie sagte "gut"; es war nicht gut', "erste Zeile\nzweite; mit Komma, und\tTab", "8,5", None]
    chosen = [make_episode(f"2026-01-0{i + 1}T10:00:00.000+00:00", note=note) for i, note in enumerate(notes)]
    rows = by_column(records(export(tmp_path, chosen, "de.csv", include_notes=True), ";"))
    assert [row["note"] for row in rows] == [*notes[:3], ""]
    assert {len(row) for row in rows} == {len(COLUMNS) + 1}


def test_an_empty_german_export_is_its_quoted_header(tmp_path, language):
    language("de")
    data = export(tmp_path, [], "de.csv")
    (header,) = records(data, ";")
    assert data == b"\xef\xbb\xbf" + ";".join(f'"{cell}"' for cell in header).encode() + b"\r\n"
    assert header[0] == "id" and len(header) == len(COLUMNS)


def test_a_german_break_and_a_practice_column(tmp_path, language):
    language("de")
    practice = make_episode("2026-03-03T20:00:00.000+01:00", practice=True)
    rows = records(export(tmp_path, [with_break("2026-03-02T23:59:59.999+05:30"), practice], "de.csv",
                          include_practice=True), ";")
    assert rows[0][-1] == "Übungspause"
    brk, practised = rows[1], rows[2]
    assert (brk[3], brk[5], brk[6], brk[14]) == ("45,0", "ja", "32,0", "5,5")
    assert (brk[-1], practised[-1]) == ("nein", "ja")


# ---------------------------------------------------------- formula injection
@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("-3,5", "-3,5"),  # a plain number with a decimal comma stays a number
        ("+7", "+7"),
        ("-,5", "-,5"),
        ("-1e3", "-1e3"),
        ("-3.5", "'-3.5"),  # not a number where the decimal mark is a comma
        ("-2+3", "'-2+3"),
        ("=SUMME(A1;A2)", "'=SUMME(A1;A2)"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("-", "'-"),
        ("wir = gut", "wir = gut"),
        ("", ""),
    ],
)
def test_neutralise_with_a_decimal_comma(typed, written):
    assert neutralise(typed, ",") == written


def test_neutralise_with_a_decimal_point_is_as_it_was():
    assert neutralise("-3.5") == neutralise("-3.5", ".") == "-3.5"
    assert neutralise("-3,5", ".") == "'-3,5"


@given(st.text(max_size=40))
def test_german_cells_never_start_a_formula_and_keep_the_text(text):
    safe = neutralise(text, ",")
    assert safe in (text, GUARD + text)
    if safe and safe[0] in FORMULA_STARTS:
        float(safe.replace(",", "."))  # only a plain number may start with + or -


def test_guarded_german_notes_and_names(tmp_path, language):
    language("de")
    chosen = [make_episode("2026-01-01T10:00:00.000+00:00", note="=1+1", paused_by="a")]
    (row,) = by_column(records(export(tmp_path, chosen, "de.csv", include_notes=True, include_names=True,
                                      partner_names=("@Zoë", "B")), ";"))
    assert (row["note"], row["paused_by"]) == ("'=1+1", "'@Zoë")
