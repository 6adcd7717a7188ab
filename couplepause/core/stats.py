"""What the history shows: repair times, their trend, and a few kind words.

Qt-free and pure: every function takes episodes (and, where it matters, the
current time and a display time zone) and returns plain values. "Now" is
always passed in; nothing here touches the store. The words come from
resources/words.toml [summary].

Rules kept everywhere:

* Medians are :func:`statistics.median` over *repaired* episodes only. An open
  (unrepaired) episode is counted as open: never as zero, never as infinitely
  long. Nothing to take the median of gives ``None``.
* An episode belongs to the local day, week and month in which it happened:
  its instant is converted to the display zone (``datetime.astimezone``), never
  shifted by a remembered offset, so DST changes and zones far from UTC land
  correctly. ``tz=None`` means the machine's local time.
* The result never depends on the order of the input: episodes are taken in
  the order they were paused (ties by id).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from couplepause.common.texts import duration, words
from couplepause.core.episode import PARTNERS, Episode

RANGES = ("4w", "3m", "12m", "all")  # last 4 weeks / 3 months / 12 months / all
ROLLING_N = 5  # default window of the rolling median (last N episodes)
TREND_WINDOW_SHARE = 40  # a dense history's trend spans 1/40 of its pauses...
TREND_WINDOW_MAX = 25  # ...but never more than this many

RANGE_DAYS = {"4w": 28}
RANGE_MONTHS = {"3m": 3, "12m": 12}
MIN_SPAN_DAYS = 14  # a chart covers at least two weeks: a few pauses are not stretched into walls of colour

# Summary: an earlier month is a good yardstick once it has this many repairs.
COMPARE_MIN_REPAIRED = 3
# Summary: how many months before the current one an earlier month may be
# (the current month and these make the last 12 months).
COMPARE_MONTHS_BACK = 11
# Summary: two medians are "about the same" when they differ by less than this
# share of the longer one, or by less than a minute (then they read the same).
SIMILAR_FRACTION = 0.15
SIMILAR_SECONDS = 60.0


# --------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Point:
    """One episode on the chart."""

    episode_id: str
    paused_at: datetime  # aware, as stored
    local: datetime  # paused_at in the display time zone
    repair_minutes: float | None  # None = open (not repaired)
    had_break: bool
    # Rolling median of repair minutes over the last N episodes up to and
    # including this one (the repaired ones among them); None if none is.
    trend_minutes: float | None


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # local Monday
    ruptures: int  # episodes paused that local week
    repaired: int
    open: int
    median_repair_minutes: float | None
    long_breaks: int  # episodes that had a longer break
    median_activation: float | None  # median of all recorded partner activations at pause


@dataclass(frozen=True, slots=True)
class Overview:
    episodes: int
    repaired: int
    open: int
    median_repair_minutes: float | None
    share_with_break: float | None  # 0..1, None when no episodes
    median_activation: float | None
    median_first_turn_minutes: float | None


# ------------------------------------------------------------------ per episode
def repair_seconds(episode: Episode) -> float | None:
    """Seconds from pause to repair, or None while the episode is open.

    "Repaired" means ``repaired_at`` is set (as :attr:`Episode.is_repaired`).
    The measured ``repair_seconds`` comes first; a record that carries only
    the two instants falls back on their difference.
    """
    if episode.repaired_at is None:
        return None
    if episode.repair_seconds is not None:
        return episode.repair_seconds
    return max(0.0, (episode.repaired_at - episode.paused_at).total_seconds())


def repair_minutes(episode: Episode) -> float | None:
    seconds = repair_seconds(episode)
    return None if seconds is None else seconds / 60.0


def activations(episode: Episode) -> list[int]:
    """The partners' recorded activations at the pause (0, 1 or 2 values)."""
    found = episode.activation or {}
    return [value for p in PARTNERS if (value := found.get(p)) is not None]


