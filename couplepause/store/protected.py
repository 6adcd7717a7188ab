"""A store protected with a passphrase: locked and unlocked, sealed writes, and
setting, changing or removing the passphrase.

While **locked**, the store's files stay closed: what the live flow writes (a new
pause, its breathing, turns, break and repair) is sealed to the store's public key
and kept in ``sealed.json``, one opaque record per pause, so a pause never waits
for the passphrase. **Unlocking** opens the keys (``vault.py``) and, in one
journaled transaction, files every sealed record where it belongs.

Setting, changing and removing the passphrase rewrite every file of the store and
of every backup (the plan as the names: encrypted only when they are protected too,
see plan_file.py), all or nothing (one transaction over the data folder), so no
copy of the history is left readable, or unreadable, behind.

Qt-free.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from couplepause.store import files, meta, plan_file, vault
from couplepause.store.files import (
    EPISODES_TABLE,
    NAMES_FILE,
    NAMES_TABLE,
    PLAIN,
    SEALED_FILE,
    SEALED_TABLE,
    Format,
)
from couplepause.store.envelope import LEGACY, generation_of, part_of
from couplepause.store.migrations import SCHEMA_VERSION
from couplepause.store.journal import Transaction
from couplepause.store.vault import HeaderChanged, Keys, Locked

if TYPE_CHECKING:
    from couplepause.store.repository import Repository

ACTIVE = "active"
ARCHIVE = "archive"


class Protection:
    """The protection state of one store: its header, and its keys while unlocked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.header: dict[str, Any] | None = None
        self.keys: Keys | None = None
        self.legacy = False  # the store's files are of an older schema (envelope.py)
        # The store's own header was gone or damaged: ``provisional`` is the meta.json of
        # the backup whose header it is read with, until unlock shows it is genuine.
        self.provisional: Any = None
        self.changed = False  # the header or the manifest was found changed (told to the couple)
        self.required = False  # the files say the store is protected, though no header is left
        self._sealed: dict[str, int] = {}  # episode id -> its record in sealed.json (this run)
        self._mutex = threading.Lock()

    @property
    def protected(self) -> bool:
        return self.header is not None

    @property
    def locked(self) -> bool:
        return self.header is not None and self.keys is None

    @property
    def fmt(self) -> Format:
        """How the store's files are read and written now."""
        return Format(self.keys.data if self.keys is not None else None, legacy=self.legacy)

    @property
    def sealed_path(self) -> Path:
        return self.folder / SEALED_FILE

    def unlock(self, passphrase: str) -> Keys:
        if self.header is None:
            raise Locked("not_protected")
        self.keys = vault.open_keys(self.header, passphrase)
        return self.keys

    def lock(self) -> None:
        self.keys = None

    # ------------------------------------------------------------ sealed records
    def seal(self, op: str, record: dict[str, Any]) -> None:
        """Keep ``record`` (op: "active" or "archive") sealed, replacing this run's
        earlier record of the same pause. One atomic write of sealed.json."""
        assert self.header is not None
        token = vault.seal(vault.public_key(self.header), json.dumps({"op": op, "record": record}).encode())
        plain = PLAIN.reading_legacy(self.legacy)
        with self._mutex:
            files.read_documents(self.sealed_path, SEALED_TABLE, plain)  # raises files.Unreadable: never written over
            with files.open_db(self.sealed_path, fmt=plain) as db:
                table = db.table(SEALED_TABLE)
                doc_id = self._sealed.get(record["id"])
                if doc_id is not None and table.contains(doc_id=doc_id):
                    table.update({"token": token}, doc_ids=[doc_id])
                else:
                    self._sealed[record["id"]] = table.insert({"token": token})

    def sealed_records(self) -> list[tuple[str, dict[str, Any]]]:
        """Every sealed record, oldest first, opened with the keys.

        Raises files.Unreadable when sealed.json, or a record in it, does not open.
        """
        assert self.keys is not None
        return open_sealed(self.sealed_path, self.keys, PLAIN.reading_legacy(self.legacy))

    def forget_sealed(self) -> None:
        """The sealed records were filed (their file is empty now)."""
        with self._mutex:
            self._sealed.clear()


