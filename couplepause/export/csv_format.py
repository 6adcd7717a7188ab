"""The spreadsheet export: one row per episode.

Qt-free. The file is made to open correctly by double-click in a spreadsheet
and to be read by any CSV library:

* **Encoding**: UTF-8 with a byte-order mark (``utf-8-sig``). The BOM is what
  tells Excel the file is UTF-8 (without it Excel guesses a legacy code page
  and garbles "Łódź" or "😊"); LibreOffice, Numbers, Google Sheets, pandas
  and Python's ``csv`` with ``encoding="utf-8-sig"`` all accept it.
* **Dialect**: RFC 4180 as Python's ``csv`` module writes it by default:
  ``"``-quoted where needed (a note may hold separators, quotes and line
  breaks), CRLF line ends, and the spreadsheet conventions of the export's
  language, so its numbers open as numbers in that language's spreadsheets.
  ``decimal_mark`` in ``[csv]`` of words.toml says which: ``.`` (English):
  comma separated, ``8.9``, as a spreadsheet in English reads on open; ``,``
  (German): semicolon separated, ``8,9``, as a German LibreOffice or Excel
  reads on open (their list separator is ``;`` where the decimal mark is
  ``,``), and every cell quoted (see :data:`DECIMAL_COMMA`). No thousands
  separators, so every number reads the same way in both.
* **Header row**: one per column, in the order of :data:`TABLE`, whose ``about``
  says what each cell holds (docs/CSV.md is made from it: ``python -m
  couplepause.export.published``); in English the stable keys, in another
  language its words for them (``[csv]`` of words.toml), except ``id``, which
  every language keeps. ``date``, ``weekday`` and ``time`` are what a pivot
  table or a chart by day and hour needs without a formula; ``paused_at``
  keeps the exact moment.
* **Notes**: without ``--include-notes`` the ``note`` column is left out
  altogether, not written empty: an empty column would read as "they wrote no
  notes", and no cell can then carry a note by mistake. With it, the column is
  last, so every other column keeps its position either way. ``practice`` is
  left out the same way (practice pauses are only exported when asked for), just
  before ``note``.
* **Formula injection**: a spreadsheet runs a cell that starts with ``=``,
  ``+``, ``-`` or ``@`` as a formula (tab, CR and LF can hide such a start).
  Every cell that starts with one of those (or their full-width forms), and
  is not a plain number like ``-3.5`` (``-3,5`` with a decimal comma), gets a
  leading ``'`` so it is shown as text. Notes and names are the cells a person types; the guard is applied to
  every cell anyway.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Literal

from couplepause.common.texts import words
from couplepause.core.episode import Episode, format_instant
from couplepause.export.base import Exporter, ExportOptions

ENCODING = "utf-8-sig"  # UTF-8 with a BOM, for Excel
PRACTICE_COLUMN = "practice"
NOTE_COLUMN = "note"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

ID_COLUMN = "id"  # the same name in every language: the key shared with the JSON export
# The words of the cells below are [csv] of words.toml: in English these keys.
REPAIRED = "repaired"
OPEN = "open"
YES = "yes"
NO = "no"
BOTH = "both"



@dataclass(frozen=True)
class Convention:
    """How a language's spreadsheets read a CSV on open: the decimal mark of its
    numbers, the separator between cells, and which cells are quoted."""

    decimal_mark: str
    delimiter: str
    quoting: Literal[0, 1, 2, 3]  # csv.QUOTE_MINIMAL, QUOTE_ALL, ...


# English, as the file always was: quoted only where a cell needs it.
DECIMAL_POINT = Convention(decimal_mark=".", delimiter=",", quoting=csv.QUOTE_MINIMAL)
# German, and the like. Every cell quoted: LibreOffice's import splits at commas,
# semicolons and tabs alike until told otherwise, and "8,9" or "Nähe gesucht,
# zurückgezogen" must stay one cell. Quotes keep no number from being one (in
# LibreOffice and Excel alike, a quoted 8,9 opens as a number).
DECIMAL_COMMA = Convention(decimal_mark=",", delimiter=";", quoting=csv.QUOTE_ALL)


def convention() -> Convention:
    """The conventions of the language spoken (``decimal_mark`` in ``[csv]``): a
    decimal comma where it says ``,``, a decimal point otherwise."""
    return DECIMAL_COMMA if words("csv", "decimal_mark").strip() == "," else DECIMAL_POINT


# What a spreadsheet may read as the start of a formula: = + - @, the tab and
# line breaks that can precede one, and the full-width forms of the four.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
GUARD = "'"
_PLAIN_NUMBER = {
    mark: re.compile(rf"[+-]?(?:[0-9]+(?:{re.escape(mark)}[0-9]*)?|{re.escape(mark)}[0-9]+)(?:[eE][+-]?[0-9]+)?")
    for mark in (DECIMAL_POINT.decimal_mark, DECIMAL_COMMA.decimal_mark)
}


def neutralise(cell: str, decimal_mark: str = DECIMAL_POINT.decimal_mark) -> str:
    """The cell as a spreadsheet may safely show it (see the module docstring); a
    plain number is one with this decimal mark."""
    if cell and cell[0] in FORMULA_STARTS and not _PLAIN_NUMBER[decimal_mark].fullmatch(cell):
        return GUARD + cell
    return cell


def _word(key: str) -> str:
    return words("csv", key)


def _decimal(number: str, mark: str) -> str:
    """A number Python wrote (``8.9``) with the file's decimal mark (``8,9``)."""
    return number.replace(".", mark)


