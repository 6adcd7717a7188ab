"""How one store file is kept on disk: its TinyDB database, which part of the store it
is, its generation, and what proves that nothing changed it since we wrote it.

Every file the store writes names its **part** (``active``, ``episodes/2026-03``,
``meta``, ``plan``, ``names``, ``sealed``, ``backup``, ``journal``: where it belongs,
from its place in the folder) and its **generation** (1 for a new file, one more
at each write). The store's manifest (``meta.py``) keeps the generation each part
had when it was last recorded, so a file moved to another part's place, or an older
copy put back, is found.

* **Plain** files stay ordinary TinyDB JSON: after the couple's tables, a last table
  ``integrity`` holds one document ``{"part", "gen", "sha256"}``, the SHA-256 of the
  file's bytes before it with the part and the generation. A flipped bit anywhere is
  found (so is the file rewritten by another program, which is the same to us).
* **Encrypted** files (a protected store, ``vault.py``) are a small JSON envelope
  around the AES-GCM ciphertext of the database; the part and the generation are
  its associated data, so they cannot be changed without the key noticing.

Files written before the store's schema 4 carry neither; a :class:`Format` with
``legacy`` reads them (as generation 0), and only a store of an older schema (or a
migration from one) uses it. :class:`StoreFileStorage` is the TinyDB Storage for
these files, beside :class:`~couplepause.store.storage.CrashSafeStorage`.

Qt-free.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any, TypeGuard

from tinydb.storages import Storage

from couplepause.common.folders import make_private_dirs
from couplepause.store.atomic import atomic_write
from couplepause.store.view import STAGED_SUFFIX

INTEGRITY_TABLE = "integrity"
ENVELOPE = "couplepause-protected"
ENVELOPE_VERSION = 2
MONTHS_FOLDER = "episodes"  # the months folder (files.MONTHS_DIR): its files' parts say it
_JSON_SUFFIX = ".json"


class FileDamaged(ValueError):
    """A file that is not what we wrote there (its reason says how, in plain words)."""


class NotOurs(FileDamaged):
    """An encrypted file met without its key (or a plain one where a key is expected)."""


def part_of(path: Path | str) -> str:
    """The part a file at ``path`` holds, from its place: ``episodes/2026-03`` for a month,
    else its name without ``.json`` (``active``, ``meta``, ``plan``, ``backup``…); a
    staged file (journal.py) holds its target's."""
    path = Path(path)
    path = path.with_name(path.name.removesuffix(STAGED_SUFFIX))
    stem = path.name.removesuffix(_JSON_SUFFIX)
    if path.parent.name == MONTHS_FOLDER:
        return f"{MONTHS_FOLDER}/{stem}"
    return stem


_CHECK_KEY = f'"{INTEGRITY_TABLE}": '.encode("ascii")


