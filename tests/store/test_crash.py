"""kill -9 at random moments never loses an acknowledged write nor breaks a file.

Real processes, killed with SIGKILL at random (seeded) moments:

* **The bare storage.** A child inserts records through TinyDB + CrashSafeStorage
  in a loop and prints each record number once the insert has returned
  (= acknowledged). The parent kills it a random time after its first output,
  then checks that the file still opens with TinyDB and holds every acknowledged
  record. TinyDB's JSONStorage fails this (it rewrites in place: about 1 kill in
  8 broke the file when this test was pointed at it); CrashSafeStorage must not.
* **The repository.** A child opens ``Repository(folder)`` and saves, updates,
  archives and merges episodes, printing ``ack <id> <version>`` after each call
  has returned. After the kill the parent opens the store (journal recovery
  runs) and checks that nothing was set aside, that every acknowledged version
  (or a newer one) is there, and that no staged file, journal or unreadable
  file is left. The next child continues on the same folder.
* **A protected repository.** The same, on a store protected with a passphrase:
  on some folders the child unlocks it (and now and then locks and unlocks it
  again), on the others it stays locked, so its writes are sealed. The parent
  unlocks the store (the sealed records are filed) before it checks, and checks
  too that no id or time of a pause is left in the clear.
* **``couplepause import``.** The command is killed a random time into an import
  of many new pauses spread over many months; the store then holds the old
  pauses, or the old ones and every new one, never a part.

The trials report what they found instead of asserting, so that
``benchmarks/bench_faults.py`` can run many more of them and count.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest
from tinydb import TinyDB

from couplepause.core.episode import Episode
from couplepause.export import ExportOptions
from couplepause.export.json_format import JSON
from couplepause.store import files
from couplepause.store.atomic import is_temp_name
from couplepause.store.journal import JOURNAL_FILE, STAGED_SUFFIX
from couplepause.store.recovery import settled
from couplepause.store.repository import Repository
from couplepause.store.storage import CrashSafeStorage

from .conftest import episode
from .test_protected import plain_traces

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"),
]

FOLDERS = 10
KILLS_PER_FOLDER = 10  # 100 trials in all; each new child continues the same folder
MAX_DELAY = 0.2  # seconds after the child's first acknowledged write
START_TIMEOUT = 30.0  # a loaded 2-core machine can be slow to start Python
IMPORT_TIMEOUT = 300.0
WORKERS = 5  # children killed at the same time (each on its own folder)
SEED = 20261123
PROTECTED_FOLDERS = 4  # every other one stays locked
PROTECTED_KILLS = 8
PASSPHRASE = "kettle on the windowsill"

T = TypeVar("T")


# ------------------------------------------------------------- shared helpers
def in_parallel(jobs: Iterable[Callable[[], T]], workers: int) -> list[T]:
    """Run ``jobs`` on ``workers`` threads (each job drives its own child processes)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


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


def kill_after_first_line(command: list[str], delay: float, cwd: Path) -> bytes:
    """Start ``command``, SIGKILL it ``delay`` s after its first line; return all it printed."""
    with subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
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
    return output


def complete_lines(output: bytes) -> list[str]:
    """The lines the child finished printing: a line cut by the kill was never acknowledged."""
    *complete, _partial = output.decode().split("\n")
    return complete


def damaged_files(store: Path, fmt: files.Format = files.PLAIN) -> list[str]:
    """What is wrong with the files under ``store`` after a crash and an open.

    Every file must read back with TinyDB (the store's checked read, which also
    refuses 0-byte files; ``fmt``: a protected store's key); no staged file or
    journal (kept beside the store) may be left, nor anything set aside. The
    hidden temp file of a write that was cut short is not a store file (it
    never took the real file's name) and is left to the next opens.
    """
    problems = []
    if (store.parent / JOURNAL_FILE).exists():
        problems.append(f"{JOURNAL_FILE} was left behind")
    for path in sorted(store.rglob("*")):
        name = path.relative_to(store).as_posix()
        if path.is_dir():
            if name != files.MONTHS_DIR:
                problems.append(f"unexpected folder {name}")
            continue
        if is_temp_name(path.name):
            continue
        if path.name.endswith(STAGED_SUFFIX) or path.name == JOURNAL_FILE:
            problems.append(f"{name} was left behind")
        elif files.UNREADABLE_MARK in path.name:
            problems.append(f"{name} was set aside")
        try:
            files.read_tables(path, files.format_of(path, fmt))
        except files.Unreadable as exc:
            problems.append(f"{name} does not read with TinyDB: {exc.reason}")
    return problems


