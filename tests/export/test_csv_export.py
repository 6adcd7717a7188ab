"""The CSV exporter: read back with the csv module, guarded cells, privacy, date filters."""

from __future__ import annotations

import csv
import io
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core.episode import format_instant
from couplepause.export import EXPORTERS, Exporter, ExportError, ExportOptions
from couplepause.export.csv_format import COLUMNS, FORMULA_STARTS, GUARD, neutralise

from ..factory import NOTE, make_episode, sample, with_break

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


def export(tmp_path: Path, episodes, name: str = "out.csv", **options) -> Path:
    out = tmp_path / name
    options.setdefault("exported_at", FIXED)
    EXPORTERS["csv"].export(episodes, ExportOptions(**options), out)
    return out


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


# ------------------------------------------------------------------ file shape
def test_registered_as_csv():
    assert isinstance(EXPORTERS["csv"], Exporter)
    assert EXPORTERS["csv"].name == "csv"
    assert EXPORTERS["csv"].suffix == ".csv"


def test_utf8_with_bom_and_crlf_line_ends(tmp_path):
    out = export(tmp_path, sample(), include_notes=True)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    assert data[3:].decode("utf-8")  # strictly UTF-8 after it
    body = data[3:]
    # Every record ends in CRLF (a note's own line breaks are inside quotes).
    assert body.endswith(b"\r\n")
    assert body.count(b"\r\n") >= 1 + len(sample())
    assert "Łódź".encode() in data and "😊".encode() in data


def test_header_row_without_notes_has_no_note_column(tmp_path):
    out = export(tmp_path, sample())
    assert header(out) == list(COLUMNS) == [
        "id", "paused_at", "repaired_at", "minutes_to_repair", "status", "had_break",
        "break_minutes", "paused_by", "activation_a", "activation_b", "cycle",
        "date", "weekday", "time", "utc_offset_hours", "turns", "turn_minutes", "breathing_minutes",
        "breaks", "repair_a", "repair_b",
    ]
    assert all("note" not in row for row in read_rows(out))


def test_header_row_with_notes_adds_note_last(tmp_path):
    out = export(tmp_path, sample(), include_notes=True)
    assert header(out) == [*COLUMNS, "note"]


def test_one_row_per_episode_sorted_by_instant(tmp_path):
    episodes = sample()
    rows = read_rows(export(tmp_path, episodes))
    assert len(rows) == len(episodes)
    assert {r["id"] for r in rows} == {e.id for e in episodes}
    instants = [datetime.fromisoformat(r["paused_at"]) for r in rows]
    assert instants == sorted(instants)


def test_empty_export_is_just_the_header(tmp_path):
    out = export(tmp_path, [])
    assert read_rows(out) == []
    assert out.read_bytes() == b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\r\n"


# ------------------------------------------------------------------ cell values
def test_repaired_episode_row(tmp_path):
    episode = make_episode("2026-03-01T21:04:05.123+01:00", note=NOTE)
    (row,) = read_rows(export(tmp_path, [episode], include_notes=True))
    assert row == {
        "id": episode.id,
        "paused_at": "2026-03-01T21:04:05.123+01:00",
        "repaired_at": format_instant(episode.repaired_at),
        "minutes_to_repair": "8.9",  # 532.125 s, rounded to 0.1 min
        "status": "repaired",
        "had_break": "no",
        "break_minutes": "",
        "paused_by": "Partner A",
        "activation_a": "7",
        "activation_b": "",
        "cycle": "pursue_withdraw",
        "date": "2026-03-01",
        "weekday": "sunday",
        "time": "21:04",
        "utc_offset_hours": "1",
        "turns": "2",
        "turn_minutes": "2.0",  # 61.25 s + 58 s
        "breathing_minutes": "2.0",  # 120.5 s
        "breaks": "0",
        "repair_a": "yes",
        "repair_b": "partly",
        "note": NOTE,
    }
    assert datetime.fromisoformat(row["paused_at"]).utcoffset() == timedelta(hours=1)


