"""kill -9 at random moments never loses an acknowledged record nor breaks the file.

A child process inserts records through TinyDB + CrashSafeStorage in a loop and
prints each record number once the insert has returned (= acknowledged). The
parent kills it with SIGKILL a random time after its first output, then checks
that the file still opens with TinyDB and holds every acknowledged record.
TinyDB's JSONStorage fails this (it rewrites in place: about 1 kill in 8 broke the
file when this test was pointed at it); CrashSafeStorage must not.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tinydb import TinyDB

from couplepause.store.storage import CrashSafeStorage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"),
]

FOLDERS = 10
KILLS_PER_FOLDER = 10  # 100 trials in all; each new child continues the same file
MAX_DELAY = 0.2  # seconds after the child's first acknowledged insert
START_TIMEOUT = 30.0  # a loaded 2-core machine can be slow to start Python
SEED = 20261123

CHILD = r"""
import random
import sys
from tinydb import TinyDB
from couplepause.store.storage import CrashSafeStorage

path, number = sys.argv[1], int(sys.argv[2])
random.seed(number)
db = TinyDB(path, storage=CrashSafeStorage)
# A scratch document whose size jumps up and down: shrinking writes are what
# break an in-place writer (killed between write and truncate).
scratch = db.table("scratch")
while True:
    db.insert({"n": number})
    sys.stdout.write(f"{number}\n")
    sys.stdout.flush()
    number += 1
    scratch.truncate()
    scratch.insert({"pad": "x" * random.randrange(8192)})
"""


def read_until(fd: int, deadline: float, *, stop_at_newline: bool = False) -> tuple[bytes, bool]:
    """Read what the child prints until ``deadline`` (monotonic); returns (bytes, reached EOF)."""
    received = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return received, False
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return received, True
        received += chunk
        if stop_at_newline and b"\n" in received:
            return received, False


def acknowledged(output: bytes) -> set[int]:
    """Numbers on complete lines only: a line cut by the kill was never acknowledged."""
    *complete, _partial = output.split(b"\n")
    return {int(line) for line in complete}


def stored_numbers(path: Path) -> set[int]:
    with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
        return {doc["n"] for doc in db.all()}


def run_and_kill(path: Path, first_number: int, delay: float) -> set[int]:
    """Start a child, let it write ``delay`` s after its first ack, SIGKILL it; return its acks."""
    command = [sys.executable, "-c", CHILD, str(path), str(first_number)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        fd = child.stdout.fileno()
        output, eof = read_until(fd, time.monotonic() + START_TIMEOUT, stop_at_newline=True)
        assert not eof and b"\n" in output, child.stderr.read().decode(errors="replace")
        more, eof = read_until(fd, time.monotonic() + delay)
        assert not eof, child.stderr.read().decode(errors="replace")
        child.send_signal(signal.SIGKILL)
        output += more + child.stdout.read()  # what it printed before dying
        child.wait()
        assert child.returncode == -signal.SIGKILL
    return acknowledged(output)


def test_kill_9_never_loses_acknowledged_records(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    trials = 0
    for folder_number in range(FOLDERS):
        folder = tmp_path / f"folder-{folder_number}"
        folder.mkdir()
        path = folder / "db.json"
        acked: set[int] = set()
        next_number = 0
        for _ in range(KILLS_PER_FOLDER):
            acked |= run_and_kill(path, next_number, rng.uniform(0.0, MAX_DELAY))
            trials += 1
            stored = stored_numbers(path)  # raises if the file is broken
            missing = acked - stored
            assert not missing, f"trial {trials}: acknowledged but lost: {sorted(missing)[:10]}"
            next_number = max(stored | acked, default=-1) + 1
    assert trials >= 100
