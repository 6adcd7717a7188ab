"""The arithmetic behind the chart's axes, and the weekly table's quiet runs: no Qt here."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from couplepause.formatting import day_and_month, month_short, number

if TYPE_CHECKING:  # pragma: no cover - names for the type hints only
    from couplepause.core.stats import Week


def timestamp(day: date) -> float:
    """The POSIX time of local midnight at the start of ``day``."""
    return datetime(day.year, day.month, day.day).astimezone().timestamp()


def linear_ticks(high: float) -> list[float]:
    """0 and evenly spaced round values up to at least ``high`` (at most about 6 ticks)."""
    high = max(high, 1.0)
    raw = high / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(high / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 steps from at or below ``low`` to at or above ``high`` (minutes);
    thinned to 1-5 steps, then to powers of ten, when there would be too many."""
    ticks: list[float] = []
    exponent = math.floor(math.log10(low))
    while not ticks or ticks[-1] < high:
        for m in (1, 2, 5):
            value = m * 10.0**exponent
            if value * 2.5 <= low:
                continue  # the next step still reaches down to low
            if not ticks or ticks[-1] < high:
                ticks.append(value)
        exponent += 1

    def mantissa(value: float) -> int:
        return round(value / 10.0 ** math.floor(math.log10(value) + 1e-9))

    for kept in ((1, 5), (1,)):
        if len(ticks) <= 8:
            break
        last = len(ticks) - 1
        ticks = [t for i, t in enumerate(ticks) if i in (0, last) or mantissa(t) in kept]
    return ticks


def tick_text(value: float) -> str:
    return number(value, 2)


def date_ticks(first: date, last: date) -> list[tuple[date, str, str]]:
    """Dates on the time axis, a sensible number for the span, each with its
    label and, under the first one and where a new year begins, the year."""
    days = (last - first).days + 1
    end = last + timedelta(days=1)
    candidates: list[tuple[date, str]] = []
    if days <= 120:
        if days <= 16:
            step = 1 if days <= 8 else 2
            day = first
        else:
            step = 7 if days <= 70 else 14
            day = first + timedelta(days=(7 - first.weekday()) % 7)  # Mondays
        while day <= end:
            candidates.append((day, day_and_month(day)))
            day += timedelta(days=step)
    elif days <= 3 * 366:
        step = 1 if days <= 13 * 31 else 2 if days <= 26 * 31 else 3
        index = first.year * 12 + first.month - 1 + (first.day != 1)
        while True:
            year, month0 = divmod(index, 12)
            day = date(year, month0 + 1, 1)
            if day > end:
                break
            if month0 % step == 0:
                candidates.append((day, month_short(month0 + 1)))
            index += 1
    else:
        step = max(1, math.ceil((last.year - first.year + 1) / 8))
        start = first.year + (first > date(first.year, 1, 1))
        return [(date(y, 1, 1), str(y), "") for y in range(start, last.year + 2, step)
                if date(y, 1, 1) <= end]
    ticks = []
    shown_year = None
    for day, label in candidates:
        year = str(day.year) if day.year != shown_year else ""
        shown_year = day.year
        ticks.append((day, label, year))
    return ticks


def quiet_runs(weeks: list["Week"]) -> list[tuple["Week", int]]:
    """The weeks as table rows: (week, 1) each, except that two or more quiet
    weeks in a row (no pause) become one (first week, how many) row."""
    rows: list[tuple["Week", int]] = []
    for week in weeks:
        if week.ruptures == 0 and rows and rows[-1][0].ruptures == 0:
            first, run = rows[-1]
            rows[-1] = (first, run + 1)
        else:
            rows.append((week, 1))
    return rows
