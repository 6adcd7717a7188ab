"""Rotating backups of the store: make, list, read back, rotate.

A backup is a folder ``<data folder>/backups/<ID>/`` holding copies of the store's
files (the same relative names, meta.json and its manifest included) and
``backup.json``: a TinyDB database whose table ``backup`` describes it (when, why,
how many pauses, which months). It is made in a hidden folder (``.making-<ID>``),
read back whole, and only then given its ID's name: a folder named by an ID is a
whole backup, and one whose backup.json was later damaged is described from its
copies. A hidden folder left by a crash is removed (``clean_up``). A rotation removes its
backups in one journaled step (all of them or none, even under ``kill -9``). Every file is
written crash-safely and is private (0600, folders 0700).

Which backups are kept (:func:`to_keep`): the newest of each of the last
``DAILY`` days, the newest of each of the last ``WEEKLY`` weeks, every backup made
before an import, a restore or a migration during the last ``EVENT_DAYS`` days,
and always the newest ``ALWAYS`` ones.

Qt-free.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import threading
from collections.abc import Iterable, Set
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from couplepause.common import platform_support
from couplepause.common.folders import make_private_dirs
from couplepause.store import meta, migrations, vault
from couplepause.store.atomic import atomic_write, fsync_dir
from couplepause.store.backup_folder import (  # noqa: F401 - BackupContent, part_of and the reasons are this module's API too
    BACKUP_META,
    BACKUP_TABLE,
    BEFORE_IMPORT,
    BEFORE_MIGRATION,
    BEFORE_RESTORE,
    DAILY,
    ID_FORMAT,
    REASONS,
    BackupContent,
    BackupDamaged,
    BackupError,
    BackupInfo,
    BackupNotFound,
    Reading,
    absent,
    backup_document,
    episodes_in,
    part_of,
)
from couplepause.store.envelope import generation_of
from couplepause.store.files import (
    META_FILE,
    PLAIN,
    PLAN_FILE,
    SEALED_FILE,
    SEALED_TABLE,
    Format,
    Sealed,
    Unreadable,
    format_of,
    read_tables,
    write_tables,
)
from couplepause.store.meta import FIRST_CHECKED_VERSION
from couplepause.store.protection import Protection, file_records, open_sealed
from couplepause.store.space import room_for_backup
from couplepause.store.vault import Keys
from couplepause.store.view import DIRECT, View

MAKING_PREFIX = ".making-"  # a backup's folder until it is complete
DAILY_DAYS = 7
WEEKLY_WEEKS = 4
EVENT_DAYS = 28
ALWAYS = 3


class Backups:
    """The backups folder. Thread-safe; only one process uses a data folder at a time."""

    def __init__(self, folder: Path, protection: Protection | None = None) -> None:
        """``protection``: the store's (how its files read now, and its keys while it is
        unlocked); without one (a listing from the command line) the backups read as plain."""
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._protection = protection
        self.view: View = DIRECT  # a read-only look through a committed change: opening.py

    @property
    def fmt(self) -> Format:
        return self._protection.fmt if self._protection is not None else PLAIN

    @property
    def keys(self) -> Keys | None:
        return self._protection.keys if self._protection is not None else None

    @property
    def header(self) -> dict[str, Any] | None:
        return self._protection.header if self._protection is not None else None

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
    def make(
        self, files: dict[str, bytes], reason: str, now: datetime, version: int | None = None
    ) -> tuple[BackupInfo, builtins.list[str]]:
        """Write a backup of the store files ``files`` (relative name -> bytes).

        Each copy is read back with TinyDB and its episodes checked; a copy that
        does not read back is left out (and its part out of the backup's manifest).
        Once written, the backup is read back whole (:meth:`read`); one that does not
        read back is removed and BackupDamaged raised. It is made only where the disk
        keeps room for the pauses after it (BackupNoRoom otherwise, before anything is
        written). Returns the backup and the relative names left out, so the store can
        set the originals aside. ``version``: the schema version of the files (default:
        as their meta.json says).
        """
        if reason not in REASONS:
            raise ValueError(f"unknown backup reason {reason!r}")
        with self._lock:
            room_for_backup(self.folder, files)
            make_private_dirs(self.folder)
            backup_id, making = self._new_folder(now)
            try:
                info, left_out = self._fill(making, backup_id, files, reason, now, version)
                if info.pauses is not None:
                    self._reading().read(info)  # verified as a restore would read it
                target = self.folder / backup_id
                platform_support.rename(making, target)  # complete, or not there at all
            except BaseException:
                shutil.rmtree(making, ignore_errors=True)
                raise
            fsync_dir(self.folder)
            return replace(info, folder=target), left_out

    def _fill(
        self, target: Path, backup_id: str, files: dict[str, bytes], reason: str, now: datetime, version: int | None
    ) -> tuple[BackupInfo, builtins.list[str]]:
        version = version or _version_of(files)
        fmt = self.fmt.reading_legacy(version < FIRST_CHECKED_VERSION)
        parts: dict[str, int] = {}
        left_out: builtins.list[str] = []
        readable = self.header is None or self.keys is not None
        for relative, data in sorted(files.items()):
            copy = target / relative
            make_private_dirs(copy.parent)
            atomic_write(copy, data)
            if not readable:
                continue  # locked: the copy is made, its pauses are counted once unlocked
            try:
                episodes = episodes_in(copy, relative, version, fmt)
            except (Unreadable, BackupDamaged):
                if copy.read_bytes() != data:  # the original was fine: this copy did not come out whole
                    raise BackupDamaged("backup_not_verified", file=relative) from None
                copy.unlink()  # the original itself is damaged: left out (and set aside by the store)
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
            absent=absent(target),
        )
        write_tables(target / BACKUP_META, {BACKUP_TABLE: [self._meta_document(info)]})
        return info, left_out

    # ---------------------------------------------------------------- reading
    def read(self, backup_id: str) -> BackupContent:
        """Every file of a backup, checked; raises BackupDamaged if anything is off."""
        return self._reading().read(self.get(backup_id))

    def _reading(self) -> Reading:
        return Reading(self.fmt, self.keys, self.header, self.view)

    def _info(self, folder: Path) -> BackupInfo | None:
        return self._reading().info(folder)

    # --------------------------------------------------------------- rotating
    def rotate(self, now: datetime, holding: Iterable[str] = ()) -> builtins.list[str]:
        """Remove backups that :func:`to_keep` does not keep, all in one journaled step (a
        crash removes all of them or none), and what an interrupted one left (a folder that
        reads as no backup at all is kept: it may hold pauses). The newest backup that holds
        each part in ``holding`` (parts the store has lost) is always kept."""
        from couplepause.store.journal import Transaction

        with self._lock:
            backups = self.list()
            keep = to_keep(backups, now)
            for part in holding:
                newest = next((info for info in backups if info.has(part) or (part == "all" and info.pauses)), None)
                if newest is not None:
                    keep.add(newest.id)
            removed = [info.id for info in backups if info.id not in keep]
            transaction = Transaction(self.folder.parent)  # the data folder: the journal the store recovers
            for name in removed:
                transaction.remove_tree(self.folder / name)
            transaction.commit()
            return removed + self._clean_up()

    # ------------------------------------------------------------- internals
    def _names(self) -> builtins.list[str]:
        """The backups' folders (a backup being made, or cut short, is a hidden one)."""
        try:
            return sorted(
                name for name in self.view.names(self.folder)
                if not name.startswith(".") and (self.folder / name).is_dir()
            )
        except (FileNotFoundError, NotADirectoryError):
            return []

    def clean_up(self) -> builtins.list[str]:
        """Remove what a backup cut short left behind (its hidden folder); returns their names.
        Not while a backup is being made (by the keeper's thread, while the store reopens
        after an import): its hidden folder is no leftover."""
        if not self._lock.acquire(blocking=False):
            return []
        try:
            return self._clean_up()
        finally:
            self._lock.release()

    def _clean_up(self) -> builtins.list[str]:
        try:
            names = [name for name in os.listdir(self.folder) if name.startswith(MAKING_PREFIX)]
        except (FileNotFoundError, NotADirectoryError):
            return []
        for name in names:
            shutil.rmtree(self.folder / name, ignore_errors=True)
        if names:
            fsync_dir(self.folder)
        return names

    def _new_folder(self, now: datetime) -> tuple[str, Path]:
        """A free backup ID and the hidden folder the backup is made in (renamed to the ID
        once it is complete, so a folder named by an ID is always a whole backup)."""
        base = now.astimezone(UTC).strftime(ID_FORMAT)
        number = 1
        while True:
            backup_id = base if number == 1 else f"{base}-{number}"
            number += 1
            if (self.folder / backup_id).exists():
                continue
            making = self.folder / f"{MAKING_PREFIX}{backup_id}"
            try:
                making.mkdir(mode=0o700)
            except FileExistsError:
                continue
            os.chmod(making, 0o700)
            return backup_id, making

    def _meta_document(self, info: BackupInfo) -> dict[str, Any]:
        """backup.json's document; a protected store's counts are sealed to its public key."""
        return backup_document(info, vault.public_key(self.header) if self.header else None)

    def rewrite_into(
        self,
        transaction,
        old: Format,
        new: Format,
        old_keys,
        header: dict[str, Any] | None,
        plan_fmt: Format = PLAIN,
        new_keys=None,
    ) -> None:
        """Put every backup, in ``new``'s format, into ``transaction`` (a passphrase set,
        changed or removed): no copy of the history stays in the old one (a plan copy in
        ``plan_fmt``, as the store's). Records a backup holds sealed are sealed again to
        the new key, or filed (no protection). Each copy keeps its generation, and the
        backup's meta.json gets the new header, signed with ``new_keys``."""
        public = vault.public_key(header) if header else None
        for info in self.list():
            sealed_path = info.folder / SEALED_FILE
            gone: set[str] = set()
            legacy = info.schema_version < FIRST_CHECKED_VERSION
            reading = old.reading_legacy(legacy)
            puts: dict[Path, dict[str, list]] = {}
            for copy in DIRECT.files_under(info.folder):  # what a crash left half-written is no copy
                relative = copy.relative_to(info.folder).as_posix()
                if relative in (BACKUP_META, SEALED_FILE, META_FILE):
                    continue
                try:
                    tables = read_tables(copy, format_of(copy, reading))
                except (Unreadable, Sealed) as exc:  # never left behind in the old format unsaid
                    raise BackupDamaged("backup_damaged", id=info.id, file=relative) from exc
                if tables is not None:
                    puts[copy] = tables
            if sealed_path.exists() and old_keys is not None:
                try:
                    records = open_sealed(sealed_path, old_keys)
                except Unreadable as exc:
                    raise BackupDamaged("backup_damaged", id=info.id, file=SEALED_FILE) from exc
                if public is None:  # no protection any more: file them into the backup's own files
                    file_records(records, puts, info.folder)
                    transaction.remove(sealed_path)
                    gone.add(meta.SEALED)
                else:
                    tokens = [{"token": vault.seal(public, json.dumps({"op": op, "record": r}).encode())}
                              for op, r in records]
                    transaction.put(sealed_path, {SEALED_TABLE: tokens}, PLAIN)
            for copy, tables in puts.items():
                fmt = plan_fmt if copy.name == PLAN_FILE else format_of(copy, new)
                transaction.put(copy, tables, fmt, gen=max(generation_of(copy), 1))
            self._reheader(transaction, info, header, new_keys, gone)
            transaction.put(info.folder / BACKUP_META, {BACKUP_TABLE: [backup_document(info, public)]}, PLAIN)

    def reheader_into(self, transaction, header: dict[str, Any], keys) -> None:
        """Every backup's meta.json with ``header`` (the same keys, a new wrapping), signed."""
        for info in self.list():
            self._reheader(transaction, info, header, keys)

    def _reheader(
        self, transaction, info: BackupInfo, header: dict[str, Any] | None, keys, gone: Set[str] = frozenset()
    ) -> None:
        path = info.folder / META_FILE
        try:
            found = meta.read(path)
        except (OSError, ValueError):
            return  # a damaged copy is not made better by a new header; the backup reads as damaged
        if found is None:
            return
        signed = replace(found.with_parts({}, gone), header=header).signed(keys)
        transaction.put(path, signed.tables(), PLAIN, gen=generation_of(path) + 1)


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


def _version_of(files: dict[str, bytes]) -> int:
    """The schema version the copied files are in (meta.json says; none means this one)."""
    try:
        meta = json.loads(files[META_FILE].decode("utf-8"))
        return migrations.version_in(meta)
    except (KeyError, ValueError, TypeError, UnicodeDecodeError):
        return migrations.SCHEMA_VERSION


