"""Opening a store: its folder, an interrupted change finished, its description
(``meta.json``: schema version, manifest, a protected store's header), a migration
(after a backup) when the data is older, the pauses in progress.

What opening never does: read a protected store as a plain one. A store whose header
is gone or damaged while its files (or its backups) say it is protected is opened
locked with the header its newest backup holds, until the passphrase shows whether
that one is genuine (``Repository.unlock``); with none anywhere it does not open.

Qt-free. :class:`Opening` is the repository's collaborator for it: it is handed the
store's layout, files, protection, manifest and backups, and knows nothing of the
repository (which loads the pauses in progress after it). It reads ``meta.json`` and
``active.json`` (and a listing of the months), so that opening costs the same after
years as on the first day.
"""

from __future__ import annotations

from pathlib import Path

from couplepause.common.folders import make_private_dirs
from couplepause.store import files, journal, meta, migrations, snapshots, vault
from couplepause.store.backups import BEFORE_MIGRATION, Backups
from couplepause.store.envelope import FileDamaged, generation_of, part_of
from couplepause.store.errors import StoreError, StoreTooNew
from couplepause.store.files import EpisodeFiles
from couplepause.store.layout import Layout
from couplepause.store.manifest import Manifest
from couplepause.store.meta import Meta
from couplepause.store.migrations import SCHEMA_VERSION
from couplepause.store.protection import Protection
from couplepause.store.view import DIRECT


