"""Protecting a couple's history with a passphrase: the keys, sealing, and the
encrypted TinyDB Storage. Only the ``cryptography`` package's primitives; nothing
made here.

* The passphrase gives a key-encryption key through **scrypt** (its parameters and
  salt are written in the header, so they can be raised later). That key opens,
  with **AES-GCM**, the two secrets of a protected store: the *data key* that
  encrypts every store file, and an **X25519** private key.
* The matching X25519 public key is kept in the clear. With it, the app **seals**
  what the live flow writes while the history is locked (an ephemeral X25519 key,
  HKDF-SHA256, AES-GCM): a pause never waits for a passphrase, and only the
  passphrase can read it back.
* :class:`ProtectedStorage` is a TinyDB Storage beside :class:`CrashSafeStorage`:
  the same atomic writes, of the database encrypted with the data key.

Qt-free.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from tinydb.storages import Storage

from couplepause.store.atomic import atomic_write, make_private_dirs
from couplepause.store.errors import StoreError

HEADER_VERSION = 1
# scrypt's cost: about a quarter of a second on a laptop, written into each header.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
ENVELOPE = "couplepause-protected"
_KEYS_AAD = b"couplepause keys v1"
_FILE_AAD = b"couplepause store file v1"
_SEAL_INFO = b"couplepause sealed v1"
_NONCE = 12


class WrongPassphrase(StoreError):
    """The passphrase does not open this store (nothing was changed)."""

    key = "wrong_passphrase"


class Locked(StoreError):
    """The history is protected and locked: reading it needs the passphrase."""


class Keys(NamedTuple):
    """A protected store's secrets, once the passphrase opened them."""

    data: bytes  # AES-GCM key of every store file
    private: X25519PrivateKey  # opens what was sealed while locked
    public: bytes  # the raw X25519 public key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _kek(passphrase: str, kdf: dict[str, Any]) -> bytes:
    return Scrypt(salt=_unb64(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(
        passphrase.encode("utf-8")
    )


# ------------------------------------------------------------------- header
def new_keys() -> Keys:
    private = X25519PrivateKey.generate()
    return Keys(AESGCM.generate_key(bit_length=256), private, _raw_public(private.public_key()))


def header_for(keys: Keys, passphrase: str) -> dict[str, Any]:
    """What ``meta.json`` keeps in the clear: how to derive the key, the public key,
    and the secrets encrypted under the passphrase."""
    kdf = {"name": "scrypt", "salt": _b64(os.urandom(16)), **SCRYPT}
    secrets = json.dumps({
        "data": _b64(keys.data),
        "private": _b64(keys.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )),
    }).encode("utf-8")
    nonce = os.urandom(_NONCE)
    wrapped = AESGCM(_kek(passphrase, kdf)).encrypt(nonce, secrets, _KEYS_AAD)
    return {
        "version": HEADER_VERSION,
        "kdf": kdf,
        "cipher": "aes-256-gcm",
        "seal": "x25519-hkdf-sha256-aes-256-gcm",
        "public_key": _b64(keys.public),
        "nonce": _b64(nonce),
        "secrets": _b64(wrapped),
    }


def open_keys(header: dict[str, Any], passphrase: str) -> Keys:
    """The store's secrets; raises WrongPassphrase (for a damaged header too: same words)."""
    try:
        kek = _kek(passphrase, header["kdf"])
        secrets = AESGCM(kek).decrypt(_unb64(header["nonce"]), _unb64(header["secrets"]), _KEYS_AAD)
        found = json.loads(secrets)
        private = X25519PrivateKey.from_private_bytes(_unb64(found["private"]))
        return Keys(_unb64(found["data"]), private, _unb64(header["public_key"]))
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise WrongPassphrase() from exc


def public_key(header: dict[str, Any]) -> bytes:
    return _unb64(header["public_key"])


# ------------------------------------------------------------------ sealing
def seal(public: bytes, plaintext: bytes) -> str:
    """Encrypt ``plaintext`` so that only the holder of the private key can read it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = HKDF(hashes.SHA256(), 32, salt=None, info=_SEAL_INFO + ephemeral_public + public).derive(shared)
    nonce = os.urandom(_NONCE)
    return _b64(ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, _SEAL_INFO))


def unseal(keys: Keys, token: str) -> bytes:
    raw = _unb64(token)
    ephemeral_public, nonce, sealed = raw[:32], raw[32 : 32 + _NONCE], raw[32 + _NONCE :]
    shared = keys.private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = HKDF(hashes.SHA256(), 32, salt=None, info=_SEAL_INFO + ephemeral_public + keys.public).derive(shared)
    return AESGCM(key).decrypt(nonce, sealed, _SEAL_INFO)


# ------------------------------------------------------------- store files
def encrypt(data_key: bytes, plaintext: bytes) -> bytes:
    """A store file's bytes: a small JSON envelope around the AES-GCM ciphertext."""
    nonce = os.urandom(_NONCE)
    envelope = {ENVELOPE: 1, "nonce": _b64(nonce), "data": _b64(AESGCM(data_key).encrypt(nonce, plaintext, _FILE_AAD))}
    return json.dumps(envelope).encode("ascii")


def decrypt(data_key: bytes, raw: bytes) -> bytes:
    """The plaintext of :func:`encrypt`'s bytes; raises ValueError if they are not that."""
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict) or envelope.get(ENVELOPE) != 1:
            raise ValueError("not a protected file")
        return AESGCM(data_key).decrypt(_unb64(envelope["nonce"]), _unb64(envelope["data"]), _FILE_AAD)
    except (InvalidTag, KeyError) as exc:
        raise ValueError("the file does not open with this history's key") from exc


class ProtectedStorage(Storage):
    """A TinyDB Storage that keeps the database encrypted (AES-GCM with ``key``),
    written crash-safely like :class:`CrashSafeStorage` and with the same
    constructor, plus the key. Damaged or foreign bytes raise ValueError."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        create_dirs: bool = False,
        encoding: str | None = None,
        access_mode: str = "r+",
        *,
        key: bytes,
        **json_kwargs: Any,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.key = key
        self.encoding = encoding or "utf-8"
        self.json_kwargs = json_kwargs
        self.read_only = not any(char in access_mode for char in ("+", "w", "a"))
        if self.read_only and not self.path.exists():
            raise FileNotFoundError(2, "No such file or directory", str(self.path))
        if not self.read_only and create_dirs:
            make_private_dirs(self.path.parent)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        return json.loads(decrypt(self.key, raw).decode(self.encoding))

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise PermissionError("Cannot write to the database: it is open read-only")
        atomic_write(self.path, encrypt(self.key, json.dumps(data, **self.json_kwargs).encode(self.encoding)))

    def close(self) -> None:
        """Nothing to release."""