def open_after_crash(store: Path, passphrase: str | None = None) -> tuple[Repository, list[str]]:
    """Open the store as the app does (journal recovery runs), and unlock it with
    ``passphrase`` (its sealed records are filed); the repository and what went wrong."""
    repo = Repository(store)
    report = repo.open()
    problems = [f"open() set aside {path.name}" for path in report.set_aside]
    if passphrase is not None:
        repo.unlock(passphrase)
        if repo.protection.sealed_path.exists():
            problems.append(f"{files.SEALED_FILE} is still there after unlocking")
    problems += [f"pauses missing: {part.part} ({part.path.name})" for part in repo.missing()]
    return repo, problems


# ------------------------------------------------------------ the bare storage
STORAGE_CHILD = r"""
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


def stored_numbers(path: Path) -> set[int]:
    with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
        return {doc["n"] for doc in db.all()}


def storage_trials(folder: Path, kills: int, seed: int) -> tuple[int, list[int]]:
    """``kills`` children on one file; returns (trials, acknowledged numbers that were lost)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "db.json"
    acked: set[int] = set()
    next_number = 0
    for _ in range(kills):
        command = [sys.executable, "-c", STORAGE_CHILD, str(path), str(next_number)]
        output = kill_after_first_line(command, rng.uniform(0.0, MAX_DELAY), folder)
        acked |= {int(line) for line in complete_lines(output)}
        stored = stored_numbers(path)  # raises if the file is broken
        missing = acked - stored
        if missing:
            return kills, sorted(missing)
        next_number = max(stored | acked, default=-1) + 1
    return kills, []


def test_kill_9_never_loses_acknowledged_records(tmp_path: Path) -> None:
    results = in_parallel(
        [lambda n=n: storage_trials(tmp_path / f"folder-{n}", KILLS_PER_FOLDER, SEED + n) for n in range(FOLDERS)],
        WORKERS,
    )
    for _trials, lost in results:
        assert not lost, f"acknowledged but lost: {lost[:10]}"
    assert sum(trials for trials, _ in results) >= 100


# ------------------------------------------------------------- the repository
# Saves new and changed pauses in progress, archives some (over six UTC months)
# and now and then merges a few new ones; after each call returns it prints
# "ack <id> <version>". The version is kept in the note ("v3").
# On a protected store (a third argument, the passphrase) it unlocks the store
# first and now and then locks and unlocks it again; with a fourth, "locked", it
# never unlocks: it only saves and archives (sealed) the pauses it began itself.
REPOSITORY_CHILD = r"""
import random
import sys
from datetime import datetime, timedelta, timezone
from couplepause.core.episode import Episode
from couplepause.store.repository import Repository

folder, seed = sys.argv[1], int(sys.argv[2])
passphrase = sys.argv[3] if len(sys.argv) > 3 else None
stays_locked = sys.argv[4:] == ["locked"]
rng = random.Random(seed)
repo = Repository(folder)
repo.open()
if passphrase is not None and not stays_locked:
    repo.unlock(passphrase)
start = datetime(2025, 1, 1, tzinfo=timezone.utc)
offsets = [timezone(timedelta(minutes=m)) for m in (-480, 0, 60, 120, 330)]


def new_episode():
    moment = start + timedelta(seconds=rng.uniform(0, 182 * 86400))
    return Episode.start(moment.astimezone(rng.choice(offsets))).with_changes(note="v1")


def version(found):
    return int(found.note[1:])


def next_version(found, **changes):
    return found.with_changes(note=f"v{version(found) + 1}", **changes)


def closed(found):
    return found.repaired_after(rng.uniform(30, 7200)).with_changes(closed=True)


def ack(*acknowledged):
    for found in acknowledged:
        sys.stdout.write(f"ack {found.id} {version(found)}\n")
    sys.stdout.flush()


active = {found.id: found for found in repo.active()}
while True:
    roll = rng.random()
    if passphrase is not None and not stays_locked and rng.random() < 0.03:
        if repo.locked:
            repo.unlock(passphrase)  # files what was sealed, in one transaction
        else:
            repo.lock_history()
    if roll < 0.02 and not repo.locked:
        batch = [closed(new_episode()) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            batch.append(new_episode())
        repo.merge(batch)
        ack(*batch)
        # An import settles what it brings as the live flow would: an unfinished pause may
        # be closed into its month, so what is still in progress is the store's to say.
        active = {found.id: found for found in repo.active()}
    elif not active or (roll < 0.4 and len(active) < 6):
        found = new_episode()
        repo.save_active(found)
        active[found.id] = found
        ack(found)
    elif roll < 0.75:
        found = next_version(active[rng.choice(sorted(active))], breathing_seconds=rng.uniform(0, 600))
        repo.save_active(found)
        active[found.id] = found
        ack(found)
    else:
        found = closed(next_version(active.pop(rng.choice(sorted(active)))))
        repo.archive(found)
        ack(found)
"""