def _minutes(seconds: float | None, mark: str) -> str:
    return "" if seconds is None else _decimal(f"{seconds / 60.0:.1f}", mark)


def repair_seconds(episode: Episode) -> float | None:
    if episode.repaired_at is None:
        return None
    if episode.repair_seconds is not None:
        return episode.repair_seconds
    return max(0.0, (episode.repaired_at - episode.paused_at).total_seconds())


def _activation(value: int | None) -> str:
    return "" if value is None else str(value)


def _offset_hours(moment: datetime, mark: str) -> str:
    """``1``, ``-8``, ``5.5``, ``0``: a plain number a spreadsheet reads as one (``+01:00``
    would have to be guarded as a formula)."""
    hours = (moment.utcoffset() or timedelta(0)).total_seconds() / 3600
    return _decimal(f"{round(hours, 4):g}", mark)


def _answer(value: str | None) -> str:
    return "" if value is None else _word(f"answer_{value}")


@dataclass(frozen=True)
class Cells:
    """What every cell of one row is made from: the pause, the file's decimal mark and
    who paused in words (the partners' names, or "Partner A" / "Partner B")."""

    episode: Episode
    mark: str
    who: dict[str, str]


@dataclass(frozen=True)
class Column:
    """One column: its header's key, what its cells hold (docs/CSV.md is made from
    ``about``), how one is made, and the export option it needs, if any."""

    key: str
    about: str
    cell: Callable[[Cells], str]
    only_with: str | None = None  # an ExportOptions flag: without it, no column at all


def _repair_minutes(c: Cells) -> str:
    return _minutes(repair_seconds(c.episode), c.mark)