def test_open_episode_row(tmp_path):
    episode = make_episode("2026-02-27T08:15:00.001-08:00", repair_seconds=None, paused_by=None,
                           cycle=None, activation=None)
    (row,) = read_rows(export(tmp_path, [episode]))
    assert row["status"] == "open"
    assert row["repaired_at"] == row["minutes_to_repair"] == ""
    assert row["paused_at"] == "2026-02-27T08:15:00.001-08:00"
    assert row["paused_by"] == row["cycle"] == row["activation_a"] == row["activation_b"] == ""


def test_break_episode_row(tmp_path):
    (row,) = read_rows(export(tmp_path, [with_break("2026-03-02T23:59:59.999+05:30")]))
    assert row["had_break"] == "yes"
    assert row["break_minutes"] == "32.0"  # from 3 min to 35 min after the pause
    assert row["minutes_to_repair"] == "45.0"
    assert row["paused_by"] == "both"


def test_running_break_counts_its_agreed_length(tmp_path):
    start = "2026-03-02T20:00:00.000+01:00"
    brk = {"started_at": "2026-03-02T20:05:00.000+01:00", "return_at": "2026-03-02T20:35:00.000+01:00",
           "ended_at": None}
    (row,) = read_rows(export(tmp_path, [make_episode(start, repair_seconds=None, breaks=[brk])]))
    assert (row["had_break"], row["break_minutes"], row["status"]) == ("yes", "30.0", "open")


def test_zero_repair_time_is_zero_not_empty(tmp_path):
    (row,) = read_rows(export(tmp_path, [make_episode("2026-01-15T12:00:00.500+00:00", repair_seconds=0.0)]))
    assert (row["minutes_to_repair"], row["status"]) == ("0.0", "repaired")


def test_minutes_round_to_a_tenth(tmp_path):
    episodes = [
        make_episode(f"2026-01-0{day}T10:00:00.000+00:00", repair_seconds=seconds)
        for day, seconds in enumerate((59.0, 60.0, 61.0, 3599.4, 7203.0), start=1)
    ]
    rows = read_rows(export(tmp_path, episodes))
    assert [r["minutes_to_repair"] for r in rows] == ["1.0", "1.0", "1.0", "60.0", "120.0"]


def test_names_only_when_opted_in(tmp_path):
    episodes = [
        make_episode("2026-01-01T10:00:00.000+00:00", paused_by="a"),
        make_episode("2026-01-02T10:00:00.000+00:00", paused_by="b"),
        make_episode("2026-01-03T10:00:00.000+00:00", paused_by="both"),
    ]
    names = ("Zoë", "Bernardo")
    hidden = export(tmp_path, episodes, "hidden.csv", partner_names=names)
    assert [r["paused_by"] for r in read_rows(hidden)] == ["Partner A", "Partner B", "both"]
    assert b"Zo\xc3\xab" not in hidden.read_bytes() and b"Bernardo" not in hidden.read_bytes()
    shown = export(tmp_path, episodes, "shown.csv", partner_names=names, include_names=True)
    assert [r["paused_by"] for r in read_rows(shown)] == ["Zoë", "Bernardo", "both"]


def test_no_note_text_without_include_notes(tmp_path):
    out = export(tmp_path, sample())
    assert NOTE.encode() not in out.read_bytes()
    assert b"ZEBRA" not in out.read_bytes()


def test_notes_with_commas_quotes_and_line_breaks_read_back_exactly(tmp_path):
    notes = [
        'She said "fine", and it was not fine',
        "first line\nsecond line\r\nthird, with a comma",
        "",
        None,
    ]
    episodes = [
        make_episode(f"2026-01-0{i + 1}T10:00:00.000+00:00", note=note) for i, note in enumerate(notes)
    ]
    rows = read_rows(export(tmp_path, episodes, include_notes=True))
    assert [r["note"] for r in rows] == [notes[0], notes[1], "", ""]