# ------------------------------------------------------- locking, unlocking
def unlock(repo: Repository, passphrase: str) -> None:
    """Open the keys; check that the header and the manifest are as we wrote them (a
    changed one is told: ``Protection.changed``, and mended where the store is writable);
    bring an older store up to date; file what was sealed while locked."""
    with repo.lock:
        repo.ensure_open()
        protection = repo.protection
        try:
            keys = protection.unlock(passphrase)
        except (vault.WrongPassphrase, HeaderChanged) as error:
            keys = _unlock_with_a_backups_header(repo, passphrase, error)
        genuine = keys.public == vault.public_key(protection.header)
        if protection.provisional is not None:
            genuine = genuine and protection.provisional.verified_by(keys)
        described = protection.provisional is None and repo.meta.verified_by(keys)
        if not (genuine and described):
            protection.changed = True
        repo.load_active()
        if repo.read_only:
            return
        if repo.meta.schema_version < SCHEMA_VERSION:
            from couplepause.store import opening

            opening.migrate(repo)
        if protection.changed or keys.mac is None:
            rewrap(repo, keys, passphrase, mend=protection.changed)
        file_sealed(repo)


def _unlock_with_a_backups_header(repo: Repository, passphrase: str, error: Exception) -> Keys:
    """Where the store's own header does not open with ``passphrase``: a backup's header
    (another one than the store's) that does, and whose MAC says it is genuine, is taken
    (the store's header was damaged; told, and mended where writable). Raises ``error``
    (what the store's own header said) otherwise."""
    from couplepause.store import opening

    tried = [repo.protection.header]
    for found in opening.backup_metas(repo):
        if found.header is None or found.header in tried:
            continue
        tried.append(found.header)
        try:
            keys = vault.open_keys(found.header, passphrase)
        except (vault.WrongPassphrase, HeaderChanged):
            continue
        if keys.public == vault.public_key(found.header) and found.verified_by(keys):
            protection = repo.protection
            protection.header, protection.provisional, protection.keys = found.header, found, keys
            protection.changed = True
            return keys
    raise error


def rewrap(repo: Repository, keys: Keys, passphrase: str, *, mend: bool = False) -> None:
    """A new header for the same keys (today's key derivation, a MAC key where an old
    header had none), in the store's meta.json and every backup's, in one transaction.
    ``mend``: the header or manifest was found changed: the manifest is made again from
    what it listed, what is there and what the newest backup lists."""
    from couplepause.store import opening

    if keys.mac is None:
        keys = keys._replace(mac=os.urandom(32))
    header = vault.header_for(keys, passphrase)
    parts = dict(repo.meta.parts)
    if mend:
        for part, gen in opening.present_parts(repo).items():
            parts[part] = max(parts.get(part, 0), gen)
        newest = next(iter(opening.backup_metas(repo)), None)
        for part, gen in (newest.parts if newest is not None else {}).items():
            parts.setdefault(part, gen)
    transaction = Transaction(repo.root, repo.protection.fmt)
    repo.backups.reheader_into(transaction, header, keys)
    described = replace(repo.meta, header=header, parts=parts).signed(keys)
    transaction.put(repo.meta_path, described.tables(), PLAIN)
    transaction.commit()
    repo.protection.header, repo.protection.keys, repo.protection.provisional = header, keys, None
    repo.manifest.use(described)


def lock(repo: Repository) -> None:
    with repo.lock:
        if repo.protection.protected:
            repo.protection.lock()
            repo.load_active()


def file_sealed(repo: Repository) -> None:
    """File every sealed record into the store and empty sealed.json, in one transaction."""
    with repo.lock:
        path = repo.protection.sealed_path
        if not repo.protection.protected or not path.exists():
            return
        try:
            records = repo.protection.sealed_records()
        except files.Unreadable:
            repo.episode_files.handle_unreadable(path)
            repo.protection.forget_sealed()
            return
        repo.commit(sealed_tables(records, repo), removes=[path])
        repo.protection.forget_sealed()


