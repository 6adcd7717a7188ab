"""The protection state of one store (its header, and its keys while unlocked) and its
sealed records: what the live flow writes while the history is locked, sealed to the
store's public key into ``sealed.json``, one opaque record per pause.

Below the manifest and the repository: it takes the store's folder and nothing of the
repository (protected.py holds what is done with it). Qt-free.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from tinydb.table import Document

from couplepause.core.episode import Episode
from couplepause.store import files, vault
from couplepause.store.envelope import LEGACY
from couplepause.store.files import EPISODES_TABLE, PLAIN, SEALED_FILE, SEALED_TABLE, Format
from couplepause.store.layout import ACTIVE_FILE, MONTHS_DIR, month_key
from couplepause.store.vault import Keys, Locked

ACTIVE = "active"  # a sealed record of a pause in progress
ARCHIVE = "archive"  # a sealed record of a closed pause


class Protection:
    """The protection state of one store: its header, and its keys while unlocked.

    Owned by the repository and changed only under its lock; the sealed records of
    this run have their own mutex (a seal may run beside a read)."""

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

    def open_keys(self) -> Keys:
        """The keys of an unlocked store (a locked one raises Locked)."""
        if self.keys is None:
            raise Locked("history_locked")
        return self.keys

    def unlock(self, passphrase: str) -> Keys:
        if self.header is None:
            raise Locked("not_protected")
        self.keys = vault.open_keys(self.header, passphrase)
        return self.keys

    def lock(self) -> None:
        self.keys = None

    def forget_keys(self) -> None:
        """No protection any more (the store was erased)."""
        self.header = self.keys = self.provisional = None
        self.changed = False
        self.forget_sealed()

    # ------------------------------------------------------------ sealed records
    def seal(self, op: str, record: dict[str, Any]) -> None:
        """Keep ``record`` (op: ACTIVE or ARCHIVE) sealed, replacing this run's
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


def open_sealed(path: Path, keys: Keys, plain: Format = LEGACY) -> list[tuple[str, dict[str, Any]]]:
    """The records of a sealed.json, oldest first; raises files.Unreadable if one does not open."""
    documents = files.read_documents(path, SEALED_TABLE, plain) or []
    found = []
    for doc in sorted(documents, key=lambda d: d.doc_id):
        try:
            opened = json.loads(vault.unseal(keys, doc["token"]))
            found.append((opened["op"], opened["record"]))
        except Exception as exc:  # any failure: the record is damaged
            raise files.Unreadable(path, "a sealed record does not open") from exc
    return found


def file_records(records: list[tuple[str, dict[str, Any]]], puts: dict[Path, dict[str, list]], folder: Path) -> None:
    """File sealed ``records`` into the store files of ``folder``, whose tables ``puts``
    holds (path -> tables) and gains: in progress into active.json, closed into their month."""

    def tables(path: Path) -> list:
        return puts.setdefault(path, {}).setdefault(EPISODES_TABLE, [])

    active = folder / ACTIVE_FILE
    for op, record in records:
        episode_id = str(record["id"]).lower()
        month = folder / MONTHS_DIR / f"{month_key(Episode.from_dict(record).paused_at)}.json"
        target = active if op == ACTIVE else month
        for path in {active, target}:
            puts.setdefault(path, {})[EPISODES_TABLE] = [
                d for d in tables(path) if str(d.get("id")).lower() != episode_id
            ]
        kept = tables(target)
        next_id = max((d.doc_id for d in kept if isinstance(d, Document)), default=0) + 1
        kept.append(Document(record, doc_id=next_id))