# ------------------------------------------------------ formula injection guard
@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x","click")', "'=HYPERLINK(\"http://x\",\"click\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("- a list item", "'- a list item"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("-3.5", "-3.5"),  # a plain number stays a number
        ("+7", "+7"),
        ("-.5", "-.5"),
        ("-1e3", "-1e3"),
        ("3.5", "3.5"),
        ("we talked = good", "we talked = good"),
        ("'already quoted", "'already quoted"),
        ("", ""),
    ],
)
def test_neutralise(typed, written):
    assert neutralise(typed) == written


@pytest.mark.parametrize("note", ["=1+1", "+SUM(1)", "-1+1", "@A1", "\t=1", "\r=1", "\n=1"])
def test_guarded_note_reads_back_with_a_leading_quote(tmp_path, note):
    rows = read_rows(export(tmp_path, [make_episode("2026-01-01T10:00:00.000+00:00", note=note)],
                            include_notes=True))
    assert rows[0]["note"] == GUARD + note


def test_plain_number_note_is_not_guarded(tmp_path):
    rows = read_rows(export(tmp_path, [make_episode("2026-01-01T10:00:00.000+00:00", note="-3.5")],
                            include_notes=True))
    assert rows[0]["note"] == "-3.5"


def test_names_are_guarded_too(tmp_path):
    episode = make_episode("2026-01-01T10:00:00.000+00:00", paused_by="a")
    rows = read_rows(export(tmp_path, [episode], include_names=True, partner_names=("=cmd()", "@B")))
    assert rows[0]["paused_by"] == "'=cmd()"


def test_no_cell_in_a_realistic_export_starts_a_formula(tmp_path):
    evil = ["=1+1", "+1", "+1+1", "-x", "@x", "\t=1", "ok", None]
    episodes = [
        make_episode(f"2026-01-{day:02d}T10:00:00.000+00:00", note=evil[day % len(evil)])
        for day in range(1, 29)
    ]
    out = export(tmp_path, episodes, include_notes=True, include_names=True, partner_names=("+A", "-B"))
    with open(out, encoding="utf-8-sig", newline="") as handle:
        for record in csv.reader(handle):
            for cell in record:
                if cell and cell[0] in FORMULA_STARTS:
                    float(cell)  # only a plain number such as "+1" may


@given(st.text(max_size=40))
def test_neutralised_cells_never_start_a_formula_and_keep_the_text(text):
    safe = neutralise(text)
    assert safe in (text, GUARD + text)
    if safe and safe[0] in FORMULA_STARTS:
        float(safe)  # only a plain number may start with + or -


# ---------------------------------------------------------------- date filters
def test_since_and_until_are_inclusive_local_days(tmp_path, local_tz):
    local_tz("UTC0")
    episodes = [
        make_episode("2026-02-28T23:59:59.999+00:00"),
        make_episode("2026-03-01T00:00:00.000+00:00"),
        make_episode("2026-03-15T12:00:00.000+00:00"),
        make_episode("2026-03-31T23:59:59.999+00:00"),
        make_episode("2026-04-01T00:00:00.000+00:00"),
    ]
    rows = read_rows(export(tmp_path, episodes, since=date(2026, 3, 1), until=date(2026, 3, 31)))
    assert [r["paused_at"][:10] for r in rows] == ["2026-03-01", "2026-03-15", "2026-03-31"]
    assert len(read_rows(export(tmp_path, episodes, "s.csv", since=date(2026, 3, 16)))) == 2
    assert len(read_rows(export(tmp_path, episodes, "u.csv", until=date(2026, 2, 28)))) == 1


def test_date_filter_uses_the_local_calendar_day(tmp_path, local_tz):
    # 23:30 UTC on 28 Feb is already 1 March in Berlin (UTC+1).
    episode = make_episode("2026-02-28T23:30:00.000+00:00")
    local_tz("CET-1")
    rows = read_rows(export(tmp_path, [episode], since=date(2026, 3, 1), until=date(2026, 3, 1)))
    assert [r["id"] for r in rows] == [episode.id]
    local_tz("UTC0")
    assert read_rows(export(tmp_path, [episode], "utc.csv", since=date(2026, 3, 1))) == []