def _digest(tables: bytes, part: str, gen: int) -> str:
    """SHA-256 of a plain file's tables as written (the bytes before its check) with its
    part and generation."""
    return hashlib.sha256(tables + b"\0" + part.encode("utf-8") + b"\0" + str(gen).encode("ascii")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise FileDamaged("a field of the file is not what we wrote")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise FileDamaged("a field of the file is not what we wrote") from exc


def _is_gen(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


class Format:
    """How the store's files are written: plain TinyDB JSON with its check (``key`` None),
    or encrypted with a protected store's data key. ``legacy``: files of an older schema,
    without part or check, are read too (as generation 0)."""

    def __init__(self, key: bytes | None = None, *, legacy: bool = False) -> None:
        self.key = key
        self.legacy = legacy

    @property
    def protected(self) -> bool:
        return self.key is not None

    def reading_legacy(self, legacy: bool = True) -> Format:
        return Format(self.key, legacy=legacy)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Format) and (self.key, self.legacy) == (other.key, other.legacy)

    def __hash__(self) -> int:
        return hash((self.key, self.legacy))

    # --------------------------------------------------------------- writing
    def encode(self, data: dict[str, Any], part: str, gen: int) -> bytes:
        """A whole database as the bytes of its file, naming ``part`` and ``gen``."""
        if self.key is None:  # the tables as JSON, then the check of those very bytes, last
            tables = json.dumps(data).encode("ascii")[:-1] + (b", " if data else b"")
            check = json.dumps({"1": {"part": part, "gen": gen, "sha256": _digest(tables, part, gen)}})
            return tables + _CHECK_KEY + check.encode("ascii") + b"}"
        from couplepause.store import vault

        nonce, sealed = vault.encrypt(self.key, json.dumps(data).encode("utf-8"), _aad(part, gen))
        envelope = {ENVELOPE: ENVELOPE_VERSION, "part": part, "gen": gen, "nonce": _b64(nonce), "data": _b64(sealed)}
        return json.dumps(envelope).encode("ascii")

    # --------------------------------------------------------------- reading
    def decode(self, raw: bytes, part: str) -> tuple[dict[str, Any] | None, int]:
        """The database in a file's bytes and its generation; None for an empty file.
        Raises FileDamaged (NotOurs for a file this format cannot open)."""
        if not raw.strip():
            return None, 0
        found = _database(raw, "the file is not readable JSON")
        if ENVELOPE in found:
            if self.key is None:
                raise NotOurs("the file is encrypted")
            return self._opened(found, part, self.key)
        if self.key is not None and found:
            raise NotOurs("the file is not encrypted, though this history is protected")
        return self._checked(found, part, raw)

    def _checked(self, found: dict[str, Any], part: str, raw: bytes) -> tuple[dict[str, Any], int]:
        integrity = found.pop(INTEGRITY_TABLE, None)
        if integrity is None:
            if self.legacy or not found:
                return found, 0
            raise FileDamaged("the file carries no check of its contents")
        docs = list(integrity.values()) if isinstance(integrity, dict) else []
        check = docs[0] if len(docs) == 1 and isinstance(docs[0], dict) else {}
        gen = check.get("gen")
        if not _is_gen(gen) or not isinstance(check.get("part"), str):
            raise FileDamaged("the check of the file is damaged")
        if check["part"] != part:
            raise FileDamaged(f"the file belongs to another part of the history ({check['part']})")
        tables = raw[: raw.rfind(_CHECK_KEY)]  # the check is the last table: what precedes it is checked
        if check.get("sha256") != _digest(tables, part, gen):
            raise FileDamaged("the file was changed after it was written: its contents do not match its check")
        return found, gen

    def _opened(self, envelope: dict[str, Any], part: str, key: bytes) -> tuple[dict[str, Any], int]:
        from couplepause.store import vault

        version = envelope.get(ENVELOPE)
        if version == 1 and self.legacy:
            aad, gen = vault.LEGACY_FILE_AAD, 0
        elif version == ENVELOPE_VERSION:
            found_gen = envelope.get("gen")
            if not _is_gen(found_gen) or not isinstance(envelope.get("part"), str):
                raise FileDamaged("the file's envelope is damaged")
            gen = found_gen
            if envelope["part"] != part:
                raise FileDamaged(f"the file belongs to another part of the history ({envelope['part']})")
            aad = _aad(part, gen)
        else:
            raise FileDamaged("the file's envelope is not one this version writes")
        try:
            plaintext = vault.decrypt(key, _unb64(envelope.get("nonce")), _unb64(envelope.get("data")), aad)
        except vault.InvalidTag as exc:
            raise FileDamaged("the file does not open with this history's key, or was changed") from exc
        return _database(plaintext, "the file's contents are not readable"), gen


def _database(raw: bytes, unreadable: str) -> dict[str, Any]:
    """The JSON object in ``raw``; FileDamaged (saying ``unreadable``) for anything else."""
    try:
        found = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FileDamaged(unreadable) from exc
    if not isinstance(found, dict):
        raise FileDamaged("the file does not hold a database")
    return found


def _aad(part: str, gen: int) -> bytes:
    return b"couplepause store file v2\0" + part.encode("utf-8") + b"\0" + str(gen).encode("ascii")


PLAIN = Format()
LEGACY = Format(legacy=True)  # plain files that may come from an older version (a backup's, a journal)


def read_file(path: Path, fmt: Format, part: str | None = None) -> tuple[dict[str, Any] | None, int]:
    """The database in ``path`` and its generation (``part``: where it belongs, if not
    where it lies, e.g. a staged file). Raises FileNotFoundError and FileDamaged."""
    return fmt.decode(Path(path).read_bytes(), part or part_of(path))


def generation_of(path: Path) -> int:
    """The generation the file at ``path`` says it has (read, not checked: the next write
    goes past it either way); 0 when there is none, or it does not say."""
    try:
        found = json.loads(Path(path).read_bytes())
        gen = found.get("gen") if ENVELOPE in found else next(iter(found[INTEGRITY_TABLE].values())).get("gen")
    except (OSError, ValueError, TypeError, AttributeError, KeyError, StopIteration):
        return 0
    return gen if _is_gen(gen) else 0


class StoreFileStorage(Storage):
    """A TinyDB Storage for the store's files: each write names the file's part and its next
    generation and carries its check (plain) or is encrypted (``fmt`` with a key), written
    atomically like :class:`~couplepause.store.storage.CrashSafeStorage` and with the same
    constructor, plus ``fmt`` and ``after`` (a generation the next write must pass). A
    file that is not what we wrote raises FileDamaged (a ValueError) on read."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        create_dirs: bool = False,
        encoding: str | None = None,
        access_mode: str = "r+",
        *,
        fmt: Format = PLAIN,
        after: int = 0,
        **json_kwargs: Any,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.fmt = fmt
        self.part = part_of(self.path)
        self.gen = 0  # of the file as last read, then as last written
        self.after = after  # a generation the next write must pass (the manifest's)
        self.read_only = not any(char in access_mode for char in ("+", "w", "a"))
        if self.read_only and not self.path.exists():
            raise FileNotFoundError(2, "No such file or directory", str(self.path))
        if not self.read_only and create_dirs:
            make_private_dirs(self.path.parent)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.gen = 0
            return None
        data, self.gen = self.fmt.decode(raw, self.part)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise PermissionError("Cannot write to the database: it is open read-only")
        self.gen = max(self.gen, self.after) + 1
        atomic_write(self.path, self.fmt.encode(data, self.part, self.gen))

    def close(self) -> None:
        """Nothing to release: no handle is held between reads and writes."""
