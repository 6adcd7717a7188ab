"""The store's record of its parts while it is open: meta.json as last read or written
(``meta.py``), what the couple lack because of it, going on without that, and the
journaled step under every change of several files, which lists their new generations
in the same transaction.

Owned by the Repository, which hands it what it works with (the store folder, the lock,
the protection, the episode files) and opens it; it knows nothing of the repository. Qt-free.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from couplepause.store import files, journal, meta
from couplepause.store.envelope import PLAIN, generation_of, part_of
from couplepause.store.files import META_FILE, MONTHS_DIR, EpisodeFiles, MissingPart
from couplepause.store.meta import Meta
from couplepause.store.migrations import SCHEMA_VERSION
from couplepause.store.protection import Protection
from couplepause.store.vault import Locked

# The part a missing file is told as, by the part its manifest entry names.
_LISTED = {
    files.ACTIVE_PART: meta.ACTIVE,
    files.NAMES_PART: meta.NAMES,
    files.PLAN_PART: meta.PLAN,
    files.SEALED_PART: meta.SEALED,
}


class Manifest:
    """meta.json of one open store, and what follows from it."""

    def __init__(
        self, folder: Path, lock: threading.RLock, protection: Protection, episode_files: EpisodeFiles
    ) -> None:
        self.folder = Path(folder)
        self.lock = lock
        self.protection = protection
        self.episode_files = episode_files
        self.meta = Meta(SCHEMA_VERSION)
        self.rebuilt = False  # meta.json was gone or damaged and was made again at open
        self.damaged: str | None = None  # why meta.json was set aside, if it was

    @property
    def path(self) -> Path:
        return self.folder / META_FILE

    # ------------------------------------------------------------ meta.json
    def use(self, found: Meta) -> None:
        """Read the store as ``found`` describes it (its manifest, its schema's files)."""
        self.meta = found
        self.episode_files.recorded = found.listed()
        self.protection.legacy = found.schema_version < meta.FIRST_CHECKED_VERSION

    def write(self, found: Meta) -> Meta:
        """Write meta.json (signed where the store is protected) and read the store by it.
        While a protected history is locked only its loose parts can change."""
        if self.protection.locked and (found.parts != self.meta.parts or found.header != self.meta.header):
            raise Locked("history_locked")
        signed = found.signed(self.protection.keys)
        files.write_tables(self.path, signed.tables(), PLAIN)
        self.use(signed)
        return signed

    # -------------------------------------------------------------- missing
    def missing(self) -> list[MissingPart]:
        """Pauses that could not be read, or whose file is gone, and have not come back
        from a backup (nor been let go by the couple)."""
        with self.lock:
            found = files.missing_parts(self.folder)
            found += [part for path in self.episode_files.unreadable if (part := files.missing_part(path))]
            told = {part.part for part in found}
            return found + [part for part in self._gone() if part.part not in told]

    def _gone(self) -> list[MissingPart]:
        """Parts the manifest lists whose files are not there (a listing only)."""
        view = self.episode_files.view  # read-only: as the last committed change left it
        gone = [part for part in self.meta.listed() if not view.exists(meta.part_path(self.folder, part))]
        months = [part for part in gone if part.startswith(meta.MONTH_PREFIX)]
        found = []
        if months and not (self.folder / MONTHS_DIR).is_dir():
            found.append(MissingPart(self.folder / MONTHS_DIR, files.ALL_PART, gone=True))
        else:
            found += [MissingPart(meta.part_path(self.folder, p), p[len(meta.MONTH_PREFIX):], gone=True)
                      for p in months]
        for name, part in _LISTED.items():
            if part in gone:
                found.append(MissingPart(meta.part_path(self.folder, part), name, gone=True))
        return found

    def accept(self, parts: Iterable[MissingPart], now: datetime | None = None) -> None:
        """Record that the couple go on without ``parts``; a set-aside file is kept, marked."""
        parts = list(parts)
        at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        described = self.meta
        for part in parts:
            name = part.path.name
            if part.part == files.ALL_PART:
                for month in described.months():
                    described = described.accepting(f"{meta.MONTH_PREFIX}{month}", name, at)
                continue
            listed = _LISTED.get(part.part, f"{meta.MONTH_PREFIX}{part.part}")
            described = described.accepting(listed, name, at)
        self.write(described)
        for part in parts:
            files.mark(part, files.ACCEPTED_SUFFIX)

    # --------------------------------------------------------------- commit
    def commit(
        self,
        puts: dict[Path, dict[str, list]],
        removes: Iterable[Path] = (),
        *,
        schema_version: int | None = None,
        transaction: journal.Transaction | None = None,
    ) -> None:
        """The journaled step under every change of several files: each file put gets its
        next generation, and meta.json, in the same transaction, lists them (its schema
        version ``schema_version``, else as it is). ``transaction``: one that holds more
        (the backups' files) and is committed here."""
        fmt = self.protection.fmt.reading_legacy(False)
        transaction = transaction or journal.Transaction(self.folder.parent, fmt)
        written: dict[str, int] = {}
        for path, tables in sorted(puts.items()):
            part = part_of(path)
            gen = max(generation_of(path), self.episode_files.recorded.get(part, 0)) + 1
            transaction.put(path, tables, files.format_in(path, fmt, puts), gen=gen)
            if meta.listed(path, self.folder):
                written[part] = gen
        removes = list(removes)
        for path in removes:
            transaction.remove(path)
        gone = {part_of(path) for path in removes if meta.listed(path, self.folder)}
        described = self.meta.with_parts(written, gone)
        if schema_version is not None:
            described = replace(described, schema_version=schema_version)
        signed = described.signed(self.protection.keys)
        transaction.put(self.path, signed.tables(), PLAIN, gen=generation_of(self.path) + 1)
        transaction.commit()
        self.use(signed)
