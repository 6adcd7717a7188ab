"""The CSV as a therapist's spreadsheet opens it: LibreOffice (headless) imports the
German file in de-DE and the English one in en-US, and the cells' types are read back
from the .ods it writes. Numbers must arrive as numbers, dates as dates, and the ids,
words and notes as the text they are.

Two ways of opening each file:

- ``on_open``: LibreOffice's text import as it first comes up on a double click
  (separated by comma, semicolon and tab at once; "detect special numbers" off), in
  the language of the file (a German LibreOffice imports in de-DE);
- ``own_separator``: the file's own separator only, dates and times detected, as
  Excel does on a double click (the system's list separator: ``;`` in German).

Slow (LibreOffice starts for each file, about 2 s); skipped where ``soffice`` is not
installed (Debian: ``apt-get install libreoffice-calc-nogui``; CI installs it).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from couplepause.export import EXPORTERS, ExportOptions, csv_format
from couplepause.export.csv_format import COLUMNS, DECIMAL_POINT

from ..factory import make_episode, sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason=(
        "LibreOffice (soffice) is not installed, so the CSV cannot be opened as a spreadsheet opens it; "
        "install it with: apt-get install libreoffice-calc-nogui")),
]

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
# The language ids LibreOffice's CSV import takes (Windows LCIDs): de-DE and en-US.
LOCALES = {"de": 1031, "en": 1033}
SEPARATORS = {",": "44", ";": "59", "\t": "9"}
NUMBERS = ("minutes_to_repair", "break_minutes", "activation_a", "activation_b", "utc_offset_hours", "turns",
           "turn_minutes", "breathing_minutes", "breaks")
TEXTS = ("id", "paused_at", "repaired_at", "status", "had_break", "paused_by", "cycle", "weekday", "repair_a",
         "repair_b", "note")
GERMAN_NOTES = ("Sie sagte: gut; war es nicht", "zwei Zeilen,\nmit Komma und\tTab")

_ODF = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}


def _odf(prefix: str, name: str) -> str:
    return f"{{{_ODF[prefix]}}}{name}"


def episodes(language: str):
    chosen = [*sample(), make_episode("2026-03-04T07:30:00.000-03:30", repair_seconds=95.0, note="kurz")]
    if language == "de":  # a German file quotes every cell, so separators in a note stay in it
        chosen += [make_episode(f"2026-03-0{day}T20:00:00.000+01:00", note=note)
                   for day, note in enumerate(GERMAN_NOTES, start=5)]
    return chosen


def filter_options(separators: str, language: str, special_numbers: bool) -> str:
    """LibreOffice's CSV import options: separators, the quote ("), UTF-8 (76), from line
    1, standard columns, the language, quoted cells not as text, special numbers."""
    codes = "/".join(SEPARATORS[s] for s in separators)
    return f"{codes},34,76,1,,{LOCALES[language]},false,{'true' if special_numbers else 'false'}"


def open_in_libreoffice(csv_file: Path, options: str, work: Path) -> list[list[tuple[str | None, str]]]:
    """The sheet LibreOffice makes of ``csv_file``: each row's cells as (type, text),
    the type as ODF names it (float, date, time, string; None for an empty cell)."""
    out = work / "out"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
         f"--infilter=Text - txt - csv (StarCalc):{options}", "--convert-to", "ods", "--outdir", str(out),
         str(csv_file)],
        capture_output=True, text=True, timeout=300, check=False)
    sheet = out / (csv_file.stem + ".ods")
    assert sheet.exists(), done.stdout + done.stderr
    root = ET.fromstring(zipfile.ZipFile(sheet).read("content.xml"))
    rows = []
    for row in root.iter(_odf("table", "table-row")):
        cells = []
        for cell in row.findall(_odf("table", "table-cell")):
            repeated = int(cell.get(_odf("table", "number-columns-repeated"), "1"))
            if repeated > len(COLUMNS) + 1:  # the empty rest of the row
                continue
            cells += [(cell.get(_odf("office", "value-type")), "".join(cell.itertext()))] * repeated
        while cells and cells[-1] == (None, ""):
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def words(text: str) -> str:
    return "".join(text.split())


def number(cell: str) -> float:
    return float(cell.replace(",", "."))


def check_types(sheet, rows: list[dict[str, str]], times: bool) -> None:
    """Every cell of ``sheet`` has the type its column's values ask for."""
    assert len(sheet) == len(rows) + 1, "one row per pause, below the header"
    assert {kind for kind, _ in sheet[0]} == {"string"}
    for cells, row in zip(sheet[1:], rows):
        assert len(cells) <= len(row), ("a cell was split", cells)
        cells += [(None, "")] * (len(row) - len(cells))
        typed = dict(zip(row, cells))
        for key in NUMBERS:
            kind, text = typed[key]
            assert (kind, number(text) if kind else None) == (
                ("float", number(row[key])) if row[key] else (None, None)), (key, row[key], typed[key])
        for key in TEXTS:  # whole, in one cell (ODF keeps line breaks and tabs as elements)
            kind, text = typed[key]
            assert (kind, words(text)) == (("string" if row[key] else None), words(row[key])), (key, row[key], text)
        assert typed["date"][0] == "date", typed["date"]
        if times:
            assert typed["time"][0] == "time", typed["time"]


def exported(tmp_path: Path, language: str):
    """The CSV of :func:`episodes` in the language spoken, and its rows as written."""
    chosen = episodes(language)
    out = tmp_path / f"{language}.csv"
    EXPORTERS["csv"].export(chosen, ExportOptions(include_notes=True, exported_at=FIXED), out)
    style = csv_format.convention()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle, delimiter=style.delimiter))
    keys = [*COLUMNS, "note"]
    return out, style, [dict(zip(keys, row)) for row in written[1:]]


@pytest.mark.parametrize("language_code", ["de", "en"])
def test_a_spreadsheet_in_the_file_s_language_reads_its_numbers_as_numbers(tmp_path, language, language_code):
    language(language_code)
    out, style, rows = exported(tmp_path, language_code)
    assert any("," in row["minutes_to_repair"] for row in rows) == (language_code == "de")
    on_open = open_in_libreoffice(out, filter_options(",;\t", language_code, False), tmp_path / "on_open")
    check_types(on_open, rows, times=False)
    own = open_in_libreoffice(out, filter_options(style.delimiter, language_code, True), tmp_path / "own")
    check_types(own, rows, times=True)


def test_a_decimal_point_in_a_german_spreadsheet_is_text(tmp_path, language, monkeypatch):
    """What the German file was before it followed German conventions: its minutes
    arrive as text, so nothing can average them (the check above would fail)."""
    language("de")
    monkeypatch.setattr(csv_format, "convention", lambda: DECIMAL_POINT)
    out, _, rows = exported(tmp_path, "de")
    sheet = open_in_libreoffice(out, filter_options(",", "de", True), tmp_path / "before")
    minutes = COLUMNS.index("minutes_to_repair")
    arrived = {row[minutes] for row in sheet[1:] if row[minutes][1] in ("8.9", "45.0")}
    assert arrived == {("string", "8.9"), ("string", "45.0")}
    with pytest.raises(AssertionError):
        check_types(sheet, rows, times=True)