@dataclass
class Findings:
    """What kill -9 trials found: every entry of ``corrupt`` or ``lost`` is a failure."""

    trials: int = 0
    acknowledged: int = 0  # acknowledgements received (several may name the same pause)
    corrupt: list[str] = field(default_factory=list)  # damaged, set aside or left-behind files
    lost: list[str] = field(default_factory=list)  # acknowledged writes not found

    def __iadd__(self, other: Findings) -> Findings:
        self.trials += other.trials
        self.acknowledged += other.acknowledged
        self.corrupt += other.corrupt
        self.lost += other.lost
        return self


def note_version(found: Episode) -> int:
    return int((found.note or "v0")[1:])


def ids_in(path: Path, fmt: files.Format = files.PLAIN) -> set[str]:
    """The ids in one store file (an unreadable one is reported by damaged_files)."""
    try:
        return {str(doc["id"]) for doc in files.read_documents(path, fmt=fmt) or ()}
    except files.Unreadable:
        return set()


def check_repository(store: Path, acked: dict[str, int], passphrase: str | None = None) -> tuple[list[str], list[str]]:
    """Open the store after a kill (and unlock it with ``passphrase``); returns
    (corrupt, lost) as lists of findings."""
    repo, corrupt = open_after_crash(store, passphrase)
    stored = {found.id: found for found in repo.load_all()}
    corrupt += [f"reading set aside {path.name}" for path in repo.set_aside]
    fmt = repo.protection.fmt
    corrupt += damaged_files(store, fmt)
    in_months = set().union(*(ids_in(path, fmt) for path in repo.month_files()))
    corrupt += [f"{episode_id} is both in progress and archived" for episode_id in ids_in(repo.active_path, fmt) & in_months]
    if passphrase is not None:
        corrupt += [f"{name} holds a pause in the clear" for name in plain_traces(store.parent, list(acked), names=False)]
    lost = []
    for episode_id, version in sorted(acked.items()):
        found = stored.get(episode_id)
        if found is None:
            lost.append(f"{episode_id} v{version} is gone")
        elif note_version(found) < version:
            lost.append(f"{episode_id} v{version} is back at v{note_version(found)}")
    return corrupt, lost


def protected_store(store: Path, passphrase: str) -> None:
    """Make ``store`` a new, empty store protected with ``passphrase``."""
    repo = Repository(store)
    repo.open()
    repo.protect(passphrase)