def median_or_none(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def counted(episodes: Iterable[Episode]) -> list[Episode]:
    """The pauses that count in figures: every one but the practice pauses."""
    return [e for e in episodes if not e.practice]


def in_time_order(episodes: Iterable[Episode]) -> list[Episode]:
    """The episodes in the order they were paused (ties by id): the order everything here uses."""
    return sorted(episodes, key=lambda e: (e.paused_at, e.id))


def _month_back(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - back
    return index // 12, index % 12 + 1


def _months_back(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` calendar months earlier (day clamped to the month)."""
    year, month = _month_back(moment.year, moment.month, months)
    next_year, next_month = _month_back(year, month, -1)
    last_day = (date(next_year, next_month, 1) - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (with a UTC offset)")


# ----------------------------------------------------------------------- range
def range_start(range_key: str, now: datetime) -> datetime | None:
    """The first instant of a range that ends at ``now``; None for "all".

    Days and months are counted on ``now``'s own wall clock: give ``now`` a
    ZoneInfo for edges that follow DST to the hour.
    """
    if range_key not in RANGES:
        raise ValueError(f"unknown range {range_key!r}; expected one of {', '.join(RANGES)}")
    _require_aware(now)
    if range_key in RANGE_DAYS:
        return now - timedelta(days=RANGE_DAYS[range_key])
    if range_key in RANGE_MONTHS:
        return _months_back(now, RANGE_MONTHS[range_key])
    return None


def in_range(episodes: Iterable[Episode], range_key: str, now: datetime) -> list[Episode]:
    """The episodes paused within the range that ends at ``now``, in input order.

    "4w": the last 28 days; "3m" / "12m": 3 / 12 calendar months back from
    ``now`` (31 May -> 28/29 February); both edges inclusive:
    start <= paused_at <= now. "all": every episode. ValueError on an
    unknown key or a naive ``now``.
    """
    start = range_start(range_key, now)
    if start is None:
        return list(episodes)
    return [e for e in episodes if start <= e.paused_at <= now]


def span(episodes: Iterable[Episode], range_key: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The stretch of time the charts of a range cover, given the whole history.

    It ends at ``now`` (or at the last pause, if one lies later and the
    range is "all") and starts at the range's start, or at the first pause
    of the history when that came later (before it there is nothing to show,
    not a quiet stretch); "all" starts at the first pause. It is at least
    MIN_SPAN_DAYS long. Every chart of the range uses the same span, so their
    dates line up. None when there are no episodes.
    """
    moments = [e.paused_at for e in episodes]
    if not moments:
        return None
    start = range_start(range_key, now)
    first, last = min(moments), max(moments)
    begin = first if start is None else max(start, first)
    end = max(now, last) if start is None else now
    return min(begin, end - timedelta(days=MIN_SPAN_DAYS)), end


# ---------------------------------------------------------------------- series
def rolling_median(values: list[float | None], window: int = ROLLING_N) -> list[float | None]:
    """At each position, the median of the values that are not None among the last ``window``."""
    if window < 1:
        raise ValueError("the rolling window must hold at least one episode")
    trend = []
    for index in range(len(values)):
        present = [v for v in values[max(0, index - window + 1) : index + 1] if v is not None]
        trend.append(median_or_none(present))
    return trend


def trend_window(count: int) -> int:
    """How many pauses the trend's rolling median spans, for ``count`` pauses
    shown: the one rule for the history's chart and the report's, so the same
    pauses draw the same line in both (and their legends say the same number).

    ROLLING_N for a usual history; a dense one (hundreds of pauses in the
    range) gets a wider window, about one fortieth of the pauses and at most
    TREND_WINDOW_MAX, so the line shows a trend rather than the noise.
    """
    return max(ROLLING_N, min(TREND_WINDOW_MAX, round(count / TREND_WINDOW_SHARE)))


def series(episodes: Iterable[Episode], tz: tzinfo | None = None, window: int = ROLLING_N) -> list[Point]:
    """One point per episode, in time order, with a rolling-median trend.

    The trend at an episode is the median repair time of the repaired ones
    among the last ``window`` episodes, this one included. An open episode
    takes its place in the window but gives no value.
    """
    if window < 1:
        raise ValueError("the rolling window must hold at least one episode")
    ordered = in_time_order(episodes)
    minutes = [repair_minutes(e) for e in ordered]
    trend = rolling_median(minutes, window)
    return [
        Point(e.id, e.paused_at, e.paused_at.astimezone(tz), m, e.had_break, t)
        for e, m, t in zip(ordered, minutes, trend, strict=True)
    ]


# ---------------------------------------------------------------------- weekly
def weekly(episodes: Iterable[Episode], tz: tzinfo | None = None) -> list[Week]:
    """Every local week (Monday first) from the first episode's to the last's.

    Weeks without an episode are included with ruptures=0, so a chart shows a
    quiet week as quiet instead of skipping it.
    """
    by_week: dict[date, list[Episode]] = {}
    for episode in episodes:
        day = episode.paused_at.astimezone(tz).date()
        by_week.setdefault(day - timedelta(days=day.weekday()), []).append(episode)
    if not by_week:
        return []
    weeks = []
    monday, last = min(by_week), max(by_week)
    while monday <= last:
        found = by_week.get(monday, [])
        minutes = [m for m in map(repair_minutes, found) if m is not None]
        weeks.append(
            Week(
                start=monday,
                ruptures=len(found),
                repaired=len(minutes),
                open=len(found) - len(minutes),
                median_repair_minutes=median_or_none(minutes),
                long_breaks=sum(1 for e in found if e.had_break),
                median_activation=median_or_none([v for e in found for v in activations(e)]),
            )
        )
        monday += timedelta(days=7)
    return weeks


# -------------------------------------------------------------------- overview
def overview(episodes: Iterable[Episode]) -> Overview:
    """The signs of growing security over a set of episodes, in one record."""
    given = list(episodes)
    minutes = [m for m in map(repair_minutes, given) if m is not None]
    first_turns = [e.first_turn_seconds / 60.0 for e in given if e.first_turn_seconds is not None]
    return Overview(
        episodes=len(given),
        repaired=len(minutes),
        open=len(given) - len(minutes),
        median_repair_minutes=median_or_none(minutes),
        share_with_break=(sum(1 for e in given if e.had_break) / len(given)) if given else None,
        median_activation=median_or_none([v for e in given for v in activations(e)]),
        median_first_turn_minutes=median_or_none(first_turns),
    )


# --------------------------------------------------------------------- summary
def _how_long(seconds: list[float]) -> tuple[float, str]:
    """The median of some repair times, and in words: "a median of 9 minutes" ("9 minutes" for one)."""
    middle = statistics.median(seconds)
    text = duration(middle)
    if len(seconds) > 1:
        text = words("summary", "median_of", duration=text)
    return middle, text


def _similar(now_s: float, then_s: float) -> bool:
    return abs(now_s - then_s) < max(SIMILAR_SECONDS, SIMILAR_FRACTION * max(now_s, then_s))


def summary(
    episodes: Iterable[Episode],
    now: datetime,
    tz: tzinfo | None = None,
    *,
    month_name: Callable[[int, int, int], str],
) -> list[str]:
    """One to three short, kind sentences about how the two of you find your way back.

    The headline compares the median repair time of the current local
    calendar month with an earlier month of the last twelve: the earliest one
    with at least COMPARE_MIN_REPAIRED repairs, else the latest with any.
    Faster: a warm statement. Slower: kind words, then the figures without
    judgement. About the same, or too little to compare: gentle, neutral
    sentences. Pauses of this month that are still open are mentioned
    kindly. Every word comes from resources/words.toml [summary];
    ``month_name(year, month, current_year)`` names a month in the reader's
    language (couplepause.formatting.month_name).

    Give it the whole history, not the part a range shows: a month cut in
    two by a range's start would read differently for each range (the
    history view says the same sentence whatever range is shown).
    """
    _require_aware(now)
    given = list(episodes)
    if not given:
        return [words("summary", "empty")]
    local_now = now.astimezone(tz)
    this_month = (local_now.year, local_now.month)
    first_month = _month_back(*this_month, COMPARE_MONTHS_BACK)
    by_month: dict[tuple[int, int], list[float]] = {}
    open_now = 0
    before_window = False
    for episode in given:
        local = episode.paused_at.astimezone(tz)
        month = (local.year, local.month)
        if month < first_month:
            before_window = True
            continue
        seconds = repair_seconds(episode)
        if seconds is None:
            open_now += month == this_month
        else:
            by_month.setdefault(month, []).append(seconds)

    earlier = sorted(month for month in by_month if month < this_month)
    steady = [month for month in earlier if len(by_month[month]) >= COMPARE_MIN_REPAIRED]
    current = by_month.get(this_month)
    sentences: list[str] = []
    if current and earlier:
        yardstick = steady[0] if steady else earlier[-1]
        now_s, now_text = _how_long(current)
        then_s = statistics.median(by_month[yardstick])
        values = {
            "now": now_text,
            "then": duration(then_s),
            "month": month_name(*yardstick, local_now.year),
        }
        if _similar(now_s, then_s):
            sentences.append(words("summary", "similar", **values))
        elif now_s < then_s:
            sentences.append(words("summary", "faster", **values))
        else:
            sentences.append(words("summary", "harder"))
            sentences.append(words("summary", "slower", **values))
    elif current:
        sentences.append(words("summary", "this_month", now=_how_long(current)[1]))
        if not before_window:  # nothing before the last twelve months either
            sentences.append(words("summary", "early"))
    elif earlier:
        latest = earlier[-1]
        sentences.append(
            words(
                "summary",
                "earlier_month",
                month=month_name(*latest, local_now.year),
                then=_how_long(by_month[latest])[1],
            )
        )
    else:
        repaired = [s for s in map(repair_seconds, given) if s is not None]
        if repaired:
            sentences.append(words("summary", "so_far", duration=_how_long(repaired)[1]))
        else:
            sentences.append(words("summary", "only_open"))

    if open_now:
        sentences.append(words("summary", "open", n=open_now))
    return sentences
