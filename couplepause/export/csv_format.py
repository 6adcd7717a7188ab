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
* **Header row**: one per column, in this order; in English these stable keys,
  in another language its words for them (``[csv]`` of words.toml), except
  ``id``, which every language keeps:

  ======================  ==================================================
  ``id``                  the episode's UUID (the same as in the JSON export)
  ``paused_at``           ISO 8601 with milliseconds and the UTC offset the
                          episode was recorded in, e.g.
                          ``2026-03-01T21:04:05.123+01:00``
  ``repaired_at``         the same, or empty while the episode is open
  ``minutes_to_repair``   rounded to 0.1 (``8.9``, or ``8,9`` with a decimal
                          comma), empty while open
  ``status``              ``repaired`` or ``open`` (in English; the words of
                          the language otherwise, like the other words below)
  ``had_break``           ``yes`` or ``no`` (a longer break was taken)
  ``break_minutes``       total length of the longer breaks, rounded to 0.1
                          (start to the moment they came back; a break still
                          running counts its agreed length); empty if none
  ``paused_by``           ``Partner A`` / ``Partner B`` / ``both``, or the
                          partners' names with ``--include-names``; empty if
                          not recorded
  ``activation_a``        0-10, empty if not recorded
  ``activation_b``        0-10, empty if not recorded
  ``cycle``               ``pursue_withdraw`` / ``both_withdraw`` /
                          ``both_pursue`` / ``other``, empty if not chosen
  ``date``                the day of the pause, ``YYYY-MM-DD``, on the clock
                          it was recorded by (the offset of ``paused_at``): a
                          pause at 23:30 in Berlin is that day, wherever the
                          file is opened
  ``weekday``             that day's name: ``monday`` … ``sunday``
  ``time``                the time of day of the pause, ``HH:MM`` (24 hours),
                          on the same clock
  ``utc_offset_hours``    that clock's offset from UTC in hours: ``1`` in a
                          Berlin winter, ``-8`` in California, ``5.5`` in India
  ``turns``               how many turns they took
  ``turn_minutes``        the turns' total length, rounded to 0.1
  ``breathing_minutes``   the breathing's length, rounded to 0.1
  ``breaks``              how many longer breaks (0 if none)
  ``repair_a``,           each partner's answer to "did you find your way
  ``repair_b``            back?": ``yes`` / ``partly`` / ``not_yet``, empty if
                          not given
  ``practice``            **only with --include-practice**: ``yes`` for a
                          practice pause, else ``no``
  ``note``                **only with --include-notes**
  ======================  ==================================================

  ``date``, ``weekday`` and ``time`` are what a pivot table or a chart by day
  and hour needs without a formula; ``paused_at`` keeps the exact moment.

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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Literal

from couplepause.common.texts import words
from couplepause.core.episode import Episode, format_instant
from couplepause.export.base import Exporter, ExportOptions

ENCODING = "utf-8-sig"  # UTF-8 with a BOM, for Excel
COLUMNS = (
    "id",
    "paused_at",
    "repaired_at",
    "minutes_to_repair",
    "status",
    "had_break",
    "break_minutes",
    "paused_by",
    "activation_a",
    "activation_b",
    "cycle",
    "date",
    "weekday",
    "time",
    "utc_offset_hours",
    "turns",
    "turn_minutes",
    "breathing_minutes",
    "breaks",
    "repair_a",
    "repair_b",
)
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


def columns(options: ExportOptions) -> tuple[str, ...]:
    """The columns for these options (their keys)."""
    return (
        COLUMNS
        + ((PRACTICE_COLUMN,) if options.include_practice else ())
        + ((NOTE_COLUMN,) if options.include_notes else ())
    )


def header(options: ExportOptions) -> list[str]:
    """The header row: each column in the words of the language spoken."""
    return [key if key == ID_COLUMN else words("csv", key) for key in columns(options)]


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


def row(episode: Episode, options: ExportOptions, style: Convention = DECIMAL_POINT) -> list[str]:
    """One episode as the cells of its row, its numbers in ``style``, guarded against
    formula injection."""
    mark = style.decimal_mark
    a_name, b_name = options.names
    who = {"a": a_name, "b": b_name, "both": _word(BOTH)}.get(episode.paused_by or "", "")
    seconds = repair_seconds(episode)
    activation = episode.activation or {}
    answers = episode.repair_answers or {}
    paused = episode.paused_at  # on the clock it was recorded by
    cells = [
        episode.id,
        format_instant(episode.paused_at),
        format_instant(episode.repaired_at) if episode.repaired_at is not None else "",
        _minutes(seconds, mark),
        _word(OPEN if episode.repaired_at is None else REPAIRED),
        _word(YES if episode.breaks else NO),
        _minutes(episode.break_seconds, mark),
        who,
        _activation(activation.get("a")),
        _activation(activation.get("b")),
        _word(f"cycle_{episode.cycle}") if episode.cycle else "",
        paused.date().isoformat(),
        _word(WEEKDAYS[paused.weekday()]),
        paused.strftime("%H:%M"),
        _offset_hours(paused, mark),
        str(len(episode.turns)),
        _minutes(sum(turn.seconds for turn in episode.turns), mark),
        _minutes(episode.breathing_seconds, mark),
        str(len(episode.breaks)),
        _answer(answers.get("a")),
        _answer(answers.get("b")),
    ]
    if options.include_practice:
        cells.append(_word(YES if episode.practice else NO))
    if options.include_notes:
        cells.append(episode.note or "")
    return [neutralise(cell, mark) for cell in cells]


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
