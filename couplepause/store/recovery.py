"""Pauses coming in from elsewhere, and copies kept: an import, a backup, a restore
of a backup, or only the part of one that was lost.

* :func:`merge` adds an import's new pauses (and its plan, when the store has none),
  all or nothing, after a backup. Its new unfinished pauses are settled as the
  window settles those open at its start (:func:`settled`), so active.json stays small.
* :func:`restore` makes the store what a backup holds. The backup is read and
  checked first (nothing changes if it is damaged), the current store is kept as
  a backup of its own, the files are replaced in one transaction, and success is
  reported only when every pause of the backup reads back from the store.
* :func:`bring_back` adds the pauses of one missing part (a month whose file was
  damaged, or the pauses in progress) from the newest backup that has them,
  without touching anything else, and marks the damaged file as recovered (the plan,
  the protected names, the sealed records too).

These are made of the repository's own operations (read, back up, commit), named by
the Protocol :class:`Store`: this module imports nothing of the repository, which calls
:func:`merge` for ``Repository.merge``; the app calls :func:`restore` and
:func:`bring_back` with the repository. Qt-free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from couplepause.core.episode import Episode
from couplepause.core.plan import Plan, PlanError
from couplepause.core.resuming import ClockRun, settle_open
from couplepause.store import files, plan_file
from couplepause.store.backups import (
    BEFORE_IMPORT,
    BEFORE_RESTORE,
    BackupDamaged,
    BackupError,
    BackupInfo,
    Backups,
    part_of,
)
from couplepause.store.errors import StoreError
from couplepause.store.files import MissingPart
from couplepause.store.layout import Layout
from couplepause.store.protected import sealed_tables
from couplepause.store.protection import Protection, open_sealed


class Store(Protocol):
    """What recovery uses of a store: the repository's public operations."""

    lock: threading.RLock
    folder: Path
    backups: Backups
    protection: Protection

    @property
    def active_path(self) -> Path: ...
    def month_path(self, episode: Episode) -> Path: ...
    def month_files(self) -> list[Path]: ...
    def load_all(self, between: Callable[[], None] = ...) -> list[Episode]: ...
    def get(self, episode_id: str) -> Episode | None: ...
    def count(self) -> int: ...
    def missing(self) -> list[MissingPart]: ...
    def plan(self) -> Plan | None: ...
    def save_plan(self, plan: Plan) -> None: ...
    def backup(self, reason: str = ..., now: datetime | None = None) -> BackupInfo: ...
    def tables_of(self, path: Path) -> dict[str, list]: ...
    def commit(self, puts: dict[Path, dict[str, list]], removes: Iterable[Path] = ()) -> None: ...
    def file_sealed_records(self) -> None: ...
    def require_unlocked(self) -> None: ...


_WALL_CLOCK = ClockRun(boot="the wall clock")  # no record's clock readings come from this run
PLAN_ADOPTED = "adopted"  # the store had no plan: the file's is ours now
PLAN_KEPT = "kept"  # the store has its own plan, which stays (the file's is not used)
PLAN_SAME = "same"  # the file's plan is the one stored


@dataclass
class MergeReport:
    """Outcome of ``merge``: a conflict is an id stored with different content (kept as stored).
    ``plan``: what became of the file's plan (PLAN_*), None when it held none."""

    added: int
    unchanged: int
    conflicts: list[str]
    plan: str | None = None


def merge(
    repo: Store, episodes: list[Episode], *, plan: Plan | None = None, now: datetime | None = None
) -> MergeReport:
    """Add imported episodes (and an imported plan when the store has none of its own):
    a backup first, then every file they touch in one transaction.

    Identical records (``to_dict()`` equal, or the stored one is the file's closed since,
    as it was let rest) count as unchanged; an id already stored with other content is
    kept as stored and reported as a conflict. The new pauses are :func:`settled`. The
    couple's own plan is never replaced. Merging the same file twice adds nothing
    (and backs nothing up) the second time.
    """
    with repo.lock:
        known = {e.id: e for e in repo.load_all()}
        ours = repo.plan()  # a damaged one is set aside (and told) here
        adopt = plan is not None and not plan.is_empty and ours is None
        adopt = adopt and not plan_file.path_of(repo.folder).exists()  # never over a file we cannot read
        report = MergeReport(added=0, unchanged=0, conflicts=[])
        new: list[Episode] = []
        for episode in episodes:
            stored = known.get(episode.id)
            if stored is None:
                known[episode.id] = episode
                new.append(episode)
            elif _same(stored, episode):
                report.unchanged += 1
            elif episode.id not in report.conflicts:
                report.conflicts.append(episode.id)
        new = settled(new, now or datetime.now(UTC).astimezone())
        report.added = len(new)
        if plan is not None and not plan.is_empty:
            same = ours is not None and ours.to_dict() == plan_file.document(plan)
            report.plan = PLAN_ADOPTED if adopt else PLAN_SAME if same else PLAN_KEPT
        if new or adopt:
            if known.keys() - {e.id for e in new} or ours is not None:  # an empty store has nothing to keep
                repo.backup(BEFORE_IMPORT, now)
            add_all(repo, new, plan if adopt else None)
        return report


