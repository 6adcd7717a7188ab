"""Patterns over time (core/patterns.py): the grid in the display zone (DST and
far zones), the cycles and their change, the way back by cycle, activation
month by month, longer breaks, the kind sentences, and what is left out."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from couplepause.common.texts import words
from couplepause.core import patterns
from couplepause.core.episode import Break, Episode
from couplepause.core.patterns import PARTS, describe, part_of_day

BERLIN = ZoneInfo("Europe/Berlin")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
KOLKATA = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


_NUMBERS = itertools.count(1)  # each pause its own id


def ep(paused: datetime, minutes: float | None = 10.0, *, cycle=None, activation=None, brk=False,
       practice=False) -> Episode:
    e = Episode.start(paused, f"00000000-0000-4000-8000-{next(_NUMBERS):012d}")
    changes = {"cycle": cycle, "activation": activation or {"a": None, "b": None}, "closed": True,
               "practice": practice}
    if brk:
        start = paused + timedelta(minutes=2)
        changes["breaks"] = (Break(start, start + timedelta(minutes=20), start + timedelta(minutes=21)),)
    e = e.with_changes(**changes)
    if minutes is not None:
        e = e.repaired(wall_now=paused, monotonic_seconds=minutes * 60)
    return e


def names(day: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[day]


def month(year: int, month: int, current: int) -> str:
    return f"{month}/{year}"


def say(found, tz=None):
    return describe(found, NOW, tz, weekday_name=names, month_name=month)


def cell(found, weekday: int, part: str) -> int:
    return found.grid[weekday][PARTS.index(part)]


# ------------------------------------------------------------------- the grid
def test_parts_of_the_day():
    assert [PARTS[part_of_day(h)] for h in (4, 5, 11, 12, 16, 17, 21, 22, 23, 0)] == [
        "night", "morning", "morning", "afternoon", "afternoon", "evening", "evening", "night", "night", "night"]


def test_berlin_across_the_spring_change():
    # Sunday 29 March 2026, clocks go 02:00 -> 03:00. 21:30 local is 19:30 UTC after the change.
    before = datetime(2026, 3, 28, 20, 30, tzinfo=UTC)  # Saturday 21:30 CET
    after = datetime(2026, 3, 29, 19, 30, tzinfo=UTC)  # Sunday 21:30 CEST
    early = datetime(2026, 3, 29, 3, 30, tzinfo=UTC)  # Sunday 05:30 CEST (04:30 with a fixed +1)
    found = patterns.patterns([ep(before), ep(after), ep(early)], BERLIN)
    assert cell(found, 5, "evening") == 1
    assert cell(found, 6, "evening") == 1
    assert cell(found, 6, "morning") == 1  # never shifted by a remembered offset into the night
    assert sum(map(sum, found.grid)) == 3


def test_berlin_across_the_autumn_change():
    # Sunday 25 October 2026, clocks go 03:00 -> 02:00. 04:30 UTC is 05:30 CET (06:30 the day before).
    found = patterns.patterns([ep(datetime(2026, 10, 25, 4, 30, tzinfo=UTC)),
                               ep(datetime(2026, 10, 24, 3, 30, tzinfo=UTC))], BERLIN)
    assert cell(found, 6, "morning") == 1  # Sunday 05:30 CET
    assert cell(found, 5, "morning") == 1  # Saturday 05:30 CEST


@pytest.mark.parametrize("zone, weekday, part", [
    (AUCKLAND, 1, "morning"),  # Tuesday 10:00 NZDT
    (LOS_ANGELES, 0, "afternoon"),  # Monday 13:00 PST
    (KOLKATA, 1, "night"),  # Tuesday 02:30 IST
])
def test_far_zones_land_on_their_own_day_and_part(zone, weekday, part):
    moment = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # a Monday in UTC
    found = patterns.patterns([ep(moment)], zone)
    assert cell(found, weekday, part) == 1


def test_months_are_local_months():
    # 31 Dec 23:30 UTC is already January in Auckland, still December in Los Angeles.
    moment = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert [(m.year, m.month) for m in patterns.patterns([ep(moment)], AUCKLAND).months] == [(2026, 1)]
    assert [(m.year, m.month) for m in patterns.patterns([ep(moment)], LOS_ANGELES).months] == [(2025, 12)]


# ------------------------------------------------------------- what counts
def test_empty_input():
    found = patterns.patterns([], BERLIN)
    assert found.pauses == 0 and found.months == () and found.cycles == ()
    assert found.share_with_break is None
    assert say(found).all() == [words("cycle_patterns", "not_enough")]


def test_practice_pauses_never_count():
    base = datetime(2026, 10, 1, 19, tzinfo=UTC)
    real = [ep(base + timedelta(days=i), cycle="both_pursue", brk=i % 2 == 0,
               activation={"a": 5, "b": 4}) for i in range(10)]
    practice = [ep(base + timedelta(days=i, hours=3), cycle="both_withdraw", brk=True, practice=True,
                   activation={"a": 1, "b": 1}) for i in range(10)]
    assert patterns.patterns(real + practice, BERLIN) == patterns.patterns(real, BERLIN)
    only = patterns.patterns(practice, BERLIN)
    assert only.pauses == 0 and say(only).all() == [words("cycle_patterns", "not_enough")]


def test_open_pauses_are_counted_as_open_never_as_a_time():
    base = datetime(2026, 10, 1, 19, tzinfo=UTC)
    found = patterns.patterns([ep(base, 10, cycle="other"), ep(base + timedelta(days=1), None, cycle="other"),
                               ep(base + timedelta(days=2), 30, cycle="other")], UTC)
    (row,) = found.cycles
    assert (row.pauses, row.repaired, row.open, row.median_repair_minutes) == (3, 2, 1, 20.0)


def test_all_open():
    base = datetime(2026, 10, 1, 19, tzinfo=UTC)
    found = patterns.patterns([ep(base + timedelta(days=i), None, cycle="other") for i in range(9)], UTC)
    assert found.cycles[0].median_repair_minutes is None and found.cycles[0].open == 9
    said = say(found)
    assert said.back == []  # nothing to compare
    assert said.when and said.cycles


def test_the_order_of_the_input_does_not_matter():
    rng = random.Random(4)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    items = [ep(base + timedelta(hours=rng.randrange(8000)), rng.choice((None, 5, 20, 40)),
                cycle=rng.choice(("pursue_withdraw", "both_withdraw", None)), brk=rng.random() < 0.3,
                activation={"a": rng.randint(0, 10), "b": None}) for _ in range(60)]
    shuffled = items[:]
    rng.shuffle(shuffled)
    assert patterns.patterns(items, BERLIN) == patterns.patterns(shuffled, BERLIN)
    assert say(patterns.patterns(items, BERLIN)) == say(patterns.patterns(shuffled, BERLIN))


# --------------------------------------------------------------- sentences
def evenings(count: int, **kwargs) -> list[Episode]:
    base = datetime(2026, 6, 1, 19, tzinfo=UTC)  # 21:00 in Berlin, a Monday
    return [ep(base + timedelta(days=7 * i), **kwargs) for i in range(count)]


def test_few_pauses_claim_nothing():
    found = patterns.patterns(evenings(patterns.MIN_PAUSES - 1, cycle="both_pursue"), BERLIN)
    assert say(found).all() == [words("cycle_patterns", "not_enough")]


def test_when_they_came():
    said = say(patterns.patterns(evenings(10), BERLIN))
    assert said.when == [words("cycle_patterns", "often_evening"),
                         words("cycle_patterns", "often_day", weekday="Monday")]


def test_a_spread_week_says_so():
    base = datetime(2026, 6, 1, 3, tzinfo=UTC)
    items = [ep(base + timedelta(days=d, hours=h)) for d in range(7) for h in (3, 9, 14, 20)]
    assert say(patterns.patterns(items, UTC)).when == [words("cycle_patterns", "spread")]


def test_a_cycle_that_comes_less_often_lately():
    items = evenings(6, cycle="pursue_withdraw") + [
        ep(datetime(2026, 9, 1, 19, tzinfo=UTC) + timedelta(days=i), cycle=c)
        for i, c in enumerate(("pursue_withdraw", "other", "both_pursue", "other", "both_withdraw", "other"))]
    said = say(patterns.patterns(items, BERLIN)).cycles
    assert said[0] == words("cycle_patterns", "cycle_most", cycle=words("cycles", "pursue_withdraw"), n=7, total=12)
    assert said[1] == words("cycle_patterns", "cycle_less")


def test_few_named_cycles_are_not_spoken_of():
    items = evenings(10)
    assert say(patterns.patterns(items, BERLIN)).cycles == [words("cycle_patterns", "cycle_few")]


def test_the_way_back_by_cycle():
    items = evenings(4, cycle="both_withdraw", minutes=40) + evenings(4, cycle="both_pursue", minutes=10)
    said = say(patterns.patterns(items, BERLIN)).back
    assert said == [words("cycle_patterns", "back_by_cycle", quick=words("cycles", "both_pursue"),
                          quick_time="10 minutes", slow=words("cycles", "both_withdraw"), slow_time="40 minutes")]


def test_pausing_earlier_is_said_kindly():
    spring = [ep(datetime(2026, 3, 2, 19, tzinfo=UTC) + timedelta(days=i), activation={"a": 8, "b": 7})
              for i in range(5)]
    autumn = [ep(datetime(2026, 10, 5, 19, tzinfo=UTC) + timedelta(days=i), activation={"a": 5, "b": 4})
              for i in range(5)]
    found = patterns.patterns(spring + autumn, BERLIN)
    assert [m.median_activation for m in found.months if m.pauses] == [7.5, 4.5]
    assert say(found).activation == [words("cycle_patterns", "activation_lower", now="4.5", then="7.5",
                                           month="3/2026")]


def test_longer_breaks_overall_and_lately():
    items = evenings(5, brk=True) + [ep(datetime(2026, 9, 1, 19, tzinfo=UTC) + timedelta(days=i))
                                     for i in range(5)]
    found = patterns.patterns(items, BERLIN)
    assert found.share_with_break == 0.5 and found.long_breaks == 5
    assert (found.breaks_earlier, found.breaks_later) == (1.0, 0.0)
    said = say(found).breaks
    assert said == [words("cycle_patterns", "breaks_share", share="50%"),
                    words("cycle_patterns", "breaks_fewer", now="0%", then="100%")]


def test_no_sentence_compares_the_partners():
    items = evenings(12, cycle="pursue_withdraw", activation={"a": 9, "b": 2}, brk=True)
    for sentence in say(patterns.patterns(items, BERLIN)).all():
        assert "Partner" not in sentence and " more than " not in sentence