def seal(repo: Repository, op: str, record: dict[str, Any]) -> None:
    """Seal one write of the live flow (one write of sealed.json; a new sealed.json is
    listed in the manifest after it); a damaged sealed.json is set aside (and told) first."""
    try:
        repo.protection.seal(op, record)
    except files.Unreadable:
        repo.episode_files.handle_unreadable(repo.protection.sealed_path)
        repo.protection.forget_sealed()
        repo.protection.seal(op, record)
    if meta.SEALED not in repo.meta.loose:
        repo.manifest.write(repo.meta.with_parts({meta.SEALED: 1}))


def names(repo: Repository) -> dict[str, str] | None:
    """The protected names (None: none kept, or damaged: set aside and told)."""
    with repo.lock:
        repo.require_unlocked()
        path = repo.folder / NAMES_FILE
        try:
            found = repo.episode_files.documents(path, NAMES_TABLE, repo.protection.fmt)  # read-only: as last committed
            return {"a": str(found[0].get("a", "")), "b": str(found[0].get("b", ""))} if found else None
        except (files.Unreadable, AttributeError, IndexError):
            repo.episode_files.handle_unreadable(path)
            return None


def with_sealed(repo: Repository, active: dict) -> dict:
    """A read-only look at a protected store: what is still sealed counts too."""
    from couplepause.core.episode import Episode

    path = repo.protection.sealed_path
    source = repo.episode_files.view.source(path)  # as the last committed change left it
    if source is not None and source.exists():
        try:
            records = open_sealed(source, repo.protection.keys, PLAIN.reading_legacy(repo.protection.legacy))
        except files.Unreadable:
            repo.episode_files.handle_unreadable(path)  # read-only: noted, and told as missing
            return active
        for _op, record in records:
            episode = Episode.from_dict(record)
            active[episode.id] = episode
    return active


# ------------------------------------------------------ setting the passphrase
def protect(repo: Repository, passphrase: str, names: dict[str, str] | None = None) -> None:
    """Protect an unprotected store with ``passphrase``; ``names``: protect the partners'
    names too (kept in the encrypted names.json)."""
    with repo.lock:
        if repo.protection.protected:
            raise Locked("protected_already")
        keys = vault.new_keys()
        _rewrite(repo, keys, vault.header_for(keys, passphrase), names)


def change(repo: Repository, passphrase: str) -> None:
    """Give an unlocked protected store a new passphrase and new keys."""
    with repo.lock:
        _require_unlocked(repo)
        keys = vault.new_keys()
        _rewrite(repo, keys, vault.header_for(keys, passphrase), repo.protected_names())


def unprotect(repo: Repository) -> dict[str, str] | None:
    """Remove the protection of an unlocked store; returns the protected names, if any
    (the app gives them back to the settings)."""
    with repo.lock:
        _require_unlocked(repo)
        names = repo.protected_names()
        _rewrite(repo, None, None, None)
        return names


def _require_unlocked(repo: Repository) -> None:
    if not repo.protection.protected:
        raise Locked("not_protected")
    if repo.protection.locked:
        raise Locked("unlock_first")