def repository_trials(
    folder: Path, kills: int, seed: int, *, passphrase: str | None = None, locked: bool = False
) -> Findings:
    """``kills`` children one after the other on one store, each checked after its kill.

    With ``passphrase`` the store is protected and each child unlocks it, or with
    ``locked`` never does (its writes are sealed); the check unlocks it first.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "store"
    extra = [] if passphrase is None else [passphrase, *(["locked"] if locked else [])]
    if passphrase is not None:
        protected_store(store, passphrase)
    acked: dict[str, int] = {}
    findings = Findings()
    for _ in range(kills):
        command = [sys.executable, "-c", REPOSITORY_CHILD, str(store), str(rng.getrandbits(32)), *extra]
        output = kill_after_first_line(command, rng.uniform(0.0, MAX_DELAY), folder)
        for line in complete_lines(output):
            _, episode_id, version = line.split()
            acked[episode_id] = max(acked.get(episode_id, 0), int(version))
            findings.acknowledged += 1
        findings.trials += 1
        corrupt, lost = check_repository(store, acked, passphrase)
        findings.corrupt += [f"trial {findings.trials} in {folder.name}: {what}" for what in corrupt]
        findings.lost += [f"trial {findings.trials} in {folder.name}: {what}" for what in lost]
        if corrupt or lost:
            break  # the next children would only repeat it
    return findings


def run_repository_trials(
    root: Path, folders: int, kills: int, *, workers: int = WORKERS, seed: int = SEED, passphrase: str | None = None
) -> Findings:
    """``kills`` trials on each of ``folders`` stores, ``workers`` stores at a time; with
    ``passphrase`` the stores are protected and every other one stays locked."""
    total = Findings()
    jobs = [
        lambda n=n: repository_trials(
            root / f"repo-{n}", kills, seed + n, passphrase=passphrase, locked=passphrase is not None and n % 2 == 1
        )
        for n in range(folders)
    ]
    for found in in_parallel(jobs, workers):
        total += found
    return total


def test_kill_9_of_the_repository_keeps_every_acknowledged_pause(tmp_path: Path) -> None:
    findings = run_repository_trials(tmp_path, FOLDERS, KILLS_PER_FOLDER)
    assert findings.trials >= 100
    assert findings.acknowledged > findings.trials  # the children did get work done
    assert not findings.corrupt, findings.corrupt[:10]
    assert not findings.lost, findings.lost[:10]


def test_kill_9_of_a_protected_repository_keeps_every_acknowledged_pause(tmp_path: Path) -> None:
    findings = run_repository_trials(
        tmp_path, PROTECTED_FOLDERS, PROTECTED_KILLS, workers=PROTECTED_FOLDERS, seed=SEED + 1000, passphrase=PASSPHRASE
    )
    assert findings.trials >= PROTECTED_FOLDERS * PROTECTED_KILLS
    assert findings.acknowledged > findings.trials  # the children did get work done
    assert not findings.corrupt, findings.corrupt[:10]
    assert not findings.lost, findings.lost[:10]


# -------------------------------------------------------- couplepause import
IMPORT_TRIALS = 10
IMPORT_OLD = 150  # pauses already stored
IMPORT_NEW = 600  # pauses in the export file (3,000 in the benchmark)
IMPORT_MONTHS = 24
IMPORT_WORKERS = 2  # imports killed at the same time


@dataclass(frozen=True)
class ImportCase:
    """A seeded data folder to copy and an export of new pauses to import into it."""

    template: Path
    export: Path
    old: dict[str, dict]  # id -> to_dict() of what the data folder holds
    new: dict[str, dict]  # the same for the export file's pauses


def spread_episodes(count: int, months: int, rng: random.Random) -> list[Episode]:
    """``count`` pauses over ``months`` months from 2024-01, a few still in progress."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for _ in range(count):
        moment = start + timedelta(days=rng.uniform(0, months * 30.4))
        moment = moment.astimezone(timezone(timedelta(hours=rng.choice((-5, 1, 2)))))
        repair = None if rng.random() < 0.03 else rng.uniform(1, 90)
        made.append(episode(moment, repair_minutes=repair, episode_id=str(uuid.UUID(int=rng.getrandbits(128), version=4))))
    return made


