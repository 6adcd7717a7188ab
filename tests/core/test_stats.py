"""Statistics and the plain-language summary: medians, weeks, time zones, words."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import random
import re
import statistics
import uuid
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.common.formatting import month_name
from couplepause.common.texts import section
from couplepause.core import stats
from couplepause.core.episode import Break, Episode
from couplepause.core.stats import (
    RANGES,
    ROLLING_N,
    Overview,
    Point,
    Week,
    in_range,
    overview,
    rolling_median,
    series,
    weekly,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
KOLKATA = ZoneInfo("Asia/Kolkata")
ZONES = [BERLIN, NEW_YORK, AUCKLAND, KIRITIMATI, KOLKATA, UTC]

WORDS = section("summary")


def summary(episodes, now, tz=None):
    return stats.summary(episodes, now, tz, month_name=month_name)
EMPTY = WORDS["empty"]
ONLY_OPEN = WORDS["only_open"]
HARDER = WORDS["harder"]
EARLY = WORDS["early"]

_ids = iter(range(1, 10**9))


def ep(
    paused_at: datetime,
    minutes: float | None = None,
    *,
    long_break: bool = False,
    activation: tuple[int | None, int | None] = (None, None),
    first_turn: float | None = None,
) -> Episode:
    """An episode paused at ``paused_at``; repaired after ``minutes`` unless None (open)."""
    seconds = None if minutes is None else minutes * 60.0
    breaks = ()
    if long_break:
        began = paused_at + timedelta(minutes=3)
        breaks = (Break(began, began + timedelta(minutes=20), began + timedelta(minutes=21)),)
    return Episode(
        id=str(uuid.UUID(int=next(_ids), version=4)),
        paused_at=paused_at,
        activation={"a": activation[0], "b": activation[1]},
        first_turn_seconds=first_turn,
        breaks=breaks,
        repaired_at=None if seconds is None else paused_at + timedelta(seconds=seconds),
        repair_seconds=seconds,
        closed=seconds is not None,
    )


def at(zone, *fields) -> datetime:
    return datetime(*fields, tzinfo=zone)


def week_of(episodes, tz) -> date:
    (only,) = [w for w in weekly(episodes, tz) if w.ruptures]
    return only.start


# ------------------------------------------------------------------ empty / open
def test_empty_history():
    assert series([], BERLIN) == []
    assert weekly([], BERLIN) == []
    assert overview([]) == Overview(0, 0, 0, None, None, None, None)
    assert summary([], at(BERLIN, 2026, 5, 1), BERLIN) == [EMPTY]
    for key in RANGES:
        assert in_range([], key, at(BERLIN, 2026, 5, 1)) == []


def test_all_open_history_has_no_medians_and_counts_every_episode_as_open():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = [ep(now - timedelta(days=d)) for d in (1, 3, 30, 60)]
    view = overview(history)
    assert (view.episodes, view.repaired, view.open) == (4, 0, 4)
    assert view.median_repair_minutes is None
    assert all(p.repair_minutes is None and p.trend_minutes is None for p in series(history, BERLIN))
    weeks = weekly(history, BERLIN)
    assert sum(w.open for w in weeks) == 4 and sum(w.repaired for w in weeks) == 0
    assert all(w.median_repair_minutes is None for w in weeks)
    assert summary(history, now, BERLIN) == [ONLY_OPEN, WORDS["open"].format(n=2)]


def test_open_episodes_are_neither_zero_nor_endless():
    day = at(BERLIN, 2026, 5, 4, 20)  # a Monday
    history = [ep(day, 10), ep(day + timedelta(hours=1), 20)]
    history += [ep(day + timedelta(hours=2 + i)) for i in range(5)]
    assert overview(history).median_repair_minutes == 15
    (week,) = weekly(history, BERLIN)
    assert (week.ruptures, week.repaired, week.open, week.median_repair_minutes) == (7, 2, 5, 15)


# ---------------------------------------------------------------------- overview
def test_overview_signs():
    t = at(BERLIN, 2026, 5, 4, 20)
    history = [
        ep(t, 6, activation=(7, 5), first_turn=120),
        ep(t + timedelta(days=1), 30, long_break=True, activation=(9, None), first_turn=240),
        ep(t + timedelta(days=2), None, activation=(None, None)),
        ep(t + timedelta(days=3), 12, activation=(3, 4), first_turn=60),
    ]
    assert overview(history) == Overview(
        episodes=4,
        repaired=3,
        open=1,
        median_repair_minutes=12,
        share_with_break=0.25,
        median_activation=5,  # 7, 5, 9, 3, 4
        median_first_turn_minutes=2,
    )


def test_repair_time_falls_back_on_the_two_instants():
    t = at(UTC, 2026, 5, 4, 20)
    record = dataclasses.replace(ep(t, 10), repair_seconds=None)
    assert stats.repair_seconds(record) == 600
    assert overview([record]).median_repair_minutes == 10
    assert series([record], UTC)[0].repair_minutes == 10


def test_records_are_frozen():
    point = series([ep(at(UTC, 2026, 1, 1), 5)], UTC)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.repair_minutes = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        weekly([ep(at(UTC, 2026, 1, 1), 5)], UTC)[0].ruptures = 2  # type: ignore[misc]


# ------------------------------------------------------------------------ series
def test_series_is_in_time_order_whatever_the_stored_offsets():
    # Written as text, b looks earlier; as instants, a is.
    a = ep(datetime(2026, 5, 4, 10, 0, tzinfo=timezone(timedelta(hours=2))), 5)  # 08:00 UTC
    b = ep(datetime(2026, 5, 4, 9, 0, tzinfo=UTC), 7)  # 09:00 UTC
    points = series([b, a], BERLIN)
    assert [p.episode_id for p in points] == [a.id, b.id]
    assert points[0].paused_at is a.paused_at
    assert points[0].local == a.paused_at and points[0].local.tzinfo is BERLIN
    assert (points[0].local.hour, points[1].local.hour) == (10, 11)


def test_points_carry_what_the_chart_needs():
    t = at(BERLIN, 2026, 5, 4, 20)
    points = series([ep(t, 90, long_break=True), ep(t + timedelta(days=1))], BERLIN)
    assert points[0] == Point(points[0].episode_id, t, t, 90.0, True, 90.0)
    assert points[1].repair_minutes is None and points[1].had_break is False
    assert points[1].trend_minutes == 90.0


def test_rolling_median_window_semantics():
    values = [10, None, 30, 20, None, 40, 50]
    assert rolling_median(values, 3) == [10, 10, 20, 25, 25, 30, 45]
    assert rolling_median(values, 1) == values
    assert rolling_median([None, None, 7, None, None], 2) == [None, None, 7, 7, None]
    assert rolling_median([], 5) == []
    with pytest.raises(ValueError):
        rolling_median(values, 0)


def test_series_trend_counts_open_episodes_as_places_in_the_window():
    t = at(UTC, 2026, 5, 4, 20)
    minutes = [10, None, 30, 20, None, 40, 50]
    history = [ep(t + timedelta(hours=i), m) for i, m in enumerate(minutes)]
    assert [p.trend_minutes for p in series(history, UTC, window=3)] == [10, 10, 20, 25, 25, 30, 45]
    default = [p.trend_minutes for p in series(history, UTC)]
    assert ROLLING_N == 5
    assert default == [10, 10, 20, 20, 20, 30, 35]
    with pytest.raises(ValueError):
        series(history, UTC, window=0)


def test_the_garbage_collector_is_left_as_it_was():
    history = [ep(at(UTC, 2026, 1, 1), 5)]
    assert gc.isenabled()
    series(history, UTC)
    assert gc.isenabled()
    gc.disable()
    try:
        series(history, UTC)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ------------------------------------------------------------------------ weekly
def test_weeks_run_monday_to_sunday_and_quiet_weeks_are_included():
    monday = at(BERLIN, 2026, 5, 4, 0, 0)
    history = [
        ep(monday, 10),
        ep(monday + timedelta(days=6, hours=23, minutes=59), 20, activation=(4, 6)),
        ep(monday + timedelta(days=21), None, long_break=True),
    ]
    weeks = weekly(history, BERLIN)
    assert [w.start for w in weeks] == [date(2026, 5, d) for d in (4, 11, 18, 25)]
    assert weeks[0] == Week(date(2026, 5, 4), 2, 2, 0, 15, 0, 5)
    assert weeks[1] == Week(date(2026, 5, 11), 0, 0, 0, None, 0, None)
    assert weeks[2].ruptures == 0
    assert weeks[3] == Week(date(2026, 5, 25), 1, 0, 1, None, 1, None)


@pytest.mark.parametrize(
    "zone, local, monday",
    [
        # Europe/Berlin, spring forward on Sunday 29 March 2026 (02:00 -> 03:00)
        (BERLIN, (2026, 3, 30, 0, 30), date(2026, 3, 30)),
        (BERLIN, (2026, 3, 29, 23, 30), date(2026, 3, 23)),
        (BERLIN, (2026, 3, 29, 3, 30), date(2026, 3, 23)),
        # Europe/Berlin, fall back on Sunday 25 October 2026 (03:00 -> 02:00)
        (BERLIN, (2026, 10, 25, 23, 30), date(2026, 10, 19)),
        (BERLIN, (2026, 10, 26, 0, 30), date(2026, 10, 26)),
        # America/New_York, spring forward Sunday 8 March, fall back Sunday 1 November 2026
        (NEW_YORK, (2026, 3, 8, 23, 30), date(2026, 3, 2)),
        (NEW_YORK, (2026, 3, 9, 0, 30), date(2026, 3, 9)),
        (NEW_YORK, (2026, 11, 1, 23, 30), date(2026, 10, 26)),
        (NEW_YORK, (2026, 11, 2, 0, 30), date(2026, 11, 2)),
        # Far from UTC: Monday just after midnight is still Sunday in UTC
        (KIRITIMATI, (2026, 3, 2, 0, 30), date(2026, 3, 2)),
        (KIRITIMATI, (2026, 3, 1, 23, 59), date(2026, 2, 23)),
        (AUCKLAND, (2026, 3, 2, 0, 30), date(2026, 3, 2)),
        (AUCKLAND, (2026, 4, 6, 0, 30), date(2026, 4, 6)),  # the day after DST ends (5 April)
        (AUCKLAND, (2026, 4, 5, 23, 59), date(2026, 3, 30)),
    ],
)
def test_an_episode_belongs_to_the_local_week_it_happened_in(zone, local, monday):
    moment = datetime(*local, tzinfo=zone)
    for stored in (moment, moment.astimezone(UTC), moment.astimezone(timezone(timedelta(hours=-7)))):
        episode = ep(stored, 12)
        assert week_of([episode], zone) == monday
        (point,) = series([episode], zone)
        assert point.local.replace(tzinfo=None) == datetime(*local)
        assert point.local.utcoffset() == moment.utcoffset()


def test_stale_offset_arithmetic_would_have_put_these_in_the_wrong_week():
    """The cases above are real tests: a fixed offset from before the change gets them wrong."""
    moment = datetime(2026, 3, 30, 0, 30, tzinfo=BERLIN)  # CEST, +02:00
    winter = moment.astimezone(UTC) + timedelta(hours=1)  # +01:00, the offset before the change
    assert winter.date() == date(2026, 3, 29)
    assert datetime(2026, 3, 2, 0, 30, tzinfo=KIRITIMATI).astimezone(UTC).date() == date(2026, 3, 1)


def test_the_repeated_hour_keeps_time_order():
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 CET, an hour later, earlier on the clock
    points = series([ep(second, 2), ep(first, 1)], BERLIN)
    assert [p.repair_minutes for p in points] == [1, 2]
    assert [(p.local.hour, p.local.minute, p.local.fold) for p in points] == [(2, 30, 0), (2, 10, 1)]
    (week,) = weekly([ep(second, 2), ep(first, 1)], BERLIN)
    assert (week.start, week.ruptures) == (date(2026, 10, 19), 2)


class ClockSetBackAcrossMonday(tzinfo):
    """UTC+2, until the clock is set back two hours at Monday 11 May 2026, 00:30 local."""

    SWITCH = datetime(2026, 5, 10, 22, 30)  # UTC
    EARLY, LATE = timedelta(hours=2), timedelta(0)

    def fromutc(self, dt):
        utc = dt.replace(tzinfo=None)
        if utc < self.SWITCH:
            return (utc + self.EARLY).replace(tzinfo=self)
        local = utc + self.LATE
        return local.replace(tzinfo=self, fold=int(local < self.SWITCH + self.EARLY))

    def utcoffset(self, dt):
        wall = dt.replace(tzinfo=None, fold=0)
        if wall < self.SWITCH + self.LATE:
            return self.EARLY
        if wall >= self.SWITCH + self.EARLY:
            return self.LATE
        return self.LATE if dt.fold else self.EARLY

    def dst(self, dt):
        return None

    def tzname(self, dt):
        return "jumpy"


def test_a_clock_set_back_across_monday_midnight_splits_no_week():
    zone = ClockSetBackAcrossMonday()
    moments = [datetime(2026, 5, 10, h, m, tzinfo=UTC) for h, m in ((21, 45), (22, 15), (22, 45), (23, 59))]
    history = [ep(moment, 10 * (i + 1)) for i, moment in enumerate(moments)]
    local = [p.local.replace(tzinfo=None) for p in series(history, zone)]
    assert local == [
        datetime(2026, 5, 10, 23, 45),  # Sunday
        datetime(2026, 5, 11, 0, 15),  # Monday
        datetime(2026, 5, 10, 22, 45),  # Sunday again: the clock went back
        datetime(2026, 5, 10, 23, 59),
    ]
    weeks = weekly(history, zone)
    assert [(w.start, w.ruptures, w.median_repair_minutes) for w in weeks] == [
        (date(2026, 5, 4), 3, 30),
        (date(2026, 5, 11), 1, 20),
    ]


def test_weeks_across_a_dst_change_stay_seven_days_apart():
    history = [ep(at(NEW_YORK, 2026, 2, 20, 22), 5), ep(at(NEW_YORK, 2026, 3, 20, 22), 5)]
    starts = [w.start for w in weekly(history, NEW_YORK)]
    assert starts[0] == date(2026, 2, 16) and starts[-1] == date(2026, 3, 16)
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(starts))
    assert all(s.weekday() == 0 for s in starts)


# ---------------------------------------------------------------------- in_range
def test_in_range_edges_are_inclusive_and_calendar_months_clamp():
    now = at(BERLIN, 2026, 5, 31, 12)
    ms = timedelta(milliseconds=1)
    three_months = at(BERLIN, 2026, 2, 28, 12)
    edge, before = ep(three_months), ep(three_months - ms)
    last, future = ep(now.astimezone(UTC)), ep(now + ms)  # the last instant of the range, and one after
    history = [edge, before, last, future]
    assert in_range(history, "3m", now) == [edge, last]
    assert in_range(history, "all", now) == history
    assert in_range(history, "12m", now) == [edge, before, last]

    leap = at(BERLIN, 2024, 2, 29, 12)
    assert stats.range_start("12m", leap) == at(BERLIN, 2023, 2, 28, 12)
    four_weeks = stats.range_start("4w", now)
    assert four_weeks == at(BERLIN, 2026, 5, 3, 12)
    inside, outside = ep(four_weeks), ep(four_weeks - ms)
    assert in_range([outside, inside], "4w", now) == [inside]


def test_in_range_counts_wall_clock_days_across_dst():
    now = at(BERLIN, 2026, 4, 10, 12)  # CEST
    start = stats.range_start("4w", now)
    assert start.replace(tzinfo=None) == datetime(2026, 3, 13, 12)  # CET, same wall time
    assert start.utcoffset() == timedelta(hours=1)


def test_in_range_rejects_unknown_keys_and_naive_now():
    with pytest.raises(ValueError, match="unknown range"):
        in_range([], "6w", at(UTC, 2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        in_range([], "4w", datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        summary([], datetime(2026, 1, 1))


def test_ranges_nest():
    rng = random.Random(3)
    now = at(AUCKLAND, 2026, 3, 31, 9)
    history = [ep(now - timedelta(days=rng.uniform(-10, 800)), 3) for _ in range(300)]
    picked = [set(map(id, in_range(history, key, now))) for key in RANGES]
    assert picked[0] <= picked[1] <= picked[2] <= picked[3]
    assert len(picked[3]) == 300


# ------------------------------------------------------------------------ span
def test_span_covers_the_range_or_the_history_when_it_is_younger():
    now = at(BERLIN, 2026, 12, 2, 20)
    old = [ep(now - timedelta(days=d), 10) for d in (400, 200, 40, 20, 3)]
    assert stats.span(old, "4w", now) == (stats.range_start("4w", now), now)
    assert stats.span(old, "12m", now) == (stats.range_start("12m", now), now)
    assert stats.span(old, "all", now) == (old[0].paused_at, now)
    young = old[-3:]  # the first pause 40 days ago: nothing to show before it
    assert stats.span(young, "3m", now) == (young[0].paused_at, now)
    assert stats.span(young, "4w", now) == (stats.range_start("4w", now), now)


def test_span_is_at_least_a_week_and_none_without_episodes():
    now = at(BERLIN, 2026, 12, 2, 20)
    assert stats.span([], "4w", now) is None
    two_days = [ep(now - timedelta(days=2), 5)]
    assert stats.span(two_days, "all", now) == (now - timedelta(days=stats.MIN_SPAN_DAYS), now)
    later = ep(now + timedelta(hours=1), 5)  # a clock that ran ahead: "all" still shows it
    assert stats.span([*two_days, later], "all", now)[1] == later.paused_at
    assert stats.span([*two_days, later], "3m", now)[1] == now


# ----------------------------------------------------------------------- summary
def test_the_summary_of_a_month_needs_the_whole_history():
    """Why the history view gives summary() the whole history: a range that
    starts inside a month (here the 4 weeks, inside the yardstick month) would
    make the same month read differently."""
    now = at(BERLIN, 2026, 11, 23, 21)
    history = ([*monthly(BERLIN, 2026, 10, [30, 31, 32]), ep(at(BERLIN, 2026, 10, 28, 21), 8), *monthly(BERLIN, 2026, 11, [12, 13, 14])])
    whole = summary(history, now, BERLIN)
    assert whole == ["This month you found your way back in a median of 13 minutes — in October it was 30 minutes."]
    cut = summary(in_range(history, "4w", now), now, BERLIN)  # October from the 26th on: only the 8 minutes
    assert cut == [HARDER, "This month the way back took a median of 13 minutes; in October it was 8 minutes."]


def monthly(zone, year, month, minutes):
    return [ep(at(zone, year, month, 3 + i, 21), m) for i, m in enumerate(minutes)]


def test_summary_faster_is_warm():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 3, [20, 21, 22]) + monthly(BERLIN, 2026, 5, [8, 9, 10])
    assert summary(history, now, BERLIN) == [
        "This month you found your way back in a median of 9 minutes — in March it was 21 minutes."
    ]


def test_summary_slower_is_kind_and_gives_the_figures():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 3, [8, 9, 10]) + monthly(BERLIN, 2026, 5, [20, 21, 22])
    assert summary(history, now, BERLIN) == [
        HARDER,
        "This month the way back took a median of 21 minutes; in March it was 9 minutes.",
    ]
    assert HARDER == "A harder stretch. Progress is rarely a straight line."


def test_summary_similar_is_neutral():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 3, [20, 21, 22]) + monthly(BERLIN, 2026, 5, [19, 20, 21])
    assert summary(history, now, BERLIN) == [
        "This month you found your way back in a median of 20 minutes, much as in March."
    ]


def test_summary_picks_the_earliest_steady_month_of_the_last_twelve():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = (
        monthly(BERLIN, 2025, 5, [90, 90, 90])  # twelve months back: too old
        + monthly(BERLIN, 2025, 6, [30, 31, 32])  # the earliest with three repairs
        + monthly(BERLIN, 2026, 3, [20, 21, 22])
        + monthly(BERLIN, 2026, 4, [40])
        + monthly(BERLIN, 2026, 5, [9, 9])
    )
    assert summary(history, now, BERLIN) == [
        "This month you found your way back in a median of 9 minutes — in June 2025 it was 31 minutes."
    ]


def test_summary_falls_back_on_the_latest_month_with_any_repair():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 2, [50, 50]) + monthly(BERLIN, 2026, 4, [40])
    history += monthly(BERLIN, 2026, 5, [9])
    assert summary(history, now, BERLIN) == [
        "This month you found your way back in 9 minutes — in April it was 40 minutes."
    ]


def test_summary_with_too_little_to_compare():
    now = at(BERLIN, 2026, 5, 20, 21)
    assert summary(monthly(BERLIN, 2026, 5, [8, 9, 10]), now, BERLIN) == [
        "This month you found your way back in a median of 9 minutes.",
        EARLY,
    ]
    assert summary(monthly(BERLIN, 2026, 5, [95]), now, BERLIN) == [
        "This month you found your way back in 1 h 35 min.",
        EARLY,
    ]
    # Back after more than a year: no "not much history".
    old = monthly(BERLIN, 2024, 1, [30, 30, 30])
    assert summary(old + monthly(BERLIN, 2026, 5, [9]), now, BERLIN) == [
        "This month you found your way back in 9 minutes."
    ]
    assert summary(old, now, BERLIN) == ["So far you have found your way back in a median of 30 minutes."]
    assert summary(monthly(BERLIN, 2026, 4, [10, 12, 14]), now, BERLIN) == [
        "In April you found your way back in a median of 12 minutes."
    ]
    assert summary(monthly(BERLIN, 2025, 12, [10]), now, BERLIN) == [
        "In December 2025 you found your way back in 10 minutes."
    ]


def test_summary_mentions_open_pauses_of_this_month_kindly():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 3, [20, 21, 22]) + monthly(BERLIN, 2026, 5, [8, 9, 10])
    one = [*history, ep(at(BERLIN, 2026, 5, 19, 22))]
    assert summary(one, now, BERLIN)[-1] == "One pause is still open; you can come back to it."
    two = [*one, ep(at(BERLIN, 2026, 5, 1, 0, 5)), ep(at(BERLIN, 2026, 4, 30, 23, 55))]
    lines = summary(two, now, BERLIN)
    assert lines[-1] == "2 pauses are still open; you can come back to them."
    assert len(lines) == 2
    slower = monthly(BERLIN, 2026, 3, [8, 9, 10]) + monthly(BERLIN, 2026, 5, [20, 21, 22])
    slower += [ep(at(BERLIN, 2026, 5, 19, 22))]
    assert len(summary(slower, now, BERLIN)) == 3


def test_summary_uses_the_local_month():
    # 31 March 12:00 UTC is already 1 April in Kiritimati (UTC+14).
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    history = [
        *monthly(UTC, 2026, 2, [30, 30, 30]),
        ep(datetime(2026, 3, 30, 11, tzinfo=UTC), 60),  # 31 March, 01:00 in Kiritimati
        ep(datetime(2026, 3, 31, 11, tzinfo=UTC), 5),  # 1 April, 01:00 in Kiritimati
    ]
    assert summary(history, now, UTC) == [
        "This month you found your way back in a median of 32 minutes, much as in February."
    ]
    assert summary(history, now, KIRITIMATI) == [
        "This month you found your way back in 5 minutes — in February it was 30 minutes."
    ]


def test_a_minute_apart_or_less_is_about_the_same():
    now = at(BERLIN, 2026, 5, 20, 21)
    history = monthly(BERLIN, 2026, 4, [200 / 60] * 3) + monthly(BERLIN, 2026, 5, [150 / 60] * 3)
    assert summary(history, now, BERLIN) == [
        "This month you found your way back in a median of 2 minutes, much as in April."
    ]


def test_any_iterable_will_do():
    t = at(BERLIN, 2026, 5, 4, 20)
    history = [ep(t, 5), ep(t + timedelta(days=1), None)]
    assert series(iter(history), BERLIN) == series(history, BERLIN)
    assert weekly(iter(history), BERLIN) == weekly(history, BERLIN)
    assert overview(iter(history)) == overview(history)
    assert summary(iter(history), t, BERLIN) == summary(history, t, BERLIN)
    assert in_range(iter(history), "all", t) == history


BANNED = re.compile(
    r"!|streak|score|badge|point|level|great job|well done|congrat|fail|fault|blame|should|"
    r"\bhe\b|\bshe\b|partner|record|best|worst|improv|disorder|symptom|patient",
    re.IGNORECASE,
)


def test_summary_words_stay_calm_and_kind():
    for key, text in WORDS.items():
        for line in text if isinstance(text, list) else [text]:
            assert not BANNED.search(line), (key, line)


# --------------------------------------------------------------------- tz=None
@pytest.mark.parametrize("setting", ["Europe/Berlin", ":Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"])
def test_default_zone_is_the_machines(local_tz, setting):
    local_tz(setting)
    moment = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    history = [ep(moment, 12)]
    (point,) = series(history)
    assert point.local.replace(tzinfo=None) == datetime(2026, 3, 30, 0, 30)
    assert point.local.utcoffset() == timedelta(hours=2)
    assert weekly(history)[0].start == date(2026, 3, 30)
    assert summary(history, moment) == [
        "This month you found your way back in 12 minutes.",
        EARLY,
    ]


# ------------------------------------------------------------------ separate calls
def test_calls_about_different_episodes_never_mix():
    t = at(BERLIN, 2026, 5, 4, 20)
    first = [ep(t, 5), ep(t + timedelta(days=1), 7)]
    second = [ep(t, 50), ep(t + timedelta(days=8), 70)]
    assert [p.repair_minutes for p in series(first, BERLIN)] == [5, 7]
    assert [p.repair_minutes for p in series(second, BERLIN)] == [50, 70]
    assert len(weekly(second, BERLIN)) == 2
    assert [p.repair_minutes for p in series(first, BERLIN)] == [5, 7]
    assert [p.local.tzinfo for p in series(first, UTC)] == [UTC, UTC]
    given = list(first)
    series(given, BERLIN)
    given.append(ep(t + timedelta(days=30), 9))
    assert len(series(given, BERLIN)) == 3
    # Equal fixed offsets with different names: each keeps its own.
    cet, plus_one = timezone(timedelta(hours=1), "CET"), timezone(timedelta(hours=1))
    assert series(first, cet)[0].local.tzname() == "CET"
    assert series(first, plus_one)[0].local.tzname() == "UTC+01:00"


# ------------------------------------------------------------ order independence
def test_shuffled_input_gives_the_same_answers():
    rng = random.Random(11)
    now = at(AUCKLAND, 2026, 6, 15, 21)
    history = [
        ep(
            (now - timedelta(days=rng.uniform(0, 400))).astimezone(rng.choice(ZONES)),
            rng.choice([None, 3, 12.5, 40, 95]),
            long_break=rng.random() < 0.2,
            activation=(rng.choice([None, 2, 8]), rng.choice([None, 5])),
        )
        for _ in range(200)
    ]
    history.append(ep(history[0].paused_at, 1))  # the same instant twice

    def answers(episodes):
        return (
            series(episodes, AUCKLAND),
            weekly(episodes, AUCKLAND),
            overview(episodes),
            summary(episodes, now, AUCKLAND),
        )

    expected = answers(history)
    for _ in range(3):
        rng.shuffle(history)
        assert answers(history) == expected


# ---------------------------------------------------------------------- hypothesis
instants = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)
stored_zones = st.sampled_from(ZONES + [timezone(timedelta(hours=h)) for h in (-11, -3.5, 5.75, 13)])


# One pause's makings: when (and in which zone it was kept), minutes to repair (None:
# open), each one's activation, minutes to the first turn, a long break or not.
_one = st.tuples(
    instants, stored_zones,
    st.none() | st.floats(0, 3 * 24 * 60, allow_nan=False),
    st.tuples(st.none() | st.integers(0, 10), st.none() | st.integers(0, 10)),
    st.none() | st.floats(0, 3600, allow_nan=False),
    st.booleans(),
)


def episodes(max_size=25):
    """Histories of 0 to ``max_size`` pauses, every length as likely."""
    sized = st.integers(0, max_size).flatmap(lambda count: st.lists(_one, min_size=count, max_size=count))
    return sized.map(lambda made: [
        ep(moment.astimezone(zone), minutes, long_break=long_break, activation=activation, first_turn=first_turn)
        for moment, zone, minutes, activation, first_turn, long_break in made
    ])


def repaired_minutes(history):
    return [e.repair_seconds / 60.0 for e in history if e.repaired_at is not None]


@given(episodes())
def test_overview_properties(history):
    view = overview(history)
    done = repaired_minutes(history)
    assert view.episodes == len(history) == view.repaired + view.open
    assert view.repaired == len(done)
    if done:
        assert min(done) <= view.median_repair_minutes <= max(done)
        assert view.median_repair_minutes == statistics.median(done)
    else:
        assert view.median_repair_minutes is None
    if history:
        assert 0 <= view.share_with_break <= 1
    else:
        assert view.share_with_break is None
    recorded = [v for e in history for v in e.activation.values() if v is not None]
    assert view.median_activation == (statistics.median(recorded) if recorded else None)


@given(episodes(), st.sampled_from(ZONES), st.integers(1, 8))
def test_series_properties(history, zone, window):
    points = series(history, zone, window)
    assert len(points) == len(history)
    assert all(a.paused_at <= b.paused_at for a, b in itertools.pairwise(points))
    minutes = [p.repair_minutes for p in points]
    for index, point in enumerate(points):
        # Not ==: across zones, == is always False for a time in a DST fold (PEP 495).
        assert point.local.timestamp() == point.paused_at.timestamp()
        exact = point.paused_at.astimezone(zone)
        assert point.local.tzinfo is zone
        assert (point.local.replace(tzinfo=None), point.local.utcoffset()) == (
            exact.replace(tzinfo=None), exact.utcoffset()
        )
        around = [m for m in minutes[max(0, index - window + 1): index + 1] if m is not None]
        if around:
            assert min(around) <= point.trend_minutes <= max(around)
            assert point.trend_minutes == statistics.median(around)
        else:
            assert point.trend_minutes is None


@given(episodes(), st.sampled_from(ZONES))
def test_weekly_properties(history, zone):
    weeks = weekly(history, zone)
    assert sum(w.ruptures for w in weeks) == len(history)
    assert sum(w.repaired for w in weeks) == overview(history).repaired
    assert sum(w.long_breaks for w in weeks) == sum(1 for e in history if e.breaks)
    assert all(w.start.weekday() == 0 for w in weeks)
    assert all(b.start - a.start == timedelta(days=7) for a, b in itertools.pairwise(weeks))
    if weeks:
        assert weeks[0].ruptures and weeks[-1].ruptures
    by_monday = {}
    for e in history:
        day = e.paused_at.astimezone(zone).date()
        by_monday.setdefault(day - timedelta(days=day.weekday()), []).append(e)
    for week in weeks:
        members = by_monday.get(week.start, [])
        assert week.ruptures == len(members) == week.repaired + week.open
        done = repaired_minutes(members)
        if done:
            assert min(done) <= week.median_repair_minutes <= max(done)
        else:
            assert week.median_repair_minutes is None


@given(episodes(), st.sampled_from(ZONES), instants, st.randoms(use_true_random=False))
def test_order_never_matters(history, zone, now, rng):
    shuffled = list(history)
    rng.shuffle(shuffled)
    assert series(shuffled, zone) == series(history, zone)
    assert weekly(shuffled, zone) == weekly(history, zone)
    assert overview(shuffled) == overview(history)
    assert summary(shuffled, now, zone) == summary(history, now, zone)


@given(episodes(), st.sampled_from(ZONES), instants)
def test_summary_is_short_and_kind(history, zone, now):
    lines = summary(history, now, zone)
    assert 1 <= len(lines) <= 3
    for line in lines:
        assert line and not BANNED.search(line)
        assert "{" not in line and "None" not in line


@given(episodes(), st.sampled_from(RANGES), instants, st.sampled_from(ZONES))
def test_in_range_properties(history, key, now, zone):
    now = now.astimezone(zone)
    picked = in_range(history, key, now)
    assert [e for e in history if e in picked] == picked  # a subset, input order kept
    start = stats.range_start(key, now)
    if start is None:
        assert picked == history
    else:
        assert all(start <= e.paused_at <= now for e in picked)
        assert all(not (start <= e.paused_at <= now) for e in history if e not in picked)


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)), max_size=60), st.integers(1, 10))
def test_rolling_median_is_statistics_median(values, window):
    expected = []
    for index in range(len(values)):
        around = [v for v in values[max(0, index - window + 1): index + 1] if v is not None]
        expected.append(statistics.median(around) if around else None)
    assert rolling_median(values, window) == expected


@given(episodes(), st.sampled_from(RANGES), instants, st.sampled_from(ZONES))
def test_span_holds_every_pause_of_the_range(history, key, now, zone):
    now = now.astimezone(zone)
    found = stats.span(history, key, now)
    if not history:
        assert found is None
        return
    start, end = found
    assert end - start >= timedelta(days=stats.MIN_SPAN_DAYS)
    assert all(start <= e.paused_at <= end for e in in_range(history, key, now))
