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
  its instant is converted to the display zone (``zoneinfo``), never shifted by
  a remembered offset, so DST changes and zones far from UTC land correctly.
  ``tz=None`` means the machine's local zone.
* The result never depends on the order of the input.

Speed (50,000 episodes within 200 ms, see benchmarks/bench_stats.py): the
episodes are read once into a few plain lists in time order (:class:`_Digest`)
and their local times worked out once per zone; series(), weekly(),
overview() and summary() share that work when they are asked about the same
episodes, as the history view and the report do.
"""

from __future__ import annotations

import operator
import os
import statistics
import threading
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import groupby, repeat
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from couplepause.core.episode import PARTNERS, Episode
from couplepause.core.gcpause import collector_paused
from couplepause.texts import duration, word_list, words

RANGES = ("4w", "3m", "12m", "all")  # last 4 weeks / 3 months / 12 months / all
ROLLING_N = 5  # default window of the rolling median (last N episodes)

RANGE_DAYS = {"4w": 28}
RANGE_MONTHS = {"3m": 3, "12m": 12}

# Summary: an earlier month is a good yardstick once it has this many repairs.
COMPARE_MIN_REPAIRED = 3
# Summary: how many months before the current one an earlier month may be
# (the current month and these make the last 12 months).
COMPARE_MONTHS_BACK = 11
# Summary: two medians are "about the same" when they differ by less than this
# share of the longer one, or by less than a minute (then they read the same).
SIMILAR_FRACTION = 0.15
SIMILAR_SECONDS = 60.0

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Within this many seconds of 1970 a float POSIX time still pins the
# microsecond (its rounding error stays under half a microsecond): 1698..2242.
_EXACT_STAMP = float(2**33)


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


_POINT_SETTERS = tuple(getattr(Point, f.name).__set__ for f in fields(Point))


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


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# ------------------------------------------------------------------ time zones
def machine_zone() -> tzinfo | None:
    """The machine's local zone as a ZoneInfo, or None to ask the OS per instant.

    A ZoneInfo converts several times faster than ``astimezone()`` without an
    argument. It is used only when it agrees with the OS's own local time in
    winter and in summer; otherwise None, and every conversion goes through the
    OS (``datetime.astimezone(None)``), which is right by definition.
    """
    env = os.environ.get("TZ")
    if env is not None:
        key = env.lstrip(":")
    else:
        try:
            real = os.path.realpath("/etc/localtime")
        except OSError:
            return None
        marker = real.rfind("zoneinfo/")
        if marker < 0:
            return None
        key = real[marker + len("zoneinfo/"):]
    if not key:
        return None
    try:
        zone = ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    year = datetime.now(timezone.utc).year
    for month in (1, 7):
        probe = datetime(year, month, 15, 12, tzinfo=timezone.utc)
        if probe.astimezone(zone).utcoffset() != probe.astimezone().utcoffset():
            return None
    return zone


def _display_zone(tz: tzinfo | None) -> tzinfo | None:
    """The zone to convert into; None stands for the OS's local time (astimezone(None))."""
    return tz if tz is not None else machine_zone()


def _local_midnight(day: date, zone: tzinfo | None) -> datetime:
    """The first moment of a local calendar day, aware."""
    if zone is None:
        return datetime(day.year, day.month, day.day).astimezone()
    return datetime(day.year, day.month, day.day, tzinfo=zone)


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


# ------------------------------------------------------- episodes in time order
@dataclass(frozen=True, slots=True)
class _Digest:
    """What the statistics need of a set of episodes, read once, in time order.

    Each list has one entry per episode, sorted by the instant it was paused
    (ties by id). Reading 50,000 episodes is most of the cost of the
    statistics, and the history view asks series(), weekly(), overview() and
    summary() about the same episodes, so the last two digests are kept. One
    is reused only for the very same episode objects in the very same order
    (checked by identity; episodes are immutable), so a kept digest is always
    what a fresh one would be. Never shown outside this module.
    """

    given: list[Episode]  # as passed in, for the identity check
    ids: list[str]
    paused: list[datetime]  # paused_at, as stored
    stamps: list[float]  # POSIX times of ``paused``
    minutes: list[float | None]  # repair minutes; None = open
    breaks: list[bool]  # had a longer break
    activation_a: list[int | None]
    activation_b: list[int | None]
    first_turn: list[float | None]  # minutes from pause to the first turn
    # id(zone) -> (zone, ``paused`` in that zone), filled on demand; by identity,
    # since equal fixed-offset zones may still carry different names
    local: dict[int, tuple[tzinfo, list[datetime]]]


