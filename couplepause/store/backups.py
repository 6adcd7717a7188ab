"""Rotating backups of the store: make, list, read back, rotate.

A backup is a folder ``<data folder>/backups/<ID>/`` holding copies of the store's
files (the same relative names) and, written last, ``backup.json``: a TinyDB
database whose table ``backup`` describes it (when, why, how many pauses, which
months). A folder without ``backup.json`` was interrupted and is not a backup;
it is removed by the next rotation, or passphrase change (its copies are in the old
format). A rotation removes its backups in one journaled step. Every file is
written crash-safely and is private (0600, folders 0700).

Which backups are kept (:func:`to_keep`): the newest of each of the last
``DAILY`` days, the newest of each of the last ``WEEKLY`` weeks, every backup made
before an import, a restore or a migration during the last ``EVENT_DAYS`` days,
and always the newest ``ALWAYS`` ones.

Qt-free.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb.table import Document

from couplepause.core.episode import Episode, format_instant, parse_instant
from couplepause.problems import Problem
from couplepause.store import migrations
from couplepause.store.files import (
    ACTIVE_FILE,
    EPISODES_TABLE,
    META_FILE,
    META_TABLE,
    MONTHS_DIR,
    PLAIN,
    PLAN_FILE,
    PLAN_PART,
    PLAN_TABLE,
    PROTECTION_TABLE,
    SEALED_FILE,
    SEALED_TABLE,
    Format,
    Sealed,
    Unreadable,
    format_of,
    read_documents,
    read_tables,
    write_tables,
)
from couplepause.store.atomic import atomic_write, fsync_dir, make_private_dirs
from couplepause.store.view import DIRECT, View

BACKUP_META = "backup.json"
BACKUP_TABLE = "backup"
DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
BEFORE_MIGRATION = "before-migration"
REASONS = (DAILY, BEFORE_IMPORT, BEFORE_RESTORE, BEFORE_MIGRATION)
DAILY_DAYS = 7
WEEKLY_WEEKS = 4
EVENT_DAYS = 28
ALWAYS = 3
ACTIVE_PART = "active"  # the part name of the pauses still in progress
_ID_FORMAT = "%Y%m%dT%H%M%SZ"


class BackupError(Problem):
    """A backup that cannot be made, found or read."""


class BackupNotFound(BackupError):
    key = "backup_not_found"


class BackupDamaged(BackupError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    """What ``backup.json`` says about one backup."""

    id: str
    created_at: datetime
    reason: str
    pauses: int | None  # None: made while a protected store was locked (not counted)
    parts: dict[str, int]  # "YYYY-MM" (UTC month) or "active" -> pauses in it
    schema_version: int
    folder: Path = field(compare=False)

    def has(self, part: str) -> bool:
        if part == PLAN_PART:
            return (self.folder / PLAN_FILE).is_file()
        return self.parts.get(part, 0) > 0


@dataclass
class BackupContent:
    """A backup read back and checked: each file's documents, by relative name."""

    info: BackupInfo
    files: dict[str, dict[str, list[Document]]]  # relative name -> its tables
    episodes: dict[str, list[Episode]]  # the same files' episodes, upgraded to this version


def part_of(relative: str) -> str | None:
    """The part a store file holds: its month, "active", or None (meta)."""
    name = relative.rsplit("/", 1)[-1]
    if relative.startswith(f"{MONTHS_DIR}/") and name.endswith(".json"):
        return name[: -len(".json")]
    if relative == ACTIVE_FILE:
        return ACTIVE_PART
    return None