def settled(episodes: list[Episode], now: datetime) -> list[Episode]:
    """Imported pauses as the live flow leaves them (core/flow.py ``settle_open``, what the
    window does with the pauses open at its start): of the unfinished ones only the newest,
    and only while it can still be picked up, stays open; the others are closed as they
    are, into their months. An export keeps no clock readings, so the wall clock times them."""
    unfinished = [episode for episode in episodes if not episode.closed]
    if not unfinished:
        return episodes
    closed = {e.id: e for e in settle_open(unfinished, current=None, now=0.0, wall=now, run=_WALL_CLOCK).let_rest}
    return [closed.get(episode.id, episode) for episode in episodes]


def _same(stored: Episode, incoming: Episode) -> bool:
    """The same pause: equal, or stored closed since (let rest as it was, or settled at an import)."""
    if stored.closed and not incoming.closed:
        incoming = incoming.with_changes(closed=True)
    return stored.to_dict() == incoming.to_dict()


def add_all(repo: Store, episodes: Iterable[Episode], plan: Plan | None = None) -> None:
    """Add episodes that are not stored yet (and ``plan``, where there is none), every file
    they touch in one transaction."""
    by_file: dict = {}
    for episode in episodes:
        target = repo.month_path(episode) if episode.closed else repo.active_path  # where it belongs
        by_file.setdefault(target, []).append(episode)
    if not by_file and plan is None:
        return
    with repo.lock:
        puts = {}
        if plan is not None:
            puts[plan_file.path_of(repo.folder)] = {files.PLAN_TABLE: [plan_file.document(plan)]}
        for path, new in by_file.items():
            tables = repo.tables_of(path)
            records = [Episode.from_dict(e.to_record()).to_record() for e in new]
            tables[files.EPISODES_TABLE] = [*tables.get(files.EPISODES_TABLE, []), *records]
            puts[path] = tables
        repo.commit(puts)


class RestoreIncomplete(StoreError):
    """A restore whose pauses did not all come back (the earlier store is kept as a backup)."""


@dataclass(frozen=True)
class RestoreReport:
    restored: int  # pauses now in the store, all of the backup's
    backup: BackupInfo
    kept_as: BackupInfo | None  # the store as it was before, kept as a backup


def restore(repo: Store, backup_id: str, now: datetime | None = None) -> RestoreReport:
    """Make the store hold what backup ``backup_id`` holds (see the module docstring)."""
    now = now or datetime.now(UTC).astimezone()
    with repo.lock:
        content = repo.backups.read(backup_id)  # BackupNotFound / BackupDamaged: nothing changed
        kept = repo.backup(BEFORE_RESTORE, now) if repo.count() else None
        puts = {repo.folder / name: tables for name, tables in content.files.items()}
        puts.setdefault(repo.active_path, {files.EPISODES_TABLE: []})
        removes = [path for path in repo.month_files() if path not in puts]
        expected = {e.id: e.to_dict() for found in content.episodes.values() for e in found}
        repo.commit(puts, removes)
        # A protected backup may hold records sealed while it was locked: they are filed
        # now, and they count as the backup's pauses (the newest content of each wins).
        sealed = _sealed_in(repo)
        repo.file_sealed_records()
        expected.update({record["id"]: Episode.from_dict(record).to_dict() for _op, record in sealed})
        stored = {e.id: e.to_dict() for e in repo.load_all()}
        lost = [episode_id for episode_id, record in expected.items() if stored.get(episode_id) != record]
        if lost:
            if kept is None:
                raise RestoreIncomplete("restore_incomplete", lost=len(lost), total=len(expected))
            raise RestoreIncomplete("restore_incomplete_kept", lost=len(lost), total=len(expected), kept=kept.id)
        for missing in repo.missing():
            if content.info.has(missing.part) or missing.part == files.ALL_PART:
                files.mark(missing, files.RECOVERED_SUFFIX)
        return RestoreReport(len(expected), content.info, kept)


