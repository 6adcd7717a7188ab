"""What protecting the history with a passphrase costs.

Run: python benchmarks/bench_protection.py [--runs 9]

With 10,000 realistic pauses (benchmarks/demo_data.py), plain and protected:

(a) press -> durable: a new pause saved through the Writer, until it is on disk
    (target <= 100 ms either way; protected and locked, it is sealed to the
    public key, as in the live flow);
(b) the history's first open: every pause read (load_all), plain vs protected
    and unlocked (for information; the key is opened once, outside the timing);
(c) unlocking: the passphrase through scrypt (for information);
(d) protecting 10,000 pauses: every file of the store and its backups encrypted
    again in one transaction, scrypt included (target <= 2 s, median of 3).

Timings on a shared 2-core machine are noisy: compare within one run. Prints a table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from couplepause.core.episode import Episode, now_local
from couplepause.store.repository import Repository
from couplepause.store.writer import Writer
from demo_data import fill, realistic

PASSPHRASE = "kettle on the windowsill"
SIZE = 10_000
TARGET_MS = 100.0
PROTECT_TARGET_S = 2.0
PROTECT_RUNS = 3


def press_to_durable(store: Path, runs: int, *, locked: bool) -> float:
    repo = Repository(store)
    repo.open()
    if not locked and repo.locked:
        repo.unlock(PASSPHRASE)
    arrived = threading.Event()
    seen = []
    writer = Writer(repo, lambda result: (seen.append(result), arrived.set()))
    times = []
    try:
        for _ in range(runs):
            arrived.clear()
            seen.clear()
            episode = Episode.start(now_local())
            pressed = time.monotonic()
            writer.save_active(episode)
            if not arrived.wait(30) or not seen[0].ok:
                raise RuntimeError(f"not saved: {seen}")
            times.append(seen[0].durable_at - pressed)
            writer.archive(episode.repaired_after(60).with_changes(closed=True))
            writer.flush(30)
    finally:
        writer.close()
    return statistics.median(times) * 1000


def first_open(store: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        repo = Repository(store, read_only=True)
        repo.open()
        if repo.locked:
            repo.unlock(PASSPHRASE)
        began = time.perf_counter()
        found = repo.load_all()
        times.append(time.perf_counter() - began)
        assert len(found) >= SIZE
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-protection-"))
    try:
        plain = work / "plain"
        fill(plain, realistic(SIZE, days=365 * 40))
        Repository(plain / "store").backup("daily")  # a backup is encrypted again too
        protect_times = []
        for run in range(PROTECT_RUNS):
            shielded = work / f"protected-{run}"
            shutil.copytree(plain, shielded)
            repo = Repository(shielded / "store")
            repo.open()
            began = time.perf_counter()
            repo.protect(PASSPHRASE)
            protect_times.append(time.perf_counter() - began)
        protect_s = statistics.median(protect_times)
        unlock_times = []
        for _ in range(3):
            fresh = Repository(shielded / "store", read_only=True)
            fresh.open()
            began = time.perf_counter()
            fresh.unlock(PASSPHRASE)
            unlock_times.append(time.perf_counter() - began)
        rows = []
        for name, store, locked in (("plain", plain / "store", False), ("protected, locked", shielded / "store", True),
                                    ("protected, unlocked", shielded / "store", False)):
            ms = press_to_durable(store, args.runs, locked=locked)
            rows.append((f"(a) press -> durable, {SIZE:,} pauses, {name}", f"<= {TARGET_MS:.0f} ms", f"{ms:.1f} ms",
                         "pass" if ms <= TARGET_MS else "FAIL"))
        plain_open = first_open(plain / "store", max(3, args.runs // 3))
        shielded_open = first_open(shielded / "store", max(3, args.runs // 3))
        rows += [
            (f"(b) history first open (load_all), {SIZE:,} pauses, plain", "-", f"{plain_open:.0f} ms", "info"),
            ("(b) same, protected and unlocked", "-",
             f"{shielded_open:.0f} ms ({shielded_open / plain_open:.2f}x)", "info"),
            ("(c) unlocking (scrypt n=2^17, r=8, p=1)", "-", f"{statistics.median(unlock_times) * 1000:.0f} ms",
             "info"),
            (f"(d) protecting {SIZE:,} pauses and a backup", f"<= {PROTECT_TARGET_S:.0f} s", f"{protect_s:.2f} s",
             "pass" if protect_s <= PROTECT_TARGET_S else "FAIL"),
        ]
        width = max(len(r[0]) for r in rows)
        print(f"\nProtection benchmark: median of {args.runs} runs, Python {sys.version.split()[0]}\n")
        print(f"| {'metric'.ljust(width)} | target    | measured        | pass/fail |")
        print(f"|{'-' * (width + 2)}|-----------|-----------------|-----------|")
        for metric, target, measured, verdict in rows:
            print(f"| {metric.ljust(width)} | {target.ljust(9)} | {measured.ljust(15)} | {verdict.ljust(9)} |")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
