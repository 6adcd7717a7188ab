"""Import benchmark: after the largest file the import limits accept, is the Pause still fast?

Run: python benchmarks/bench_import_limits.py [--runs 15] [--dir FOLDER]

Builds the largest file export/import_rules.py lets in: MAX_PAUSES pauses (close to
the reader's 64 MiB), the current and the previous UTC month each as full as
MAX_PAUSES_A_MONTH allows, 5,000 of the pauses unfinished, and as the newest of them
one pause as large as a pause may be (a note of NOTE_MAX characters, MAX_TURNS turns,
MAX_BREAKS breaks). It is imported with ``couplepause import`` into an empty data
folder; only that newest pause stays open (the rest are settled into their months),
and it is the one a window would offer to pick up. Then, as the median of several runs:

(a) press -> durable: Writer.save_active of a new pause until on_result says it is on
    disk, beside the imported open pause (target <= 100 ms);
(b) press while that pause is offered: the window closes it into its month (the full
    current month) and then saves the new pause, both through the writer thread, as
    Controller.pause does; a fresh Repository each run, so the month is read from disk
    as after a start (target <= 100 ms from the press to the new pause durable);
(c) (a) and (b) on a store without the import (only the pauses measured here), for
    comparison (information).

Also shown: the file's size, the import's time, the sizes of active.json and of the
current month's file, and Repository.open() after the import.

Timings on a shared 2-core machine are noisy: compare within one run. Not a test;
prints a table; exit code 0 when every target passes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_store import print_table
from couplepause.cli import commands as cli
from couplepause.core.episode import NAME_MAX, Break, Episode, Turn, now_local
from couplepause.core.flow import NOTE_MAX
from couplepause.export import read_export_file
from couplepause.export.base import ExportOptions
from couplepause.export.import_rules import (
    MAX_BREAKS,
    MAX_PAUSES,
    MAX_PAUSES_A_MONTH,
    MAX_TURNS,
    PATTERN_MAX,
)
from couplepause.export.json_format import JSON, MAX_BYTES
from couplepause.store.repository import Repository, month_key
from couplepause.store.writer import Writer, WriteResult
from demo_data import realistic

TARGET_MS = 100.0
UNFINISHED = 5_000
YEARS = 30
SEED = 19


@dataclass
class Row:
    metric: str
    target: str
    measured: str
    ok: bool | None  # None = for information only


# --------------------------------------------------------------- the file
def largest_pause(paused: datetime) -> Episode:
    """A pause as large as the limits allow, still open (on no break: it would be picked up)."""
    steps = [paused + timedelta(milliseconds=10 * (i + 1)) for i in range(MAX_BREAKS)]
    return Episode.start(paused).with_changes(
        paused_by="both",
        activation={"a": 9, "b": 8},
        breathing_pattern="p" * PATTERN_MAX,
        breathing_seconds=120.0,
        first_turn_seconds=130.0,
        turns=tuple(Turn("ab"[i % 2], 1.5) for i in range(MAX_TURNS)),
        breaks=tuple(Break(at, at, at) for at in steps),
        note="é" * NOTE_MAX,
    )


def largest_file(folder: Path, now: datetime) -> tuple[Path, Episode]:
    """The file, and the pause that will stay open after importing it."""
    this_month = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    newest = largest_pause(now - timedelta(minutes=10))
    full_months = [
        *realistic(MAX_PAUSES_A_MONTH - 1, days=(now - this_month).total_seconds() / 86400 - 0.02,
                   seed=SEED, end=now - timedelta(minutes=20), evenly=True),
        *realistic(MAX_PAUSES_A_MONTH, days=(this_month - last_month).days - 0.1, seed=SEED + 1,
                   end=this_month - timedelta(hours=1), evenly=True),
    ]
    rest = MAX_PAUSES - len(full_months) - 1
    older = realistic(rest, days=365 * YEARS, seed=SEED + 2, end=last_month - timedelta(hours=1), evenly=True)
    pauses = [*older, *full_months]
    step = len(pauses) // UNFINISHED
    for index in range(0, step * UNFINISHED, step):  # unfinished: never repaired, never let rest
        pauses[index] = pauses[index].with_changes(repaired_at=None, repair_seconds=None, closed=False)
    pauses.append(newest)
    path = folder / "largest.json"
    names = ("N" * NAME_MAX, "M" * NAME_MAX)
    JSON.export(pauses, ExportOptions(include_notes=True, include_names=True, partner_names=names), path)
    return path, newest


# ---------------------------------------------------------------- measures
def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class Results:
    """The writer's results, waited for by episode id."""

    def __init__(self) -> None:
        self.seen: dict[str, WriteResult] = {}
        self.cond = threading.Condition()

    def __call__(self, result: WriteResult) -> None:
        with self.cond:
            self.seen[result.episode_id] = result
            self.cond.notify_all()

    def durable_at(self, episode_id: str) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: episode_id in self.seen, timeout=60):
                raise RuntimeError("the pause was not saved within a minute")
            result = self.seen[episode_id]
        if not result.ok or result.durable_at is None:
            raise RuntimeError(f"the pause was not saved: {result}")
        return result.durable_at


def _repaired(episode: Episode) -> Episode:
    return episode.repaired(wall_now=now_local(), monotonic_seconds=None).with_changes(closed=True)


