"""Store benchmark: does the pause stay fast and small whatever the history size?

Run: python benchmarks/bench_store.py [--runs 9] [--dir FOLDER]

Fills temporary stores with 0, 100, 10,000 and 50,000 realistic episodes spread
over five years (written month by month through Repository.merge), then
measures, as the median of several runs:

(a) press -> durable: Writer.save_active of a new episode until on_result says
    it is on disk (target <= 100 ms at 0, 10k and 50k episodes);
(b) the UI thread's cost of that call, i.e. enqueueing (target <= 16 ms, a frame);
(c) one archive of a repaired episode into the current month, 10k vs 100
    episodes (target: ratio <= 2);
(d) Repository.open() at 0 vs 50k episodes (target: about equal, ratio <= 1.5).

Timings on a shared 2-core machine are noisy: compare the ratios of one run,
never absolute numbers from different days. Not a test; prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from couplepause.core.episode import Episode, now_local
from couplepause.store.repository import Repository
from couplepause.store.writer import Writer, WriteResult

SIZES = (0, 100, 10_000, 50_000)
YEARS = 5
SEED = 7


# ------------------------------------------------------------- generator
def realistic_episodes(count: int, *, end: datetime, seed: int = SEED) -> list[Episode]:
    """``count`` plausible episodes over the ``YEARS`` years before ``end`` (demo_data.py)."""
    from demo_data import realistic

    return realistic(count, days=365 * YEARS, seed=seed, end=end, evenly=True)


def filled_store(folder: Path, count: int) -> Path:
    """A store with ``count`` archived episodes, ending now (so the current month is realistic)."""
    repo = Repository(folder)
    repo.open()
    if count:
        repo.merge(realistic_episodes(count, end=now_local()))
    return folder


# ---------------------------------------------------------------- measures
@dataclass
class Row:
    metric: str
    target: str
    measured: str
    ok: bool | None  # None = for information only


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def press_to_durable(folder: Path, runs: int) -> tuple[float, float]:
    """Median (press -> durable, enqueue cost) in ms for new pauses on a store with history."""
    repo = Repository(folder)
    repo.open()
    arrived = threading.Event()
    latest: list[WriteResult] = []

    def on_result(result: WriteResult) -> None:
        latest.append(result)
        arrived.set()

    writer = Writer(repo, on_result)
    durable, enqueue = [], []
    try:
        for _ in range(runs):
            episode = Episode.start(now_local())
            arrived.clear()
            latest.clear()
            pressed = time.monotonic()
            writer.save_active(episode)
            enqueue.append(time.monotonic() - pressed)
            if not arrived.wait(30) or not latest[0].ok or latest[0].durable_at is None:
                raise RuntimeError(f"the pause was not saved: {latest}")
            durable.append(latest[0].durable_at - pressed)
            writer.archive(_repaired_now(episode))  # keep active.json as small as in real use
            writer.flush(30)
    finally:
        writer.close()
    return median_ms(durable), median_ms(enqueue)


def _repaired_now(episode: Episode) -> Episode:
    return episode.repaired(wall_now=now_local(), monotonic_seconds=None).with_changes(closed=True)


def archive_costs(folders: list[Path], runs: int) -> list[tuple[float, float]]:
    """Per store: (median, first) ms of one archive of a repaired episode into the current month.

    The stores take turns, run after run, so that both see the same disk
    weather (fsync latency wanders a lot on a shared machine). The first
    archive after open() also reads and validates the month file; later ones
    find it parsed in memory, as in a running app.
    """
    repos = [Repository(folder) for folder in folders]
    for repo in repos:
        repo.open()
    samples: list[list[float]] = [[] for _ in repos]
    for _ in range(runs):
        for repo, times in zip(repos, samples, strict=True):
            episode = _repaired_now(Episode.start(now_local() - timedelta(minutes=9)))
            started = time.monotonic()
            repo.archive(episode)
            times.append(time.monotonic() - started)
    return [(median_ms(times[1:]), times[0] * 1000) for times in samples]


def open_costs(folders: list[Path], runs: int) -> list[float]:
    """Per store: median ms of Repository(folder).open(), a fresh object each time, taking turns."""
    samples: list[list[float]] = [[] for _ in folders]
    for _ in range(runs):
        for folder, times in zip(folders, samples, strict=True):
            started = time.monotonic()
            Repository(folder).open()
            times.append(time.monotonic() - started)
    return [median_ms(times) for times in samples]


def open_cost_with_one_in_progress(folder: Path, runs: int) -> float:
    """open() when active.json holds an episode: its month file is checked for a duplicate."""
    repo = Repository(folder)
    repo.open()
    ongoing = Episode.start(now_local())
    repo.save_active(ongoing)
    try:
        return open_costs([folder], runs)[0]
    finally:
        repo.delete(ongoing.id)


def timed_fill(base: Path, size: int) -> Path:
    """Fill one store, saying on stderr how long it took (the fill is not measured)."""
    started = time.monotonic()
    folder = filled_store(base / f"store-{size}", size)
    print(f"  filled {size:>6} episodes: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return folder


# ------------------------------------------------------------------- main
def run(base: Path, runs: int) -> list[Row]:
    stores = {size: timed_fill(base, size) for size in SIZES}
    rows: list[Row] = []
    for size in (0, 10_000, 50_000):
        durable, enqueue = press_to_durable(stores[size], runs)
        rows.append(
            Row(
                f"(a) press -> durable, {size:,} episodes",
                "<= 100 ms",
                f"{durable:.1f} ms",
                durable <= 100,
            )
        )
        rows.append(
            Row(
                f"(b) save_active on UI thread, {size:,}",
                "<= 16 ms",
                f"{enqueue:.3f} ms",
                enqueue <= 16,
            )
        )
    (small, small_first), (large, large_first) = archive_costs(
        [stores[100], stores[10_000]], runs + 1
    )
    rows.append(Row("(c) archive, 100 episodes", "-", f"{small:.1f} ms", None))
    rows.append(Row("(c) archive, 10,000 episodes", "-", f"{large:.1f} ms", None))
    rows.append(
        Row("(c) archive ratio 10k / 100", "<= 2x", f"{large / small:.2f}x", large / small <= 2)
    )
    rows.append(
        Row(
            "(c) first archive after open, 100 / 10k",
            "-",
            f"{small_first:.1f} / {large_first:.1f} ms",
            None,
        )
    )
    empty, full = open_costs([stores[0], stores[50_000]], runs)
    rows.append(Row("(d) open(), 0 episodes", "-", f"{empty:.2f} ms", None))
    rows.append(Row("(d) open(), 50,000 episodes", "-", f"{full:.2f} ms", None))
    rows.append(
        Row("(d) open ratio 50k / 0", "~1 (<= 1.5x)", f"{full / empty:.2f}x", full / empty <= 1.5)
    )
    busy = open_cost_with_one_in_progress(stores[50_000], runs)
    rows.append(Row("(d) open(), 50k + 1 episode in progress", "-", f"{busy:.2f} ms", None))
    return rows


def print_table(rows: list[Row], runs: int, title: str = "Store benchmark") -> None:
    header = ("metric", "target", "measured", "pass/fail")
    cells = [header] + [
        (r.metric, r.target, r.measured, "info" if r.ok is None else ("pass" if r.ok else "FAIL"))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    print(f"\n{title}: median of {runs} runs, Python {sys.version.split()[0]}\n")
    for number, row in enumerate(cells):
        padded = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("| " + " | ".join(padded) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measure (>= 7)")
    parser.add_argument("--dir", type=Path, help="where to put the temporary stores")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.dir) as base:
        rows = run(Path(base), args.runs)
    print_table(rows, args.runs)
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
