"""The one chart definition (core/chart.py) that the window and the report draw:
its marks, ranges, scale rule, trend and ticks, without Qt."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core import chart, stats
from couplepause.core.episode import Episode

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def episode(index: int, paused: datetime, minutes: float | None) -> Episode:
    ep = Episode.start(paused, f"00000000-0000-4000-8000-{index:012d}")
    if minutes is not None:
        ep = ep.repaired(wall_now=paused, monotonic_seconds=minutes * 60)
    return ep.with_changes(closed=True)


def built(minutes: list[float | None], days: float = 60, log: bool | None = None) -> chart.Chart:
    items = [episode(i, NOW - timedelta(days=days * (len(minutes) - i) / len(minutes)), m)
             for i, m in enumerate(minutes)]
    start, end = stats.span(items, "all", NOW)
    window = stats.trend_window(len(items))
    return chart.build(stats.series(items, window=window), stats.weekly(items), start, end, window, log=log)


def write(day: date, kind: str, with_year: bool) -> str:
    """A stand-in for formatting.axis_date."""
    return day.isoformat() if with_year else f"{day.month}/{day.day}"


# ------------------------------------------------------------ the log-scale rule
def test_the_log_scale_is_for_times_that_stretch_far():
    assert not chart.wants_log([])
    assert not chart.wants_log([1, 10, 20])
    assert chart.wants_log([1, 10, 21])
    assert not chart.wants_log([0, 0.1, 10])  # quicker than half a minute counts as half a minute
    assert chart.wants_log([0, 11])
    assert built([1, 5, 300]).log and not built([5, 10, 30]).log
    assert not built([1, 5, 300], log=False).log and built([5, 10, 30], log=True).log


def test_the_minutes_axis_reaches_past_the_longest_and_below_the_quickest():
    linear = built([4, None, 12, 40])
    assert linear.y_range == (0.0, 40 * chart.HEADROOM)
    assert linear.y(12) == 12
    log = linear.scaled(True)
    low, high = log.y_range
    assert low == math.log10(4) - chart.LOG_BELOW and high == math.log10(40) + chart.LOG_ABOVE
    assert log.minutes_at(log.y(12)) == pytest.approx(12)
    assert log.y(0.1) == log.y(chart.LOG_FLOOR_MINUTES)  # the quickest sit on the floor
    assert log.scaled(True) is log and log.scaled(False) == linear
    assert built([None, None]).y_range == (0.0, chart.EMPTY_TOP_MINUTES * chart.HEADROOM)


# ---------------------------------------------------------------- marks and rows
def test_open_pauses_are_a_row_of_their_own_and_every_pause_is_marked_once():
    minutes = [3, None, 8, None, 15, 7]
    drawn = built(minutes)
    assert [m.minutes for m in drawn.repaired] == [3, 8, 15, 7]
    assert len(drawn.opened) == 2 and all(m.minutes is None for m in drawn.opened)
    assert len({m.episode_id for m in drawn.repaired + drawn.opened}) == len(minutes)
    low, high = drawn.x_range
    assert all(low < m.x < high for m in drawn.repaired + drawn.opened)


def test_a_short_history_still_spans_two_weeks():
    drawn = built([5, 6], days=1)
    low, high = drawn.x_range
    assert high - low >= stats.MIN_SPAN_DAYS * chart.DAY


def test_the_trend_is_thinned_evenly_and_keeps_its_last_vertex():
    trend = [(float(i), float(i % 7)) for i in range(10_001)]
    kept = chart.thinned(trend)
    assert len(kept) <= chart.TREND_VERTICES + 1 and kept[-1] == trend[-1] and kept[0] == trend[0]
    assert chart.thinned(trend[:50]) == trend[:50]


def test_the_weekly_bars_stand_in_the_middle_of_their_weeks():
    drawn = built([5, None, 8, 9, 12, 3, 4, 6], days=40)
    weeks = stats.weekly([])  # no pauses: no bars
    assert weeks == []
    assert sum(bar.count for bar in drawn.bars) == 8
    assert drawn.bars_top == max(bar.count for bar in drawn.bars) * chart.HEADROOM
    for bar in drawn.bars:
        middle = datetime.fromtimestamp(bar.x)
        assert middle.weekday() == 3  # Thursday (noon, local, but for a change of clocks)


# --------------------------------------------------------------------- ticks
def test_the_ticks_come_from_the_chart_s_own_ranges():
    drawn = built([4, 12, 40, 9, 30] * 20, days=365)
    dates = drawn.date_ticks(900, lambda text: 7.0 * len(text), write)
    assert dates == chart.date_ticks(*drawn.x_range, 900, lambda text: 7.0 * len(text), write)
    assert [label for _, label in dates][:2] == ["2026-01-01", "2/1"]  # months; the first says its year
    assert drawn.value_ticks(300, 17) == chart.value_ticks(*drawn.y_range, 300, 17)
    assert drawn.count_ticks(80, 17) == chart.value_ticks(0.0, drawn.bars_top, 80, 17, whole=True)


@given(low=st.floats(-5, 100), span=st.floats(0.01, 5000), pixels=st.floats(1, 5000), log=st.booleans())
def test_a_tall_axis_is_cut_in_a_few_steps_only(low, span, pixels, log):
    if log:
        low, span = low / 50, min(span, 8.0)
    values = chart.value_ticks(low, low + span, pixels, 10, log=log)
    assert len(values) <= chart.VALUE_STEPS + 1