def press_to_durable(store: Path, runs: int) -> float:
    """Median ms from save_active of a new pause to durable; each new pause archived after."""
    repo = Repository(store)
    repo.open()
    results = Results()
    writer = Writer(repo, results)
    samples = []
    try:
        for _ in range(runs):
            episode = Episode.start(now_local())
            pressed = time.monotonic()
            writer.save_active(episode)
            samples.append(results.durable_at(episode.id) - pressed)
            writer.archive(_repaired(episode))  # keep active.json as in real use
            writer.flush(60)
    finally:
        writer.close()
    return median_ms(samples)


def press_while_offered(cases: list[tuple[Path, Episode]], runs: int) -> list[tuple[float, float]]:
    """Per (store, offered pause): median ms from the press to the new pause durable, the
    offered pause closed first (a fresh Repository each run: its month is read from disk
    as after a start), and the worst run. The stores take turns, run after run, so that
    they see the same disk weather."""
    samples: list[list[float]] = [[] for _ in cases]
    for run in range(runs):
        for (store, offered), times in zip(cases, samples, strict=True):
            if run:  # a fresh open pause like the first (that one is closed by now)
                offered = offered.with_changes(id=str(uuid.uuid4()))
                setup = Repository(store)
                setup.open()
                setup.save_active(offered)
            times.append(_press_while_offered(store, offered))
    return [(median_ms(times), max(times) * 1000) for times in samples]


def _press_while_offered(store: Path, offered: Episode) -> float:
    repo = Repository(store)
    repo.open()
    assert [e.id for e in repo.active()] == [offered.id], "the offered pause is not the one open"
    results = Results()
    writer = Writer(repo, results)
    try:
        episode = Episode.start(now_local())
        pressed = time.monotonic()
        writer.archive(offered.with_changes(closed=True))  # Controller._close_offered
        writer.save_active(episode)  # then the Pause
        took = results.durable_at(episode.id) - pressed
        writer.archive(_repaired(episode))
        writer.flush(60)
    finally:
        writer.close()
    repo.delete(offered.id)  # each run finds the month as the import left it
    return took


def open_ms(store: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.monotonic()
        Repository(store).open()
        samples.append(time.monotonic() - started)
    return median_ms(samples)


def import_file(data_dir: Path, path: Path) -> tuple[float, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--data-dir", str(data_dir), "import", str(path)])
    took = time.monotonic() - started
    if code != 0:
        raise RuntimeError(f"the import was refused: {err.getvalue().strip()}")
    return took, out.getvalue().strip()


# ------------------------------------------------------------------- main
def run(base: Path, runs: int) -> list[Row]:
    now = now_local()
    started = time.monotonic()
    path, newest = largest_file(base, now)
    size = path.stat().st_size
    print(f"  wrote the file ({size / 2**20:.1f} MiB): {time.monotonic() - started:.1f} s", file=sys.stderr)
    checked = read_export_file(path)  # accepted: the largest file the limits let in
    assert len(checked.episodes) == MAX_PAUSES and size <= MAX_BYTES
    data_dir = base / "data"
    took, said = import_file(data_dir, path)
    print(f"  imported: {took:.1f} s ({said})", file=sys.stderr)
    store = data_dir / "store"
    repo = Repository(store)
    repo.open()
    assert [e.id for e in repo.active()] == [newest.id], "more than the newest unfinished pause is open"
    month = store / "episodes" / f"{month_key(now)}.json"

    rows = [
        Row("file: pauses / size", f"<= {MAX_PAUSES:,} / {MAX_BYTES // 2**20} MiB",
            f"{len(checked.episodes):,} / {size / 2**20:.1f} MiB", None),
        Row("import (couplepause import)", "-", f"{took:.1f} s", None),
        Row("open pauses after the import", "1", f"{len(repo.active())}", len(repo.active()) == 1),
        Row("active.json / this month's file", "-",
            f"{(store / 'active.json').stat().st_size / 1024:.0f} KiB / {month.stat().st_size / 1024:.0f} KiB", None),
        Row("open() after the import", "-", f"{open_ms(store, runs):.1f} ms", None),
    ]
    empty = base / "small" / "store"  # a store of the few pauses this benchmark makes
    Repository(empty).open()
    durable, baseline = press_to_durable(store, runs), press_to_durable(empty, runs)
    rows.append(Row("(a) press -> durable, after the import", f"<= {TARGET_MS:.0f} ms", f"{durable:.1f} ms",
                    durable <= TARGET_MS))
    rows.append(Row("(c) press -> durable, without the import", "-", f"{baseline:.1f} ms", None))
    ordinary = Episode.start(now - timedelta(minutes=10)).with_changes(note="a few words")
    setup = Repository(empty)
    setup.open()
    setup.save_active(ordinary)
    (offered, worst), (plain, plain_worst) = press_while_offered([(store, newest), (empty, ordinary)], runs)
    rows.append(Row("(b) press while the imported pause is offered", f"<= {TARGET_MS:.0f} ms",
                    f"{offered:.1f} ms (worst {worst:.1f})", offered <= TARGET_MS))
    rows.append(Row("(c) the same as (b), without the import", "-", f"{plain:.1f} ms (worst {plain_worst:.1f})", None))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measure (>= 7)")
    parser.add_argument("--dir", type=Path, help="where to put the temporary file and stores")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    with tempfile.TemporaryDirectory(prefix="bench-import-", dir=args.dir) as base:
        rows = run(Path(base), args.runs)
    print_table(rows, args.runs, "Import limits benchmark")
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
