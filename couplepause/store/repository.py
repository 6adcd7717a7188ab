"""The only public API that reads and writes episodes.

The store folder holds TinyDB databases (``files.py``; the map is in
docs/ARCHITECTURE.md): ``active.json`` for the few pauses still in progress, so that
saving a pause costs the same after years as on the first day, and one file per UTC
month of closed pauses, so that archiving rewrites one month, never the history.
Opening reads ``meta.json`` and ``active.json`` only. Writes of one file are atomic;
writes that span files are ordered so that a crash leaves a duplicate and never a gap
(``archive``: the month, ``active.json``, the manifest), or go through a journaled
transaction (``manifest.Manifest.commit``), whole or not at all. A damaged or missing
file is told (``missing()``, ``on_loss``), never dropped without a word.

Thread safety: one re-entrant lock guards every write; reads parse files without it
(``_read_view``), so reading never holds up a pause; the month hint a read notes has a
lock of its own (``reading.MonthHints``). Qt-free: the app passes the folders in, with a
``guard`` called before every write (the data folder is there and this process holds its
lock; it raises ``StoreUnavailable`` otherwise).

It builds its collaborators and hands them to one another; none knows the repository
(Layout, EpisodeFiles, Protection, Manifest, Backups, PlanFile, Opening; protected.py,
snapshots.py, reading.py are functions over them; recovery.py uses its ``Store`` Protocol).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from couplepause.core.episode import Episode
from couplepause.core.plan import Plan
from couplepause.store import files, journal, meta, protected, reading, recovery, snapshots, vault
from couplepause.store.atomic import remove_stale_temp_files, temp_files_in
from couplepause.store.backups import BackupInfo, Backups
from couplepause.store.envelope import part_of
from couplepause.store.errors import EpisodeNotFound, InvalidEpisode, StoreError, StoreReadOnly, reason_of
from couplepause.store.errors import StoreTooNew as StoreTooNew  # part of this API: imported from here
from couplepause.store.files import MissingPart
from couplepause.store.layout import BACKUPS_DIR, Layout, month_key  # noqa: F401 - month_key: imported from here too
from couplepause.store.manifest import Manifest
from couplepause.store.meta import Meta
from couplepause.store.migrations import SCHEMA_VERSION, upgrade
from couplepause.store.opening import Opening
from couplepause.store.plan_file import PlanFile
from couplepause.store.protection import ACTIVE, ARCHIVE, Protection
from couplepause.store.recovery import MergeReport
from couplepause.store.vault import Locked


@dataclass
class OpenReport:
    """What ``open()`` had to do besides reading.

    ``unreadable`` lists files that could not be read but were left in place
    because the repository is read-only (a writable one sets them aside).
    """

    set_aside: list[Path]
    migrated_from: int | None
    unreadable: list[Path] = field(default_factory=list)


class Repository:
    """Episodes on disk. Construct, then call :meth:`open`."""

    def __init__(
        self,
        folder: Path,
        *,
        read_only: bool = False,
        backups_dir: Path | None = None,
        guard: Callable[[], None] | None = None,
        on_loss: Callable[[MissingPart], None] | None = None,
    ) -> None:
        """Remember where the store lives; does no I/O (start-up stays instant)."""
        self.folder = Path(folder)
        self.layout = Layout(self.folder)
        self.read_only = read_only
        self._guard = guard
        self.lock = threading.RLock()  # hold it to make several calls one step
        self.protection = Protection(self.folder)
        self.backups = Backups(backups_dir or self.layout.root / BACKUPS_DIR, self.protection)
        self.episode_files = files.EpisodeFiles(self.folder, read_only=read_only, lock=self.lock, upgrade=upgrade,
                                                on_loss=on_loss)
        self.manifest = Manifest(self.folder, self.lock, self.protection, self.episode_files)
        self._plan = PlanFile(self.layout, self.episode_files, self.protection, self.manifest)
        self._opening = Opening(self.layout, self.episode_files, self.protection, self.manifest, self.backups)
        self._opened = False
        self._active: dict[str, Episode] = {}
        self._month_hint = reading.MonthHints()

    @property
    def schema_version(self) -> int:
        return self.meta.schema_version

    # ------------------------------------------------------------ locations
    @property
    def active_path(self) -> Path:
        return self.layout.active_path

    def month_path(self, episode: Episode) -> Path:
        return self.layout.month_path(episode.paused_at)

    def month_files(self) -> list[Path]:
        """Existing month files, oldest month first (a listing only)."""
        return self.episode_files.months()

    @property
    def set_aside(self) -> list[Path]:
        """Every file this repository has set aside so far."""
        with self.lock:
            return list(self.episode_files.set_aside)

    @property
    def unreadable(self) -> list[Path]:
        """Files a read-only repository could not read and left in place."""
        with self.lock:
            return list(self.episode_files.unreadable)

    def missing(self) -> list[MissingPart]:
        """Pauses that could not be read, or whose file is gone, and have not come back
        from a backup (nor been let go by the couple: :meth:`accept_loss`)."""
        return self.manifest.missing()

    def accept_loss(self, parts: Iterable[MissingPart], now: datetime | None = None) -> None:
        """The couple go on without these parts: the loss is recorded in meta.json, a
        set-aside file is kept (marked accepted), and none of them is told or refused again."""
        with self.lock:
            self.ensure_writable()
            self.require_unlocked()
            self.manifest.accept(parts, now)

    @property
    def meta(self) -> Meta:
        """meta.json as last read or written (meta.py)."""
        return self.manifest.meta

    # -------------------------------------------------------------- opening
    def open(self) -> OpenReport:
        """Get the store ready: folder, journal, schema version, in-progress episodes.

        Raises StoreTooNew for data of a newer version, StoreError (with the
        real cause) when the folder cannot be used; a writable repository that
        could not open tries again at its next use."""
        with self.lock:
            before = len(self.episode_files.set_aside)
            try:
                opened = self._opening.read_only if self.read_only else self._opening.writable
                migrated_from = opened()
                self.load_active()
            except StoreError:
                raise
            except OSError as exc:
                raise StoreError("cannot_use_folder", folder=self.folder, reason=reason_of(exc)) from exc
            self._opened = True
            return OpenReport(self.episode_files.set_aside[before:], migrated_from, list(self.episode_files.unreadable))

    def load_active(self) -> None:
        self.episode_files.fmt = self.protection.fmt
        if self.protection.locked:
            self._active = {}
            return
        self._active = {e.id: e for e in self.episode_files.episodes(self.active_path)}
        archived = [e.id for e in self._active.values() if e.id in self.episode_files.ids(self.month_path(e))]
        if not archived:
            return
        # A crash inside ``archive`` left these in both places: the month copy wins.
        for episode_id in archived:
            self._active.pop(episode_id)
        if not self.read_only:
            self.episode_files.remove(self.active_path, archived)

    def ensure_open(self) -> None:
        """Open now if that has not happened (or failed before: a full disk may have room now)."""
        if not self._opened:
            self.open()

    def ensure_writable(self) -> None:
        if self.read_only:
            raise StoreReadOnly()
        if self._guard is not None:
            self._guard()
        self.ensure_open()

    def _checked(self, episode: Episode) -> dict:
        """The record to store, read back first: one that would not read back
        would make its whole file unreadable at the next open."""
        try:
            return Episode.from_dict(episode.to_record()).to_record()
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidEpisode(detail=exc) from exc

    def _find_month(self, episode_id: str) -> Path | None:
        return reading.find_month(episode_id, self._month_hint, self.month_files, self.episode_files)

    # ------------------------------------------------------------ public API
    def active(self) -> list[Episode]:
        """Episodes in progress (open, on a break, or repaired but not closed), oldest first."""
        with self.lock:
            self.ensure_open()
            return sorted(self._active.values(), key=lambda e: (e.paused_at, e.id))

    def save_active(self, episode: Episode) -> None:
        """Insert or replace (by id) an in-progress episode: one small atomic write."""
        with self.lock:
            self.ensure_writable()
            record = self._checked(episode)
            if self.protection.locked:
                protected.seal(self.protection, self.episode_files, self.manifest, ACTIVE, record)
            else:
                self.episode_files.put(self.active_path, record)
            self._active[episode.id] = Episode.from_dict(record)

    def archive(self, episode: Episode) -> None:
        """Move an episode into its month file: the month first, then active.json, then
        the manifest, so a crash in between leaves it in both places (``open`` drops the
        active copy), never in neither, and never a listed file that is not there."""
        with self.lock:
            self.ensure_writable()
            record = self._checked(episode)
            if self.protection.locked:
                protected.seal(self.protection, self.episode_files, self.manifest, ARCHIVE, record)
                self._active.pop(episode.id, None)
                return
            path = self.month_path(episode)
            written = {part_of(path): self.episode_files.put(path, record)}
            self._month_hint.note({episode.id: path})
            if episode.id in self._active:
                gen = self.episode_files.remove(self.active_path, [episode.id])
                if gen is not None:
                    written[meta.ACTIVE] = gen
                self._active.pop(episode.id, None)
            self.manifest.write(self.meta.with_parts(written))

    # -------------------------------------------------------------- protection
    @property
    def locked(self) -> bool:
        """Protected, and the passphrase has not been given: history can't be read."""
        return self.protection.locked

    def unlock(self, passphrase: str) -> None:
        """Open a protected store with its passphrase (WrongPassphrase changes nothing); a changed
        header is told (``protection.changed``) and mended; what was sealed while locked is filed."""
        with self.lock:
            self.ensure_open()
            keys = protected.open_keys(self.protection, self._opening, passphrase)
            protected.judge(self.protection, self.meta, keys)
            self.load_active()
            if self.read_only:
                return
            if self.meta.schema_version < SCHEMA_VERSION:
                self._opening.migrate()
            if self.protection.changed or keys.mac is None:
                protected.rewrap(self.layout, self.protection, self.manifest, self.backups, self._opening,
                                 keys, passphrase, mend=self.protection.changed)
            self.file_sealed_records()

    def lock_history(self) -> None:
        """Close the keys again; the live flow goes on writing sealed records."""
        with self.lock:
            if self.protection.protected:
                self.protection.lock()
                self.load_active()

    def file_sealed_records(self) -> None:
        """File every sealed record (unlocked, writable) and empty sealed.json, in one transaction."""
        with self.lock:
            records = protected.sealed_to_file(self.protection, self.episode_files)
            if records is None:
                return
            puts = protected.sealed_tables(records, self.layout, self.episode_files.tables)
            self.commit(puts, removes=[self.protection.sealed_path])
            self.protection.forget_sealed()

    def protected_names(self) -> dict[str, str] | None:
        """The partners' names kept in the protected store, if they are (unlocked only)."""
        with self.lock:
            self.require_unlocked()
            return protected.names(self.layout, self.protection, self.episode_files)

    def protect(self, passphrase: str, names: dict[str, str] | None = None) -> None:
        """Protect an unprotected store; ``names``: the partners' names too (in the encrypted names.json)."""
        with self.lock:
            if self.protection.protected:
                raise Locked("protected_already")
            self._rewrite(vault.new_keys(), passphrase, names)

    def change_passphrase(self, passphrase: str) -> None:
        """Give an unlocked protected store a new passphrase and new keys."""
        with self.lock:
            protected.require_unlocked(self.protection)
            self._rewrite(vault.new_keys(), passphrase, self.protected_names())

    def unprotect(self) -> dict[str, str] | None:
        """Remove the protection of an unlocked store; returns the protected names, for the settings."""
        with self.lock:
            protected.require_unlocked(self.protection)
            names = self.protected_names()
            self._rewrite(None, None, None)
            return names

    def _rewrite(self, keys: vault.Keys | None, passphrase: str | None, names: dict[str, str] | None) -> None:
        """Every file of the store and its backups in the new format, in one transaction."""
        self.file_sealed_records()  # nothing may stay sealed to the old keys
        protected.rewrite(self.layout, self.episode_files, self.protection, self.manifest, self.backups,
                          self._plan, keys, names, passphrase)
        self.reopen()

    def plan(self) -> Plan | None:
        """Our plan for hard moments, or None (none, or protected with the names and locked: plan_file.py)."""
        self.ensure_open()
        return self._plan.read()

    def plan_within_reach(self) -> bool:
        """Whether the plan can be read and changed now (not protected with the names while locked)."""
        return self._plan.within_reach()

    def save_plan(self, plan: Plan) -> None:
        """Keep the plan, one atomic write (an empty plan removes it; Locked("plan_locked"): see plan_file.py)."""
        with self.lock:
            self.ensure_writable()
            self._plan.save(plan)

    def has_files(self) -> bool:
        """Whether anything is stored (a listing only: it works while locked)."""
        return self.active_path.exists() or bool(self.month_files()) or self.protection.sealed_path.exists()

    def erase(self) -> bool:
        """Delete the store and its backups (delete all our data), then start a new, empty
        store. Needs no passphrase. True if there was anything to delete."""
        with self.lock:
            self.ensure_writable()
            found = self.folder.exists() or self.backups.folder.exists()
            journal.erase(self.layout.root, [self.backups.folder, self.folder])
            self.protection.forget_keys()
            self._active.clear()
            self.reopen()
            return found

    def reopen(self) -> None:
        with self.lock:
            self._opened = False
            self._month_hint.forget()
            self.open()

    def require_unlocked(self) -> None:
        if self.protection.locked:
            raise Locked("history_locked")

    def _read_view(self) -> tuple[dict[str, Episode], list[Path]]:
        """What a read starts from: the pauses in progress and the month files.

        Reads then parse the files without holding the lock, so that a pause is
        never written later because the history is being read: each file is
        replaced atomically, and the order of ``archive``'s writes means a read
        sees every episode at least once.
        """
        with self.lock:
            self.ensure_open()
            self.require_unlocked()
            if self.read_only and self.protection.keys is not None:
                return protected.with_sealed(self.protection, self.episode_files, {**self._active}), self.month_files()
            return dict(self._active), self.month_files()

    def latest_repaired(self, limit_files: int = 24) -> Episode | None:
        """The repaired episode paused most recently, practice pauses aside, reading at most
        ``limit_files`` months (None while a protected history is locked)."""
        if self.locked:
            return None
        active, months = self._read_view()
        return reading.latest_repaired(active, months, self.episode_files, limit_files)

    def load_all(self, between: Callable[[], None] = reading.nothing) -> list[Episode]:
        """Every episode (months and active), sorted by paused_at. Reads the whole
        history: run it off the UI thread (it does not hold up writes);
        ``between()`` is called before each month file."""
        active, months = self._read_view()
        if not self.read_only:
            remove_stale_temp_files(temp_files_in(self.layout.months_dir))
        return reading.with_active(self._history(months, between), active)

    def load_recent(self, months: int, between: Callable[[], None] = reading.nothing) -> list[Episode]:
        """Episodes of the last ``months`` month files and the active ones, sorted by paused_at."""
        active, files_ = self._read_view()
        return reading.with_active(self._history(files_[-months:] if months > 0 else [], between), active)

    def _history(self, paths: Iterable[Path], between: Callable[[], None]) -> dict[str, Episode]:
        found, where = reading.by_id(paths, self.episode_files, self.layout, between)
        self._month_hint.note(where)  # on the reader thread too: MonthHints has its own lock
        return found

    def get(self, episode_id: str) -> Episode | None:
        """One episode by id, or None."""
        with self.lock:
            self.ensure_open()
            episode_id = episode_id.lower()
            if episode_id in self._active:
                return self._active[episode_id]
            if self.protection.locked:
                return None  # only what this run wrote is known while locked
            path = self._find_month(episode_id)
            if path is None:
                return None
            return next((e for e in self.episode_files.episodes(path) if e.id == episode_id), None)

    def update(self, episode: Episode) -> None:
        """Replace an existing episode wherever it lives (moving it if its month changed)."""
        with self.lock:
            self.ensure_writable()
            self.require_unlocked()
            if episode.id in self._active:
                self.save_active(episode)
                return
            current = self._find_month(episode.id)
            if current is None:
                raise EpisodeNotFound()
            self.archive(episode)
            if current != self.month_path(episode):
                self.episode_files.remove(current, [episode.id])

    def save(self, episode: Episode) -> None:
        """Save an edited episode where it belongs: in place if stored, else in
        progress or closed as the episode says."""
        with self.lock:
            if self.get(episode.id) is not None:
                self.update(episode)
            elif episode.closed:
                self.archive(episode)
            else:
                self.save_active(episode)

    def delete(self, episode_id: str) -> Episode | None:
        """Remove an episode everywhere it is stored; returns it, or None if it was not there."""
        with self.lock:
            self.ensure_writable()
            self.require_unlocked()
            episode_id = episode_id.lower()
            removed = self._active.pop(episode_id, None)
            if removed is not None:
                self.episode_files.remove(self.active_path, [episode_id])
            for path in self.month_files():
                if episode_id in self.episode_files.ids(path):
                    found = next((e for e in self.episode_files.episodes(path) if e.id == episode_id), None)
                    self.episode_files.remove(path, [episode_id])
                    removed = removed or found
            self._month_hint.forget(episode_id)
            return removed

    def merge(self, episodes: list[Episode], *, plan: Plan | None = None, now: datetime | None = None) -> MergeReport:
        """Add imported episodes (and a plan, if we have none), all or nothing, after a backup (recovery.merge)."""
        return recovery.merge(self, episodes, plan=plan, now=now)

    def tables_of(self, path: Path) -> dict[str, list]:
        """Every table of one store file, to rewrite it in a :meth:`commit` (damaged: set aside)."""
        return self.episode_files.tables(path)

    def commit(self, puts: dict[Path, dict[str, list]], removes: Iterable[Path] = ()) -> None:
        """Replace (``puts``: path -> tables) and remove store files all or nothing, in one
        journaled transaction; then read the store again (a restore may bring an older
        version, which is migrated)."""
        with self.lock:
            self.ensure_writable()
            self.require_unlocked()
            version = meta.version_of(puts.get(self.layout.meta_path))
            listed = {p: t for p, t in puts.items() if p != self.layout.meta_path}
            self.manifest.commit(listed, removes, schema_version=version)
            self.reopen()  # the keys stay: an unlocked store stays unlocked

    def count(self) -> int:
        """How many episodes are stored (a quick count: files are read, records not checked)."""
        active, months = self._read_view()
        ids = set(active)
        for path in months:
            ids |= self.episode_files.ids(path)
        return len(ids)

    def files(self) -> list[Path]:
        """Every file under the store folder, set-aside ones included."""
        if not self.folder.is_dir():
            return []
        return sorted(path for path in self.folder.rglob("*") if path.is_file())

    # ------------------------------------------------------------- backups
    def snapshot(self) -> dict[str, bytes]:
        """The bytes of every store file (relative name -> bytes), taken under the lock."""
        with self.lock:
            self.ensure_open()
            return snapshots.take(self.layout, self.month_files())

    def backup(self, reason: str = "daily", now: datetime | None = None) -> BackupInfo:
        """Back the store up (run it off the UI thread); returns the new BackupInfo."""
        taken = self.snapshot()
        return snapshots.keep_copy(self.backups, self.episode_files, taken, reason, now, self.schema_version)

    def rotate_backups(self, now: datetime) -> list[str]:
        """Rotate the backups, keeping the newest that holds each part the store has lost."""
        return self.backups.rotate(now, holding=[part.part for part in self.missing()])
