"""Statistics over 50,000 episodes: target <= 200 ms (median of 7 runs).

Run: python benchmarks/bench_stats.py

One run = series() + weekly() + overview() + summary() over the whole
history, as the history view does when it opens on "all"; every run starts
cold (stats.clear_cache()). The history is about five years of use: ~15% open
episodes, some longer breaks, optional activations, times stored with the
UTC offset of wherever the couple was, in the order the store returns them
(oldest first). The display zone is Europe/Berlin (a zone with DST).

For information: the machine's local zone (tz=None); the same episodes in a
shuffled order (objects scattered in memory: the worst case); each function
alone, cold; and, because timings on a shared machine swing by 2x, a floor
measured in the same run (reading every episode's pause time once) and the
ratio of the total to it.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from couplepause.core import stats
from couplepause.core.episode import Break, Episode, round_ms

EPISODES = 50_000
RUNS = 7
TARGET_MS = 200.0
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 15, 20, 0, tzinfo=ZONE)


def realistic(count: int, seed: int = 11) -> list[Episode]:
    rng = random.Random(seed)
    zones = [ZoneInfo("Europe/Berlin")] * 6 + [ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
    end = NOW.astimezone(timezone.utc)
    start = end - timedelta(days=5 * 365)
    span = (end - start).total_seconds()
    # The store hands episodes back month by month, oldest first: build them in that order.
    offsets = sorted(rng.uniform(0, span) for _ in range(count))
    episodes = []
    for offset in offsets:
        paused = round_ms(start + timedelta(seconds=offset))
        # Stored with the offset the machine had then (a fixed offset, as read back from JSON).
        local = paused.astimezone(rng.choice(zones))
        paused = paused.astimezone(timezone(local.utcoffset()))
        seconds = round(rng.lognormvariate(6.6, 0.7), 3)  # median ~12 minutes
        breaks: tuple[Break, ...] = ()
        if rng.random() < 0.12:
            began = paused + timedelta(minutes=rng.uniform(2, 6))
            back = began + timedelta(minutes=rng.choice((20, 30, 45, 60)))
            breaks = (Break(round_ms(began), round_ms(back), round_ms(back + timedelta(minutes=2))),)
            seconds = round((breaks[0].ended_at - paused).total_seconds() + rng.uniform(60, 600), 3)
        repaired = rng.random() >= 0.15
        recorded = rng.random() < 0.6
        episodes.append(
            Episode(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                paused_at=paused,
                paused_by=rng.choice(("a", "b", "both", None)),
                activation={
                    "a": rng.randint(0, 10) if recorded else None,
                    "b": rng.randint(0, 10) if recorded and rng.random() < 0.8 else None,
                },
                first_turn_seconds=round(rng.uniform(60, 400), 3) if rng.random() < 0.9 else None,
                breaks=breaks,
                repaired_at=round_ms(paused + timedelta(seconds=seconds)) if repaired else None,
                repair_seconds=seconds if repaired else None,
                wall_timed=bool(breaks),
                closed=repaired,
            )
        )
    return episodes


def timed_ms(action) -> float:
    stats.clear_cache()  # every run starts cold: nothing kept from the run before
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000.0


def median_ms(action, runs: int = RUNS) -> float:
    return statistics.median(timed_ms(action) for _ in range(runs))


def everything(episodes, tz):
    stats.series(episodes, tz)
    stats.weekly(episodes, tz)
    stats.overview(episodes)
    stats.summary(episodes, NOW, tz)


def floor(episodes) -> None:
    """The least any statistics over these episodes could cost: read each pause time once."""
    for episode in episodes:
        episode.paused_at.timestamp()


def main() -> int:
    episodes = realistic(EPISODES)
    # The headline and the floor take turns, so that both see the machine in
    # the same moods; the ratio is taken run by run.
    totals, floors = [], []
    for _ in range(RUNS):
        floors.append(timed_ms(lambda: floor(episodes)))
        totals.append(timed_ms(lambda: everything(episodes, ZONE)))
    total = statistics.median(totals)
    least = statistics.median(floors)
    ratio = statistics.median(t / f for t, f in zip(totals, floors))
    local = median_ms(lambda: everything(episodes, None))
    shuffled = list(episodes)
    random.Random(5).shuffle(shuffled)
    scattered = median_ms(lambda: everything(shuffled, ZONE))
    parts = {
        "series()": median_ms(lambda: stats.series(episodes, ZONE)),
        "weekly()": median_ms(lambda: stats.weekly(episodes, ZONE)),
        "overview()": median_ms(lambda: stats.overview(episodes)),
        "summary()": median_ms(lambda: stats.summary(episodes, NOW, ZONE)),
        'in_range("12m")': median_ms(lambda: stats.in_range(episodes, "12m", NOW)),
    }
    ok = total <= TARGET_MS

    rows = [
        ("metric", "target", "measured", "result"),
        (f"series+weekly+overview+summary, {EPISODES:,} episodes, Europe/Berlin (median of {RUNS})",
         f"<= {TARGET_MS:.0f} ms", f"{total:.1f} ms", "PASS" if ok else "FAIL"),
        ("the same, machine's local zone (tz=None)", "-", f"{local:.1f} ms", "info"),
        ("the same, input shuffled (worst case)", "-", f"{scattered:.1f} ms", "info"),
    ]
    rows += [(f"  {name} alone", "-", f"{ms:.1f} ms", "info") for name, ms in parts.items()]
    rows.append(("floor: read every paused_at.timestamp() once", "-", f"{least:.1f} ms", "info"))
    rows.append(("ratio all four / floor, run by run (machine-independent)", "-", f"{ratio:.1f}x", "info"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    print()
    for sentence in stats.summary(episodes, NOW, ZONE):
        print("summary:", sentence)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