_KEPT: deque[_Digest] = deque(maxlen=2)
_KEPT_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget the kept digests (the benchmark starts every run cold with this)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def _digest(episodes: Iterable[Episode]) -> _Digest:
    given = list(episodes)
    with _KEPT_LOCK:
        kept = tuple(_KEPT)
    for digest in kept:
        if len(digest.given) == len(given) and all(map(operator.is_, digest.given, given)):
            return digest
    # A column at a time: each comprehension is a tight loop over the
    # episodes, faster than one loop appending to eight lists.
    partner_a, partner_b = PARTNERS
    ids = [e.id for e in given]
    paused = [e.paused_at for e in given]
    stamps = [moment.timestamp() for moment in paused]
    minutes = [
        None if e.repaired_at is None
        else (e.repair_seconds if e.repair_seconds is not None else repair_seconds(e)) / 60.0
        for e in given
    ]
    breaks = [bool(e.breaks) for e in given]
    activations = [e.activation or {} for e in given]
    activation_a = [a.get(partner_a) for a in activations]
    activation_b = [a.get(partner_b) for a in activations]
    first_turn = [None if e.first_turn_seconds is None else e.first_turn_seconds / 60.0 for e in given]
    columns = [ids, paused, stamps, minutes, breaks, activation_a, activation_b, first_turn]
    # Into time order. Sorting on float POSIX times is several times faster
    # than comparing aware datetimes with different offsets. Rounding to a
    # float keeps the order of distinct instants (it is monotonic) but may
    # make two equal: runs of equal floats are then ordered on the exact key.
    if any(map(operator.gt, stamps, stamps[1:])):
        order = sorted(range(len(given)), key=stamps.__getitem__)
        columns = [[column[i] for i in order] for column in columns]
        stamps = columns[2]
    if any(map(operator.eq, stamps, stamps[1:])):
        columns = _settle_ties(columns)
    digest = _Digest(given, *columns, {})
    with _KEPT_LOCK:
        _KEPT.append(digest)
    return digest


def _settle_ties(columns: list[list]) -> list[list]:
    """Order each run of equal float times on the exact instant, then the id."""
    ids, paused, stamps = columns[0], columns[1], columns[2]
    order: list[int] = []
    begin = 0
    for _, run in groupby(stamps):
        end = begin + len(list(run))
        order.extend(sorted(range(begin, end), key=lambda i: (paused[i] - _EPOCH, ids[i])))
        begin = end
    return [[column[i] for i in order] for column in columns]


def _local(digest: _Digest, tz: tzinfo | None) -> tuple[tzinfo | None, list[datetime]]:
    """The display zone (None: the OS's local time) and each pause's local time in it."""
    zone = _display_zone(tz)
    known = digest.local.get(id(zone))
    if known is not None and known[0] is zone:
        return known
    stamps = digest.stamps
    if zone is not None and (not stamps or -_EXACT_STAMP < stamps[0] <= stamps[-1] < _EXACT_STAMP):
        # The same instants, microsecond-exact in this range, and faster than astimezone().
        local = list(map(datetime.fromtimestamp, stamps, repeat(zone)))
    else:
        local = [moment.astimezone(zone) for moment in digest.paused]
    if zone is not None:  # (None, the OS's local time, can change under us: not kept)
        digest.local[id(zone)] = (zone, local)
    return zone, local


def _present(values: list) -> list:
    return [v for v in values if v is not None]