class Backups:
    """The backups folder. Thread-safe; only one process uses a data folder at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        # Set by the repository: how the store's files read now, and a protected
        # store's keys while it is unlocked (None: locked, or not protected).
        self.fmt: Format = PLAIN
        self.keys = None
        self.header: dict[str, Any] | None = None
        self.view: View = DIRECT  # a read-only look through a committed change: opening.py

    # ---------------------------------------------------------------- listing
    def list(self) -> list[BackupInfo]:
        """Every complete backup, newest first."""
        found = []
        for name in self._names():
            info = self._info(self.folder / name)
            if info is not None:
                found.append(info)
        found.sort(key=lambda info: (info.created_at, info.id), reverse=True)
        return found

    def get(self, backup_id: str) -> BackupInfo:
        info = self._info(self.folder / backup_id) if _plain_name(backup_id) else None
        if info is None:
            raise BackupNotFound(id=backup_id)
        return info

    def newest_with(self, part: str) -> BackupInfo | None:
        """The newest backup that holds pauses of ``part`` (a month or "active")."""
        return next((info for info in self.list() if info.has(part)), None)

    # ----------------------------------------------------------------- making
    def make(self, files: dict[str, bytes], reason: str, now: datetime) -> tuple[BackupInfo, list[str]]:
        """Write a backup of the store files ``files`` (relative name -> bytes).

        Each copy is read back with TinyDB and its episodes checked; a copy that
        does not read back is left out. Returns the backup and the relative
        names left out, so the store can set the originals aside.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown backup reason {reason!r}")
        with self._lock:
            make_private_dirs(self.folder)
            backup_id, target = self._new_folder(now)
            version = _version_of(files)
            parts: dict[str, int] = {}
            left_out: list[str] = []
            readable = self.header is None or self.keys is not None
            for relative, data in sorted(files.items()):
                copy = target / relative
                make_private_dirs(copy.parent)
                atomic_write(copy, data)
                if not readable:
                    continue  # locked: the copy is made, its pauses are counted once unlocked
                try:
                    episodes = _episodes_in(copy, relative, version, self.fmt)
                except (Unreadable, BackupDamaged):
                    copy.unlink()
                    left_out.append(relative)
                    continue
                part = part_of(relative)
                if part is not None and episodes:
                    parts[part] = len(episodes)
            for folder, _dirs, _names in os.walk(target):
                fsync_dir(Path(folder))
            info = BackupInfo(
                id=backup_id,
                created_at=now,
                reason=reason,
                pauses=sum(parts.values()) if readable else None,
                parts=parts,
                schema_version=version,
                folder=target,
            )
            write_tables(target / BACKUP_META, {BACKUP_TABLE: [self._meta_document(info)]})
            fsync_dir(self.folder)
            return info, left_out

    # ---------------------------------------------------------------- reading
    def read(self, backup_id: str) -> BackupContent:
        """Every file of a backup, checked; raises BackupDamaged if anything is off."""
        info = self.get(backup_id)
        files: dict[str, dict[str, list[Document]]] = {}
        episodes: dict[str, list[Episode]] = {}
        for copy in self.view.files_under(info.folder):
            relative = copy.relative_to(info.folder).as_posix()
            if relative == BACKUP_META:
                continue
            source = self.view.source(copy)
            try:
                tables = (read_tables(source, format_of(source, self.fmt)) or {}) if source is not None else {}
            except (Unreadable, Sealed, OSError) as exc:
                raise BackupDamaged("backup_damaged", id=info.id, file=relative) from exc
            files[relative] = tables
            if part_of(relative) is not None:
                documents = tables.get(EPISODES_TABLE, [])
                episodes[relative] = _checked_episodes(documents, relative, info.schema_version, info.id)
        counted = sum(len(found) for found in episodes.values())
        if info.pauses is not None and counted != info.pauses:
            raise BackupDamaged("backup_incomplete", id=info.id, expected=info.pauses, counted=counted)
        return BackupContent(info, files, episodes)

    # --------------------------------------------------------------- rotating
    def rotate(self, now: datetime) -> list[str]:
        """Remove backups that :func:`to_keep` does not keep, and interrupted ones, all in one
        journaled step (a crash removes all of them or none)."""
        from couplepause.store.journal import Transaction

        with self._lock:
            backups = self.list()
            keep = to_keep(backups, now)
            removed = sorted([*(info.id for info in backups if info.id not in keep), *self._interrupted()])
            transaction = Transaction(self.folder.parent)  # the data folder: the journal the store recovers
            for name in removed:
                transaction.remove_tree(self.folder / name)
            transaction.commit()
            return removed

    # ------------------------------------------------------------- internals
    def _interrupted(self) -> list[str]:
        """Folders of backups that were never finished (no backup.json: not a backup)."""
        return [name for name in self._names() if not (self.folder / name / BACKUP_META).exists()]

    def _names(self) -> list[str]:
        try:
            return sorted(name for name in self.view.names(self.folder) if (self.folder / name).is_dir())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def _new_folder(self, now: datetime) -> tuple[str, Path]:
        base = now.astimezone(UTC).strftime(_ID_FORMAT)
        number = 1
        while True:
            backup_id = base if number == 1 else f"{base}-{number}"
            target = self.folder / backup_id
            try:
                target.mkdir(mode=0o700)
            except FileExistsError:
                number += 1
                continue
            os.chmod(target, 0o700)
            return backup_id, target

    def _info(self, folder: Path) -> BackupInfo | None:
        source = self.view.source(folder / BACKUP_META)
        try:
            documents = read_documents(source, BACKUP_TABLE) if source is not None else None
        except (Unreadable, OSError):
            return None
        if not documents:
            return None
        doc = dict(documents[0])
        try:
            if "sealed" in doc:  # a protected store's backup: its summary opens with the keys
                summary = _opened_summary(doc["sealed"], self.keys)
                doc.update(summary if summary is not None else {"pauses": None, "parts": {}})
                doc.setdefault("created_at", _time_of_id(folder.name))
            parts = {str(k): int(v) for k, v in dict(doc.get("parts") or {}).items()}
            return BackupInfo(
                id=folder.name,
                created_at=parse_instant(doc["created_at"]),
                reason=str(doc["reason"]),
                pauses=None if doc.get("pauses") is None else int(doc["pauses"]),
                parts=parts,
                schema_version=int(doc["schema_version"]),
                folder=folder,
            )
        except (KeyError, TypeError, ValueError):
            return None

    def _meta_document(self, info: BackupInfo) -> dict[str, Any]:
        """backup.json's document; a protected store's counts are sealed to its public key."""
        from couplepause.store import vault

        return _backup_document(info, vault.public_key(self.header) if self.header else None)

    def rewrite_into(
        self, transaction, old: Format, new: Format, old_keys, header: dict[str, Any] | None, plan_fmt: Format = PLAIN
    ) -> None:
        """Put every backup, in ``new``'s format, into ``transaction`` (a passphrase set,
        changed or removed): no copy of the history stays in the old one (a plan copy in
        ``plan_fmt``, as the store's). Records a backup holds sealed are sealed again to
        the new key, or filed (no protection)."""
        with self._lock:  # no backup is being made meanwhile
            for name in self._interrupted():  # copies in the old format, and no backup: they go
                transaction.remove_tree(self.folder / name)
            for info in self.list():
                self._rewrite_one(info, transaction, old, new, old_keys, header, plan_fmt)

    def _rewrite_one(self, info: BackupInfo, transaction, old: Format, new: Format, old_keys,
                     header: dict[str, Any] | None, plan_fmt: Format) -> None:
        from couplepause.store import protected, vault

        public = vault.public_key(header) if header else None
        sealed_path = info.folder / SEALED_FILE
        puts: dict[Path, dict[str, list]] = {}
        for copy in DIRECT.files_under(info.folder):
            relative = copy.relative_to(info.folder).as_posix()
            if relative in (BACKUP_META, SEALED_FILE):
                continue
            tables = read_tables(copy, format_of(copy, old))
            if tables is None:
                continue
            if relative == META_FILE:  # the copy's header is the new one, or none
                tables.pop(PROTECTION_TABLE, None)
                if header is not None:
                    tables[PROTECTION_TABLE] = [header]
            puts[copy] = tables
        if sealed_path.exists() and old_keys is not None:
            records = protected.open_sealed(sealed_path, old_keys)
            if public is None:  # no protection any more: file them into the backup's own files
                protected.file_records(records, puts, info.folder)
                transaction.remove(sealed_path)
            else:
                tokens = [{"token": vault.seal(public, json.dumps({"op": op, "record": r}).encode())}
                          for op, r in records]
                transaction.put(sealed_path, {SEALED_TABLE: tokens}, PLAIN)
        for copy, tables in puts.items():
            transaction.put(copy, tables, plan_fmt if copy.name == PLAN_FILE else format_of(copy, new))
        transaction.put(info.folder / BACKUP_META, {BACKUP_TABLE: [_backup_document(info, public)]}, PLAIN)