def _rewrite(repo: Repository, keys: Keys | None, header: dict[str, Any] | None, names: dict[str, str] | None) -> None:
    """Every file of the store and of its backups in the new format, in one transaction."""
    repo.file_sealed_records()  # nothing may stay sealed to the old keys
    old, new = repo.protection.fmt, Format(keys.data) if keys else PLAIN
    transaction = Transaction(repo.root, new)
    written: dict[str, int] = {}
    for path in [repo.active_path, *repo.month_files()]:
        try:
            found = files.read_database(path, old)
        except files.Unreadable:  # set aside (and told) as at any read; never rewritten
            repo.episode_files.handle_unreadable(path)
            continue
        if found is not None:
            written[part_of(path)] = _put(transaction, repo, path, found, new)
    names_path = repo.folder / NAMES_FILE
    gone = set()
    if names:
        found = {NAMES_TABLE: [dict(names)]}, generation_of(names_path)
        written[meta.NAMES] = _put(transaction, repo, names_path, found, new)
    elif names_path.exists():
        transaction.remove(names_path)
        gone.add(meta.NAMES)
    plan_gen = plan_file.put_rewritten(repo, transaction, old, new, names=bool(names))
    if plan_gen is not None:
        written[meta.PLAN] = plan_gen
    if repo.protection.sealed_path.exists():
        transaction.remove(repo.protection.sealed_path)
    gone.add(meta.SEALED)
    plan_fmt = plan_file.write_format(repo.folder, new, names=bool(names))
    repo.backups.rewrite_into(transaction, old, new, repo.protection.keys, header, plan_fmt, keys)
    described = replace(repo.meta.with_parts(written, gone), header=header).signed(keys)
    transaction.put(repo.meta_path, described.tables(), PLAIN)
    transaction.commit()
    repo.protection.header, repo.protection.keys = header, keys
    repo.protection.provisional, repo.protection.changed = None, False
    repo.reopen()


def _put(transaction: Transaction, repo: Repository, path: Path, found: tuple[dict, int], fmt: Format) -> int:
    """``path`` rewritten in ``fmt`` (``found``: its tables and generation); its new generation."""
    tables, gen = found
    gen = max(gen, repo.meta.parts.get(part_of(path), 0)) + 1
    transaction.put(path, tables, fmt, gen=gen)
    return gen


def open_sealed(path: Path, keys: Keys, plain: Format = LEGACY) -> list[tuple[str, dict[str, Any]]]:
    """The records of a sealed.json, oldest first; raises files.Unreadable if one does not open."""
    documents = files.read_documents(path, SEALED_TABLE, plain) or []
    found = []
    for doc in sorted(documents, key=lambda d: d.doc_id):
        try:
            opened = json.loads(vault.unseal(keys, doc["token"]))
            found.append((opened["op"], opened["record"]))
        except Exception as exc:  # noqa: BLE001 - any failure: the record is damaged
            raise files.Unreadable(path, "a sealed record does not open") from exc
    return found


def file_records(records: list[tuple[str, dict[str, Any]]], puts: dict[Path, dict[str, list]], folder: Path) -> None:
    """File sealed ``records`` into the store files of ``folder``, whose tables ``puts``
    holds (path -> tables) and gains: in progress into active.json, closed into their month."""
    from couplepause.core.episode import Episode
    from couplepause.store.repository import month_key

    def tables(path: Path) -> list:
        return puts.setdefault(path, {}).setdefault(EPISODES_TABLE, [])

    active = folder / files.ACTIVE_FILE
    for op, record in records:
        episode_id = str(record["id"]).lower()
        month = folder / files.MONTHS_DIR / f"{month_key(Episode.from_dict(record).paused_at)}.json"
        target = active if op == ACTIVE else month
        for path in {active, target}:
            puts.setdefault(path, {})[EPISODES_TABLE] = [
                d for d in tables(path) if str(d.get("id")).lower() != episode_id
            ]
        kept = tables(target)
        next_id = max((d.doc_id for d in kept if isinstance(d, Document)), default=0) + 1
        kept.append(Document(record, doc_id=next_id))


def sealed_tables(records: list[tuple[str, dict[str, Any]]], repo: Repository) -> dict[Path, dict[str, list]]:
    """The store files that change when ``records`` are filed, with their new tables."""
    puts: dict[Path, dict[str, list]] = {}
    from couplepause.core.episode import Episode

    for _op, record in records:
        for path in {repo.active_path, repo.month_path(Episode.from_dict(record))}:
            if path not in puts:
                puts[path] = repo.tables_of(path)
    file_records(records, puts, repo.folder)
    return puts