def bring_back(repo: Store, missing: files.MissingPart) -> int:
    """Add the pauses of ``missing`` from the newest backup that has them; returns how many
    came back. Raises BackupError when no backup has them or the backup is damaged."""
    if missing.part == files.PLAN_PART:  # no pause is missing: the plan comes back, if a backup has it
        _plan_back(repo, missing)
        return 0
    if missing.part == files.NAMES_PART:
        return _names_back(repo, missing)
    if missing.part == files.SEALED_PART:
        return _sealed_back(repo, missing)
    with repo.lock:
        info = repo.backups.newest_with(missing.part) if missing.part != files.ALL_PART else _newest(repo)
        if info is None:
            raise BackupError("no_backup_holds")
        content = repo.backups.read(info.id)
        wanted = [
            episode
            for name, found in content.episodes.items()
            if missing.part in (files.ALL_PART, part_of(name))
            for episode in found
        ]
        stored = {e.id for e in repo.load_all()}
        new = [episode for episode in wanted if episode.id not in stored]
        add_all(repo, new)
        if not all(repo.get(episode.id) is not None for episode in new):
            raise BackupDamaged("bring_back_incomplete")
        files.mark(missing, files.RECOVERED_SUFFIX)
        return len(new)


def _names_back(repo: Store, missing: files.MissingPart) -> int:
    """The protected names from the newest backup whose copy reads (no pause is missing)."""
    with repo.lock:
        repo.require_unlocked()
        for info in repo.backups.list():
            if not info.has(files.NAMES_PART):
                continue
            try:
                tables = files.read_tables(info.folder / files.NAMES_FILE, repo.backups.fmt)
            except (files.Unreadable, files.Sealed):
                continue
            if tables and tables.get(files.NAMES_TABLE):
                repo.commit({repo.folder / files.NAMES_FILE: {files.NAMES_TABLE: tables[files.NAMES_TABLE]}})
                files.mark(missing, files.RECOVERED_SUFFIX)
                return 0
        raise BackupError("no_backup_holds")


def _sealed_back(repo: Store, missing: files.MissingPart) -> int:
    """The records sealed while locked, from the newest backup that holds them, filed where
    they belong (they are newer than what the store held when they were sealed)."""
    with repo.lock:
        repo.require_unlocked()
        info = repo.backups.newest_with(files.SEALED_PART)
        if info is None:
            raise BackupError("no_backup_holds")
        try:
            records = open_sealed(info.folder / files.SEALED_FILE, repo.protection.open_keys())
        except files.Unreadable as exc:
            raise BackupDamaged("backup_damaged", id=info.id, file=files.SEALED_FILE) from exc
        if records:
            repo.commit(sealed_tables(records, Layout(repo.folder), repo.tables_of))
        files.mark(missing, files.RECOVERED_SUFFIX)
        return len(records)


def _sealed_in(repo: Store) -> list:
    if repo.protection.keys is None or not repo.protection.sealed_path.exists():
        return []
    return repo.protection.sealed_records()


def _newest(repo: Store) -> BackupInfo | None:
    return next((info for info in repo.backups.list() if info.pauses is None or info.pauses), None)


def _plan_back(repo: Store, missing: MissingPart) -> bool:
    """The plan from the newest backup that holds one that reads, when the store has
    none now (its damaged file was set aside); True if it came back."""
    with repo.lock:
        repo.require_unlocked()
        if repo.plan() is not None:
            files.mark(missing, files.RECOVERED_SUFFIX)  # a plan was written since: it stays
            return False
        for info in repo.backups.list():
            if not info.has(files.PLAN_PART):
                continue
            try:
                found = plan_file.tables(plan_file.path_of(info.folder), repo.backups.fmt) or {}
                plan = Plan.from_dict(dict(found[files.PLAN_TABLE][-1]))
            except (files.Unreadable, files.Sealed, PlanError, KeyError, IndexError, ValueError, TypeError):
                continue
            repo.save_plan(plan)
            back = repo.plan()
            if (back.to_dict() if back else None) != (None if plan.is_empty else plan_file.document(plan)):
                raise BackupDamaged("bring_back_incomplete")
            files.mark(missing, files.RECOVERED_SUFFIX)
            return True
        raise BackupError("no_backup_holds")
