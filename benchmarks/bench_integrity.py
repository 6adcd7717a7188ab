"""The damage matrix: every kind of store file, deleted / truncated / zeroed /
bit-flipped / replaced by garbage, in a plain and a protected store. Prints each
outcome (harmless, told and restored, a backup that refuses to be read) and the count
of silent losses, which must be 0. See tests/store/damage.py.

Run: python benchmarks/bench_integrity.py
"""

from __future__ import annotations

import collections
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.store.damage import SILENT, outcomes


def main() -> int:
    with tempfile.TemporaryDirectory() as root:
        found = outcomes(Path(root))
    print(f"{'store':10} {'file':24} {'damage':12} outcome")
    for (store, name, damage), result in found.items():
        print(f"{store:10} {name:24} {damage:12} {result}")
    counts = collections.Counter(result.split(" (")[0] for result in found.values())
    silent = sum(1 for result in found.values() if result.startswith(SILENT))
    print()
    print(f"{len(found)} cases: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    print(f"target: 0 silent | measured: {silent} silent | {'PASS' if silent == 0 else 'FAIL'}")
    return 0 if silent == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
