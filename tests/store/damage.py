"""Every kind of store file, damaged every way the world damages files: what the couple
is told, and whether everything comes back.

A data folder holds three months of pauses with notes, one pause still going on, a
plan, and a backup of all of it. One file (or the months folder) is then deleted,
cut in half, zeroed, given one flipped bit, or replaced by garbage of the same size,
and the store is looked at as the app and the command line do:

* read only first, as ``export`` does: it must see everything, or know what it lacks
  (``missing()``), never a smaller history that looks whole;
* then opened for writing, with every file read (as the Keeper does at start): the
  outcome is **harmless** (everything is there, nothing to tell), **told** (what is
  missing is named, and bringing it back from the backup gives everything back:
  **restored**), or, for a backup's own files, the backup **refuses** to be read
  (``BackupDamaged``) rather than give back less than it holds.
* Anything else is **silent**: a loss nobody was told of. The matrix must have none.

A protected store (unlocked with its passphrase) is tried the same way, with its own
files: the names, the records sealed while locked, and meta.json with its header,
which must never be read as an empty plain store.

``outcomes()`` is shared by tests/store/test_integrity.py and benchmarks/bench_integrity.py.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from couplepause.core.plan import PartnerPlan, Plan
from couplepause.store import recovery
from couplepause.store.backups import BackupDamaged, BackupError
from couplepause.store.repository import Repository
from couplepause.store.vault import Locked

from .conftest import episode

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
PASSPHRASE = "the kettle on the windowsill"
PLAN = Plan(partners={"a": PartnerPlan("pull_back", helps="a walk"), "b": PartnerPlan("reach_out", helps="tea")})

HARMLESS = "harmless"
RESTORED = "told, restored"
REFUSED = "backup refuses"
SILENT = "SILENT"


def _episodes() -> list:
    months = [episode(f"2025-{m:02d}-{d:02d}T20:00:00.000+01:00", note=f"note {m}-{d}") for m in (1, 2, 3) for d in (4, 9)]
    return [*months, episode("2025-04-02T21:00:00.000+02:00", repair_minutes=None)]


def make_folder(data: Path, *, protect: bool) -> None:
    """The starting data folder (see the module docstring)."""
    repo = Repository(data / "store", backups_dir=data / "backups")
    repo.open()
    *closed, ongoing = _episodes()
    repo.merge(closed, now=NOW)
    repo.save_active(ongoing)
    repo.save_plan(PLAN)
    if protect:
        repo.protect(PASSPHRASE, {"a": "Alex", "b": "Sam"})
        repo.lock_history()
        repo.save_active(ongoing.with_changes(note="sealed while locked"))  # sealed.json
        repo.unlock(PASSPHRASE)
        repo.lock_history()
        repo.save_active(ongoing.with_changes(note="sealed again"))
    repo.backup("daily", NOW - timedelta(hours=1))


# ------------------------------------------------------------------- damages
def _deleted(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _rewritten(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        if path.is_dir():  # a folder: a file of garbage stands in its place
            shutil.rmtree(path)
            path.write_bytes(b"\x00garbage")
            return
        path.write_bytes(change(path.read_bytes()))

    return damage


def _flip(data: bytes) -> bytes:
    flipped = bytearray(data)
    middle = len(flipped) // 2
    flipped[middle] ^= 0x04
    return bytes(flipped)


DAMAGES: dict[str, Callable[[Path], None]] = {
    "deleted": _deleted,
    "truncated": _rewritten(lambda data: data[: len(data) // 2]),
    "zeroed": _rewritten(lambda data: b"\0" * len(data)),
    "bit flipped": _rewritten(_flip),
    "garbage": _rewritten(lambda data: random.Random(len(data)).randbytes(len(data))),
}

STORE_FILES = {
    "meta.json": "store/meta.json",
    "active.json": "store/active.json",
    "a month": "store/episodes/2025-02.json",
    "the months folder": "store/episodes",
    "plan.json": "store/plan.json",
}
BACKUP_FILES = {
    "backup.json": "backup.json",
    "a backup's meta.json": "meta.json",
    "a backup's month": "episodes/2025-02.json",
}
PROTECTED_FILES = {
    "meta.json (header)": "store/meta.json",
    "active.json": "store/active.json",
    "a month": "store/episodes/2025-02.json",
    "names.json": "store/names.json",
    "sealed.json": "store/sealed.json",
}


# ------------------------------------------------------------------ looking
def _everything(repo: Repository) -> tuple[dict, object]:
    episodes = {e.id: e.to_dict() for e in repo.load_all()}
    plan = repo.plan()
    return episodes, (plan.to_dict() if plan else None, repo.protected_names() if repo.protection.protected else None)


def _open(data: Path, *, read_only: bool = False, passphrase: str | None = None) -> Repository:
    repo = Repository(data / "store", backups_dir=data / "backups", read_only=read_only)
    repo.open()
    if passphrase is not None:
        repo.unlock(passphrase)
    return repo


def outcome(template: Path, work: Path, target: str, damage: str, *, protect: bool) -> str:
    """What becomes of ``template``'s data folder once ``target`` is damaged (see the module doc)."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work)
    passphrase = PASSPHRASE if protect else None
    before = _open(work, read_only=True, passphrase=passphrase)
    whole, plan = _everything(before)
    backup_id = before.backups.list()[0].id
    in_backup = target in BACKUP_FILES.values() and target not in STORE_FILES.values()
    path = work / "backups" / backup_id / target if in_backup else work / target
    DAMAGES[damage](path)

    # As export sees it: all of it, or it knows what it lacks.
    try:
        view = _open(work, read_only=True, passphrase=passphrase)
        seen, extras = _everything(view)
        if (seen, extras) != (whole, plan) and not view.missing() and not view.protection.changed:
            return SILENT
    except Locked:
        return SILENT
    except Exception as exc:  # noqa: BLE001 - a refusal in words is a telling, never a traceback
        if not hasattr(exc, "key"):
            return f"{SILENT} ({type(exc).__name__}: {exc})"

    repo = _open(work, passphrase=passphrase)
    seen, now_plan = _everything(repo)
    told = repo.missing() or repo.protection.changed or repo.manifest.rebuilt
    if in_backup:
        if seen != whole:
            return SILENT
        try:
            repo.backups.read(backup_id)  # whole, as backup.json says, or it refuses
        except BackupDamaged:
            return REFUSED
        return HARMLESS
    if seen == whole and now_plan == plan:
        return "harmless, told" if told else HARMLESS
    if not told:
        return SILENT
    for part in repo.missing():
        try:
            recovery.bring_back(repo, part)
        except BackupError as exc:
            return f"told, not restored ({part.part}: {exc})"
    seen, now_plan = _everything(_open(work, passphrase=passphrase))
    return RESTORED if seen == whole and now_plan == plan else f"{SILENT} (told, not restored)"


def outcomes(root: Path) -> dict[tuple[str, str, str], str]:
    """(store, file, damage) -> outcome, for every file and damage above."""
    found = {}
    for protect, kinds in ((False, {**STORE_FILES, **BACKUP_FILES}), (True, PROTECTED_FILES)):
        store = "protected" if protect else "plain"
        template = root / f"{store}-template"
        make_folder(template, protect=protect)
        for name, target in kinds.items():
            for damage in DAMAGES:
                found[(store, name, damage)] = outcome(template, root / "work", target, damage, protect=protect)
    return found
