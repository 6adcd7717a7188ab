"""The spreadsheet export: one row per episode.

Qt-free. The file is made to open correctly by double-click in a spreadsheet
and to be read by any CSV library:

* **Encoding**: UTF-8 with a byte-order mark (``utf-8-sig``). The BOM is what
  tells Excel the file is UTF-8 (without it Excel guesses a legacy code page
  and garbles "Łódź" or "😊"); LibreOffice, Numbers, Google Sheets, pandas
  and Python's ``csv`` with ``encoding="utf-8-sig"`` all accept it.
* **Dialect**: RFC 4180 as Python's ``csv`` module writes it by default:
  comma separated, ``"``-quoted where needed (a note may hold commas, quotes
  and line breaks), CRLF line ends. Numbers use a decimal point, never a
  comma. (Where the spreadsheet's list separator is ``;``, e.g. a German
  Excel, open it through Data > From Text/CSV and choose comma.)
* **Header row**: one per column, in this order; in English these stable keys,
  in another language its words for them (``[csv]`` of words.toml), except
  ``id``, which every language keeps:

  ======================  ==================================================
  ``id``                  the episode's UUID (the same as in the JSON export)
  ``paused_at``           ISO 8601 with milliseconds and the UTC offset the
                          episode was recorded in, e.g.
                          ``2026-03-01T21:04:05.123+01:00``
  ``repaired_at``         the same, or empty while the episode is open
  ``minutes_to_repair``   rounded to 0.1, empty while open
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
  is not a plain number like ``-3.5``, gets a leading ``'`` so it is shown as
  text. Notes and names are the cells a person types; the guard is applied to
  every cell anyway.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import BinaryIO

from couplepause.core.episode import Episode, format_instant
from couplepause.export.base import ExportOptions, Exporter
from couplepause.texts import words

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

# What a spreadsheet may read as the start of a formula: = + - @, the tab and
# line breaks that can precede one, and the full-width forms of the four.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
GUARD = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet may safely show it (see the module docstring)."""
    if cell and cell[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(cell):
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


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60.0:.1f}"


def repair_seconds(episode: Episode) -> float | None:
    if episode.repaired_at is None:
        return None
    if episode.repair_seconds is not None:
        return episode.repair_seconds
    return max(0.0, (episode.repaired_at - episode.paused_at).total_seconds())


def _activation(value: int | None) -> str:
    return "" if value is None else str(value)


def _offset_hours(moment: datetime) -> str:
    """``1``, ``-8``, ``5.5``, ``0``: a plain number a spreadsheet reads as one (``+01:00``
    would have to be guarded as a formula)."""
    hours = (moment.utcoffset() or timedelta(0)).total_seconds() / 3600
    return f"{round(hours, 4):g}"


def _answer(value: str | None) -> str:
    return "" if value is None else _word(f"answer_{value}")


def row(episode: Episode, options: ExportOptions) -> list[str]:
    """One episode as the cells of its row, guarded against formula injection."""
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
        _minutes(seconds),
        _word(OPEN if episode.repaired_at is None else REPAIRED),
        _word(YES if episode.breaks else NO),
        _minutes(episode.break_seconds),
        who,
        _activation(activation.get("a")),
        _activation(activation.get("b")),
        _word(f"cycle_{episode.cycle}") if episode.cycle else "",
        paused.date().isoformat(),
        _word(WEEKDAYS[paused.weekday()]),
        paused.strftime("%H:%M"),
        _offset_hours(paused),
        str(len(episode.turns)),
        _minutes(sum(turn.seconds for turn in episode.turns)),
        _minutes(episode.breathing_seconds),
        str(len(episode.breaks)),
        _answer(answers.get("a")),
        _answer(answers.get("b")),
    ]
    if options.include_practice:
        cells.append(_word(YES if episode.practice else NO))
    if options.include_notes:
        cells.append(episode.note or "")
    return [neutralise(cell) for cell in cells]


class CsvExporter(Exporter):
    name = "csv"
    suffix = ".csv"

    def text(self, episodes: list[Episode], options: ExportOptions) -> str:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)  # excel dialect: comma, minimal quoting, CRLF
        writer.writerow(header(options))
        writer.writerows(row(e, options) for e in episodes)
        return buffer.getvalue()

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        # "replace": a lone surrogate in an old note must not stop the export.
        stream.write(self.text(episodes, options).encode(ENCODING, errors="replace"))


CSV = CsvExporter()
