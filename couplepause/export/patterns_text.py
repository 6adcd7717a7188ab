"""The patterns (core/patterns.py) in words and table cells, the same for the
history view's Patterns tab and the report's patterns section.

Names of days and months, numbers and durations through couplepause/formatting.py
and texts (QLocale), so this runs on any thread; no widgets, no painting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from couplepause.common.formatting import month_name, month_short, month_short_year, number, weekday_name
from couplepause.common.texts import duration, words
from couplepause.core import patterns
from couplepause.core.episode import Episode

CYCLE_COLUMNS = ("col_cycle", "col_pauses", "col_change", "col_back", "col_open")
MONTH_COLUMNS = ("col_month", "col_pauses", "col_activation", "col_breaks")
HEAT_LEVELS = 3  # a cell with pauses is drawn in one of three calm steps (theme: heat_1..heat_3)


def w(key: str, **values) -> str:
    return words("cycle_patterns", key, **values)


def heat_level(count: int, most: int) -> int:
    """0 for an empty cell, else 1..HEAT_LEVELS by its share of the fullest cell."""
    if count <= 0 or most <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / most)))


@dataclass
class PatternText:
    enough: bool
    grid: tuple[tuple[int, ...], ...]  # [weekday][part], Monday first
    weekdays: list[str]
    parts: list[str]
    cells: list[list[str]]  # what a screen reader says for each cell
    when: list[str]
    cycle_rows: Sequence[tuple[str, ...]] = field(default_factory=list)  # CYCLE_COLUMNS
    cycles: list[str] = field(default_factory=list)  # which cycle recurs, and the way back after each
    month_rows: Sequence[tuple[str, ...]] = field(default_factory=list)  # MONTH_COLUMNS, the newest first
    month_heads: list[str] = field(default_factory=list)  # short names of the same months, the same order
    activation: list[str] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)

    @property
    def most(self) -> int:
        return max((max(day) for day in self.grid), default=0)

    def level(self, weekday: int, part: int) -> int:
        return heat_level(self.grid[weekday][part], self.most)


def pattern_text(episodes: Iterable[Episode], now: datetime, tz: tzinfo | None = None) -> PatternText:
    """The patterns of these pauses (practice ones are left out) in words."""
    found = patterns.patterns(episodes, tz)
    said = patterns.describe(found, now, tz, weekday_name=weekday_name, month_name=month_name,
                             number=lambda value: number(value, 1))
    weekdays = [weekday_name(day) for day in range(patterns.WEEKDAYS)]
    parts = [w(f"part_{part}") for part in patterns.PARTS]
    cells = []
    for day, counts in enumerate(found.grid):
        row = []
        for part, count in enumerate(counts):
            values = {"weekday": weekdays[day], "part": w(f"at_{patterns.PARTS[part]}")}
            row.append(w("cell", n=count, **values) if count else w("cell_none", **values))
        cells.append(row)
    none = w("none")
    current_year = now.astimezone(tz).year
    cycle_rows = [
        (
            words("cycles", row.cycle),
            number(row.pauses),
            w("change", earlier=number(row.earlier), later=number(row.later)),
            none if row.median_repair_minutes is None else duration(row.median_repair_minutes * 60),
            number(row.open),
        )
        for row in found.cycles
    ]
    month_rows = [
        (
            month_name(m.year, m.month, current_year),
            number(m.pauses),
            none if m.median_activation is None else w("activation_value", value=number(m.median_activation, 1)),
            none if not m.pauses else w("percent", value=round(m.share_with_break * 100)),
        )
        for m in reversed(found.months)  # the newest first, like the weeks
    ]
    month_heads = [month_short(m.month) if m.year == current_year else month_short_year(date(m.year, m.month, 1))
                   for m in reversed(found.months)]
    return PatternText(
        enough=found.enough,
        grid=found.grid,
        weekdays=weekdays,
        parts=parts,
        cells=cells,
        when=said.when,
        cycle_rows=cycle_rows,
        cycles=said.cycles + said.back,
        month_rows=month_rows,
        month_heads=month_heads,
        activation=said.activation,
        breaks=said.breaks,
    )
