"""Opening a store: its folder, an interrupted change finished, the schema version
(a migration, after a backup, when the data is older), the protection header.

Qt-free. Used by ``Repository.open``; reads ``meta.json`` and ``active.json`` only,
so that opening costs the same after years as on the first day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from couplepause.store import files, journal, migrations, recovery
from couplepause.store.atomic import make_private_dirs
from couplepause.store.errors import StoreError, StoreTooNew
from couplepause.store.files import META_TABLE, PROTECTION_TABLE, Unreadable
from couplepause.store.migrations import SCHEMA_VERSION
from couplepause.store.view import DIRECT

if TYPE_CHECKING:
    from couplepause.store.repository import Repository


def open_writable(repo: Repository) -> int | None:
    """Get a writable store ready; returns the version it was migrated from, if any."""
    if repo.folder.exists() and not repo.folder.is_dir():
        repo.episode_files.handle_unreadable(repo.folder)
    make_private_dirs(repo.folder)
    journal.recover(repo.root)  # also removes what crashed writes left (the single-instance lock makes them ours)
    version = read_version(repo)
    migrated_from = None
    if version is None:
        if any(files.is_protected_file(path) for path in [repo.active_path, *repo.month_files()]):
            raise StoreError("keys_damaged")
        files.write_tables(repo.meta_path, migrations.meta_tables())
    elif version < SCHEMA_VERSION:
        if repo.active_path.exists() or repo.month_files():
            recovery.keep_copy(repo, repo.take_snapshot(), "before-migration")
        migrations.migrate(repo.folder, version)
        migrated_from = version
    repo.load_active()
    return migrated_from


def open_read_only(repo: Repository) -> None:
    """Get a read-only look at a store (an older one is upgraded in memory only), as its
    last committed change left it: through the journal if that change is not applied yet."""
    look_through_journal(repo)
    if not repo.folder.is_dir():
        return
    version = read_version(repo)
    if version is not None and version < SCHEMA_VERSION:
        migrations.upgrade({}, version)  # fail now if this version cannot read it
        repo.episode_files.upgrade = lambda record: migrations.upgrade(record, version)
    repo.load_active()


def look_through_journal(repo: Repository) -> None:
    """A read-only repository reads what a committed but unapplied change leaves (journal.py)."""
    view = journal.pending(repo.root) or DIRECT
    repo.episode_files.view = repo.backups.view = view


def read_version(repo: Repository) -> int | None:
    """The stored schema version, with the protection header; None for a new store
    (or an unreadable meta.json, set aside)."""
    try:
        meta = repo.episode_files.view.source(repo.meta_path)
        tables = None if meta is None else files.read_tables(meta)
        if tables is None:
            return None
        documents = tables.get(META_TABLE, [])
        version = migrations.version_in({META_TABLE: {str(d.doc_id): dict(d) for d in documents}})
    except (Unreadable, ValueError):
        repo.episode_files.handle_unreadable(repo.meta_path)
        return None
    headers = tables.get(PROTECTION_TABLE) or []
    repo.protection.header = dict(headers[0]) if headers else None
    if version > SCHEMA_VERSION:
        raise StoreTooNew(version=version, known=SCHEMA_VERSION)
    return version
