"""Fault benchmark: kill -9 of the store and of an import, and fuzzing of import.

Run: python benchmarks/bench_faults.py [--quick] [--store-trials N] [--import-trials N]
     [--import-pauses N] [--fuzz-cases N] [--workers N] [--only store|import|fuzz]

Runs the trials of tests/store/test_crash.py and the property of
tests/export/test_import_fuzz.py many more times than the test suite does, and
prints one table:

* store kill -9: a child process saves, archives and merges pauses through
  Repository and is SIGKILLed at a random moment, >= 1,000 times; after each
  kill the store is opened (journal recovery) and checked: no file damaged,
  set aside or left behind, no acknowledged write lost;
* import kill -9: ``couplepause import`` of 3,000 new pauses over 60 months is
  SIGKILLed at a random moment of a normal import's duration, >= 40 times; the
  store must hold the old pauses or all of them, never a part;
* import fuzz: >= 10,000 generated files; nothing but ImportRejected may come
  out of read_export, the command line answers in one line, and a refused
  import leaves the data folder byte-identical.

--quick runs about a tenth of that (the targets then fail on the counts only).
Not a test; takes a few minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package, whose trials this runs
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("COUPLEPAUSE_DATA_DIR", None)

from tests.store import test_crash as crash

IMPORT_OLD = 300
IMPORT_MONTHS = 60


@dataclass
class Row:
    measure: str
    target: str
    measured: str
    passed: bool


def at_least(measure: str, value: int, target: int) -> Row:
    return Row(measure, f">= {target:,}", f"{value:,}", value >= target)


def none_of(measure: str, found: list[str]) -> Row:
    return Row(measure, "0", f"{len(found):,}", not found)


def bench_store(root: Path, trials: int, workers: int, notes: list[str]) -> list[Row]:
    """Repository children killed at random, ``trials`` in all over ``2 * workers`` folders."""
    folders = 2 * workers
    kills = -(-trials // folders)  # rounded up
    began = time.monotonic()
    findings = crash.run_repository_trials(root, folders, kills, workers=workers)
    notes.append(
        f"store kill -9: {findings.trials:,} trials on {folders} folders in {time.monotonic() - began:.0f} s, "
        f"{findings.acknowledged:,} acknowledged writes checked"
    )
    notes += [f"  corrupt: {what}" for what in findings.corrupt[:5]]
    notes += [f"  lost: {what}" for what in findings.lost[:5]]
    return [
        at_least("store kill -9 trials", findings.trials, 1_000),
        none_of("  corrupt files (damaged, set aside, left behind)", findings.corrupt),
        none_of("  acknowledged writes lost", findings.lost),
    ]


def bench_import(root: Path, trials: int, pauses: int, notes: list[str]) -> list[Row]:
    """``couplepause import`` of ``pauses`` new pauses killed at random, ``trials`` times."""
    began = time.monotonic()
    case = crash.import_case(root, IMPORT_OLD, pauses, IMPORT_MONTHS)
    duration, staging = crash.import_timing(case, root)
    runs = crash.import_trials(case, root, trials, duration, staging)
    outcomes = collections.Counter(run.outcome for run in runs)
    problems = [problem for run in runs for problem in run.problems]
    partial = [run.outcome for run in runs if run.outcome.endswith("-> partial")]
    notes.append(
        f"import kill -9: {pauses:,} new pauses over {IMPORT_MONTHS} months into {IMPORT_OLD} stored; a normal "
        f"import takes {duration:.2f} s and stages files from {staging:.2f} s; {time.monotonic() - began:.0f} s in all"
    )
    notes.append("  outcomes: " + "; ".join(f"{name}: {count}" for name, count in sorted(outcomes.items())))
    notes += [f"  problem: {what}" for what in problems[:5]]
    return [
        at_least(f"import kill -9 trials ({pauses:,} new pauses each)", len(runs), 40),
        none_of("  partial imports", partial),
        none_of("  other problems (damaged files, failed imports)", [p for p in problems if "partial" not in p]),
    ]


def bench_fuzz(root: Path, cases: int, notes: list[str]) -> list[Row]:
    """The fuzz property of test_import_fuzz.py with ``cases`` examples."""
    os.environ["COUPLEPAUSE_FUZZ_EXAMPLES"] = str(cases)  # read when the module is imported
    from tests.export import test_import_fuzz as fuzz

    template = fuzz.seed_data_folder(root / "data")
    crashes: list[str] = []
    changes: list[str] = []
    began = time.monotonic()
    try:
        fuzz.test_import_accepts_or_refuses_in_one_line_and_a_refusal_changes_nothing(seeded_template=template)
    except BaseException as exc:  # noqa: BLE001 - every failure is counted, whatever it is
        for failure in getattr(exc, "exceptions", [exc]):
            found = changes if isinstance(failure, fuzz.StoreChanged) else crashes
            found.append(f"{type(failure).__name__}: {failure}")
    stats = fuzz.STATS
    notes.append(
        f"import fuzz: {stats['cases']:,} files in {time.monotonic() - began:.0f} s: {stats['accepted']:,} accepted, "
        f"{stats['rejected']:,} refused; through the command: "
        f"{stats['refused by the command, folder unchanged']:,} refused with the folder unchanged, "
        f"{stats['imported twice']:,} imported twice"
    )
    notes += [f"  {what[:300]}" for what in crashes + changes]
    return [
        at_least("import fuzz cases", stats["cases"], 10_000),
        none_of("  crashes (anything but ImportRejected)", crashes),
        none_of("  store changes on rejection", changes),
    ]


def table(rows: list[Row]) -> str:
    header = ("measure", "target", "measured", "pass/fail")
    lines = [header] + [(r.measure, r.target, r.measured, "pass" if r.passed else "FAIL") for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    text = [" | ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in lines]
    text.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a tenth of the trials")
    parser.add_argument("--store-trials", type=int)
    parser.add_argument("--import-trials", type=int)
    parser.add_argument("--import-pauses", type=int, default=3_000)
    parser.add_argument("--fuzz-cases", type=int)
    parser.add_argument("--workers", type=int, default=5, help="store children killed side by side")
    parser.add_argument("--only", choices=("store", "import", "fuzz"), action="append",
                        help="run only this part (may be given more than once)")
    args = parser.parse_args(argv)
    store_trials = args.store_trials or (100 if args.quick else 1_000)
    import_trials = args.import_trials or (10 if args.quick else 40)
    fuzz_cases = args.fuzz_cases or (1_000 if args.quick else 10_000)

    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as scratch:
        root = Path(scratch)
        os.chdir(root)  # children and Hypothesis never write next to the sources
        parts = args.only or ["store", "import", "fuzz"]
        rows: list[Row] = []
        if "store" in parts:
            rows += bench_store(root / "store", store_trials, args.workers, notes)
        if "import" in parts:
            rows += bench_import(root / "import", import_trials, args.import_pauses, notes)
        if "fuzz" in parts:
            rows += bench_fuzz(root / "fuzz", fuzz_cases, notes)
        os.chdir(ROOT)
    print(table(rows))
    print()
    print("\n".join(notes))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
