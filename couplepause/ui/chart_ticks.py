"""Where the history's charts put their labels (ui/charts.py): the dates on the
time axis, as many as fit its width, and the numbers on a value axis, as many
as fit its height. Plain arithmetic, no Qt: a label's size comes from the
caller's ``measure``, or the height of a line."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from couplepause.formatting import calendar_date, day_and_month, month_short, month_short_year

DAY = 86400.0
EDGE_SHARE = 0.015  # the time axis reaches this share of its span past the first and last day
LABEL_GAP_PX = 16  # the least room between two date labels
VALUE_GAP = 0.6  # between two numbers on a value axis, at least this share of a line's height
# The most date labels on an axis: a year of months, fewer days or weeks.
MAX_LABELS = {"day": 9, "week": 9, "month": 13, "year": 13}
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4, "year": 365.25}
TICK_STEPS = (
    ("day", 1), ("day", 2), ("week", 1), ("week", 2),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 25), ("year", 50), ("year", 100),
)


# ------------------------------------------------------------------ time axis
def local_midnight(day: date) -> float:
    """The POSIX time at which ``day`` begins, local time."""
    return datetime.combine(day, time()).astimezone().timestamp()


def time_span(start: datetime, end: datetime) -> tuple[float, float]:
    """The x range (POSIX seconds) of charts covering ``start`` to ``end``:
    whole local days, and a little more at each edge so marks there stay whole."""
    first = local_midnight(start.astimezone().date())
    last = local_midnight(end.astimezone().date() + timedelta(days=1))
    edge = (last - first) * EDGE_SHARE
    return first - edge, last + edge


def _tick_days(kind: str, step: int, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` that a step puts a date on. They are
    counted from fixed days (Mondays, January, year 0), so a date does not
    move when the span does."""
    if kind in ("day", "week"):
        every = step * (7 if kind == "week" else 1)
        day = first + timedelta(days=(1 - first.toordinal()) % every)  # ordinal 1 is a Monday
        days = []
        while day <= last:
            days.append(day)
            day += timedelta(days=every)
        return days
    if kind == "month":
        index = first.year * 12 + first.month - 1 + (first.day != 1)
        index += -index % step
        days = []
        while index // 12 <= last.year:
            day = date(index // 12, index % 12 + 1, 1)
            if day > last:
                break
            days.append(day)
            index += step
        return days
    year = first.year + (first != date(first.year, 1, 1))
    year += -year % step
    return [date(y, 1, 1) for y in range(year, last.year + 1, step)]


def _labels(kind: str, days: list[date]) -> list[str]:
    """Each date in words; the first one and the first of each new year with the year."""
    labels, shown_year = [], None
    for day in days:
        with_year = day.year != shown_year
        shown_year = day.year
        if kind == "year":
            labels.append(str(day.year))
        elif kind == "month":
            labels.append(month_short_year(day) if with_year else month_short(day.month))
        else:
            labels.append(calendar_date(day, short=True) if with_year else day_and_month(day))
    return labels


def _fitted(kind: str, days: list[date], t0: float, pixels: float, scale: float,
            measure: Callable[[str], float]) -> list[tuple[float, str]] | None:
    """The labelled dates if they fit the axis side by side, else None. A date
    whose label would stick out at an end is left out (the year moves on to the next)."""
    while days:
        labels = _labels(kind, days)
        xs = [(local_midnight(day) - t0) * scale for day in days]
        widths = [measure(label) for label in labels]
        if xs[0] - widths[0] / 2 < 0:
            days = days[1:]
        elif xs[-1] + widths[-1] / 2 > pixels:
            days = days[:-1]
        elif any(xs[i + 1] - xs[i] < (widths[i] + widths[i + 1]) / 2 + LABEL_GAP_PX for i in range(len(xs) - 1)):
            return None
        else:
            return [(local_midnight(day), label) for day, label in zip(days, labels)]
    return None


def date_ticks(t0: float, t1: float, pixels: float, measure: Callable[[str], float]) -> list[tuple[float, str]]:
    """The dates on a time axis from ``t0`` to ``t1`` (POSIX seconds) drawn
    ``pixels`` wide, as (local midnight, label): the finest of TICK_STEPS whose
    labels (at most MAX_LABELS of its kind) fit side by side, ``measure``
    giving a label's width. Days and weeks read "2 Dec", months "Dec", years
    "2026"; the first label and the first of each new year carry the year
    ("2 Dec 2026", "Jan 2027"), as in the PDF report."""
    if not (t1 > t0 and pixels > 0):
        return []
    first, last = datetime.fromtimestamp(t0).date(), datetime.fromtimestamp(t1).date()
    scale = pixels / (t1 - t0)
    span_days = (t1 - t0) / DAY
    for kind, step in TICK_STEPS:
        if span_days / (step * UNIT_DAYS[kind]) > MAX_LABELS[kind] + 2:
            continue  # far too many: not worth listing (forty years of days)
        days = [day for day in _tick_days(kind, step, first, last) if t0 <= local_midnight(day) <= t1]
        if not days or len(days) > MAX_LABELS[kind]:
            continue
        ticks = _fitted(kind, days, t0, pixels, scale, measure)
        if ticks:
            return ticks
    return []


# --------------------------------------------------------------- value axes
def value_ticks(low: float, high: float, pixels: float, line: float, *, whole: bool = False,
                log: bool = False) -> list[float]:
    """The values to number on a value axis from ``low`` to ``high`` drawn
    ``pixels`` tall, ``line`` being the height of a number: the finest of the
    round steps (1, 2, 5 times a power of ten) whose numbers stand at least a
    line and VALUE_GAP apart, so they never overlap, however short the axis.
    ``whole``: whole numbers only (pauses are counted, never halved). ``log``:
    the values are log10 of what is written, and the numbers are round ones
    (1, 2, 5, 10, 20 ... where they fit; else 1, 10, 100 ...)."""
    if not (high > low and pixels > 0 and line > 0):
        return []
    least = line * (1 + VALUE_GAP) * (high - low) / pixels  # the least step, in values
    if log:
        for mantissas in ((1, 2, 5), (1, 3), (1,)):
            values = [math.log10(m * 10.0 ** k) for k in range(math.floor(low) - 1, math.ceil(high) + 1)
                      for m in mantissas]
            values = [v for v in values if low <= v <= high]
            if all(b - a >= least for a, b in zip(values, values[1:])):
                return values
        decades = max(1, math.ceil(least))  # every decade does not fit: every other one, or fewer
        return [float(k) for k in range(math.ceil(low), math.floor(high) + 1) if k % decades == 0]
    power = 10.0 ** math.floor(math.log10(least))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= least)
    if whole:
        step = max(1.0, float(round(step)))
    first = math.ceil(low / step - 1e-9)
    values = [n * step for n in range(first, math.floor(high / step + 1e-9) + 1)]
    return [round(v, 9) for v in values]
