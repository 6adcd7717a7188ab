"""One backup folder: what backup.json says about it, and reading its copies back whole.

``Backups`` (backups.py) makes, lists and rotates the folders; what one holds, and whether
it reads back as it was written, is here. A backup whose backup.json is damaged or gone is
described from its copies; a copy that does not read, a part its manifest lists that it
lacks, an older copy than listed or a changed manifest make it refuse (BackupDamaged)
rather than give back less than it holds.

Qt-free.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from tinydb.table import Document

from couplepause.common.problems import Problem
from couplepause.core.episode import Episode, format_instant, parse_instant
from couplepause.store import meta, migrations
from couplepause.store.envelope import LEGACY
from couplepause.store.envelope import part_of as envelope_part
from couplepause.store.files import (
    ACTIVE_FILE,
    EPISODES_TABLE,
    META_FILE,
    META_TABLE,
    MONTHS_DIR,
    NAMES_FILE,
    NAMES_PART,
    PLAN_FILE,
    PLAN_PART,
    PLAN_TABLE,
    SEALED_FILE,
    SEALED_PART,
    SEALED_TABLE,
    Format,
    Sealed,
    Unreadable,
    format_of,
    read_database,
    read_documents,
)
from couplepause.store.meta import FIRST_CHECKED_VERSION
from couplepause.store.view import View

BACKUP_META = "backup.json"
BACKUP_TABLE = "backup"
DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
BEFORE_MIGRATION = "before-migration"
REASONS = (DAILY, BEFORE_IMPORT, BEFORE_RESTORE, BEFORE_MIGRATION)
ACTIVE_PART = "active"  # the part name of the pauses still in progress
ID_FORMAT = "%Y%m%dT%H%M%SZ"


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
    # Parts the store's manifest listed that the backup has no copy of: gone from the store
    # when it was made, or left out because they did not read back.
    absent: tuple[str, ...] = field(default=(), compare=False)

    def has(self, part: str) -> bool:
        """Whether the backup holds ``part`` (a month, "active", the plan, the protected names,
        the sealed records). A backup made while its history was locked was not counted:
        its copies say what it holds."""
        single = {PLAN_PART: PLAN_FILE, NAMES_PART: NAMES_FILE, SEALED_PART: SEALED_FILE}
        if part in single:
            return (self.folder / single[part]).is_file()
        if self.pauses is None:
            copy = ACTIVE_FILE if part == ACTIVE_PART else f"{MONTHS_DIR}/{part}.json"
            return (self.folder / copy).is_file()
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


@dataclass(frozen=True)
class Reading:
    """How the backups read now: the store's format, and a protected store's keys while it
    is unlocked (None: locked, or not protected), through ``view`` (a read-only look
    through a committed change)."""

    fmt: Format
    keys: Any
    header: dict[str, Any] | None
    view: View

    def info(self, folder: Path) -> BackupInfo | None:
        """What backup.json says about the backup in ``folder`` (or its copies, where it
        is damaged or gone); None for a folder that reads as no backup."""
        source = self.view.source(folder / BACKUP_META)
        try:
            documents = read_documents(source, BACKUP_TABLE, LEGACY) if source is not None else None
        except (Unreadable, OSError):
            documents = None
        if not documents:  # backup.json damaged or gone: the backup is still whole (see _new_folder)
            return self.described(folder)
        doc = dict(documents[0])
        try:
            if "sealed" in doc:  # a protected store's backup: its summary opens with the keys
                try:
                    summary = _opened_summary(doc["sealed"], self.keys)
                except (InvalidTag, ValueError, TypeError):
                    return self.described(folder)  # not sealed to these keys: described from its copies
                doc.update(summary if summary is not None else {"pauses": None, "parts": {}})
                doc.setdefault("created_at", time_of_id(folder.name))
            parts = {str(k): int(v) for k, v in dict(doc.get("parts") or {}).items()}
            return BackupInfo(
                id=folder.name,
                created_at=parse_instant(doc["created_at"]),
                reason=str(doc["reason"]),
                pauses=None if doc.get("pauses") is None else int(doc["pauses"]),
                parts=parts,
                schema_version=int(doc["schema_version"]),
                folder=folder,
                absent=tuple(str(part) for part in doc.get("absent") or ()),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def described(self, folder: Path) -> BackupInfo | None:
        """A backup whose backup.json was damaged or removed, described from its copies (its
        time from its ID; it counts as a daily one). None when the copies do not read."""
        try:
            created_at = parse_instant(time_of_id(folder.name))
            found = meta.read(folder / META_FILE)
        except (OSError, ValueError):
            return None
        if found is None:
            return None
        readable = self.header is None or self.keys is not None
        fmt = self.fmt.reading_legacy(found.schema_version < FIRST_CHECKED_VERSION)
        parts: dict[str, int] = {}
        for copy in sorted(path for path in folder.rglob("*.json") if path.is_file()):
            relative = copy.relative_to(folder).as_posix()
            part = part_of(relative)
            if part is None or not readable:
                continue
            try:
                count = len(episodes_in(copy, relative, found.schema_version, fmt))
            except (Unreadable, Sealed, BackupDamaged, OSError):
                return None
            if count:
                parts[part] = count
        pauses = sum(parts.values()) if readable else None
        return BackupInfo(folder.name, created_at, DAILY, pauses, parts, found.schema_version, folder, absent(folder))

    def read(self, info: BackupInfo) -> BackupContent:
        """Every file of a backup, checked; raises BackupDamaged if anything is off."""
        fmt = self.fmt.reading_legacy(info.schema_version < FIRST_CHECKED_VERSION)
        files: dict[str, dict[str, list[Document]]] = {}
        episodes: dict[str, list[Episode]] = {}
        gens: dict[str, int] = {}
        for copy in self.view.files_under(info.folder):  # read-only: as the last committed change left it
            relative = copy.relative_to(info.folder).as_posix()
            if relative == BACKUP_META:
                continue
            source = self.view.source(copy)
            try:
                found = read_database(source, format_of(source, fmt)) if source is not None else None
            except (Unreadable, Sealed, OSError) as exc:
                raise BackupDamaged("backup_damaged", id=info.id, file=relative) from exc
            tables = found[0] if found is not None else {}
            gens[envelope_part(copy)] = found[1] if found is not None else 0
            files[relative] = tables
            if part_of(relative) is not None:
                documents = tables.get(EPISODES_TABLE, [])
                episodes[relative] = _checked_episodes(documents, relative, info.schema_version, info.id)
        counted = sum(len(found) for found in episodes.values())
        if info.pauses is not None and counted != info.pauses:
            raise BackupDamaged("backup_incomplete", id=info.id, expected=info.pauses, counted=counted)
        self._check_manifest(info, gens)
        return BackupContent(info, files, episodes)

    def _check_manifest(self, info: BackupInfo, gens: dict[str, int]) -> None:
        """Every part the backup's manifest lists is there, no older than listed, and (a
        protected store's, unlocked) the manifest is as the keys' holder wrote it."""
        if info.schema_version < FIRST_CHECKED_VERSION:
            return
        source = self.view.source(info.folder / META_FILE)
        try:
            found = meta.read(source) if source is not None else None
        except (OSError, ValueError) as exc:
            raise BackupDamaged("backup_damaged", id=info.id, file=META_FILE) from exc
        if found is None:
            return  # made from a store whose meta.json was lost: backup.json's counts are checked
        for part, gen in found.listed().items():
            if part in info.absent:
                continue
            if part not in gens:
                raise BackupDamaged("backup_part_missing", id=info.id, file=f"{part}.json")
            if gens[part] < gen:
                raise BackupDamaged("backup_part_older", id=info.id, file=f"{part}.json")
        if found.header is not None and not found.verified_by(self.keys if self.header is not None else None):
            raise BackupDamaged("backup_damaged", id=info.id, file=META_FILE)


def _table_of(relative: str) -> str:
    tables = {META_FILE: META_TABLE, SEALED_FILE: SEALED_TABLE, PLAN_FILE: PLAN_TABLE}
    return tables.get(relative.rsplit("/", 1)[-1], EPISODES_TABLE)


def backup_document(info: BackupInfo, public: bytes | None) -> dict[str, Any]:
    """backup.json's document. For a protected store (``public``: its key) the time and the
    counts are sealed: the file then holds no time of the couple's, nor counts by month."""
    summary: dict[str, Any] = {"created_at": format_instant(info.created_at)}
    if info.pauses is not None:
        summary.update(pauses=info.pauses, parts=dict(sorted(info.parts.items())))
    doc: dict[str, Any] = {"reason": info.reason, "schema_version": info.schema_version, "absent": list(info.absent)}
    if public is None:
        return {**doc, **summary, "pauses": info.pauses, "parts": summary.get("parts", {})}
    from couplepause.store import vault

    return {**doc, "sealed": vault.seal(public, json.dumps(summary).encode())}


