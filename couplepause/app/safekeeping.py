"""Keeping the couple's data safe while the app runs.

* :class:`FolderGuard` runs before every write: the data folder is there (made
  again, and said so, if it was removed) and this process still holds its
  single-instance lock (taken again if the lock file went with the folder), so
  two couplepause windows never write into one folder.
* :class:`Keeper` works on its own thread, never on the UI thread: it saves what
  a rescue copy kept from an earlier run, reads every file of the store once (a
  damaged one is set aside and reported), makes the daily backup and rotates
  the old ones; then it looks again every hour.
* :func:`write_rescue` keeps what could not be saved at quit in a second place,
  as an export file that the next start brings back in.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from couplepause import APP_NAME
from couplepause.common import paths, platform_support
from couplepause.common.folders import make_private_dirs
from couplepause.common.problems import Problem
from couplepause.store.atomic import atomic_write
from couplepause.store.errors import StoreError, StoreUnavailable, cause

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile

    from couplepause.core.episode import Episode
    from couplepause.store.repository import Repository

log = logging.getLogger(__name__)

KEEPER_INTERVAL_S = 3600.0
KEEPER_FIRST_DELAY_S = 20.0  # after start-up, so that the first minutes are the couple's
RESCUE_PREFIX = "rescue-"
RESCUED_FROM = "rescued_from"
SEALED_RESCUE = "couplepause-sealed-rescue"
SAVED_SUFFIX = ".saved"


class FolderGuard:
    """Called before every write (on the writer thread); raises StoreUnavailable when the
    data folder cannot be used now. ``on_remade`` is told when the folder was made again."""

    def __init__(self, data_dir: Path, lock: QLockFile, *, held: bool, on_remade: Callable[[], None]) -> None:
        self.data_dir = data_dir
        self.lock = lock
        self.held = held
        self.on_remade = on_remade
        self.seen = data_dir.is_dir()  # the folder was there in this run (so it can be gone)
        self._mutex = threading.Lock()

    def __call__(self) -> None:
        with self._mutex:
            folder, lock_path = self.data_dir, paths.lock_file(self.data_dir)
            if folder.exists() and not folder.is_dir():
                raise StoreUnavailable("folder_replaced", folder=folder)
            if self.held and lock_path.exists():
                if self._ours():
                    return
                self.held = False  # ours went with the folder, and another launch took it
                raise StoreUnavailable("folder_taken", folder=folder)
            if self.held:  # our lock file went (with the folder): forget it, take it again
                self.lock.unlock()
                self.held = False
            remade = False
            if not folder.exists():
                if self.seen and not folder.parent.is_dir():
                    raise StoreUnavailable("folder_and_parent_gone", folder=folder)
                try:
                    make_private_dirs(folder)
                except OSError as exc:
                    key = "cannot_remake_folder" if self.seen else "cannot_make_data_dir"
                    raise StoreUnavailable(key, folder=folder, reason=paths.making_problem(folder, exc)) from exc
                remade = self.seen
            self.seen = True
            if not self.lock.tryLock(0):
                # Full, read-only or not allowed comes first: a lock file left there by an
                # earlier run cannot be replaced then, and no couplepause can be using it.
                problem = paths.cannot_write(folder)
                if problem is None and lock_path.exists():
                    raise StoreUnavailable("folder_taken", folder=folder)
                raise StoreUnavailable("cannot_lock", folder=folder, reason=problem or Problem("lock_held_elsewhere"))
            self.held = True
            paths.private_file(lock_path)
            if remade:
                self.on_remade()

    def release(self) -> None:
        """At quit: give the lock back, if it is still ours."""
        with self._mutex:
            if self.held and paths.lock_file(self.data_dir).exists() and self._ours():
                self.lock.unlock()
            self.held = False

    def _ours(self) -> bool:
        """Whether the lock file on disk is this process's (not one another launch made)."""
        pid, _host, _app = self.lock.getLockInfo()
        return pid in (0, os.getpid())