def to_keep(backups: Iterable[BackupInfo], now: datetime) -> set[str]:
    """The ids of the backups worth keeping at ``now`` (see the module docstring)."""
    newest_first = sorted(backups, key=lambda info: (info.created_at, info.id), reverse=True)
    keep = {info.id for info in newest_first[:ALWAYS]}
    local_now = now.astimezone()
    days: set[object] = set()
    weeks: set[object] = set()
    for info in newest_first:
        local = info.created_at.astimezone()
        age = local_now - local
        day = local.date()
        week = day.isocalendar()[:2]
        if (local_now.date() - day).days < DAILY_DAYS and day not in days:
            days.add(day)
            keep.add(info.id)
        if age < timedelta(weeks=WEEKLY_WEEKS) and week not in weeks:
            weeks.add(week)
            keep.add(info.id)
        if info.reason != DAILY and age < timedelta(days=EVENT_DAYS):
            keep.add(info.id)
    return keep


# ------------------------------------------------------------------- helpers
def _plain_name(backup_id: str) -> bool:
    return bool(backup_id) and "/" not in backup_id and "\\" not in backup_id and backup_id not in (".", "..")


def _table_of(relative: str) -> str:
    tables = {META_FILE: META_TABLE, SEALED_FILE: SEALED_TABLE, PLAN_FILE: PLAN_TABLE}
    return tables.get(relative.rsplit("/", 1)[-1], EPISODES_TABLE)


