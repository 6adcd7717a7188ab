"""JSON export of 10,000 episodes: target <= 0.5 s (median of 5 runs).

Run: python benchmarks/bench_export.py
Also shows, for information, how long reading the same file back takes
(import validates every field against the schema; no target yet).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from couplepause.core.episode import Break, Episode, Turn, round_ms
from couplepause.export import EXPORTERS, ExportOptions, read_export

EPISODES = 10_000
RUNS = 5
TARGET_S = 0.5

NOTES = [
    "We argued about money again; I went quiet, she pushed.",
    "Started with the dishes, was really about feeling alone.",
    "Visit to my parents. Pause came early this time — good.",
    "Tired, both of us. Agreed to talk tomorrow morning.",
    None,
    None,
]


def realistic(count: int, seed: int = 7) -> list[Episode]:
    rng = random.Random(seed)
    offsets = [timezone(timedelta(hours=h)) for h in (1, 2, -5, 5.5)]
    start = datetime(2021, 1, 1, tzinfo=timezone.utc)
    episodes = []
    for _ in range(count):
        paused = round_ms(
            (start + timedelta(seconds=rng.uniform(0, 5 * 365 * 86400))).astimezone(rng.choice(offsets))
        )
        turns = tuple(
            Turn(speaker, round(rng.uniform(30, 180), 3))
            for _ in range(rng.randint(0, 3))
            for speaker in ("a", "b")
        )
        breaks: tuple[Break, ...] = ()
        seconds = round(rng.lognormvariate(6.3, 0.7), 3)
        if rng.random() < 0.15:
            began = paused + timedelta(minutes=rng.uniform(2, 6))
            back = began + timedelta(minutes=rng.choice((20, 30, 45, 60)))
            breaks = (Break(round_ms(began), round_ms(back), round_ms(back + timedelta(minutes=2))),)
            seconds = round((breaks[0].ended_at - paused).total_seconds() + rng.uniform(60, 600), 3)
        repaired = rng.random() < 0.93
        episodes.append(
            Episode(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                paused_at=paused,
                paused_by=rng.choice(("a", "b", "both", None)),
                activation={"a": rng.choice((None, *range(11))), "b": rng.choice((None, *range(11)))},
                breathing_pattern=rng.choice(("slow", "box")),
                breathing_seconds=round(rng.uniform(60, 240), 3),
                first_turn_seconds=turns[0].seconds if turns else None,
                turns=turns,
                breaks=breaks,
                repair_answers={"a": rng.choice(("yes", "partly", None)), "b": rng.choice(("yes", "not_yet", None))},
                repaired_at=round_ms(paused + timedelta(seconds=seconds)) if repaired else None,
                repair_seconds=seconds if repaired else None,
                wall_timed=bool(breaks),
                note=rng.choice(NOTES),
                cycle=rng.choice(("pursue_withdraw", "both_withdraw", "both_pursue", "other", None)),
                closed=repaired,
            )
        )
    return episodes


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    episodes = realistic(EPISODES)
    exporter = EXPORTERS["json"]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.json"
        options = ExportOptions(include_notes=True, force=True)
        export_s = median_seconds(lambda: exporter.export(episodes, options, out))
        size_mb = out.stat().st_size / 1e6
        read_s = median_seconds(lambda: read_export(out), runs=3)
        assert len(read_export(out)) == EPISODES

    rows = [
        ("metric", "target", "measured", "result"),
        (f"JSON export, {EPISODES:,} episodes (median of {RUNS})", f"<= {TARGET_S:.2f} s",
         f"{export_s:.3f} s", "PASS" if export_s <= TARGET_S else "FAIL"),
        ("file size", "-", f"{size_mb:.1f} MB", "info"),
        (f"read + validate the same file (median of 3)", "-", f"{read_s:.3f} s", "info"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    return 0 if export_s <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