class Keeper:
    """The store's background care (see the module docstring). Qt-free; ``on_event(kind, value)``
    is called on the keeper's thread: ("rescued", count), ("rescue_failed", text), ("backup", info),
    ("problem", text): a backup or a round of checks that failed (a backup skipped for lack of room too)."""

    def __init__(
        self,
        repo: Repository,
        data_dir: Path,
        on_event: Callable[[str, object], None],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC).astimezone(),
        interval: float = KEEPER_INTERVAL_S,
        first_delay: float = KEEPER_FIRST_DELAY_S,
    ) -> None:
        self.repo = repo
        self.data_dir = data_dir
        self.on_event = on_event
        self.now = now
        self.interval = interval
        self.first_delay = first_delay
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="couplepause-keeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_once(self) -> None:
        """One round of care: rescue copies, every file read, the day's backup, rotation.
        A store opened read-only is only read; one that cannot be opened now is left
        alone (the window says so already; rescue copies wait for a round that can)."""
        if self.repo.read_only:
            if not self.repo.locked:
                self.repo.load_all()
            return
        if not self._opens():
            return
        self.take_in_rescues()
        locked = self.repo.locked  # protected and locked: files are copied, not read
        if not locked:
            self.repo.load_all()  # a damaged file is set aside and reported through the repository
        newest = next(iter(self.repo.backups.list()), None)
        today = self.now().astimezone().date()
        has_pauses = self.repo.has_files() if locked else self.repo.count() > 0
        if (newest is None or newest.created_at.astimezone().date() < today) and has_pauses:
            self.on_event("backup", self.repo.backup("daily", self.now()))
        if not self.repo.missing():  # never let a backup go while pauses are missing
            self.repo.rotate_backups(self.now())

    def take_in_rescues(self) -> None:
        """Save what rescue copies kept; one that cannot be saved now stays where it is."""
        try:
            saved = take_in_rescues(self.repo, self.data_dir)
        except Exception as exc:  # noqa: BLE001 - told, and tried again next round
            log.warning("saving a rescue copy failed (%s)", cause(exc))
            self.on_event("rescue_failed", cause(exc))
            return
        if saved:
            self.on_event("rescued", saved)

    def _opens(self) -> bool:
        """Whether the store is open, or opens now (a data folder that cannot be used is
        told by the window, never as a failed backup)."""
        try:
            self.repo.ensure_open()
        except StoreError as exc:
            log.info("the store cannot be opened now (%s)", cause(exc))
            return False
        return True

    def _run(self) -> None:
        if not self.repo.read_only and self._opens():
            self.take_in_rescues()  # at once: a pause kept there may be offered to pick up
        if self._stop.wait(self.first_delay):
            return
        while True:
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 - report it and try again next round
                log.warning("the store's care failed (%s)", cause(exc))
                self.on_event("problem", cause(exc))
            if self._stop.wait(self.interval):
                return


# ------------------------------------------------------------------- rescue
def rescue_dirs() -> list[Path]:
    """Where a rescue copy may go, in order: the home folder, then the temporary folder."""
    account = platform_support.user_token()
    return [Path.home() / f"{APP_NAME}-rescue", Path(tempfile.gettempdir()) / f"{APP_NAME}-rescue-{account}"]


def write_rescue(
    data_dir: Path, episodes: list[Episode], now: datetime | None = None, *, sealed_to: bytes | None = None
) -> Path | None:
    """Keep ``episodes`` in a rescue copy outside the data folder; its path, or None if
    no place would take it. The copy is a JSON export (notes kept) that names its folder;
    for a protected history (``sealed_to``: its public key) the export is sealed, so only
    the passphrase opens it."""
    import json

    from couplepause.export import ExportOptions
    from couplepause.export.json_format import JSON

    now = now or datetime.now(UTC).astimezone()
    document = JSON.document(episodes, ExportOptions(include_notes=True, exported_at=now))
    document[RESCUED_FROM] = str(data_dir)
    data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    if sealed_to is not None:
        from couplepause.store import vault

        data = json.dumps({SEALED_RESCUE: vault.seal(sealed_to, data)}).encode("ascii")
    name = f"{RESCUE_PREFIX}{paths.instance_key(data_dir)}-{now.astimezone(UTC):%Y%m%dT%H%M%S}.json"
    for folder in rescue_dirs():
        try:
            make_private_dirs(folder)
            target = folder / name
            atomic_write(target, data)
            return target
        except OSError as exc:
            log.warning("no rescue copy in one of its places (%s)", cause(exc))
    return None


def rescue_files(data_dir: Path, *, include_saved: bool = False) -> list[Path]:
    """Rescue copies made for ``data_dir`` and not yet saved back (or all of them), oldest first."""
    prefix = f"{RESCUE_PREFIX}{paths.instance_key(data_dir)}-"
    endings = (".json", SAVED_SUFFIX) if include_saved else (".json",)
    found = []
    for folder in rescue_dirs():
        try:
            found += [folder / n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(endings)]
        except OSError:
            continue
    return sorted(found, key=lambda path: path.name)


def take_in_rescues(repo: Repository, data_dir: Path) -> int:
    """Save the pauses of every rescue copy of ``data_dir`` (each is the newest state of its
    pauses, so it replaces what is stored); a copy saved is renamed ``*.saved``, never deleted."""
    from couplepause.export import ImportRejected
    from couplepause.export.json_format import read_export_data

    saved = 0
    for path in rescue_files(data_dir):
        try:
            episodes = read_export_data(_opened_rescue(path, repo), path).episodes
        except _StillSealed:
            continue  # a protected history's copy: saved once the history is unlocked
        except ImportRejected:
            log.warning("a rescue copy cannot be read; it is left where it is")
            continue
        for episode in episodes:
            repo.save(episode)
        platform_support.rename(path, path.with_name(path.name + SAVED_SUFFIX))
        saved += len(episodes)
    return saved


class _StillSealed(Exception):
    pass


def _opened_rescue(path: Path, repo: Repository) -> bytes:
    """The bytes of a rescue copy as a plain export: as they are, or (sealed) opened with
    the unlocked history's keys."""
    import json

    try:
        data = path.read_bytes()
        head = json.loads(data)
    except (OSError, ValueError):
        return b""  # the export reader says what is wrong with it
    if not isinstance(head, dict) or SEALED_RESCUE not in head:
        return data
    keys = repo.protection.keys
    if keys is None:
        raise _StillSealed(str(path))
    from couplepause.store import vault

    return vault.unseal(keys, head[SEALED_RESCUE])
