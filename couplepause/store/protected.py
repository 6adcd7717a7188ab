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
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from couplepause.store import files, plan_file, vault
from couplepause.store.files import (
    EPISODES_TABLE,
    META_TABLE,
    NAMES_FILE,
    NAMES_TABLE,
    PLAIN,
    PROTECTION_TABLE,
    SEALED_FILE,
    SEALED_TABLE,
    Format,
)
from couplepause.store.journal import Transaction
from couplepause.store.vault import Keys, Locked

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
        return Format(self.keys.data) if self.keys is not None else PLAIN

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
        with self._mutex:
            files.read_documents(self.sealed_path, SEALED_TABLE)  # raises files.Unreadable: never written over
            files.ensure_database(self.sealed_path)
            with files.open_db(self.sealed_path) as db:
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
        return open_sealed(self.sealed_path, self.keys)

    def forget_sealed(self) -> None:
        """The sealed records were filed (their file is empty now)."""
        with self._mutex:
            self._sealed.clear()


# ------------------------------------------------------- locking, unlocking
def unlock(repo: Repository, passphrase: str) -> None:
    with repo.lock:
        repo.ensure_open()
        repo.protection.unlock(passphrase)
        repo.load_active()
        if not repo.read_only:
            file_sealed(repo)


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
    """Seal one write of the live flow; a damaged sealed.json is set aside (and told) first."""
    try:
        repo.protection.seal(op, record)
    except files.Unreadable:
        repo.episode_files.handle_unreadable(repo.protection.sealed_path)
        repo.protection.forget_sealed()
        repo.protection.seal(op, record)


def names(repo: Repository) -> dict[str, str] | None:
    with repo.lock:
        repo.require_unlocked()
        try:
            found = repo.episode_files.documents(repo.folder / NAMES_FILE, NAMES_TABLE)
        except files.Unreadable:
            return None
        return {"a": str(found[0].get("a", "")), "b": str(found[0].get("b", ""))} if found else None


def with_sealed(repo: Repository, active: dict) -> dict:
    """A read-only look at a protected store: what is still sealed counts too."""
    from couplepause.core.episode import Episode

    sealed = repo.episode_files.view.source(repo.protection.sealed_path)  # as last committed
    if sealed is not None and sealed.exists():
        for _op, record in open_sealed(sealed, repo.protection.keys):
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
    for path in [repo.active_path, *repo.month_files()]:
        tables = files.read_tables(path, old)
        if tables is not None:
            transaction.put(path, tables)
    meta = {META_TABLE: [{"schema_version": repo.schema_version}]}
    if header is not None:
        meta[PROTECTION_TABLE] = [header]
    transaction.put(repo.meta_path, meta, PLAIN)
    names_path = repo.folder / NAMES_FILE
    if names:
        transaction.put(names_path, {NAMES_TABLE: [dict(names)]})
    elif names_path.exists():
        transaction.remove(names_path)
    plan_file.put_rewritten(repo, transaction, old, new, names=bool(names))
    if repo.protection.sealed_path.exists():
        transaction.remove(repo.protection.sealed_path)
    plan_fmt = plan_file.write_format(repo.folder, new, names=bool(names))
    repo.backups.rewrite_into(transaction, old, new, repo.protection.keys, header, plan_fmt)
    transaction.commit()
    repo.protection.header, repo.protection.keys = header, keys
    repo.reopen()


def open_sealed(path: Path, keys: Keys) -> list[tuple[str, dict[str, Any]]]:
    """The records of a sealed.json, oldest first; raises files.Unreadable if one does not open."""
    documents = files.read_documents(path, SEALED_TABLE) or []
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
    for op, record in records:
        episode = json.loads(json.dumps(record))
        for path in {repo.active_path, repo.month_path_of(episode)}:
            if path not in puts:
                puts[path] = repo.tables_of(path)
    file_records(records, puts, repo.folder)
    return puts
