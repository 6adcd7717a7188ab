"""Patterns over time: when pauses tend to come, which cycle recurs, how long
the way back takes after each, activation at the pause, longer breaks.

Qt-free and pure, like core/stats.py (whose rules hold here too: medians over
repaired pauses only, open ones counted as open; every instant converted to
the display zone with ``astimezone``, so DST and far zones land right; the
result never depends on the input's order). Practice pauses are left out
(``stats.counted``). The words are [cycle_patterns] in resources/words.toml;
weekday and month names come from the caller (QLocale, in the ui and the PDF).

With few pauses nothing is claimed: below MIN_PAUSES the sentences say
gently that there is not enough yet, and each sentence has its own minimum.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from couplepause.common.texts import duration, words
from couplepause.core.episode import CYCLES, Episode
from couplepause.core.stats import activations, counted, in_time_order, median_or_none, repair_seconds

# Parts of the day, by the local hour they begin: morning 5-12, afternoon
# 12-17, evening 17-22, night 22-5 (a pause at 1 am belongs to that night).
PARTS = ("morning", "afternoon", "evening", "night")
PART_STARTS = {"morning": 5, "afternoon": 12, "evening": 17, "night": 22}
WEEKDAYS = 7  # Monday first (datetime.weekday())

MIN_PAUSES = 8  # fewer pauses than this: "not enough yet", and nothing else
MIN_TAGGED = 5  # pauses with a cycle named before the cycle is spoken of
MIN_HALF = 3  # pauses in each half before a change is spoken of
MIN_REPAIRED = 3  # repaired pauses of a cycle before its way back is compared
MIN_MONTH_ACTIVATIONS = 3  # recorded activations a month needs to be compared
# A part of the day is "most" when it holds this share; a weekday stands out at this share.
PART_SHARE = 0.4
DAY_SHARE = 0.25
CYCLE_SHARE = 0.4  # the most named cycle, spoken of when it holds this share
CHANGE = 0.2  # a share that moved by this much (20 points) has changed
ACTIVATION_CHANGE = 1.0  # a median activation that moved by a point has changed


@dataclass(frozen=True, slots=True)
class CycleRow:
    """One cycle: how often it was named, earlier and lately, and the way back after it."""

    cycle: str
    pauses: int
    earlier: int  # in the earlier half of the named pauses
    later: int  # in the later half
    repaired: int
    open: int
    median_repair_minutes: float | None


@dataclass(frozen=True, slots=True)
class MonthRow:
    """One local month: activation at the pause and the longer breaks."""

    year: int
    month: int
    pauses: int
    median_activation: float | None
    activations: int  # how many were recorded
    long_breaks: int

    @property
    def share_with_break(self) -> float:
        return self.long_breaks / self.pauses if self.pauses else 0.0


@dataclass(frozen=True, slots=True)
class Patterns:
    pauses: int  # the counted pauses (practice left out)
    grid: tuple[tuple[int, ...], ...]  # [weekday][part]: counts, Monday first, PARTS order
    cycles: tuple[CycleRow, ...]  # CYCLES order, only those named at least once
    tagged: int  # pauses with a cycle named
    months: tuple[MonthRow, ...]  # every local month from the first pause's to the last's
    long_breaks: int
    share_with_break: float | None  # 0..1; None without pauses
    breaks_earlier: float | None  # share in the earlier half of the pauses
    breaks_later: float | None

    @property
    def enough(self) -> bool:
        return self.pauses >= MIN_PAUSES

    def part_totals(self) -> list[int]:
        return [sum(day[p] for day in self.grid) for p in range(len(PARTS))]

    def day_totals(self) -> list[int]:
        return [sum(day) for day in self.grid]


def part_of_day(hour: int) -> int:
    """The index in PARTS of a local hour (0-23)."""
    if 5 <= hour < 12:
        return 0
    if 12 <= hour < 17:
        return 1
    if 17 <= hour < 22:
        return 2
    return 3


def _halves(ordered: list) -> tuple[list, list]:
    """The earlier and the later half (the middle one, of an odd count, in neither)."""
    half = len(ordered) // 2
    return ordered[:half], ordered[len(ordered) - half:]


def _share(found: list[Episode]) -> float | None:
    return sum(1 for e in found if e.had_break) / len(found) if found else None


def patterns(episodes: Iterable[Episode], tz: tzinfo | None = None) -> Patterns:
    """The patterns of these pauses (a range of them), in ``tz`` (None: the machine's)."""
    ordered = in_time_order(counted(episodes))
    grid = [[0] * len(PARTS) for _ in range(WEEKDAYS)]
    by_month: dict[tuple[int, int], list[Episode]] = {}
    for episode in ordered:
        local = episode.paused_at.astimezone(tz)
        grid[local.weekday()][part_of_day(local.hour)] += 1
        by_month.setdefault((local.year, local.month), []).append(episode)

    tagged = [e for e in ordered if e.cycle in CYCLES]
    earlier, later = _halves(tagged)
    cycles = []
    for cycle in CYCLES:
        found = [e for e in tagged if e.cycle == cycle]
        if not found:
            continue
        seconds = [s for s in map(repair_seconds, found) if s is not None]
        cycles.append(
            CycleRow(
                cycle=cycle,
                pauses=len(found),
                earlier=sum(1 for e in earlier if e.cycle == cycle),
                later=sum(1 for e in later if e.cycle == cycle),
                repaired=len(seconds),
                open=len(found) - len(seconds),
                median_repair_minutes=None if not seconds else statistics.median(seconds) / 60.0,
            )
        )

    months = []
    if by_month:
        year, month = min(by_month)
        last = max(by_month)
        while (year, month) <= last:
            found = by_month.get((year, month), [])
            values = [v for e in found for v in activations(e)]
            months.append(MonthRow(year, month, len(found), median_or_none(values), len(values),
                                   sum(1 for e in found if e.had_break)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    first, second = _halves(ordered)
    return Patterns(
        pauses=len(ordered),
        grid=tuple(tuple(day) for day in grid),
        cycles=tuple(cycles),
        tagged=len(tagged),
        months=tuple(months),
        long_breaks=sum(1 for e in ordered if e.had_break),
        share_with_break=_share(ordered),
        breaks_earlier=_share(first) if len(first) >= MIN_HALF else None,
        breaks_later=_share(second) if len(second) >= MIN_HALF else None,
    )


# --------------------------------------------------------------------- words
def _w(key: str, **values: object) -> str:
    return words("cycle_patterns", key, **values)


def _percent(share: float) -> str:
    return _w("percent", value=round(share * 100))


def _when_sentences(found: Patterns, weekday_name: Callable[[int], str]) -> list[str]:
    parts = found.part_totals()
    best = max(range(len(PARTS)), key=lambda p: (parts[p], -p))
    said = []
    if parts[best] >= PART_SHARE * found.pauses and parts.count(parts[best]) == 1:
        said.append(_w(f"often_{PARTS[best]}"))
    days = found.day_totals()
    top = max(days)
    if top >= DAY_SHARE * found.pauses and days.count(top) == 1:
        said.append(_w("often_day", weekday=weekday_name(days.index(top))))
    return said or [_w("spread")]


def _cycle_sentences(found: Patterns) -> list[str]:
    if found.tagged < MIN_TAGGED:
        return [_w("cycle_few")]
    top = max(found.cycles, key=lambda row: (row.pauses, -CYCLES.index(row.cycle)))
    name = words("cycles", top.cycle)
    if top.pauses < CYCLE_SHARE * found.tagged or sum(r.pauses == top.pauses for r in found.cycles) > 1:
        return [_w("cycle_mixed")]
    said = [_w("cycle_most", cycle=name, n=top.pauses, total=found.tagged)]
    half = found.tagged // 2
    if half >= MIN_HALF:
        then, now = top.earlier / half, top.later / half
        if now <= then - CHANGE:
            said.append(_w("cycle_less", cycle=name))
        elif now >= then + CHANGE:
            said.append(_w("cycle_more", cycle=name))
        else:
            said.append(_w("cycle_steady"))
    return said


def _back_sentences(found: Patterns) -> list[str]:
    compared = [(row.median_repair_minutes, row.cycle) for row in found.cycles
                if row.repaired >= MIN_REPAIRED and row.median_repair_minutes is not None]
    if len(compared) < 2:
        return []
    quick, quick_cycle = min(compared, key=lambda r: (r[0], CYCLES.index(r[1])))
    slow, slow_cycle = max(compared, key=lambda r: (r[0], -CYCLES.index(r[1])))
    if slow - quick < 1.0:
        return [_w("back_alike")]
    return [_w("back_by_cycle", quick=words("cycles", quick_cycle), quick_time=duration(quick * 60),
               slow=words("cycles", slow_cycle), slow_time=duration(slow * 60))]


def _activation_sentences(found: Patterns, month_name: Callable[[int, int, int], str], current_year: int,
                          number: Callable[[float], str]) -> list[str]:
    months = [(m, m.median_activation) for m in found.months
              if m.activations >= MIN_MONTH_ACTIVATIONS and m.median_activation is not None]
    if len(months) < 2:
        return []
    (then, was), (_, now) = months[0], months[-1]
    values = {"then": number(was), "now": number(now), "month": month_name(then.year, then.month, current_year)}
    if now <= was - ACTIVATION_CHANGE:
        return [_w("activation_lower", **values)]
    if now >= was + ACTIVATION_CHANGE:
        return [_w("activation_higher", **values)]
    return [_w("activation_steady", **values)]


def _break_sentences(found: Patterns) -> list[str]:
    if not found.long_breaks or found.share_with_break is None:
        return [_w("breaks_none")]
    said = [_w("breaks_share", share=_percent(found.share_with_break))]
    then, now = found.breaks_earlier, found.breaks_later
    if then is not None and now is not None:
        if now <= then - CHANGE:
            said.append(_w("breaks_fewer", then=_percent(then), now=_percent(now)))
        elif now >= then + CHANGE:
            said.append(_w("breaks_more", then=_percent(then), now=_percent(now)))
    return said


@dataclass(frozen=True, slots=True)
class Sentences:
    """The patterns in words, one list per part (empty: nothing to say there yet)."""

    when: list[str]
    cycles: list[str]
    back: list[str]
    activation: list[str]
    breaks: list[str]

    def all(self) -> list[str]:
        return self.when + self.cycles + self.back + self.activation + self.breaks


def describe(
    found: Patterns,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    weekday_name: Callable[[int], str],
    month_name: Callable[[int, int, int], str],
    number: Callable[[float], str] = lambda v: f"{v:g}",
) -> Sentences:
    """Plain, kind sentences about the patterns. ``weekday_name(0)`` is Monday
    in the reader's language, ``month_name(year, month, current_year)`` a
    month, ``number(value)`` a median activation (formatting.number). Below
    MIN_PAUSES the first part says "not enough yet" and the others nothing."""
    if not found.enough:
        return Sentences([_w("not_enough")], [], [], [], [])
    return Sentences(
        when=_when_sentences(found, weekday_name),
        cycles=_cycle_sentences(found),
        back=_back_sentences(found),
        activation=_activation_sentences(found, month_name, now.astimezone(tz).year, number),
        breaks=_break_sentences(found),
    )
