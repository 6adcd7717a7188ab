"""The command line in German (LANGUAGE=de, or the language chosen in Settings): its
--help and argparse's own words, what a command did, its one-line errors, the CSV
header and the PDF report."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest

from ..factory import sample
from .conftest import assert_one_error_line, run_subprocess, seed

pytestmark = pytest.mark.process  # the app as a program: CI's whole run (tests/tiers.py)

GERMAN = {"LANGUAGE": "de"}


def test_help_is_german(data_dir):
    result = run_subprocess(data_dir, "--help", **GERMAN)
    assert result.code == 0
    assert result.out.startswith("Aufruf: couplepause")
    assert "Optionen:" in result.out and "diese Hilfe zeigen und beenden" in result.out
    assert "Ein gemeinsamer Pause-Knopf" in result.out
    assert "usage:" not in result.out and "show this help" not in result.out
    english = run_subprocess(data_dir, "--help")
    assert english.out.startswith("usage: couplepause") and "show this help message" in english.out


def test_usage_errors_are_german_and_keep_their_exit_code(data_dir):
    missing = run_subprocess(data_dir, "export", **GERMAN)
    assert missing.code == 2
    assert assert_one_error_line(missing) == (
        "couplepause: diese Argumente fehlen: --output; siehe „couplepause export --help“")
    unknown = run_subprocess(data_dir, "wat", **GERMAN)
    assert unknown.code == 2
    assert "ungültige Wahl: 'wat'" in assert_one_error_line(unknown)
    bad_date = run_subprocess(data_dir, "export", "--output", data_dir / "x.json", "--since", "März", **GERMAN)
    assert bad_date.code == 2
    assert "„März“ ist kein Datum" in assert_one_error_line(bad_date)


def test_an_export_says_what_it_did_in_german(data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "ours.json"
    result = run_subprocess(data_dir, "export", "--output", out, **GERMAN)
    assert result.code == 0, result.err
    assert result.out.strip() == f"4 Pausen nach {out} exportiert."
    again = run_subprocess(data_dir, "export", "--output", out, **GERMAN)
    assert again.code == 1
    assert assert_one_error_line(again) == (
        f"couplepause: {out} gibt es schon; wählt ein anderes --output oder gebt --force an, um es zu ersetzen")


def test_the_csv_header_and_words_are_german(data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "ours.csv"
    result = run_subprocess(data_dir, "export", "--output", out, "--include-notes", **GERMAN)
    assert result.code == 0, result.err
    text = out.read_text("utf-8-sig")
    assert text.startswith('"id";"Pause";')  # a German spreadsheet's separator, every cell quoted
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[0] == ["id", "Pause", "Zurückgefunden", "Minuten zum Zurückfinden", "Stand", "Längere Auszeit",
                       "Minuten Auszeit", "Zuerst bemerkt", "Aufgewühlt A", "Aufgewühlt B", "Kreislauf",
                       "Datum", "Wochentag", "Uhrzeit", "Abstand zu UTC (Stunden)", "Redebeiträge", "Minuten Redebeiträge",
                       "Minuten Atmen", "Längere Auszeiten", "Zurückgefunden A", "Zurückgefunden B", "Notiz"]
    cells = {cell for row in rows[1:] for cell in row}
    assert {"zurückgefunden", "offen", "ja", "nein", "zum Teil"} <= cells
    assert cells & {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"}
    assert not cells & {"repaired", "open", "yes", "no", "Partner A", "Partner B"}
    assert {"8,9", "45,0", "5,5", "-8"} <= cells and not cells & {"8.9", "45.0", "5.5"}  # decimal commas
    english = run_subprocess(data_dir, "export", "--output", tmp_path / "en.csv")
    assert english.code == 0
    assert (tmp_path / "en.csv").read_text("utf-8-sig").splitlines()[0].startswith("id,paused_at,repaired_at,")


def test_the_language_chosen_in_settings_comes_before_the_system_s(data_dir, tmp_path):
    from couplepause.common import paths
    from couplepause.settings import Settings

    seed(data_dir, sample())
    Settings(paths.settings_file(data_dir)).update({"language": "de"})
    german = run_subprocess(data_dir, "export", "--output", tmp_path / "a.json")
    assert german.out.strip().endswith("exportiert.")
    Settings(paths.settings_file(data_dir)).update({"language": "en"})
    english = run_subprocess(data_dir, "export", "--output", tmp_path / "b.json", **GERMAN)
    assert english.out.strip().startswith("Exported 4 pauses")


def _pdf_text(path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; install it with: apt-get install poppler-utils")
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def test_the_pdf_report_is_german(data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "bericht.pdf"
    result = run_subprocess(data_dir, "export", "--output", out, "--until", "2026-03-31", **GERMAN)
    assert result.code == 0, result.err
    text = _pdf_text(out)
    for said in ("Unsere Pausen und Wege zurück", "Ein Bericht für die Therapie", "IN WENIGEN WORTEN",
                 "AUF EINEN BLICK", "WIE DIESER BERICHT ZU LESEN IST", "Woche für Woche", "Jede Pause",
                 "15. Januar 2026 – 31. März 2026", "Seite 1 von", "Zeit zum Zurückfinden", "Person A"):
        assert said in text, said
    assert re.search(r"\b(?:Mo|Di|Mi|Do|Fr|Sa|So)\., \d{1,2}\. (?:Jan\.|Feb\.|März) 2026, \d{2}:\d{2}\b", text)
    for english in ("Our pauses", "page 1 of", "Week by week", "Partner A", "March"):
        assert english not in text, english
