"""The store's TinyDB files and their life: read them (checked), change them, set a
damaged one aside, and change several of them all or nothing.

Every file is an ordinary TinyDB database on :class:`CrashSafeStorage`, used
through TinyDB's own API (``TinyDB``, tables, ``Document``, queries). Two rules
keep a couple's data safe:

* **Nothing damaged is overwritten or deleted.** A file that cannot be read (bad
  JSON, not a TinyDB database, 0 bytes, a folder where the file should be) is
  renamed to ``<name>.unreadable-<YYYYmmddTHHMMSS>`` ("set aside") and kept. A file
  is always checked before TinyDB changes it, and a new file is created holding
  an empty database (``{}``), so a 0-byte file is always damage.
* **Several files change together through a journal** (``journal.py``).

Qt-free.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from couplepause.common import platform_support
from couplepause.common.folders import make_private_dirs
from couplepause.core.episode import Episode
from couplepause.store.atomic import atomic_write, fsync_dir
from couplepause.store.envelope import (
    ENVELOPE,
    PLAIN,
    Format,
    NotOurs,
    StoreFileStorage,
    generation_of,
    part_of,
)
from couplepause.store.errors import StoreError
from couplepause.store.layout import (  # noqa: F401 - the store folder's names (layout.py) are this module's API too
    ACTIVE_FILE,
    META_FILE,
    MONTHS_DIR,
    NAMES_FILE,
    PLAN_FILE,
    SEALED_FILE,
    month_key,
)
from couplepause.store.view import DIRECT, STAGED_SUFFIX, View

META_TABLE = "meta"
PROTECTION_TABLE = "protection"  # in meta.json: a protected store's header (vault.py)
EPISODES_TABLE = "episodes"
SEALED_TABLE = "sealed"
NAMES_TABLE = "names"
PLAN_TABLE = "plan"
UNREADABLE_MARK = ".unreadable-"
_STAMP_FORMAT = "%Y%m%dT%H%M%S"
_MONTH_FILE = re.compile(r"^\d{4}-\d{2}\.json$")


class Unreadable(StoreError):
    """A store file that is there but cannot be read as what we wrote (where it reaches a
    person, a Problem: which file, and why in plain words)."""

    key = "file_unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path=Path(path), reason=reason)
        self.path = Path(path)
        self.reason = reason


class Sealed(Exception):
    """A protected file met without its key: not damage, never set aside."""


def is_protected_file(path: Path) -> bool:
    """Whether ``path`` holds an encrypted database (looked at by its first bytes)."""
    try:
        with open(path, "rb") as handle:
            return f'"{ENVELOPE}"'.encode() in handle.read(64)
    except OSError:
        return False


def format_of(path: Path, fmt: Format) -> Format:
    """The format a store file is kept in: meta.json and sealed.json are always plain
    (they must be read before the passphrase is known); plan.json as its bytes say (it
    follows the partners' names: see plan_file.py); the rest as the store says."""
    name = Path(path).name.removesuffix(STAGED_SUFFIX)  # a staged file is read as its target
    plain = PLAIN.reading_legacy(fmt.legacy)
    if name == PLAN_FILE:
        return fmt if fmt.protected and is_protected_file(path) else plain
    return plain if name in (META_FILE, SEALED_FILE) else fmt


def plan_format(folder: Path, fmt: Format, *, names: bool | None = None) -> Format:
    """How the plan of the store (or backup) at ``folder`` is written: with the data key
    when the names are protected there (``names``, else: names.json is there), else plain."""
    protected_names = (Path(folder) / NAMES_FILE).exists() if names is None else names
    return fmt if fmt.protected and protected_names else PLAIN


def format_in(path: Path, fmt: Format, puts: dict[Path, Any]) -> Format:
    """The format ``path`` is written in by a commit putting ``puts`` (a restore): the plan
    as the names say (names.json there, or coming), every other file by :func:`format_of`."""
    if Path(path).name != PLAN_FILE:
        return format_of(path, fmt)
    names = Path(path).parent / NAMES_FILE
    return plan_format(Path(path).parent, fmt, names=names.exists() or names in puts)


def open_db(path: Path, *, read_only: bool = False, fmt: Format = PLAIN, after: int = 0) -> TinyDB:
    """The TinyDB database in ``path``, on the store's Storage (its part, generation and
    check, or encrypted: envelope.py); ``after``: a generation its next write must pass."""
    mode = "r" if read_only else "r+"
    return TinyDB(path, storage=StoreFileStorage, access_mode=mode, fmt=fmt, after=after)


def read_database(path: Path, fmt: Format = PLAIN) -> tuple[dict[str, list[Document]], int] | None:
    """Every table of a file and its generation, checked; None when the file does not exist.

    Raises :class:`Unreadable` for anything that is not a database as we write them
    (:class:`Sealed` for an encrypted one met without its key). I/O errors other than
    a missing file propagate.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # a damaged folder above is looked at on its own
        return None
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable(path, "a folder stands where this file should be")
    if info.st_size == 0:
        raise Unreadable(path, "the file is empty")
    try:
        with open_db(path, read_only=True, fmt=fmt) as db:
            if not isinstance(db.storage.read(), dict):
                raise Unreadable(path, "the file does not hold a database")
            tables = {name: db.table(name).all() for name in db.tables()}
            gen = db.storage.gen
    except FileNotFoundError:
        return None  # removed meanwhile
    except Unreadable:
        raise
    except NotOurs as exc:
        if not fmt.protected:
            raise Sealed(str(path)) from exc
        raise Unreadable(path, str(exc)) from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:  # bad JSON or shape
        raise Unreadable(path, _short(exc)) from exc
    return tables, gen


def read_documents(path: Path, table: str = EPISODES_TABLE, fmt: Format = PLAIN) -> list[Document] | None:
    """The documents of one table, checked; None when the file does not exist (see read_database)."""
    found = read_database(path, fmt)
    return None if found is None else found[0].get(table, [])


def read_tables(path: Path, fmt: Format = PLAIN) -> dict[str, list[Document]] | None:
    """Every table of a database, checked; None when the file does not exist."""
    found = read_database(path, fmt)
    if found is None:
        return None
    return found[0] or {EPISODES_TABLE: []}


def month_files(root: Path, view: View = DIRECT) -> list[Path]:
    """The month files of the store at ``root``, oldest month first (a listing only).

    Raises NotADirectoryError when a file stands where the months folder should be.
    """
    folder = root / MONTHS_DIR
    try:
        names = view.names(folder)
    except FileNotFoundError:
        return []
    return sorted(folder / name for name in names if _MONTH_FILE.match(name))


def ensure_database(path: Path, fmt: Format = PLAIN) -> None:
    """Create ``path`` holding an empty database if it does not exist (never a 0-byte file)."""
    if path.exists():
        return
    make_private_dirs(path.parent)
    with contextlib.suppress(FileExistsError):  # created meanwhile: fine
        atomic_write(path, fmt.encode({}, part_of(path), 1), overwrite=False)


def write_tables(
    path: Path,
    tables: Mapping[str, Iterable[dict[str, Any]]],
    fmt: Format = PLAIN,
    *,
    part: str | None = None,
    gen: int | None = None,
) -> int:
    """Make ``path`` a new database holding exactly ``tables`` (doc ids kept for Documents),
    in one atomic write. ``part``: where the file belongs (default: where it lies);
    ``gen``: its generation (default: one more than the file there now). Returns the
    generation written."""
    if gen is None:
        gen = generation_of(path) + 1
    make_private_dirs(path.parent)
    atomic_write(path, encode_tables(tables, fmt, part or part_of(path), gen))
    return gen


def encode_tables(tables: Mapping[str, Iterable[dict[str, Any]]], fmt: Format, part: str, gen: int) -> bytes:
    """The bytes of a database holding exactly ``tables``, put together by TinyDB in memory."""
    with TinyDB(storage=MemoryStorage) as memory:
        for name, documents in tables.items():
            memory.table(name).insert_multiple(_with_doc_ids(list(documents)))
        data = memory.storage.read() or {}
    return fmt.encode(data, part, gen)


def _with_doc_ids(documents: list[dict[str, Any]]) -> list[Document]:
    """Documents keep their ids; plain records get the next free ones, as TinyDB numbers them."""
    next_id = max((d.doc_id for d in documents if isinstance(d, Document)), default=0) + 1
    numbered = []
    for document in documents:
        if not isinstance(document, Document):
            document, next_id = Document(document, doc_id=next_id), next_id + 1
        numbered.append(document)
    return numbered


def set_aside(path: Path) -> Path:
    """Rename a damaged file (or folder) out of the way, never replacing anything; returns its new name."""
    stamp = datetime.now().strftime(_STAMP_FORMAT)
    base = path.with_name(f"{path.name}{UNREADABLE_MARK}{stamp}")
    number = 1
    while True:
        target = base if number == 1 else base.with_name(f"{base.name}-{number}")
        number += 1
        if target.exists():
            continue
        if path.is_dir():
            platform_support.rename(path, target)  # folders cannot be hard-linked; the name was just free
        else:
            try:
                os.link(path, target)  # fails instead of replacing
            except FileExistsError:
                continue
            except OSError:
                platform_support.rename(path, target)
            else:
                os.unlink(path)
        fsync_dir(path.parent)
        return target


def set_aside_files(folder: Path) -> list[Path]:
    """Files (or folders) in ``folder`` that were set aside, by name."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(folder / name for name in names if UNREADABLE_MARK in name)


def original_name(set_aside_path: Path) -> str:
    """``2026-03.json`` for ``2026-03.json.unreadable-20261202T054100``."""
    return set_aside_path.name.split(UNREADABLE_MARK, 1)[0]


# ------------------------------------------------------------- episode files
class EpisodeFiles:
    """The episode files of one store, read and changed by the rules above.

    A damaged file is set aside and reads as empty (read-only: it is only noted
    in ``unreadable``); each one set aside is added to ``set_aside`` and, when
    pauses are missing because of it, passed to ``on_loss``.
    """

    def __init__(
        self,
        root: Path,
        *,
        read_only: bool,
        lock: threading.RLock,
        upgrade: Callable[[dict[str, Any], int], dict[str, Any]],
        on_loss: Callable[[MissingPart], None] | None = None,
    ) -> None:
        self.root = Path(root)
        self.read_only = read_only
        self.lock = lock  # held while a file is set aside (reads may run without it)
        self.on_loss = on_loss
        self.fmt = PLAIN  # a protected store's Format once it is unlocked
        self._upgrade = upgrade  # (record, its version) -> the record now (migrations.upgrade)
        self._older: int | None = None  # the version of an older store read as it is
        self.view: View = DIRECT  # a read-only look through a committed change: opening.py
        self.recorded: dict[str, int] = {}  # the manifest: part -> generation last recorded
        self.set_aside: list[Path] = []
        self.unreadable: list[Path] = []

    def read_older(self, version: int | None) -> None:
        """Read a store of an older ``version`` as it is (read-only), each record
        upgraded in memory as it is read; None: the records are of this version."""
        self._older = version

    def months(self) -> list[Path]:
        """The month files, oldest first; a file standing where the months folder
        should be is set aside."""
        try:
            return month_files(self.root, self.view)
        except NotADirectoryError:
            self.handle_unreadable(self.root / MONTHS_DIR)
            return []

    def episodes(self, path: Path) -> list[Episode]:
        """The episodes of one file, checked; a damaged file reads as empty."""
        try:
            return self._read(path)
        except Unreadable:
            self.handle_unreadable(path, still_bad=lambda: self._fails(path))
            return []

    def _fails(self, path: Path) -> bool:
        try:
            self._read(path)
        except Unreadable:
            return True
        return False

    def _read(self, path: Path) -> list[Episode]:
        source = self.view.source(path)  # read-only: as the last committed change left it
        found = read_database(source, self.fmt) if source is not None else None
        if found is None:
            return []
        tables, gen = found
        if gen < self.recorded.get(part_of(path), 0):
            raise Unreadable(path, "an older copy of this file stands where a newer one was")
        return [self._episode(doc) for doc in tables.get(EPISODES_TABLE, [])]

    def documents(self, path: Path, table: str = EPISODES_TABLE, fmt: Format | None = None) -> list[Document]:
        """The documents of one table of ``path`` (in ``fmt``, else the store's) as this
        store's view sees it (none: no file)."""
        source = self.view.source(path)
        return (read_documents(source, table, fmt or self.fmt) or []) if source is not None else []

    def ids(self, path: Path) -> set[str]:
        """Ids in a file, from a quick read (records not checked; a damaged file holds none)."""
        try:
            documents = self.documents(path)
        except Unreadable:
            return set()
        return {str(doc.get("id", "")).lower() for doc in documents}

    def put(self, path: Path, record: dict[str, Any]) -> int:
        """Insert or replace (by id) one record; returns the file's new generation."""
        return self._change(path, lambda table: table.upsert(record, Query().id == record["id"]))

    def remove(self, path: Path, episode_ids: Iterable[str]) -> int | None:
        """Remove records by id; returns the file's new generation (None: nothing to do)."""
        ids = list(episode_ids)
        if path.exists() and ids:
            return self._change(path, lambda table: table.remove(Query().id.one_of(ids)))
        return None

    def tables(self, path: Path) -> dict[str, list[Document]]:
        """Every table of a file, for a transaction that rewrites it (damaged: set aside, empty)."""
        try:
            return read_tables(path, self.fmt) or {}
        except Unreadable:
            self.handle_unreadable(path)
            return {}

    def handle_unreadable(self, path: Path, still_bad: Callable[[], bool] | None = None) -> None:
        """Set ``path`` aside and say so; read-only: just note it. ``still_bad`` checks
        again under the lock, for a read that ran beside a write that replaced the file."""
        with self.lock:
            if self.read_only:
                if path not in self.unreadable:
                    self.unreadable.append(path)
                return
            if not path.exists() or (still_bad is not None and not still_bad()):
                return
            moved = set_aside(path)
            self.set_aside.append(moved)
        missing = missing_part(moved)
        if missing is not None and self.on_loss is not None:
            self.on_loss(missing)

    def _episode(self, doc: Document) -> Episode:
        record = dict(doc)
        try:
            if self._older is not None:
                record = self._upgrade(record, self._older)
            return Episode.from_dict(record)
        except Exception as exc:  # any failure on stored data means "damaged"
            raise Unreadable(self.root, f"an episode could not be read: {_short(exc)}") from exc

    def _change(self, path: Path, change: Callable[[Any], Any]) -> int:
        """Apply ``change(table)`` to the episodes table through TinyDB, after checking
        the file (a damaged one is set aside first, never overwritten); returns the
        file's new generation."""
        try:
            self._read(path)
        except Unreadable:
            self.handle_unreadable(path)
        make_private_dirs(path.parent)
        with open_db(path, fmt=self.fmt, after=self.recorded.get(part_of(path), 0)) as db:
            change(db.table(EPISODES_TABLE))
            return db.storage.gen


# ------------------------------------------------------------ what is missing
ACTIVE_PART = "active"  # the pauses still in progress
ALL_PART = "all"  # the months folder itself was damaged
PLAN_PART = "plan"  # our plan for hard moments (no pause is missing)
NAMES_PART = "names"  # the partners' names, kept in a protected store
SEALED_PART = "sealed"  # the pauses recorded while a protected history was locked
NOTED_SUFFIX = ".noted"  # the couple has seen the notice
RECOVERED_SUFFIX = ".recovered"  # its pauses came back from a backup
ACCEPTED_SUFFIX = ".accepted"  # the couple chose to go on without it (meta.json records it)


@dataclass(frozen=True)
class MissingPart:
    """Pauses that could not be read: a damaged file, set aside as ``path``.

    ``part`` is the UTC month ("2026-03"), "active", "all" (the months folder),
    "names" or "plan" (our plan for hard moments: no pause is missing, but the plan is).
    ``gone``: the file is not there at all (the manifest lists it); ``path`` is then
    where it should be.
    """

    path: Path
    part: str
    noted: bool = False
    gone: bool = False


def missing_part(path: Path) -> MissingPart | None:
    """What a set-aside file means for the couple; None when no pause is missing
    (meta.json holds none, or the pauses came back)."""
    name = path.name
    if name.endswith((RECOVERED_SUFFIX, ACCEPTED_SUFFIX)):
        return None
    noted = name.endswith(NOTED_SUFFIX)
    original = original_name(path)
    if original == ACTIVE_FILE and path.parent.name != MONTHS_DIR:
        return MissingPart(path, ACTIVE_PART, noted)
    if original == SEALED_FILE and path.parent.name != MONTHS_DIR:
        return MissingPart(path, SEALED_PART, noted)
    if original == MONTHS_DIR:
        return MissingPart(path, ALL_PART, noted)
    if original == PLAN_FILE and path.parent.name != MONTHS_DIR:
        return MissingPart(path, PLAN_PART, noted)
    if original == NAMES_FILE and path.parent.name != MONTHS_DIR:
        return MissingPart(path, NAMES_PART, noted)
    if path.parent.name == MONTHS_DIR and _MONTH_FILE.match(original):
        return MissingPart(path, original[: -len(".json")], noted)
    return None


def missing_parts(root: Path) -> list[MissingPart]:
    """Every part of the store at ``root`` whose pauses are missing, by part."""
    found = set_aside_files(root) + set_aside_files(root / MONTHS_DIR)
    parts = [missing_part(path) for path in found]
    return sorted((p for p in parts if p is not None), key=lambda p: (p.part, p.path.name))


def mark(part: MissingPart, suffix: str) -> None:
    """Mark a set-aside file as noted, recovered or accepted; it is kept either way (a
    part whose file is gone has nothing to mark)."""
    name = part.path.name
    if part.gone or name.endswith((RECOVERED_SUFFIX, ACCEPTED_SUFFIX, suffix)):
        return
    if part.path.exists():
        platform_support.rename(part.path, part.path.with_name(part.path.name + suffix))
        fsync_dir(part.path.parent)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"