def import_case(root: Path, old: int, new: int, months: int, seed: int = SEED) -> ImportCase:
    """Store ``old`` pauses in a data folder under ``root``, and export ``new`` others."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    stored = spread_episodes(old, months // 2, rng)
    template = root / "template"
    repo = Repository(template / "store")
    repo.open()
    repo.merge(stored)
    incoming = spread_episodes(new, months, rng)
    export = root / "new-pauses.json"
    JSON.export(incoming, ExportOptions(include_notes=True), export)
    # As an import stores them: its unfinished pauses settled as the window settles them.
    now = datetime.now(UTC)
    return ImportCase(
        template,
        export,
        {found.id: found.to_dict() for found in settled(stored, now)},
        {found.id: found.to_dict() for found in settled(incoming, now)},
    )


def import_command(data_dir: Path, export: Path) -> list[str]:
    return [sys.executable, "-m", "couplepause", "--data-dir", str(data_dir), "import", str(export)]


def import_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "COUPLEPAUSE_DATA_DIR")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@dataclass(frozen=True)
class ImportRun:
    """One ``couplepause import``: "<when> -> <what the store holds>" ("old", "all" or
    "partial"), what is wrong with the store, how long it ran, and (when it was
    watched) how long until its transaction began to stage files."""

    outcome: str
    problems: list[str]
    took: float
    staging: float | None = None


def run_import(
    case: ImportCase, data_dir: Path, kill_after: float | None = None, *, from_staging: bool = False
) -> ImportRun:
    """Import into a fresh copy of the template, SIGKILLed ``kill_after`` s after
    it started, or after its first staged file appeared (``from_staging``); never
    when ``kill_after`` is None, and then the store is watched for the start of
    the transaction."""
    shutil.copytree(case.template, data_dir)
    store = data_dir / "store"
    problems = []
    began = time.monotonic()
    staging = None
    with subprocess.Popen(
        import_command(data_dir, case.export),
        cwd=data_dir.parent,
        env=import_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as child:
        if kill_after is None or from_staging:
            staging = watch_for_staging(child, store, began, stop=kill_after is not None)
        if kill_after is not None:
            try:
                child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
        _, err = child.communicate()
    took = time.monotonic() - began
    if child.returncode == -signal.SIGKILL:
        when = "killed " + transaction_state(store)
    else:
        when = "finished"
        if child.returncode != 0:
            problems.append(f"the import failed ({child.returncode}): {err.decode(errors='replace').strip()}")
    repo, corrupt = open_after_crash(store)
    stored = {found.id: found.to_dict() for found in repo.load_all()}
    problems += corrupt + damaged_files(store)
    if stored == case.old:
        held = "old"
    elif stored == {**case.old, **case.new}:
        held = "all"
    else:
        held = "partial"
        problems.append(
            f"partial import: {len(stored.keys() & case.new.keys())} of {len(case.new)} new pauses, "
            f"{len(stored.keys() & case.old.keys())} of {len(case.old)} old ones"
        )
    return ImportRun(f"{when} -> {held}", problems, took, staging)


OUTSIDE = "outside the transaction"


def transaction_state(store: Path) -> str:
    """Where an import is, from the files it has left so far."""
    if (store / JOURNAL_FILE).exists():
        return "after the commit"
    if any(path.name.endswith(STAGED_SUFFIX) for path in store.rglob("*")):
        return "while staging"
    return OUTSIDE


def watch_for_staging(child: subprocess.Popen, store: Path, began: float, *, stop: bool) -> float | None:
    """Wait for ``child`` to end (``stop``: only until it stages a file), looking every
    few ms; returns when its first staged file appeared (seconds after ``began``),
    None if none was seen."""
    deadline = began + IMPORT_TIMEOUT
    staging = None
    while child.poll() is None and time.monotonic() < deadline:
        try:
            child.wait(timeout=0.005)
        except subprocess.TimeoutExpired:
            if staging is None and transaction_state(store) != OUTSIDE:
                staging = time.monotonic() - began
                if stop:
                    break
    return staging


def import_timing(case: ImportCase, root: Path, workers: int = IMPORT_WORKERS) -> tuple[float, float]:
    """(duration, start of staging) of a normal import, the start of Python included:
    the faster of ``workers`` imports run side by side, as in the trials."""
    runs = in_parallel([lambda n=n: run_import(case, root / f"normal-{n}" / "data") for n in range(workers)], workers)
    for run in runs:
        assert run.outcome == "finished -> all" and not run.problems, (run.outcome, run.problems)
    fastest = min(runs, key=lambda run: run.took)
    return fastest.took, fastest.staging if fastest.staging is not None else 0.0


def import_trials(case: ImportCase, root: Path, trials: int, duration: float, staging: float, seed: int = SEED) -> list[ImportRun]:
    """``trials`` imports, each killed at a random moment of a normal import's
    ``duration``: every other one anywhere in it, the others once they have
    begun to stage files (where the files change: a small part of the whole)."""
    rng = random.Random(seed)
    jobs = []
    for n in range(trials):
        late = n % 2 == 1
        delay = rng.uniform(0.0, duration - staging if late else duration)
        jobs.append(lambda n=n, delay=delay, late=late: run_import(case, root / f"import-{n}" / "data", delay, from_staging=late))
    return in_parallel(jobs, IMPORT_WORKERS)


def test_kill_9_of_an_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    case = import_case(tmp_path, IMPORT_OLD, IMPORT_NEW, IMPORT_MONTHS)
    duration, staging = import_timing(case, tmp_path)
    runs = import_trials(case, tmp_path, IMPORT_TRIALS, duration, staging)
    assert len(runs) >= 10
    for run in runs:
        assert not run.problems, (run.outcome, run.problems)
        assert run.outcome.endswith(("-> old", "-> all")), run.outcome
