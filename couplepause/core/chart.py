"""One chart of the time to come back, for the window and the report alike.

The history's chart (ui/charts.py, pyqtgraph) and the report's (export/pdf/chart.py,
a QPainter) draw the same :class:`Chart`, built here from the pauses by
:func:`build`: the same marks (the open pauses on a row of their own above the
minutes), the same stretch of time, the same scale (linear, or log10 where the
times stretch far: :func:`wants_log`), the same trend line (a rolling median over
``stats.trend_window`` pauses, thinned to TREND_VERTICES) and the same weekly
counts. Its ticks come from one algorithm for both, given the room a drawing
has: the dates that fit an axis's width (:func:`date_ticks`) and the numbers
that fit its height (:func:`value_ticks`), never crowded.

No Qt here: a label's width comes from the caller's ``measure`` and its words
from the caller's ``write`` (``formatting.axis_date``, which speaks through
QLocale); a number's height is the caller's ``line``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from couplepause.core.stats import MIN_SPAN_DAYS, Point, Week

DAY = 86400.0
EDGE_SHARE = 0.015  # the time axis reaches this share of its span past the first and last day
LABEL_GAP_DIGITS = 1.5  # the least room between two date labels, in digits of their font
VALUE_GAP = 0.6  # between two numbers on a value axis, at least this share of a line's height
VALUE_STEPS = 8  # a value axis is cut in at most this many steps, however tall it is
# The most date labels on an axis: a year of months, fewer days or weeks.
MAX_LABELS = {"day": 9, "week": 9, "month": 13, "year": 13}
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4, "year": 365.25}
TICK_STEPS = (
    ("day", 1), ("day", 2), ("week", 1), ("week", 2),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 25), ("year", 50), ("year", 100),
)

LOG_SCALE_RATIO = 20.0  # a log scale where the longest time to come back is more than this times the quickest
LOG_FLOOR_MINUTES = 0.5  # on a log scale, quicker times sit on this line
LOG_BELOW, LOG_ABOVE = 0.1, 0.3  # a log scale's room below the quickest and above the longest, in decades
HEADROOM = 1.15  # a linear scale (and the weekly bars) reach this much past the largest value
EMPTY_TOP_MINUTES = 30.0  # the top of the minutes when nothing was repaired
TREND_VERTICES = 600  # a rolling median is smooth: a few hundred vertices draw it as well as ten thousand
WEEK_MIDDLE_DAYS = 3.5  # a week's bar stands at the middle of its week


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


def _labels(kind: str, days: list[date], write: Callable[[date, str, bool], str]) -> list[str]:
    """Each date in words; the first one and the first of each new year with the year."""
    labels, shown_year = [], None
    for day in days:
        labels.append(write(day, kind, day.year != shown_year))
        shown_year = day.year
    return labels


def _fitted(kind: str, days: list[date], t0: float, pixels: float, scale: float,
            measure: Callable[[str], float], write: Callable[[date, str, bool], str]
            ) -> list[tuple[float, str]] | None:
    """The labelled dates if they fit the axis side by side, else None. A date
    whose label would stick out at an end is left out (the year moves on to the next)."""
    gap = measure("0") * LABEL_GAP_DIGITS
    while days:
        labels = _labels(kind, days, write)
        xs = [(local_midnight(day) - t0) * scale for day in days]
        widths = [measure(label) for label in labels]
        if xs[0] - widths[0] / 2 < 0:
            days = days[1:]
        elif xs[-1] + widths[-1] / 2 > pixels:
            days = days[:-1]
        elif any(xs[i + 1] - xs[i] < (widths[i] + widths[i + 1]) / 2 + gap for i in range(len(xs) - 1)):
            return None
        else:
            return [(local_midnight(day), label) for day, label in zip(days, labels)]
    return None


def date_ticks(t0: float, t1: float, pixels: float, measure: Callable[[str], float],
               write: Callable[[date, str, bool], str]) -> list[tuple[float, str]]:
    """The dates on a time axis from ``t0`` to ``t1`` (POSIX seconds) drawn
    ``pixels`` wide, as (local midnight, label): the finest of TICK_STEPS whose
    labels (at most MAX_LABELS of its kind) fit side by side, LABEL_GAP_DIGITS apart,
    ``measure`` giving a label's width (in the unit of ``pixels``). ``write(day, kind, with_year)`` words a date of a
    step's kind ("day", "week", "month", "year"); the first label and the first
    of each new year carry the year ("2 Dec 2026", "Jan 2027")."""
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
        ticks = _fitted(kind, days, t0, pixels, scale, measure, write)
        if ticks:
            return ticks
    return []


# --------------------------------------------------------------- value axes
def value_ticks(low: float, high: float, pixels: float, line: float, *, whole: bool = False,
                log: bool = False) -> list[float]:
    """The values to number on a value axis from ``low`` to ``high`` drawn
    ``pixels`` tall, ``line`` being the height of a number: the finest of the
    round steps (1, 2, 5 times a power of ten) whose numbers stand at least a
    line and VALUE_GAP apart, so they never overlap, however short the axis,
    and no more than VALUE_STEPS steps, however tall. ``whole``: whole numbers
    only (pauses are counted, never halved). ``log``: the values are log10 of
    what is written, and the numbers are round ones (1, 2, 5, 10, 20 ... where
    they fit; else 1, 10, 100 ...)."""
    if not (high > low and pixels > 0 and line > 0):
        return []
    # The least step, in values.
    least = max(line * (1 + VALUE_GAP) * (high - low) / pixels, (high - low) / VALUE_STEPS)
    if log:
        for mantissas in ((1, 2, 5), (1, 3), (1,)):
            values = [math.log10(m * 10.0 ** k) for k in range(math.floor(low) - 1, math.ceil(high) + 1)
                      for m in mantissas]
            values = [v for v in values if low <= v <= high]
            if all(b - a >= least for a, b in itertools.pairwise(values)):
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


# -------------------------------------------------------------------- the chart
def wants_log(minutes: Iterable[float]) -> bool:
    """The one log-scale rule: where the longest time to come back is more than
    LOG_SCALE_RATIO times the quickest (quicker than LOG_FLOOR_MINUTES counting
    as that), a linear scale would squash most pauses on its floor."""
    values = list(minutes)
    if not values:
        return False
    return max(values) / max(min(values), LOG_FLOOR_MINUTES) > LOG_SCALE_RATIO


@dataclass(frozen=True, slots=True)
class Mark:
    """One pause on the chart."""

    episode_id: str
    x: float  # POSIX seconds
    minutes: float | None  # the time to come back; None: still open (on the open row)
    had_break: bool


@dataclass(frozen=True, slots=True)
class Bar:
    """One week's pauses, under the chart."""

    x: float  # POSIX seconds: the middle of the week
    count: int


