"""The only code that reads and writes episodes.

Layout of the store folder (the app passes ``<data_dir>/store``)::

    meta.json            table "meta": one document {"schema_version": N}
    active.json          table "episodes": episodes still in progress
    episodes/YYYY-MM.json  table "episodes": closed episodes, by UTC month of paused_at

Why split like this: the pause is saved into ``active.json``, which only holds the
few episodes in progress, so saving it costs the same after five years of use as
on the first day; and archiving an episode rewrites one month, never the whole
history. Start-up reads ``meta.json`` and ``active.json`` only (plus, when an
episode is still in progress, its own month file: see ``open``).

Every file is plain TinyDB JSON written through :class:`CrashSafeStorage`. We
talk to the storage directly instead of through TinyDB's ``Table`` API: a
``Table`` re-reads the file on every call and an upsert costs two reads and up to
two writes, while one atomic write per file is what keeps the pause fast. The
files stay ordinary TinyDB databases (the tests open them with TinyDB, and check
they are byte for byte what ``json.dumps`` writes). The last few files used are
kept parsed in memory, with each document's JSON, while the file on disk is
unchanged, so a write costs about the same in a busy month as in a quiet one.

A file that cannot be read is never overwritten or deleted: it is renamed to
``<name>.unreadable-<YYYYmmddTHHMMSS>`` ("set aside") and the store carries on
without it. Every file set aside during the life of a :class:`Repository` is
listed in :attr:`Repository.set_aside`; ``open()`` also returns the ones it set
aside in its :class:`OpenReport`, and ``load_all()`` (or any other call that
reads a month file) appends to :attr:`Repository.set_aside`.

Thread safety: every public method holds one re-entrant lock, so the background
writer and the UI thread can share one repository.

Qt-free on purpose (see ENGINEERING.md): no PySide6, not even through
``couplepause.paths``; the app resolves the folder and passes it in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from couplepause.core.episode import Episode
from couplepause.store.storage import (
    PRIVATE_FILE_MODE,
    CrashSafeStorage,
    StorageCorrupt,
    fsync_dir,
    is_temp_name,
    make_private_dirs,
    remove_stale_temp_files,
    temp_files_in,
)

Migration = Callable[[dict[str, Any]], dict[str, Any]]
_Signature = tuple[int, int, int]

SCHEMA_VERSION = 1
# {from_version: fn(record) -> record}: turns one stored episode document of
# version ``from_version`` into version ``from_version + 1``. Empty while the
# format is at version 1; the tests exercise the mechanism with a fake step.
MIGRATIONS: dict[int, Migration] = {}

META_FILE = "meta.json"
ACTIVE_FILE = "active.json"
MONTHS_DIR = "episodes"
BACKUPS_DIR = "backups"
META_TABLE = "meta"
EPISODES_TABLE = "episodes"
UNREADABLE_MARK = ".unreadable-"
# A migrated file is first written next to the original under this suffix; the
# originals are only replaced once meta.json records the new version.
STAGED_SUFFIX = ".migrating"
# Present from before the first staged file until the last one is swapped in.
MIGRATION_MARKER = "migration-in-progress"
# How many parsed files to keep in memory (the current month, active.json, a few more).
CACHED_FILES = 4
_MONTH_FILE = re.compile(r"^\d{4}-\d{2}\.json$")
_STAMP_FORMAT = "%Y%m%dT%H%M%S"


class StoreError(Exception):
    """Something went wrong with the saved data; the message is a plain sentence for a person."""


class StoreTooNew(StoreError):
    """The data was written by a newer couplepause: we never write to it nor set it aside."""


class StoreReadOnly(StoreError):
    """A write was asked of a repository opened read-only."""


class EpisodeNotFound(StoreError):
    """``update`` was given an episode that is not in the store."""


class InvalidEpisode(StoreError):
    """An episode that would not read back (e.g. repaired before it was paused): never written."""


class StoreNotOpen(StoreError):
    """A repository was used before ``open()`` succeeded."""


class _Unreadable(ValueError):
    """A file that parsed as JSON (or not) but is not what we wrote."""


@dataclass
class OpenReport:
    """What ``open()`` had to do besides reading.

    ``unreadable`` lists files that could not be read but were left in place
    because the repository is read-only (a writable one sets them aside).
    """

    set_aside: list[Path]
    migrated_from: int | None
    unreadable: list[Path] = field(default_factory=list)


@dataclass
class MergeReport:
    """Outcome of ``merge``: a conflict is an id stored with different content (kept as stored)."""

    added: int
    unchanged: int
    conflicts: list[str]


# ---------------------------------------------------------------- one file
@dataclass
class _EpisodeFile:
    """The validated content of one episodes file, ready to be changed and written back."""

    path: Path
    other_tables: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    doc_of: dict[str, str] = field(default_factory=dict)  # episode id -> doc id
    episodes: dict[str, Episode] = field(default_factory=dict)
    next_doc_id: int = 0  # 0 = not computed yet
    # doc id -> that document's JSON, so a save only serialises what changed
    fragments: dict[str, str] = field(default_factory=dict)

    def put(self, episode: Episode) -> None:
        """Insert or replace ``episode`` (by id), keeping its TinyDB doc id.

        The record is read back first: one that fails ``Episode.from_dict``
        would make the whole file unreadable (and set aside) at the next open.
        What is kept in memory is the read-back copy, i.e. what a later open sees.
        """
        try:
            stored = Episode.from_dict(episode.to_dict())
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidEpisode(
                f"This episode cannot be saved because it is not valid: {exc}."
            ) from exc
        doc_id = self.doc_of.get(stored.id) or self._next_doc_id()
        self.docs[doc_id] = stored.to_dict()
        self.fragments.pop(doc_id, None)
        self.doc_of[stored.id] = doc_id
        self.episodes[stored.id] = stored

    def remove(self, episode_id: str) -> Episode | None:
        doc_id = self.doc_of.pop(episode_id, None)
        if doc_id is None:
            return None
        del self.docs[doc_id]
        self.fragments.pop(doc_id, None)
        return self.episodes.pop(episode_id)

    def to_tinydb(self) -> dict[str, Any]:
        return {**self.other_tables, EPISODES_TABLE: self.docs}

    def to_json(self) -> str:
        """Exactly ``json.dumps(self.to_tinydb())``, reusing the JSON of unchanged documents.

        A busy month holds hundreds of episodes; serialising all of them on
        every archive would make one write cost grow with the history.
        """
        for doc_id, doc in self.docs.items():
            if doc_id not in self.fragments:
                self.fragments[doc_id] = json.dumps(doc)
        episodes = ", ".join(f"{json.dumps(k)}: {self.fragments[k]}" for k in self.docs)
        tables = [f"{json.dumps(name)}: {json.dumps(t)}" for name, t in self.other_tables.items()]
        tables.append(f"{json.dumps(EPISODES_TABLE)}: {{{episodes}}}")
        return "{" + ", ".join(tables) + "}"

    def _next_doc_id(self) -> str:
        """Like TinyDB: one more than the largest id in the table (computed once, then counted)."""
        if not self.next_doc_id:
            self.next_doc_id = max((int(key) for key in self.docs), default=0) + 1
        doc_id, self.next_doc_id = self.next_doc_id, self.next_doc_id + 1
        return str(doc_id)


def _episodes_table(raw: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Split a TinyDB document into (other tables, episodes table), checking the shape."""
    if raw is None:
        return {}, {}
    table = raw.get(EPISODES_TABLE, {})
    if not isinstance(table, dict):
        raise _Unreadable("the episodes table is not an object")
    for doc_id, doc in table.items():
        if not doc_id.isdigit() or not isinstance(doc, dict):
            raise _Unreadable(f"document {doc_id!r} is not a TinyDB document")
    others = {name: value for name, value in raw.items() if name != EPISODES_TABLE}
    return others, table