# Every column, in the file's order. The two that need an option come last, so
# every other column keeps its place either way.
TABLE: tuple[Column, ...] = (
    Column("id", "the pause's UUID (the same as in the JSON export)", lambda c: c.episode.id),
    Column("paused_at", "ISO 8601 with milliseconds and the UTC offset the pause was recorded in, "
           "e.g. `2026-03-01T21:04:05.123+01:00`", lambda c: format_instant(c.episode.paused_at)),
    Column("repaired_at", "the same, or empty while the pause is open",
           lambda c: "" if c.episode.repaired_at is None else format_instant(c.episode.repaired_at)),
    Column("minutes_to_repair", "rounded to 0.1 (`8.9`, or `8,9` with a decimal comma), empty while open",
           _repair_minutes),
    Column("status", "`repaired` or `open` (in English; the words of the language otherwise, "
           "like the other words below)", lambda c: _word(OPEN if c.episode.repaired_at is None else REPAIRED)),
    Column("had_break", "`yes` or `no` (a longer break was taken)", lambda c: _word(YES if c.episode.breaks else NO)),
    Column("break_minutes", "the longer breaks' total length, rounded to 0.1 (start to the moment they "
           "came back; a break still running counts its agreed length); empty if none",
           lambda c: _minutes(c.episode.break_seconds, c.mark)),
    Column("paused_by", "`Partner A` / `Partner B` / `both`, or the partners' names with "
           "`--include-names`; empty if not recorded", lambda c: c.who.get(c.episode.paused_by or "", "")),
    Column("activation_a", "0-10, empty if not recorded", lambda c: _activation((c.episode.activation or {}).get("a"))),
    Column("activation_b", "0-10, empty if not recorded", lambda c: _activation((c.episode.activation or {}).get("b"))),
    Column("cycle", "`pursue_withdraw` / `both_withdraw` / `both_pursue` / `other`, empty if not chosen",
           lambda c: _word(f"cycle_{c.episode.cycle}") if c.episode.cycle else ""),
    Column("date", "the day of the pause, `YYYY-MM-DD`, on the clock it was recorded by (the offset of "
           "`paused_at`): a pause at 23:30 in Berlin is that day, wherever the file is opened",
           lambda c: c.episode.paused_at.date().isoformat()),
    Column("weekday", "that day's name: `monday` ... `sunday`",
           lambda c: _word(WEEKDAYS[c.episode.paused_at.weekday()])),
    Column("time", "the time of day of the pause, `HH:MM` (24 hours), on the same clock",
           lambda c: c.episode.paused_at.strftime("%H:%M")),
    Column("utc_offset_hours", "that clock's offset from UTC in hours: `1` in a Berlin winter, `-8` in "
           "California, `5.5` in India", lambda c: _offset_hours(c.episode.paused_at, c.mark)),
    Column("turns", "how many turns they took", lambda c: str(len(c.episode.turns))),
    Column("turn_minutes", "the turns' total length, rounded to 0.1",
           lambda c: _minutes(sum(turn.seconds for turn in c.episode.turns), c.mark)),
    Column("breathing_minutes", "the breathing's length, rounded to 0.1",
           lambda c: _minutes(c.episode.breathing_seconds, c.mark)),
    Column("breaks", "how many longer breaks (0 if none)", lambda c: str(len(c.episode.breaks))),
    Column("repair_a", "partner A's answer to \"did you find your way back?\": `yes` / `partly` / "
           "`not_yet`, empty if not given", lambda c: _answer((c.episode.repair_answers or {}).get("a"))),
    Column("repair_b", "the same for partner B", lambda c: _answer((c.episode.repair_answers or {}).get("b"))),
    Column(PRACTICE_COLUMN, "`yes` for a practice pause, else `no`",
           lambda c: _word(YES if c.episode.practice else NO), only_with="include_practice"),
    Column(NOTE_COLUMN, "the note, whole", lambda c: c.episode.note or "", only_with="include_notes"),
)
COLUMNS = tuple(column.key for column in TABLE if column.only_with is None)  # the keys always there

# Fields of a pause that no column shows, and why (tests/export/test_fields.py keeps this honest).
LEFT_OUT = {
    "breathing_pattern": "a setting of the app, not something the couple did",
    "first_turn_seconds": "the breathing's length says it for a spreadsheet; the JSON export keeps it",
    "wall_timed": "how a duration was measured, for the JSON export and the import's checks",
    "closed": "whether the app still offers to pick the pause up: nothing a therapist reads",
    "timing": "the clock's readings: kept in the store, never exported",
}


def chosen(options: ExportOptions) -> tuple[Column, ...]:
    """The columns for these options."""
    return tuple(c for c in TABLE if c.only_with is None or getattr(options, c.only_with))


def columns(options: ExportOptions) -> tuple[str, ...]:
    """The columns for these options (their keys)."""
    return tuple(column.key for column in chosen(options))


def header(options: ExportOptions) -> list[str]:
    """The header row: each column in the words of the language spoken."""
    return [key if key == ID_COLUMN else words("csv", key) for key in columns(options)]


def row(episode: Episode, options: ExportOptions, style: Convention = DECIMAL_POINT) -> list[str]:
    """One episode as the cells of its row, its numbers in ``style``, guarded against
    formula injection."""
    a_name, b_name = options.names
    made = Cells(episode, style.decimal_mark, {"a": a_name, "b": b_name, "both": _word(BOTH)})
    return [neutralise(column.cell(made), style.decimal_mark) for column in chosen(options)]


class CsvExporter(Exporter):
    name = "csv"
    suffix = ".csv"

    def text(self, episodes: list[Episode], options: ExportOptions) -> str:
        """The file's text in the language spoken, and in its spreadsheets' conventions."""
        style = convention()
        buffer = io.StringIO(newline="")
        # The excel dialect (CRLF) with the language's separator and quoting.
        writer = csv.writer(buffer, delimiter=style.delimiter, quoting=style.quoting)
        writer.writerow(header(options))
        writer.writerows(row(e, options, style) for e in episodes)
        return buffer.getvalue()

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        # "replace": a lone surrogate in an old note must not stop the export.
        stream.write(self.text(episodes, options).encode(ENCODING, errors="replace"))


CSV = CsvExporter()