@dataclass(frozen=True)
class Chart:
    """What the chart shows: a value, drawn alike by the window and the report."""

    x_range: tuple[float, float]  # POSIX seconds, edges included (time_span)
    repaired: tuple[Mark, ...]
    opened: tuple[Mark, ...]  # the row of open pauses above the minutes
    trend: tuple[tuple[float, float], ...]  # (x, minutes), at most TREND_VERTICES + 1
    trend_window: int  # how many pauses the trend's median spans
    bars: tuple[Bar, ...]
    log: bool

    def scaled(self, log: bool) -> Chart:
        """The same chart on the other scale (the couple's choice in the window)."""
        return self if log == self.log else replace(self, log=log)

    def y(self, minutes: float) -> float:
        """Where ``minutes`` stand on the minutes axis."""
        return math.log10(max(minutes, LOG_FLOOR_MINUTES)) if self.log else minutes

    def minutes_at(self, y: float) -> float:
        """The minutes written at ``y`` on the minutes axis."""
        return 10.0 ** y if self.log else y

    @property
    def y_range(self) -> tuple[float, float]:
        """The minutes axis: just past the longest time to come back (and below the quickest, on a log scale)."""
        minutes = [mark.minutes for mark in self.repaired if mark.minutes is not None]
        longest = max(minutes, default=EMPTY_TOP_MINUTES)
        if self.log:
            return self.y(min(minutes, default=longest)) - LOG_BELOW, self.y(longest) + LOG_ABOVE
        return 0.0, longest * HEADROOM

    @property
    def bars_top(self) -> float:
        """The top of the weekly bars' axis."""
        return max(max((bar.count for bar in self.bars), default=0), 1) * HEADROOM

    def date_ticks(self, pixels: float, measure: Callable[[str], float],
                   write: Callable[[date, str, bool], str]) -> list[tuple[float, str]]:
        return date_ticks(*self.x_range, pixels, measure, write)

    def value_ticks(self, pixels: float, line: float) -> list[float]:
        """The minutes axis' ticks, as y values (:meth:`minutes_at` says what to write)."""
        return value_ticks(*self.y_range, pixels, line, log=self.log)

    def count_ticks(self, pixels: float, line: float) -> list[float]:
        """The weekly bars' ticks: whole numbers."""
        return value_ticks(0.0, self.bars_top, pixels, line, whole=True)


def thinned(trend: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """At most TREND_VERTICES of the trend's vertices, evenly, and always the last."""
    step = max(1, math.ceil(len(trend) / TREND_VERTICES))
    if step == 1:
        return trend
    return trend[::step] + ([trend[-1]] if (len(trend) - 1) % step else [])


def build(points: Sequence[Point], weeks: Sequence[Week], start: datetime, end: datetime, trend_window: int,
          log: bool | None = None) -> Chart:
    """The chart of ``points`` (``stats.series``) and ``weeks`` (``stats.weekly``)
    from ``start`` to ``end`` (at least MIN_SPAN_DAYS, as ``stats.span``), its
    trend over ``trend_window`` pauses; on a log scale where :func:`wants_log`
    (or as ``log`` says)."""
    start = min(start, end - timedelta(days=MIN_SPAN_DAYS))
    repaired = tuple(Mark(p.episode_id, p.paused_at.timestamp(), p.repair_minutes, p.had_break)
                     for p in points if p.repair_minutes is not None)
    opened = tuple(Mark(p.episode_id, p.paused_at.timestamp(), None, p.had_break)
                   for p in points if p.repair_minutes is None)
    trend = thinned([(p.paused_at.timestamp(), p.trend_minutes) for p in points if p.trend_minutes is not None])
    bars = tuple(Bar(local_midnight(week.start) + WEEK_MIDDLE_DAYS * DAY, week.ruptures) for week in weeks)
    if log is None:
        log = wants_log(mark.minutes for mark in repaired if mark.minutes is not None)
    return Chart(time_span(start, end), repaired, opened, tuple(trend), trend_window, bars, log)