def _read_raw(path: Path) -> dict[str, Any] | None:
    return CrashSafeStorage(path, access_mode="r").read()


def _write_raw(path: Path, data: dict[str, Any]) -> None:
    CrashSafeStorage(path).write(data)


def month_key(moment: datetime) -> str:
    """The month file an episode belongs to: UTC year-month of its pause."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def _stamp() -> str:
    return datetime.now().strftime(_STAMP_FORMAT)


def _free_name(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... whichever does not exist yet."""
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def _rename_without_overwrite(source: Path, base: Path) -> Path:
    """Move ``source`` to ``base`` (or ``base-N``), never replacing an existing file.

    ``os.rename`` silently replaces its target on POSIX; a hard link fails
    instead, so it is tried first. File systems without hard links fall back to
    a checked rename.
    """
    while True:
        target = _free_name(base)
        try:
            os.link(source, target)
        except FileExistsError:
            continue
        except OSError:
            os.rename(source, target)
            return target
        os.unlink(source)
        return target


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def _create_marker(path: Path) -> None:
    """An empty private file whose existence (made durable) is the message."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    fsync_dir(path.parent)


def _signature(path: Path) -> _Signature | None:
    """What changes whenever a file is replaced or rewritten; None if it does not exist."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _recency(episode: Episode) -> tuple[datetime, datetime]:
    return (episode.paused_at, episode.repaired_at or episode.paused_at)