# ------------------------------------------------------------------- writing
def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "out.csv"
    out.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already there"):
        EXPORTERS["csv"].export(sample(), ExportOptions(), out)
    assert out.read_bytes() == b"keep me"
    EXPORTERS["csv"].export(sample(), ExportOptions(force=True), out)
    assert len(read_rows(out)) == len(sample())
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def test_a_lone_surrogate_in_an_old_note_does_not_stop_the_export(tmp_path):
    episode = make_episode("2026-01-01T10:00:00.000+00:00", note="broken \ud800 text")
    rows = read_rows(export(tmp_path, [episode], include_notes=True))
    assert rows[0]["note"] == "broken ? text"


def test_text_method_matches_the_file(tmp_path):
    episodes = sample()
    out = export(tmp_path, episodes, include_notes=True)
    exporter = EXPORTERS["csv"]
    text = exporter.text(sorted(episodes, key=lambda e: (e.paused_at, e.id)),
                         ExportOptions(include_notes=True))
    assert out.read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")
    assert next(iter(csv.reader(io.StringIO(text, newline=""))))[0] == "id"


def test_csv_export_does_not_load_qt(tmp_path):
    import subprocess

    code = (
        "import sys; from couplepause.export import EXPORTERS, ExportOptions; "
        f"EXPORTERS['csv'].export([], ExportOptions(), {str(tmp_path / 'x.csv')!r}); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------- for a spreadsheet
def test_day_weekday_and_time_are_on_the_clock_the_pause_was_recorded_by(tmp_path, local_tz):
    late = make_episode("2026-03-02T23:59:59.999+05:30", repair_answers={"a": None, "b": "not_yet"})
    west = make_episode("2026-03-06T18:30:00.000-08:00", turns=[], breaks=[])
    rows = read_rows(export(tmp_path, [late, west]))
    by_id = {row["id"]: row for row in rows}
    assert [by_id[late.id][k] for k in ("date", "weekday", "time", "utc_offset_hours")] == [
        "2026-03-02", "monday", "23:59", "5.5"]
    assert [by_id[west.id][k] for k in ("date", "weekday", "time", "utc_offset_hours")] == [
        "2026-03-06", "friday", "18:30", "-8"]
    assert (by_id[late.id]["repair_a"], by_id[late.id]["repair_b"]) == ("", "not_yet")
    assert (by_id[west.id]["turns"], by_id[west.id]["turn_minutes"], by_id[west.id]["breaks"]) == ("0", "0.0", "0")


def test_counts_and_minutes_of_a_pause_with_a_break(tmp_path):
    (row,) = read_rows(export(tmp_path, [with_break("2026-03-02T20:00:00.000+01:00")]))
    assert (row["breaks"], row["had_break"], row["break_minutes"]) == ("1", "yes", "32.0")


def test_the_practice_column_only_when_practice_pauses_are_asked_for(tmp_path):
    practice = make_episode("2026-03-03T20:00:00.000+01:00", practice=True)
    out = export(tmp_path, [*sample(), practice])
    assert "practice" not in header(out) and practice.id not in out.read_text("utf-8-sig")
    out.unlink()
    out = export(tmp_path, [*sample(), practice], include_practice=True, include_notes=True)
    assert header(out) == [*COLUMNS, "practice", "note"]  # the note stays last
    marks = {row["id"]: row["practice"] for row in read_rows(out)}
    assert marks.pop(practice.id) == "yes" and set(marks.values()) == {"no"}


def test_every_new_column_has_german_words(language):
    from couplepause.common import texts
    from couplepause.export.csv_format import PRACTICE_COLUMN, WEEKDAYS
    from couplepause.export.csv_format import header as csv_header

    language("de")
    german = csv_header(ExportOptions(include_practice=True))
    weekdays = [texts.words("csv", day) for day in WEEKDAYS]
    assert german[11:] == ["Datum", "Wochentag", "Uhrzeit", "Abstand zu UTC (Stunden)", "Redebeiträge",
                           "Minuten Redebeiträge", "Minuten Atmen", "Längere Auszeiten",
                           "Zurückgefunden A", "Zurückgefunden B", "Übungspause"]
    assert PRACTICE_COLUMN == "practice"
    assert weekdays == ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
