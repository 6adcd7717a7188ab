"""Opening a store: its folder, an interrupted change finished, its description
(``meta.json``: schema version, manifest, a protected store's header), a migration
(after a backup) when the data is older, the pauses in progress.

What opening never does: read a protected store as a plain one. A store whose header
is gone or damaged while its files (or its backups) say it is protected is opened
locked with the header its newest backup holds, until the passphrase shows whether
that one is genuine (``protected.unlock``); with none anywhere it does not open.

Qt-free. Used by ``Repository.open``; reads ``meta.json`` and ``active.json`` (and a
listing of the months), so that opening costs the same after years as on the first day.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from couplepause.store import files, journal, meta, migrations, recovery, vault
from couplepause.store.atomic import make_private_dirs
from couplepause.store.envelope import FileDamaged, generation_of, part_of
from couplepause.store.errors import StoreError, StoreTooNew
from couplepause.store.meta import Meta
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
    found = _settled(repo, read_meta(repo))
    if found is None:
        found = _rebuilt(repo) if _holds_parts(repo) else _new_store(repo)
    repo.manifest.use(found)
    migrated_from = None
    if found.schema_version < SCHEMA_VERSION and not repo.protection.locked:
        migrated_from = migrate(repo)
    elif found.schema_version >= SCHEMA_VERSION:
        _list_unlisted(repo)
    repo.load_active()
    repo.backups.clean_up()
    return migrated_from


def open_read_only(repo: Repository) -> None:
    """Get a read-only look at a store (an older one is upgraded in memory only), as its
    last committed change left it: through the journal if that change is not applied yet."""
    look_through_journal(repo)
    if not repo.folder.is_dir() or repo.episode_files.view.source(repo.folder) is None:
        return  # no store, or one whose removal is committed (delete all)
    found = _settled(repo, read_meta(repo))
    if found is None:
        found = _described(repo, SCHEMA_VERSION if _checked_files(repo) else SCHEMA_VERSION - 1)
    repo.manifest.use(found)
    version = found.schema_version
    if version < SCHEMA_VERSION:
        migrations.upgrade({}, version)  # fail now if this version cannot read it
        repo.episode_files.upgrade = lambda record: migrations.upgrade(record, version)
    repo.load_active()


def look_through_journal(repo: Repository) -> None:
    """A read-only repository reads what a committed but unapplied change leaves (journal.py)."""
    view = journal.pending(repo.root) or DIRECT
    repo.episode_files.view = repo.backups.view = view


def migrate(repo: Repository) -> int:
    """Bring an older store up to this version, after a backup; returns the old version."""
    version = repo.meta.schema_version
    if repo.active_path.exists() or repo.month_files():
        recovery.keep_copy(repo, repo.take_snapshot(), "before-migration")
    puts = migrations.upgraded(repo.folder, version, repo.protection.fmt, repo.month_files())
    repo.manifest.commit(puts, schema_version=SCHEMA_VERSION)
    repo.episode_files.upgrade = None
    return version


def read_meta(repo: Repository) -> Meta | None:
    """The store's meta.json; None for none, or a damaged one (set aside, and said)."""
    source = repo.episode_files.view.source(repo.meta_path)  # read-only: as last committed
    try:
        found = meta.read(source) if source is not None else None
    except (FileDamaged, ValueError) as exc:
        repo.episode_files.handle_unreadable(repo.meta_path)
        repo.manifest.damaged = str(exc) or "damaged"
        return None
    except files.Unreadable:
        repo.episode_files.handle_unreadable(repo.meta_path)
        return None
    except IsADirectoryError:
        repo.episode_files.handle_unreadable(repo.meta_path)
        return None
    if found is not None and found.schema_version > SCHEMA_VERSION:
        raise StoreTooNew(version=found.schema_version, known=SCHEMA_VERSION)
    return found


# ------------------------------------------------------------------ protection
def _settled(repo: Repository, found: Meta | None) -> Meta | None:
    """The store's meta with the header it is to be read with: its own, or, where its own
    is gone or damaged though the store is protected, its newest backup's (provisional
    until unlock tells). Raises StoreError("keys_damaged") where no header is left."""
    repo.protection.header = repo.protection.provisional = None
    repo.protection.required = False
    header = found.header if found is not None else None
    if header is not None and _sound(header):
        repo.protection.header = header
        return found
    if header is None and not looks_protected(repo):
        return found
    repo.protection.required = True
    backup = _header_from_backups(repo)
    if backup is None:
        raise StoreError("keys_damaged")
    repo.protection.header = backup.header
    repo.protection.provisional = backup
    repo.protection.changed = True
    if found is None:
        return None
    return Meta(found.schema_version, backup.header, found.parts, found.accepted)


