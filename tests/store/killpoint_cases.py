"""The multi-file operations of the store, each with a realistic starting data folder, and
the check made after each kill point (tests/store/killpoints.py does the killing).

Every check uses the public API (Repository, recovery, protected, Backups) and what can be
seen from outside (what ``load_all`` returns, which files exist), never the files' bytes:

1. a **read-only** look (``Repository(read_only=True)`` + ``load_all``, the plan, the names
   and ``Backups.list``) shows the state before the operation or the state after it, never
   a mix: what ``export`` and ``backups`` would show;
2. a **writable open** (and unlock, where protected) sets nothing aside and shows the same
   state as the read-only look (the state after, for an operation that the open itself
   carries out: a migration, filing what was sealed while locked);
3. then no staged file, journal or temp file is left anywhere in the data folder, and a
   protected store holds no note, id, time or name in the clear;
4. and every later command works: export, reading each backup, a restore, removing and
   setting the passphrase again (or setting and removing it), and opening once more.

Qt-free, like the store.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from couplepause.core.episode import Episode
from couplepause.store import recovery
from couplepause.store.atomic import is_temp_name
from couplepause.store.backups import MAKING_PREFIX
from couplepause.store.journal import JOURNAL_FILE, STAGED_SUFFIX
from couplepause.store.repository import Repository
from couplepause.store.vault import WrongPassphrase
from tests.factory import a_plan
from tests.store.conftest import episode
from tests.store.killpoints import Point
from tests.store.test_migrations import write_v1_store, write_v2_store
from tests.store.test_protected import NAMES, NOTE, plain_traces

PASS = "kettle on the windowsill"
NEW_PASS = "a new one, by the sea"
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=2)  # the later commands' own backups
MONTHS = (7, 8, 9, 10)  # 2026's months of the history


def store_of(data: Path) -> Path:
    return data / "store"


def _month_pauses(month: int, count: int = 2) -> list[Episode]:
    return [episode(f"2026-{month:02d}-{10 + day:02d}T20:00:00.000+02:00", note=NOTE) for day in range(count)]


# ---------------------------------------------------------------- starting folders
def plain_history(data: Path) -> None:
    """Four months of pauses with notes, a pause still open, a plan, and four backups
    made as the history grew (two old enough for rotation to remove)."""
    repo = Repository(store_of(data))
    repo.open()
    for month, made in zip(MONTHS, (60, 40, 10, 1)):
        for pause in _month_pauses(month):
            repo.archive(pause)
        if month == MONTHS[2]:
            repo.save_active(episode("2026-10-30T21:00:00.000+01:00", repair_minutes=None, note=NOTE))
            repo.save_plan(a_plan())
        repo.backup("before-import" if made == 40 else "daily", NOW - timedelta(days=made))
    repo.archive(episode("2026-10-20T20:00:00.000+02:00", note=NOTE))  # in no backup yet


def protected_history(data: Path) -> None:
    """The plain history, its old backups rotated away, protected with the names; a backup
    made unlocked, then pauses recorded while locked (sealed) and a backup made while
    locked (holding them sealed)."""
    plain_history(data)
    repo = Repository(store_of(data))
    repo.open()
    repo.backups.rotate(NOW - timedelta(hours=12))
    repo.protect(PASS, NAMES)
    repo.backup("daily", NOW - timedelta(hours=12))
    repo.lock_history()
    ongoing = episode("2026-11-20T21:00:00.000+01:00", repair_minutes=None, note=NOTE)
    repo.save_active(ongoing)
    repo.save_active(ongoing.with_changes(paused_by="b"))
    done = episode("2026-11-21T21:00:00.000+01:00", repair_minutes=None, note=NOTE)
    repo.save_active(done)
    repo.archive(done.repaired_after(420).with_changes(closed=True))
    repo.backup("daily", NOW - timedelta(hours=6))


def rotation_history(data: Path) -> None:
    """The plain history with one more old backup (rotation removes two of five) and the
    folder of a backup that a crash cut short (never named by its ID)."""
    plain_history(data)
    repo = Repository(store_of(data))
    repo.open()
    oldest = repo.backup("daily", NOW - timedelta(days=75))
    shutil.copytree(oldest.folder, oldest.folder.with_name(f"{MAKING_PREFIX}20261001T200000Z"))


def v1_store(data: Path) -> None:
    write_v1_store(store_of(data))


def v2_store(data: Path) -> None:
    write_v2_store(store_of(data))


# ----------------------------------------------------------------------- the state
@dataclass(frozen=True)
class State:
    """What a person can see of a data folder."""

    pauses: tuple[tuple[str, str], ...]  # (id, the episode's to_dict as JSON), by id
    plan: str | None
    protected: bool
    passphrase: str | None  # the one that opened it
    names: str | None
    backups: tuple  # (id, reason, pauses) newest first; or (reason, pauses) as a set, see Case

    def store_part(self) -> tuple:
        return (self.pauses, self.plan, self.protected, self.passphrase, self.names)

    def ids(self) -> set[str]:
        return {pause_id for pause_id, _ in self.pauses}


@dataclass
class Look:
    """A state as one repository showed it, with what it had to say about files."""

    state: State
    repo: Repository
    trouble: list[str] = field(default_factory=list)


def look(data: Path, *, read_only: bool, passphrases: tuple[str, ...], backup_ids: bool) -> Look:
    repo = Repository(store_of(data), read_only=read_only)
    report = repo.open()
    trouble = [f"set aside: {p.name}" for p in report.set_aside] + [f"unreadable: {p.name}" for p in report.unreadable]
    passphrase = None
    if repo.locked:
        for candidate in passphrases:
            try:
                repo.unlock(candidate)
            except WrongPassphrase:
                continue
            passphrase = candidate
            break
        else:
            raise AssertionError("no passphrase opens the store")
    pauses = tuple(sorted((e.id, json.dumps(e.to_dict(), sort_keys=True)) for e in repo.load_all()))
    plan = repo.plan()
    names = repo.protected_names() if repo.protection.protected else None
    infos = repo.backups.list()
    backups = (
        tuple((b.id, b.reason, b.pauses) for b in infos)
        if backup_ids
        else tuple(sorted({(b.reason, b.pauses) for b in infos}, key=repr))
    )
    trouble += [f"missing: {m.part}" for m in repo.missing()]
    state = State(
        pauses,
        None if plan is None else json.dumps(plan.to_dict(), sort_keys=True),
        repo.protection.protected,
        passphrase,
        None if names is None else json.dumps(names, sort_keys=True),
        backups,
    )
    return Look(state, repo, trouble)


def left_behind(data: Path) -> list[str]:
    """Staged files, journals and temp files anywhere in the data folder."""
    return sorted(
        path.relative_to(data).as_posix()
        for path in data.rglob("*")
        if path.name.endswith(STAGED_SUFFIX) or path.name == JOURNAL_FILE or is_temp_name(path.name)
    )


# ----------------------------------------------------------------------- the cases
@dataclass
class Case:
    """One operation: its starting folder, what it does, and how its result is judged."""

    name: str
    build: Callable[[Path], None]
    act: Callable[[Path], object]
    passphrases: tuple[str, ...] = ()  # to try, in order, on a protected store
    backup_ids: bool = True  # False: the operation's own backups are timed by the clock
    open_finishes: bool = False  # the writable open (and unlock) itself carries it out

    def judge(self, data: Path, before: State, after: State) -> tuple[Point, str | None]:
        """Everything the module docstring lists, for the data folder ``data``."""
        point = Point()
        try:
            seen = look(data, read_only=True, passphrases=self.passphrases, backup_ids=self.backup_ids)
        except Exception:  # noqa: BLE001 - a read-only command that fails
            point.stuck.append("read-only look: " + _last_line())
            seen = None
        if seen is not None:
            point.mixed += [f"read-only: {t}" for t in seen.trouble]
            _compare(point, "read-only", seen.state, before, after)
        try:
            opened = look(data, read_only=False, passphrases=self.passphrases, backup_ids=self.backup_ids)
        except Exception:  # noqa: BLE001 - any failure to open is a stuck store
            point.stuck.append("writable open: " + _last_line())
            return point, None
        point.lost += [f"writable: {t}" for t in opened.trouble]
        outcome = _compare(point, "writable", opened.state, before, after)
        if self.open_finishes:
            if opened.state != after:
                point.mixed.append("the writable open did not finish the operation")
        elif seen is not None and opened.state != seen.state:
            point.mixed.append("the writable open shows another state than the read-only look")
        point.left += left_behind(data)
        if opened.state.protected:
            point.in_clear += plain_traces(data, list(opened.state.ids()))
        later_commands(point, data, opened)
        return point, outcome


def _compare(point: Point, who: str, state: State, before: State, after: State) -> str | None:
    """Which of before and after ``state`` is (each part on its own: the store, the backups)."""
    store = state.store_part()
    found = "before" if store == before.store_part() else "after" if store == after.store_part() else None
    if found is None:
        ids = state.ids()
        if before.ids() <= ids or after.ids() <= ids:
            point.mixed.append(f"{who}: the store is neither as before nor as after")
        else:
            gone = (before.ids() | after.ids()) - ids
            point.lost.append(f"{who}: {len(gone)} pauses of before and after are missing")
    if state.backups not in (before.backups, after.backups):
        point.mixed.append(f"{who}: the backups are neither as before nor as after: {state.backups}")
    return found


def later_commands(point: Point, data: Path, opened: Look) -> None:
    """Export, every backup read back, a restore, the passphrase removed and set again (or
    set and removed), and one more open: each must work."""
    repo = opened.repo
    steps: list[tuple[str, Callable[[], object]]] = [
        ("export", repo.load_all),
        ("read every backup", lambda: [repo.backups.read(b.id) for b in repo.backups.list()]),
        ("restore", lambda: _restore_one(repo)),
    ]
    def in_clear(when: str) -> None:
        point.in_clear += [f"{when}: {found}" for found in plain_traces(data, [e.id for e in repo.load_all()])]

    if opened.state.protected:
        steps += [("unprotect", lambda: repo.unprotect()),
                  ("protect again", lambda: repo.protect(PASS, NAMES)),
                  ("look for traces", lambda: in_clear("protected again"))]
    else:
        steps += [("protect", lambda: repo.protect(PASS, NAMES)),
                  ("look for traces", lambda: in_clear("once protected")),
                  ("unprotect", lambda: repo.unprotect())]
    steps.append(("open again", lambda: _open_again(data)))
    for name, step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - any failure is a stuck store
            point.stuck.append(f"{name}: {_last_line()}")
            return
    point.left += [f"after the later commands: {name}" for name in left_behind(data)]


def _restore_one(repo: Repository) -> None:
    backups = repo.backups.list()
    if not backups:
        return
    report = recovery.restore(repo, backups[0].id, LATER)
    assert report.restored == len(repo.load_all()), "the restore did not bring every pause back"


def _open_again(data: Path) -> None:
    again = Repository(store_of(data))
    assert again.open().set_aside == []
    if again.locked:
        again.unlock(PASS)
    again.load_all()


def _last_line() -> str:
    return traceback.format_exc().strip().splitlines()[-1]


# --------------------------------------------------------------------- operations
def _opened(data: Path, passphrase: str | None = None) -> Repository:
    repo = Repository(store_of(data))
    repo.open()
    if passphrase is not None and repo.locked:
        repo.unlock(passphrase)
    return repo


def new_pauses() -> list[Episode]:
    """An import: pauses in months the store has and in new ones, one still open."""
    return [*_month_pauses(8, 3), *_month_pauses(11, 2), *_month_pauses(5, 2),
            episode("2026-11-22T20:00:00.000+01:00", repair_minutes=None, note=NOTE)]


def _import(data: Path) -> None:
    _opened(data).merge(IMPORTED, plan=a_plan("not ours"), now=NOW)


def _restore(data: Path, passphrase: str | None = None) -> None:
    repo = _opened(data, passphrase)
    restorable = [b for b in repo.backups.list() if b.reason == "daily"]
    recovery.restore(repo, restorable[-1].id, NOW)  # the oldest: the most to change


def _erase(data: Path) -> None:
    _opened(data).erase()


IMPORTED = new_pauses()

CASES = {
    "import": Case("import", plain_history, _import),
    "restore": Case("restore", plain_history, _restore),
    "restore (protected)": Case("restore (protected)", protected_history, lambda d: _restore(d, PASS), (PASS,)),
    "protect": Case("protect", plain_history, lambda d: _opened(d).protect(PASS, NAMES), (PASS,)),
    "unprotect": Case("unprotect", protected_history, lambda d: _opened(d, PASS).unprotect(), (PASS,)),
    "change passphrase": Case("change passphrase", protected_history,
                              lambda d: _opened(d, PASS).change_passphrase(NEW_PASS), (PASS, NEW_PASS)),
    "migration from 1": Case("migration from 1", v1_store, _opened, backup_ids=False, open_finishes=True),
    "migration from 2": Case("migration from 2", v2_store, _opened, backup_ids=False, open_finishes=True),
    "backup": Case("backup", plain_history, lambda d: _opened(d).backup("daily", NOW)),
    "backup (protected)": Case("backup (protected)", protected_history,
                               lambda d: _opened(d, PASS).backup("daily", NOW), (PASS,)),
    "rotation": Case("rotation", rotation_history, lambda d: _opened(d).backups.rotate(NOW)),
    "delete all": Case("delete all", plain_history, _erase),
    "filing sealed records at unlock": Case("filing sealed records at unlock", protected_history,
                                            lambda d: _opened(d, PASS), (PASS,), open_finishes=True),
}


# ------------------------------------------------------------------------- speed
@contextlib.contextmanager
def faster() -> Iterator[None]:
    """Sweeps of a thousand kill points in minutes, with the same outcome at each point:

    * no fsync: it matters after a power cut, not after a killed process (what was written
      is in the page cache either way), and it is a fifth of a point's time here;
    * each scrypt key derivation (salt, parameters, passphrase) made once: every check
      unlocks a store several times, and the key is the same each time.
    """
    from couplepause.store import vault

    real_fsync, real_scrypt = os.fsync, getattr(vault, "Scrypt", None)
    os.fsync = _no_fsync
    if real_scrypt is not None:
        vault.Scrypt = _remembering(real_scrypt)
    try:
        yield
    finally:
        os.fsync = real_fsync
        if real_scrypt is not None:
            vault.Scrypt = real_scrypt


def _no_fsync(_fd: int) -> None:
    pass


def _remembering(scrypt: type) -> type:
    derived: dict[tuple, bytes] = {}

    class Remembering:
        def __init__(self, **params: object) -> None:
            self.params = params
            self.key = tuple(sorted(params.items(), key=lambda item: item[0]))

        def derive(self, material: bytes) -> bytes:
            found = derived.get((self.key, material))
            if found is None:
                found = derived[(self.key, material)] = scrypt(**self.params).derive(material)
            return found

    return Remembering


# ------------------------------------------------------------------ before, after
@dataclass
class Prepared:
    """A case's starting folder, built once, and the states before and after it."""

    case: Case
    template: Path
    before: State
    after: State

    def check(self, data: Path) -> tuple[Point, str | None]:
        return self.case.judge(data, self.before, self.after)


def prepare(case: Case, work: Path) -> Prepared:
    template = work / "template"
    case.build(template)
    before_copy, after_copy = work / "before", work / "after"
    shutil.copytree(template, before_copy, symlinks=True)
    shutil.copytree(template, after_copy, symlinks=True)
    before = look(before_copy, read_only=True, passphrases=case.passphrases, backup_ids=case.backup_ids).state
    case.act(after_copy)
    after = look(after_copy, read_only=True, passphrases=case.passphrases, backup_ids=case.backup_ids).state
    assert after != before or case.open_finishes, f"{case.name}: the operation changes nothing"
    shutil.rmtree(before_copy)
    shutil.rmtree(after_copy)
    return Prepared(case, template, before, after)