# ---------------------------------------------------------------------- series
def rolling_median(values: list[float | None], window: int = ROLLING_N) -> list[float | None]:
    """At each position, the median of the values that are not None among the last ``window``.

    The same numbers as ``statistics.median`` over those values (None when
    there are none), with the window kept sorted as it slides instead of
    sorting every window afresh: this runs once per episode.
    """
    if window < 1:
        raise ValueError("the rolling window must hold at least one episode")
    trend: list[float | None] = []
    append = trend.append
    held: list[float] = []  # the window's values that are not None, sorted
    for index, value in enumerate(values):
        if value is not None:
            insort(held, value)
        if index >= window:
            leaving = values[index - window]
            if leaving is not None:
                del held[bisect_left(held, leaving)]
        size = len(held)
        if size == 0:
            append(None)
        else:
            half = size >> 1
            append(held[half] if size & 1 else (held[half - 1] + held[half]) / 2)
    return trend


def series(episodes: Iterable[Episode], tz: tzinfo | None = None, window: int = ROLLING_N) -> list[Point]:
    """One point per episode, sorted by paused_at, with a rolling-median trend.

    The trend at an episode is the median repair time of the repaired ones
    among the last ``window`` episodes, this one included. An open episode
    takes its place in the window but gives no value.
    """
    if window < 1:
        raise ValueError("the rolling window must hold at least one episode")
    digest = _digest(episodes)
    _, local = _local(digest, tz)
    return _points(
        digest.ids,
        digest.paused,
        local,
        digest.minutes,
        digest.breaks,
        rolling_median(digest.minutes, window),
    )


def _points(*columns: list) -> list[Point]:
    """``[Point(*row) for row in zip(*columns)]``, built a column at a time.

    The same objects (a test compares them), about twice as fast for 50,000
    points: a frozen dataclass's ``__init__`` sets each field with a call to
    ``object.__setattr__`` from Python code; here the same slots are set by
    mapping each slot's descriptor over a column, which runs in C. Point has
    no ``__post_init__`` and no defaults, so nothing of ``__init__`` is skipped.
    """
    # Points form no cycles: the collector waits while they are made
    # (without this: +40 ms on every other call for 50,000 points).
    with collector_paused():
        points = list(map(object.__new__, repeat(Point, len(columns[0]))))
        for setter, column in zip(_POINT_SETTERS, columns, strict=True):
            deque(map(setter, points, column), maxlen=0)
    return points


# ---------------------------------------------------------------------- weekly
def weekly(episodes: Iterable[Episode], tz: tzinfo | None = None) -> list[Week]:
    """Every local week (Monday first) from the first episode's to the last's.

    Weeks without an episode are included with ruptures=0, so a chart shows a
    quiet week as quiet instead of skipping it.
    """
    digest = _digest(episodes)
    if not digest.ids:
        return []
    _, local = _local(digest, tz)
    # In time order the episodes of a day, and of a week, follow each other;
    # only a clock set back across midnight can split one into two runs.
    runs: dict[int, list[slice]] = {}  # the Monday's ordinal -> runs of that week
    begin = 0
    for day, run in groupby(map(datetime.toordinal, local)):
        end = begin + len(list(run))
        monday = day - (day - 1) % 7  # ordinal 1 (1 January 0001) is a Monday
        parts = runs.setdefault(monday, [])
        if parts and parts[-1].stop == begin:
            parts[-1] = slice(parts[-1].start, end)
        else:
            parts.append(slice(begin, end))
        begin = end
    weeks = []
    for monday in range(min(runs), max(runs) + 1, 7):
        start = date.fromordinal(monday)
        parts = runs.get(monday)
        if parts is None:
            weeks.append(Week(start, 0, 0, 0, None, 0, None))
            continue
        ruptures = sum(part.stop - part.start for part in parts)
        minutes = [m for part in parts for m in _present(digest.minutes[part])]
        activations = [
            v for part in parts
            for v in _present(digest.activation_a[part]) + _present(digest.activation_b[part])
        ]
        weeks.append(
            Week(
                start=start,
                ruptures=ruptures,
                repaired=len(minutes),
                open=ruptures - len(minutes),
                median_repair_minutes=median_or_none(minutes),
                long_breaks=sum(sum(digest.breaks[part]) for part in parts),
                median_activation=median_or_none(activations),
            )
        )
    return weeks


