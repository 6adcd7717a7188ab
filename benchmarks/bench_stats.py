"""Statistics over 10,000 pauses (forty years at five a week): target <= 200 ms;
50,000 for information. Median of 7 runs.

Run: python benchmarks/bench_stats.py

One run = series() + weekly() + overview() + summary() over the whole history,
as the history view does when it opens on "all". The history comes from
demo_data.py (the one generator of benchmarks, tests and screenshots). The
display zone is Europe/Berlin (a zone with DST); the machine's local zone
(tz=None) and a shuffled input are measured for information.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from couplepause.common.formatting import month_name
from couplepause.core import stats
from demo_data import realistic

RUNS = 7
TARGET_MS = 200.0
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 15, 20, 0, tzinfo=ZONE)


def median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000.0)
    return statistics.median(times)


def everything(episodes, tz) -> None:
    stats.series(episodes, tz)
    stats.weekly(episodes, tz)
    stats.overview(episodes)
    stats.summary(episodes, NOW, tz, month_name=month_name)


def main() -> int:
    rows = [("metric", "target", "measured", "result")]
    ok = True
    for count, years in ((10_000, 40), (50_000, 68)):
        episodes = realistic(count, days=365 * years, end=NOW)
        total = median_ms(partial(everything, episodes, ZONE))
        target = TARGET_MS if count == 10_000 else None
        passed = target is None or total <= target
        ok = ok and passed
        rows.append((f"series+weekly+overview+summary, {count:,} pauses, Europe/Berlin",
                     f"<= {target:.0f} ms" if target else "-", f"{total:.1f} ms",
                     ("PASS" if passed else "FAIL") if target else "info"))
        if count == 10_000:
            shuffled = list(episodes)
            random.Random(5).shuffle(shuffled)
            rows.append(("  the same, machine's local zone (tz=None)", "-",
                         f"{median_ms(partial(everything, episodes, None)):.1f} ms", "info"))
            rows.append(("  the same, input shuffled", "-", f"{median_ms(partial(everything, shuffled, ZONE)):.1f} ms",
                         "info"))
            for name, action in (("series()", partial(stats.series, episodes, ZONE)),
                                 ("weekly()", partial(stats.weekly, episodes, ZONE)),
                                 ("overview()", partial(stats.overview, episodes)),
                                 ("summary()", partial(stats.summary, episodes, NOW, ZONE, month_name=month_name))):
                rows.append((f"  {name} alone", "-", f"{median_ms(action):.1f} ms", "info"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