# -------------------------------------------------------------- repository
class Repository:
    """Episodes on disk. Construct, then call :meth:`open` before anything else."""

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        """Remember where the store lives; does no I/O (start-up stays instant)."""
        self.folder = Path(folder)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._opened = False
        self._set_aside: list[Path] = []
        self._unreadable: list[Path] = []
        self._active: dict[str, Episode] = {}
        self._active_file = _EpisodeFile(self.active_path)
        self._month_hint: dict[str, Path] = {}  # episode id -> month file seen holding it
        self._cache: OrderedDict[Path, tuple[_Signature, _EpisodeFile]] = OrderedDict()
        self._upgrade_from: int | None = None  # read-only view of an older store

    # ------------------------------------------------------------ locations
    @property
    def meta_path(self) -> Path:
        return self.folder / META_FILE

    @property
    def active_path(self) -> Path:
        return self.folder / ACTIVE_FILE

    @property
    def months_dir(self) -> Path:
        return self.folder / MONTHS_DIR

    @property
    def set_aside(self) -> list[Path]:
        """Every file this repository has set aside so far (open, load_all, writes)."""
        with self._lock:
            return list(self._set_aside)

    @property
    def unreadable(self) -> list[Path]:
        """Files a read-only repository could not read and left in place.

        (A writable repository sets such files aside instead.)
        """
        with self._lock:
            return list(self._unreadable)

    def month_path(self, episode: Episode) -> Path:
        return self.months_dir / f"{month_key(episode.paused_at)}.json"

    def month_files(self) -> list[Path]:
        """Existing month files, oldest month first (listing only, nothing is read)."""
        try:
            names = os.listdir(self.months_dir)
        except FileNotFoundError:
            return []
        return sorted(self.months_dir / name for name in names if _MONTH_FILE.match(name))

    # -------------------------------------------------------------- opening
    def open(self) -> OpenReport:
        """Get the store ready: folder, schema version, migration, in-progress episodes.

        Reads meta.json and active.json only; month files are looked at only
        for ids still in active.json (a crash inside ``archive`` leaves one in
        both places), so start-up cost does not grow with the history.
        """
        with self._lock:
            try:
                return self._open()
            except OSError as exc:
                raise StoreError(
                    f"couplepause cannot use its data folder {self.folder} "
                    f"({exc.strerror or exc}). Check that it exists and that you may write to it."
                ) from exc

    def _open(self) -> OpenReport:
        before = len(self._set_aside)
        if not self.read_only:
            make_private_dirs(self.folder)
        version = self._read_meta_version()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreTooNew(
                "This data was saved by a newer version of couplepause "
                f"(data format {version}; this version knows up to {SCHEMA_VERSION}). "
                "Please update couplepause; nothing has been changed."
            )
        staged, temp_files = self._scan_leftovers()
        migrated_from = self._settle_version(version, staged)
        self._load_active()
        self._drop_archived_from_active()
        if not self.read_only:
            remove_stale_temp_files(temp_files)  # the single-instance lock makes them ours
        self._opened = True
        return OpenReport(
            set_aside=self._set_aside[before:],
            migrated_from=migrated_from,
            unreadable=list(self._unreadable),
        )

    def _read_meta_version(self) -> int | None:
        """The stored schema version, or None for a new store (or an unreadable meta.json)."""
        try:
            raw = _read_raw(self.meta_path)
            return None if raw is None else _meta_version(raw)
        except (StorageCorrupt, _Unreadable):
            self._handle_unreadable(self.meta_path)
            return None

    def _scan_leftovers(self) -> tuple[list[Path], list[Path]]:
        """Staged migration files and crashed-write temp files.

        Only the top folder is listed, so start-up does not grow with the
        history; the month folder is listed only when the marker says a
        migration was interrupted. (Temp files among the months are cleaned
        up by ``load_all``.)
        """
        names = _listdir(self.folder)
        temp_files = [self.folder / name for name in names if is_temp_name(name)]
        staged = [self.folder / name for name in names if name.endswith(STAGED_SUFFIX)]
        if MIGRATION_MARKER in names:
            staged += [
                self.months_dir / name
                for name in _listdir(self.months_dir)
                if name.endswith(STAGED_SUFFIX)
            ]
        return staged, temp_files

    def _settle_version(self, version: int | None, staged: list[Path]) -> int | None:
        """Write meta for a new store, or finish or run a migration.

        Returns the version migrated from, if a migration ran.
        """
        if self.read_only:
            if version is not None and version < SCHEMA_VERSION:
                self._migration_steps(version)  # fail now if we cannot read it
                self._upgrade_from = version  # records are upgraded in memory only
            return None
        if version == SCHEMA_VERSION and (self.folder / MIGRATION_MARKER).exists():
            self._commit_staged(staged)  # a migration committed, then crashed
        if version is None:
            self._write_meta(SCHEMA_VERSION)
            return None
        if version < SCHEMA_VERSION:
            for leftover in staged:  # an earlier attempt never committed
                leftover.unlink()
            self._migrate(version)
            return version
        return None

    def _write_meta(self, version: int) -> None:
        _write_raw(self.meta_path, {META_TABLE: {"1": {"schema_version": version}}})

    # ------------------------------------------------------------ migration
    def _migrate(self, old: int) -> None:
        """Back up, stage every migrated file, commit by writing meta, then swap files in.

        A crash before meta.json is written leaves the originals untouched (the
        staged files are dropped at the next open); a crash after it is
        finished at the next open by ``_commit_staged``.
        """
        steps = self._migration_steps(old)
        backup = self._backup_before_migration(old)
        _create_marker(self.folder / MIGRATION_MARKER)
        staged: list[Path] = []
        try:
            for path in [*self.month_files(), self.active_path]:
                staged_path = self._stage_migrated(path, steps)
                if staged_path is not None:
                    staged.append(staged_path)
        except Exception as exc:
            for path in staged:
                path.unlink()
            (self.folder / MIGRATION_MARKER).unlink()
            raise StoreError(
                "The saved data could not be updated to the new format, so nothing was changed. "
                f"A copy of it is in {backup}."
            ) from exc
        self._write_meta(SCHEMA_VERSION)
        self._commit_staged(staged)

    @staticmethod
    def _migration_steps(old: int) -> list[Migration]:
        missing = [v for v in range(old, SCHEMA_VERSION) if v not in MIGRATIONS]
        if missing:
            raise StoreError(
                f"This version of couplepause cannot update data from format {old}; "
                "nothing has been changed."
            )
        return [MIGRATIONS[v] for v in range(old, SCHEMA_VERSION)]

    def _backup_before_migration(self, old: int) -> Path:
        """Copy the store folder to ``../backups/pre-migration-v<old>-<stamp>``, fsync'ed."""
        backups = self.folder.parent / BACKUPS_DIR
        make_private_dirs(backups)
        target = _free_name(backups / f"pre-migration-v{old}-{_stamp()}")
        shutil.copytree(self.folder, target)
        _fsync_tree(target)
        fsync_dir(backups)
        return target

    def _stage_migrated(self, path: Path, steps: list[Migration]) -> Path | None:
        """Write the migrated copy of ``path`` next to it; None if there is nothing to migrate.

        A file that cannot be read is left as it is: it will be set aside when
        it is next read, exactly as at any other time.
        """
        try:
            raw = _read_raw(path)
            others, table = _episodes_table(raw)
        except (StorageCorrupt, _Unreadable):
            return None
        if raw is None:
            return None
        migrated = {doc_id: _apply(steps, doc) for doc_id, doc in table.items()}
        staged = path.with_name(path.name + STAGED_SUFFIX)
        _write_raw(staged, {**others, EPISODES_TABLE: migrated})
        return staged

    def _commit_staged(self, staged: Iterable[Path]) -> None:
        """Swap staged files in (months first, so the marker outlives any staged month), then
        drop the marker."""
        for path in sorted(staged, key=lambda p: (p.parent == self.folder, p)):
            os.replace(path, path.with_name(path.name[: -len(STAGED_SUFFIX)]))
        if self.months_dir.is_dir():
            fsync_dir(self.months_dir)
        (self.folder / MIGRATION_MARKER).unlink(missing_ok=True)
        fsync_dir(self.folder)

    # --------------------------------------------------------- reading files
    def _load_file(self, path: Path) -> _EpisodeFile:
        """Read and validate one episodes file; an unreadable one is set aside, reads as empty.

        Returns a copy the caller may change. The few files used last are kept
        parsed in memory while their stat signature (inode, mtime, size) does
        not change, so archiving into the current month does not re-read and
        re-validate that month each time (a file we did not write is re-read).
        """
        cached = self._cached(path)
        if cached is not None:
            return cached
        signature = _signature(path)
        try:
            loaded = self._parse_file(path)
        except (StorageCorrupt, _Unreadable):
            self._cache.pop(path, None)
            self._handle_unreadable(path)
            return _EpisodeFile(path)
        if signature is not None:
            self._remember(signature, loaded)
        return loaded

    def _cached(self, path: Path) -> _EpisodeFile | None:
        entry = self._cache.get(path)
        if entry is None or entry[0] != _signature(path):
            return None
        self._cache.move_to_end(path)
        return _copy_file(entry[1])

    def _remember(self, signature: _Signature, loaded: _EpisodeFile) -> None:
        self._cache[loaded.path] = (signature, _copy_file(loaded))
        self._cache.move_to_end(loaded.path)
        while len(self._cache) > CACHED_FILES:
            self._cache.popitem(last=False)

    def _parse_file(self, path: Path) -> _EpisodeFile:
        others, table = _episodes_table(_read_raw(path))
        loaded = _EpisodeFile(path, other_tables=others)
        for doc_id, doc in table.items():
            episode = _episode_from(self._upgraded(doc))
            loaded.docs[doc_id] = doc
            loaded.doc_of[episode.id] = doc_id
            loaded.episodes[episode.id] = episode
        return loaded

    def _upgraded(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Apply migrations in memory when a read-only repository looks at an older store."""
        if self._upgrade_from is None:
            return doc
        return _apply(self._migration_steps(self._upgrade_from), doc)

    def _handle_unreadable(self, path: Path) -> None:
        """Set ``path`` aside (never overwrite or delete it); read-only: just note it."""
        if self.read_only:
            if path not in self._unreadable:
                self._unreadable.append(path)
            return
        moved = _rename_without_overwrite(
            path, path.with_name(f"{path.name}{UNREADABLE_MARK}{_stamp()}")
        )
        fsync_dir(path.parent)
        self._set_aside.append(moved)

    def _month_ids(self, path: Path) -> set[str]:
        """Ids in a month file, from a quick read without validation (for searching)."""
        cached = self._cached(path)
        if cached is not None:
            return set(cached.episodes)
        try:
            _, table = _episodes_table(_read_raw(path))
        except (StorageCorrupt, _Unreadable):
            return set()
        return {str(doc.get("id", "")).lower() for doc in table.values()}

    def _load_active(self) -> None:
        self._active_file = self._load_file(self.active_path)
        self._active = dict(self._active_file.episodes)

    def _drop_archived_from_active(self) -> None:
        """An id in active.json and in its month file: the month copy wins.

        That happens when a crash hits ``archive`` between its two writes.
        """
        by_month: dict[Path, list[str]] = {}
        for episode in self._active.values():
            by_month.setdefault(self.month_path(episode), []).append(episode.id)
        archived = []
        for path, ids in by_month.items():
            in_month = self._month_ids(path) if path.exists() else set()
            archived += [episode_id for episode_id in ids if episode_id in in_month]
        if not archived:
            return
        if self.read_only:
            for episode_id in archived:
                self._active.pop(episode_id)
            return
        self._write_active_without(archived)

    # --------------------------------------------------------- writing files
    def _require_open(self) -> None:
        if not self._opened:
            raise StoreNotOpen("The saved data could not be opened, so it cannot be read.")

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreReadOnly("This data is open read-only, so nothing can be saved.")
        self._require_open()

    def _save_file(self, loaded: _EpisodeFile) -> None:
        make_private_dirs(loaded.path.parent)
        CrashSafeStorage(loaded.path).write_text(loaded.to_json())
        signature = _signature(loaded.path)
        if signature is not None:
            self._remember(signature, loaded)

    def _write_active_with(self, episode: Episode) -> None:
        updated = _copy_file(self._active_file)
        updated.put(episode)
        self._save_file(updated)
        self._active_file, self._active = updated, dict(updated.episodes)

    def _write_active_without(self, episode_ids: Iterable[str]) -> list[Episode]:
        updated = _copy_file(self._active_file)
        removed = [e for e in (updated.remove(i) for i in episode_ids) if e is not None]
        if removed:
            self._save_file(updated)
            self._active_file, self._active = updated, dict(updated.episodes)
        return removed

    def _find_month(self, episode_id: str) -> Path | None:
        """The month file holding ``episode_id``: the one last seen, else newest month first."""
        hint = self._month_hint.get(episode_id)
        if hint is not None and episode_id in self._month_ids(hint):
            return hint
        for path in reversed(self.month_files()):
            if episode_id in self._month_ids(path):
                self._month_hint[episode_id] = path
                return path
        return None

    def _put_in_month(self, episode: Episode) -> None:
        loaded = self._load_file(self.month_path(episode))
        loaded.put(episode)
        self._save_file(loaded)
        self._month_hint[episode.id] = loaded.path

    def _remove_from_month(self, path: Path, episode_id: str) -> Episode | None:
        loaded = self._load_file(path)
        removed = loaded.remove(episode_id)
        if removed is not None:
            self._save_file(loaded)
        self._month_hint.pop(episode_id, None)
        return removed

    # ------------------------------------------------------------ public API
    def active(self) -> list[Episode]:
        """Episodes in progress (open, on a break, or repaired but not closed), oldest first."""
        with self._lock:
            self._require_open()
            return sorted(self._active.values(), key=lambda e: (e.paused_at, e.id))

    def save_active(self, episode: Episode) -> None:
        """Insert or replace (by id) an in-progress episode: one small atomic write."""
        with self._lock:
            self._require_writable()
            self._write_active_with(episode)

    def archive(self, episode: Episode) -> None:
        """Move an episode into its month file.

        The month file is written first and active.json second, so a crash in
        between leaves the episode in both places (open() then drops the active
        copy), never in neither.
        """
        with self._lock:
            self._require_writable()
            self._put_in_month(episode)
            self._write_active_without([episode.id])

    def latest_repaired(self, limit_files: int = 24) -> Episode | None:
        """The repaired episode paused most recently, reading at most ``limit_files`` months.

        "Latest" is by ``paused_at`` (then ``repaired_at``) so that reading month
        files newest first can stop at the first month that has one.
        """
        with self._lock:
            self._require_open()
            best = max(
                (e for e in self._active.values() if e.is_repaired), key=_recency, default=None
            )
            for path in list(reversed(self.month_files()))[:limit_files]:
                if best is not None and path.stem < month_key(best.paused_at):
                    break
                repaired = [e for e in self._load_file(path).episodes.values() if e.is_repaired]
                if repaired:
                    best = max([*repaired, *([best] if best else [])], key=_recency)
                    break
            return best

    def load_all(self) -> list[Episode]:
        """Every episode (months and active), sorted by paused_at.

        Reads the whole history: run it off the UI thread. Unreadable month
        files are set aside and listed in :attr:`set_aside`.
        """
        with self._lock:
            self._require_open()
            found = self._load_history()
            for episode in self._active.values():
                found.setdefault(episode.id, episode)
            return sorted(found.values(), key=lambda e: (e.paused_at, e.id))

    def load_recent(self, months: int) -> list[Episode]:
        """Episodes of the last ``months`` month files (by UTC month) and the
        active ones, sorted by paused_at: enough to show a recent stretch
        quickly while the whole history loads afterwards."""
        with self._lock:
            self._require_open()
            files = self.month_files()[-months:] if months > 0 else []
            found: dict[str, Episode] = {}
            for path in files:
                found.update(self._load_file(path).episodes)
            for episode in self._active.values():
                found.setdefault(episode.id, episode)
            return sorted(found.values(), key=lambda e: (e.paused_at, e.id))

    def _load_history(self) -> dict[str, Episode]:
        """Episodes of all month files by id; a duplicate keeps the copy filed in its own month."""
        if not self.read_only:
            remove_stale_temp_files(temp_files_in(self.months_dir))
        found: dict[str, Episode] = {}
        where: dict[str, Path] = {}
        for path in self.month_files():
            for episode_id, episode in self._load_file(path).episodes.items():
                previous = where.get(episode_id)
                misfiled = previous is not None and previous != self.month_path(found[episode_id])
                if previous is None or (misfiled and path == self.month_path(episode)):
                    found[episode_id], where[episode_id] = episode, path
        self._month_hint.update(where)
        return found

    def get(self, episode_id: str) -> Episode | None:
        """One episode by id, or None."""
        with self._lock:
            self._require_open()
            episode_id = episode_id.lower()
            if episode_id in self._active:
                return self._active[episode_id]
            path = self._find_month(episode_id)
            return None if path is None else self._load_file(path).episodes.get(episode_id)

    def update(self, episode: Episode) -> None:
        """Replace an existing episode wherever it lives (moving it if its month changed)."""
        with self._lock:
            self._require_writable()
            if episode.id in self._active:
                self._write_active_with(episode)
                return
            current = self._find_month(episode.id)
            if current is None:
                raise EpisodeNotFound("That episode is no longer in the saved data.")
            self._put_in_month(episode)
            if current != self.month_path(episode):
                self._remove_from_month(current, episode.id)
                self._month_hint[episode.id] = self.month_path(episode)

    def delete(self, episode_id: str) -> Episode | None:
        """Remove an episode everywhere it is stored; returns it, or None if it was not there."""
        with self._lock:
            self._require_writable()
            episode_id = episode_id.lower()
            removed = self._write_active_without([episode_id])
            for path in self.month_files():
                if episode_id in self._month_ids(path):
                    gone = self._remove_from_month(path, episode_id)
                    removed += [gone] if gone is not None else []
            return removed[0] if removed else None

    def merge(self, episodes: list[Episode]) -> MergeReport:
        """Add imported episodes; each month file touched is written once.

        Identical records (``to_dict()`` equal) count as unchanged; an id already
        stored with other content is kept as stored and reported as a conflict.
        Merging the same list twice adds nothing the second time.
        """
        with self._lock:
            self._require_writable()
            known = self._load_history()
            for episode in self._active.values():
                known.setdefault(episode.id, episode)
            report = MergeReport(added=0, unchanged=0, conflicts=[])
            new_by_month: dict[Path, list[Episode]] = {}
            for episode in episodes:
                stored = known.get(episode.id)
                if stored is None:
                    known[episode.id] = episode
                    new_by_month.setdefault(self.month_path(episode), []).append(episode)
                    report.added += 1
                elif stored.to_dict() == episode.to_dict():
                    report.unchanged += 1
                elif episode.id not in report.conflicts:
                    report.conflicts.append(episode.id)
            for path, additions in sorted(new_by_month.items()):
                loaded = self._load_file(path)
                for episode in additions:
                    loaded.put(episode)
                    self._month_hint[episode.id] = path
                self._save_file(loaded)
            return report

    def count(self) -> int:
        """How many episodes are stored (a quick count: files are read but not validated)."""
        with self._lock:
            self._require_open()
            ids = set(self._active)
            for path in self.month_files():
                ids |= self._month_ids(path)
            return len(ids)

    def files(self) -> list[Path]:
        """Every file under the store folder, set-aside ones included (for byte-for-byte checks)."""
        if not self.folder.is_dir():
            return []
        return sorted(path for path in self.folder.rglob("*") if path.is_file())


# ----------------------------------------------------------------- helpers
def _meta_version(raw: dict[str, Any]) -> int:
    """The schema_version in a meta.json document, checking it is what we write.

    A version newer than ours is believed whatever else the file holds: a newer
    app may shape meta.json differently, and its data must not be set aside.
    """
    table = raw.get(META_TABLE)
    docs = list(table.values()) if isinstance(table, dict) else []
    versions: list[int] = [
        int(doc["schema_version"])
        for doc in docs
        if isinstance(doc, dict) and _is_version(doc.get("schema_version"))
    ]
    if any(version > SCHEMA_VERSION for version in versions):
        return max(versions)
    if len(docs) != 1 or len(versions) != 1:
        raise _Unreadable("meta.json must hold exactly one document with a schema_version")
    return versions[0]


def _episode_from(doc: dict[str, Any]) -> Episode:
    """Episode.from_dict for data read from disk: any failure means an unreadable record.

    Stored data is untrusted (edited by hand, damaged, written by a buggy
    version); a shape ``from_dict`` does not expect may raise TypeError or
    AttributeError rather than EpisodeError, and must not stop the app.
    """
    try:
        return Episode.from_dict(doc)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise _Unreadable(f"an episode could not be read: {exc}") from exc


def _is_version(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _apply(steps: list[Migration], doc: dict[str, Any]) -> dict[str, Any]:
    for step in steps:
        doc = step(dict(doc))
    return doc


def _copy_file(loaded: _EpisodeFile) -> _EpisodeFile:
    """A shallow copy to change, so the cached one stays right if the write fails."""
    return _EpisodeFile(
        loaded.path,
        other_tables=dict(loaded.other_tables),
        docs=dict(loaded.docs),
        doc_of=dict(loaded.doc_of),
        episodes=dict(loaded.episodes),
        next_doc_id=loaded.next_doc_id,
        fragments=dict(loaded.fragments),
    )


def _fsync_tree(root: Path) -> None:
    """Make a freshly copied folder durable: every file, then every folder."""
    for folder, _dirs, names in os.walk(root):
        for name in names:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))
