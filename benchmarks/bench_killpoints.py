"""Kill points benchmark: every multi-file operation killed before each one of its
file-system changes, every kill point, and the table the issue asks for.

Run: python benchmarks/bench_killpoints.py [--only NAME ...] [--every N] [--details]

Runs the sweeps of tests/store/test_killpoints.py (the operations, their starting data
folders and the checks are in tests/store/killpoint_cases.py) and prints, per operation:
the kill points tried, and at how many a later command failed (stuck), pauses of neither
the state before nor the state after were missing (lost), a look showed something else
(mixed: a read-only look not before nor after, or not what the writable open shows), a
staged, temp or journal file was left behind (left), or a protected store held a note,
id, time or name in the clear (in clear). Target: 0 everywhere.

``--every N`` tries every N-th kill point only (a quick look); ``--details`` prints what
went wrong at the first failing points of each operation. Not a test; the full run takes
a few minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package, whose sweeps this runs
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("COUPLEPAUSE_DATA_DIR", None)

from tests.store import killpoint_cases as cases
from tests.store.killpoints import changes, sweep


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(cases.CASES), help="these operations only")
    parser.add_argument("--every", type=int, default=1, help="try every N-th kill point (default: all)")
    parser.add_argument("--details", action="store_true", help="say what went wrong where")
    args = parser.parse_args()
    names = args.only or list(cases.CASES)
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="killpoints-") as scratch:
        for name in names:
            work = Path(scratch) / name.replace(" ", "-")
            work.mkdir()
            os.chdir(work)
            began = time.perf_counter()
            with cases.faster():
                prepared = cases.prepare(cases.CASES[name], work)
                counting = work / "count"
                shutil.copytree(prepared.template, counting)
                total = len(changes(partial(prepared.case.act, counting), counting))
                shutil.rmtree(counting)
                points = range(1, total + 1, args.every)
                tally = sweep(name, prepared.template, prepared.case.act, prepared.check, work, points)
            rows.append((tally, time.perf_counter() - began))
            print(f"  {name}: {tally.points} kill points, {len(tally.failures)} failed "
                  f"({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)
            if args.details and tally.failures:
                print(tally.report(), file=sys.stderr, flush=True)
            os.chdir(ROOT)
            shutil.rmtree(work, ignore_errors=True)
    header = ("operation", "kill points", "stuck", "lost", "mixed", "left", "in clear", "result")
    table = [header] + [
        (t.operation, str(t.points), str(t.stuck), str(t.lost), str(t.mixed), str(t.left), str(t.in_clear),
         "pass" if t.passed else "FAIL")
        for t, _seconds in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))]
        print("  ".join(cells))
    total_points = sum(t.points for t, _ in rows)
    print(f"\n{total_points} kill points in {time.perf_counter() - started:.0f} s"
          + ("" if args.every == 1 else f" (every {args.every}th only)"))
    return 0 if all(t.passed for t, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