def absent(folder: Path) -> tuple[str, ...]:
    """The parts the manifest copied into a backup lists that it has no copy of."""
    try:
        found = meta.read(folder / META_FILE)
    except (OSError, ValueError):
        return ()
    listed = found.listed() if found is not None else {}
    return tuple(sorted(part for part in listed if not meta.part_path(folder, part).is_file()))


def time_of_id(backup_id: str) -> str:
    """A backup's time from its ID (UTC, to the second), while its sealed time is locked."""
    moment = datetime.strptime(backup_id.split("-", 1)[0], ID_FORMAT).replace(tzinfo=UTC)
    return format_instant(moment)


def _opened_summary(token: Any, keys: Any) -> dict[str, Any] | None:
    if token is None or keys is None:
        return None
    from couplepause.store import vault

    return json.loads(vault.unseal(keys, token))


def episodes_in(copy: Path, relative: str, version: int, fmt: Format) -> list[Episode]:
    documents = read_documents(copy, _table_of(relative), format_of(copy, fmt)) or []
    if part_of(relative) is None:
        return []
    return _checked_episodes(documents, relative, version, copy.parent.name)


def _checked_episodes(documents: list[Document], relative: str, version: int, backup_id: str) -> list[Episode]:
    try:
        return [Episode.from_dict(migrations.upgrade(dict(doc), version)) for doc in documents]
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise BackupDamaged("backup_record_damaged", id=backup_id, file=relative) from exc