def _sound(header: object) -> bool:
    """Whether a header has the shape of one we write (what it holds is checked at unlock)."""
    try:
        if not isinstance(header, dict) or header.get("version") not in (1, vault.HEADER_VERSION):
            return False
        vault.check_kdf(header.get("kdf"))
        vault.public_key(header)
    except vault.HeaderChanged:
        return False
    return all(isinstance(header.get(name), str) for name in ("nonce", "secrets"))


def looks_protected(repo: Repository) -> bool:
    """Whether the store's files or its backups say it is protected (asked only when its
    meta.json holds no header): names or sealed records, an encrypted file, a backup's header.
    Read-only: as the last committed change left them (a passphrase removed, not applied yet)."""
    view = repo.episode_files.view
    if view.exists(repo.protection.sealed_path):
        return True
    paths = [view.source(path) for path in [repo.active_path, repo.folder / files.NAMES_FILE, *repo.month_files()]]
    if any(files.is_protected_file(path) for path in paths if path is not None):
        return True
    return any(found.header is not None for found in backup_metas(repo))


def _header_from_backups(repo: Repository) -> Meta | None:
    """The meta.json of the newest backup that holds a sound header."""
    return next((found for found in backup_metas(repo) if found.header is not None and _sound(found.header)), None)


def backup_metas(repo: Repository) -> list[Meta]:
    """The meta.json of every backup folder, newest first (damaged ones left out)."""
    view = repo.episode_files.view  # read-only: as the last committed change left them
    try:
        names = sorted(view.names(repo.backups.folder), reverse=True)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        source = view.source(repo.backups.folder / name / files.META_FILE)
        try:
            backup_meta = meta.read(source) if source is not None else None
        except (OSError, ValueError):
            continue
        if backup_meta is not None:
            found.append(backup_meta)
    return found


# ---------------------------------------------------------------- the manifest
def _new_store(repo: Repository) -> Meta:
    """A new, empty store: ``active.json``, then ``meta.json`` listing it."""
    files.ensure_database(repo.active_path, repo.protection.fmt)
    found = Meta(SCHEMA_VERSION, repo.protection.header, {meta.ACTIVE: generation_of(repo.active_path)})
    return repo.manifest.write(found)


def _holds_parts(repo: Repository) -> bool:
    return repo.active_path.exists() or bool(repo.month_files()) or (repo.folder / files.NAMES_FILE).exists()


def _checked_files(repo: Repository) -> bool:
    """Whether the store's files carry their part and check (written by schema 4 or later)."""
    return any(generation_of(path) > 0 for path in [repo.active_path, *repo.month_files()[-1:]])


def _described(repo: Repository, version: int) -> Meta:
    """A manifest made from what is there, where meta.json was lost: the parts found, and
    those the newest backup lists that are not here any more (so they are told missing)."""
    parts = present_parts(repo)
    newest = next(iter(backup_metas(repo)), None)
    if newest is not None:
        for part, gen in newest.parts.items():
            parts.setdefault(part, gen)
    return Meta(version, repo.protection.header, parts)


def _rebuilt(repo: Repository) -> Meta:
    """meta.json was gone or damaged while pauses are stored: made again from the files."""
    repo.manifest.rebuilt = True
    found = _described(repo, SCHEMA_VERSION if _checked_files(repo) else SCHEMA_VERSION - 1)
    if found.schema_version < SCHEMA_VERSION or repo.protection.locked:
        return found  # written by the migration (or at unlock)
    return repo.manifest.write(found)


def present_parts(repo: Repository) -> dict[str, int]:
    """The parts whose files are in the store now, with their generations."""
    return {part_of(path): max(generation_of(path), 1)
            for path in _part_paths(repo) if path.exists()}


def _part_paths(repo: Repository) -> list[Path]:
    extra = [files.NAMES_FILE, files.PLAN_FILE, files.SEALED_FILE]
    return [repo.active_path, *repo.month_files(), *(repo.folder / name for name in extra)]


def _list_unlisted(repo: Repository) -> None:
    """Parts written after the manifest last was (a crash between the two, or a plan or
    sealed records written while locked): listed now (while locked, the loose ones only)."""
    listed = repo.meta.listed()
    candidates = [p for p in _part_paths(repo) if part_of(p) not in listed and p.exists()]
    if repo.protection.locked:
        candidates = [p for p in candidates if part_of(p) in meta.LOOSE]
    unlisted = {part_of(p): max(generation_of(p), 1) for p in candidates}
    if unlisted:
        repo.manifest.write(repo.meta.with_parts(unlisted))