# -------------------------------------------------------------------- overview
def overview(episodes: Iterable[Episode]) -> Overview:
    """The signs of growing security over a set of episodes, in one record."""
    digest = _digest(episodes)
    count = len(digest.ids)
    minutes = _present(digest.minutes)
    return Overview(
        episodes=count,
        repaired=len(minutes),
        open=count - len(minutes),
        median_repair_minutes=median_or_none(minutes),
        share_with_break=(sum(digest.breaks) / count) if count else None,
        median_activation=median_or_none(_present(digest.activation_a) + _present(digest.activation_b)),
        median_first_turn_minutes=median_or_none(_present(digest.first_turn)),
    )


# --------------------------------------------------------------------- summary
def month_name(year: int, month: int, current_year: int) -> str:
    """An English month name from the words, with the year when it is not the current one."""
    name = word_list("summary", "months")[month - 1]
    if year == current_year:
        return name
    return words("summary", "month_other_year", month=name, year=year)


def _how_long(seconds: list[float]) -> tuple[float, str]:
    """The median of some repair times, and in words: "a median of 9 minutes" ("9 minutes" for one)."""
    middle = statistics.median(seconds)
    text = duration(middle)
    if len(seconds) > 1:
        text = words("summary", "median_of", duration=text)
    return middle, text


def _similar(now_s: float, then_s: float) -> bool:
    return abs(now_s - then_s) < max(SIMILAR_SECONDS, SIMILAR_FRACTION * max(now_s, then_s))


def summary(episodes: Iterable[Episode], now: datetime, tz: tzinfo | None = None) -> list[str]:
    """One to three short, kind sentences about how the two of you find your way back.

    The headline compares the median repair time of the current local
    calendar month with an earlier month of the last twelve: the earliest one
    with at least COMPARE_MIN_REPAIRED repairs, else the latest with any.
    Faster: a warm statement. Slower: kind words, then the figures without
    judgement. About the same, or too little to compare: gentle, neutral
    sentences. Pauses of this month that are still open are mentioned
    kindly. Every word comes from resources/words.toml [summary].
    """
    _require_aware(now)
    digest = _digest(episodes)
    if not digest.ids:
        return [words("summary", "empty")]
    zone, local = _local(digest, tz)
    local_now = now.astimezone(zone)
    this_month = (local_now.year, local_now.month)
    first_year, first_month = _month_back(*this_month, COMPARE_MONTHS_BACK)
    window_start = _local_midnight(date(first_year, first_month, 1), zone)
    # The episodes from window_start on: found by bisection on the float
    # times, then settled on the exact instants.
    paused = digest.paused
    first = bisect_left(digest.stamps, window_start.timestamp())
    while first > 0 and paused[first - 1] >= window_start:
        first -= 1
    while first < len(paused) and paused[first] < window_start:
        first += 1

    by_month: dict[tuple[int, int], list[float]] = {}
    open_now = 0
    for minutes, moment in zip(digest.minutes[first:], local[first:]):
        month = (moment.year, moment.month)
        if minutes is None:
            open_now += month == this_month
        else:
            by_month.setdefault(month, []).append(minutes * 60.0)

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
            "month": month_name(*yardstick, current_year=local_now.year),
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
        if first == 0:  # nothing before the last twelve months either
            sentences.append(words("summary", "early"))
    elif earlier:
        latest = earlier[-1]
        sentences.append(
            words(
                "summary",
                "earlier_month",
                month=month_name(*latest, current_year=local_now.year),
                then=_how_long(by_month[latest])[1],
            )
        )
    else:
        repaired = [m * 60.0 for m in _present(digest.minutes)]
        if repaired:
            sentences.append(words("summary", "so_far", duration=_how_long(repaired)[1]))
        else:
            sentences.append(words("summary", "only_open"))

    if open_now == 1:
        sentences.append(words("summary", "open_one"))
    elif open_now > 1:
        sentences.append(words("summary", "open_many", n=open_now))
    return sentences