class Opening:
    """What ``Repository.open`` does before the pauses in progress are loaded."""

    def __init__(
        self, layout: Layout, episode_files: EpisodeFiles, protection: Protection, manifest: Manifest, backups: Backups
    ) -> None:
        self.layout = layout
        self.files = episode_files
        self.protection = protection
        self.manifest = manifest
        self.backups = backups

    def writable(self) -> int | None:
        """Get a writable store ready; returns the version it was migrated from, if any."""
        folder = self.layout.folder
        if folder.exists() and not folder.is_dir():
            self.files.handle_unreadable(folder)
        make_private_dirs(folder)
        # This also removes what crashed writes left (the single-instance lock makes them ours).
        journal.recover(self.layout.root)
        found = self._settled(self.read_meta())
        if found is None:
            found = self._rebuilt() if self._holds_parts() else self._new_store()
        self.manifest.use(found)
        migrated_from = None
        if found.schema_version < SCHEMA_VERSION and not self.protection.locked:
            migrated_from = self.migrate()
        elif found.schema_version >= SCHEMA_VERSION:
            self._list_unlisted()
        self.backups.clean_up()
        return migrated_from

    def read_only(self) -> None:
        """Get a read-only look at a store (an older one is upgraded in memory only), as its
        last committed change left it: through the journal if that change is not applied yet."""
        self.look_through_journal()
        folder = self.layout.folder
        if not folder.is_dir() or self.files.view.source(folder) is None:
            return  # no store, or one whose removal is committed (delete all)
        found = self._settled(self.read_meta())
        if found is None:
            found = self._described(SCHEMA_VERSION if self._checked_files() else SCHEMA_VERSION - 1)
        self.manifest.use(found)
        version = found.schema_version
        if version < SCHEMA_VERSION:
            migrations.upgrade({}, version)  # fail now if this version cannot read it
            self.files.read_older(version)

    def look_through_journal(self) -> None:
        """A read-only repository reads what a committed but unapplied change leaves (journal.py)."""
        view = journal.pending(self.layout.root) or DIRECT
        self.files.view = self.backups.view = view

    def migrate(self) -> int:
        """Bring an older store up to this version, after a backup; returns the old version."""
        version = self.manifest.meta.schema_version
        months = self.files.months()
        if self.layout.active_path.exists() or months:
            taken = snapshots.take(self.layout, months)
            snapshots.keep_copy(self.backups, self.files, taken, BEFORE_MIGRATION, None, version)
        puts = migrations.upgraded(self.layout.folder, version, self.protection.fmt, self.files.months())
        self.manifest.commit(puts, schema_version=SCHEMA_VERSION)
        self.files.read_older(None)
        return version

    def read_meta(self) -> Meta | None:
        """The store's meta.json; None for none, or a damaged one (set aside, and said)."""
        path = self.layout.meta_path
        source = self.files.view.source(path)  # read-only: as last committed
        try:
            found = meta.read(source) if source is not None else None
        except (FileDamaged, ValueError) as exc:
            self.files.handle_unreadable(path)
            self.manifest.damaged = str(exc) or "damaged"
            return None
        except (files.Unreadable, IsADirectoryError):
            self.files.handle_unreadable(path)
            return None
        if found is not None and found.schema_version > SCHEMA_VERSION:
            raise StoreTooNew(version=found.schema_version, known=SCHEMA_VERSION)
        return found

    # ------------------------------------------------------------------ protection
    def _settled(self, found: Meta | None) -> Meta | None:
        """The store's meta with the header it is to be read with: its own, or, where its own
        is gone or damaged though the store is protected, its newest backup's (provisional
        until unlock tells). Raises StoreError("keys_damaged") where no header is left."""
        protection = self.protection
        protection.header = protection.provisional = None
        protection.required = False
        header = found.header if found is not None else None
        if header is not None and sound(header):
            protection.header = header
            return found
        if header is None and not self.looks_protected():
            return found
        protection.required = True
        backup = next((m for m in self.backup_metas() if m.header is not None and sound(m.header)), None)
        if backup is None:
            raise StoreError("keys_damaged")
        protection.header = backup.header
        protection.provisional = backup
        protection.changed = True
        if found is None:
            return None
        return Meta(found.schema_version, backup.header, found.parts, found.accepted)

    def looks_protected(self) -> bool:
        """Whether the store's files or its backups say it is protected (asked only when its
        meta.json holds no header): names or sealed records, an encrypted file, a backup's header.
        Read-only: as the last committed change left them (a passphrase removed, not applied yet)."""
        view = self.files.view
        if view.exists(self.protection.sealed_path):
            return True
        paths = [view.source(path) for path in [self.layout.active_path, self.layout.names_path, *self.files.months()]]
        if any(files.is_protected_file(path) for path in paths if path is not None):
            return True
        return any(found.header is not None for found in self.backup_metas())

    def backup_metas(self) -> list[Meta]:
        """The meta.json of every backup folder, newest first (damaged ones left out)."""
        view = self.files.view  # read-only: as the last committed change left them
        folder = self.backups.folder
        try:
            names = sorted(view.names(folder), reverse=True)
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for name in names:
            source = view.source(folder / name / files.META_FILE)
            try:
                backup_meta = meta.read(source) if source is not None else None
            except (OSError, ValueError):
                continue
            if backup_meta is not None:
                found.append(backup_meta)
        return found

    # ---------------------------------------------------------------- the manifest
    def _new_store(self) -> Meta:
        """A new, empty store: ``active.json``, then ``meta.json`` listing it."""
        active = self.layout.active_path
        files.ensure_database(active, self.protection.fmt)
        found = Meta(SCHEMA_VERSION, self.protection.header, {meta.ACTIVE: generation_of(active)})
        return self.manifest.write(found)

    def _holds_parts(self) -> bool:
        return self.layout.active_path.exists() or bool(self.files.months()) or self.layout.names_path.exists()

    def _checked_files(self) -> bool:
        """Whether the store's files carry their part and check (written by schema 4 or later)."""
        return any(generation_of(path) > 0 for path in [self.layout.active_path, *self.files.months()[-1:]])

    def _described(self, version: int) -> Meta:
        """A manifest made from what is there, where meta.json was lost: the parts found, and
        those the newest backup lists that are not here any more (so they are told missing)."""
        parts = self.present_parts()
        newest = next(iter(self.backup_metas()), None)
        if newest is not None:
            for part, gen in newest.parts.items():
                parts.setdefault(part, gen)
        return Meta(version, self.protection.header, parts)

    def _rebuilt(self) -> Meta:
        """meta.json was gone or damaged while pauses are stored: made again from the files."""
        self.manifest.rebuilt = True
        found = self._described(SCHEMA_VERSION if self._checked_files() else SCHEMA_VERSION - 1)
        if found.schema_version < SCHEMA_VERSION or self.protection.locked:
            return found  # written by the migration (or at unlock)
        return self.manifest.write(found)

    def present_parts(self) -> dict[str, int]:
        """The parts whose files are in the store now, with their generations."""
        return {part_of(path): max(generation_of(path), 1) for path in self._part_paths() if path.exists()}

    def _part_paths(self) -> list[Path]:
        layout = self.layout
        return [layout.active_path, *self.files.months(), layout.names_path, layout.plan_path, layout.sealed_path]

    def _list_unlisted(self) -> None:
        """Parts written after the manifest last was (a crash between the two, or a plan or
        sealed records written while locked): listed now (while locked, the loose ones only)."""
        listed = self.manifest.meta.listed()
        candidates = [p for p in self._part_paths() if part_of(p) not in listed and p.exists()]
        if self.protection.locked:
            candidates = [p for p in candidates if part_of(p) in meta.LOOSE]
        unlisted = {part_of(p): max(generation_of(p), 1) for p in candidates}
        if unlisted:
            self.manifest.write(self.manifest.meta.with_parts(unlisted))


def sound(header: object) -> bool:
    """Whether a header has the shape of one we write (what it holds is checked at unlock)."""
    try:
        if not isinstance(header, dict) or header.get("version") not in (1, vault.HEADER_VERSION):
            return False
        vault.check_kdf(header.get("kdf"))
        vault.public_key(header)
    except vault.HeaderChanged:
        return False
    return all(isinstance(header.get(name), str) for name in ("nonce", "secrets"))