def _backup_document(info: BackupInfo, public: bytes | None) -> dict[str, Any]:
    """backup.json's document. For a protected store (``public``: its key) the time and the
    counts are sealed: the file then holds no time of the couple's, nor counts by month."""
    summary: dict[str, Any] = {"created_at": format_instant(info.created_at)}
    if info.pauses is not None:
        summary.update(pauses=info.pauses, parts=dict(sorted(info.parts.items())))
    doc: dict[str, Any] = {"reason": info.reason, "schema_version": info.schema_version}
    if public is None:
        return {**doc, **summary, "pauses": info.pauses, "parts": summary.get("parts", {})}
    from couplepause.store import vault

    return {**doc, "sealed": vault.seal(public, json.dumps(summary).encode())}


def _time_of_id(backup_id: str) -> str:
    """A backup's time from its ID (UTC, to the second), while its sealed time is locked."""
    moment = datetime.strptime(backup_id.split("-", 1)[0], _ID_FORMAT).replace(tzinfo=UTC)
    return format_instant(moment)


def _opened_summary(token: Any, keys: Any) -> dict[str, Any] | None:
    if token is None or keys is None:
        return None
    from couplepause.store import vault

    return json.loads(vault.unseal(keys, token))


def _version_of(files: dict[str, bytes]) -> int:
    """The schema version the copied files are in (meta.json says; none means this one)."""
    try:
        meta = json.loads(files[META_FILE].decode("utf-8"))
        return migrations.version_in(meta)
    except (KeyError, ValueError, TypeError, UnicodeDecodeError):
        return migrations.SCHEMA_VERSION


def _episodes_in(copy: Path, relative: str, version: int, fmt: Format) -> list[Episode]:
    documents = read_documents(copy, _table_of(relative), format_of(copy, fmt)) or []
    if part_of(relative) is None:
        return []
    return _checked_episodes(documents, relative, version, copy.parent.name)


def _checked_episodes(documents: list[Document], relative: str, version: int, backup_id: str) -> list[Episode]:
    try:
        return [Episode.from_dict(migrations.upgrade(dict(doc), version)) for doc in documents]
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise BackupDamaged("backup_record_damaged", id=backup_id, file=relative) from exc
