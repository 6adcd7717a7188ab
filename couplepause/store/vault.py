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
* The store's files are encrypted with the data key by ``envelope.py`` (their part
  and generation as associated data). A third secret authenticates the header and
  the store's manifest (``meta.py``): an edited, stripped or swapped header is found.

Qt-free.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from typing import Any, NamedTuple, TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from couplepause.store.errors import StoreError

HEADER_VERSION = 2
# scrypt's cost for a new header: OWASP's guidance (N=2^17, r=8, p=1), about half a
# second and 128 MiB. An older header may ask for less (it still opens); none may ask
# for more than the bounds below, so an edited header cannot make unlocking hang.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
SCRYPT_MAX_N = 2**20
SCRYPT_MAX_R = 16
SCRYPT_MAX_P = 4
SCRYPT_MAX_MEMORY = 1 << 30  # 128 * n * r bytes
ENVELOPE = "couplepause-protected"
_KEYS_AAD = {1: b"couplepause keys v1", 2: b"couplepause keys v2"}
LEGACY_FILE_AAD = b"couplepause store file v1"
_SEAL_INFO = b"couplepause sealed v1"
_MAC_INFO = b"couplepause header mac v2"
_NONCE = 12


class WrongPassphrase(StoreError):
    """The passphrase does not open this store (nothing was changed)."""

    key = "wrong_passphrase"


class Locked(StoreError):
    """The history is protected and locked: reading it needs the passphrase."""


class HeaderChanged(StoreError):
    """The protection record (meta.json's header) is not as we wrote it: edited,
    stripped, or swapped for another. Nothing is read as plain and nothing is written."""

    key = "header_changed"


class Keys(NamedTuple):
    """A protected store's secrets, once the passphrase opened them."""

    data: bytes  # AES-GCM key of every store file
    private: X25519PrivateKey  # opens what was sealed while locked
    public: bytes  # the raw X25519 public key
    mac: bytes | None = None  # authenticates the header and the manifest (None: an old header)


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_kdf(kdf: Any) -> dict[str, Any]:
    """The header's key-derivation parameters, if they are scrypt's within our bounds;
    raises HeaderChanged otherwise (before any derivation is tried)."""
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise HeaderChanged()
    n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
    if not (_count(n) and _count(r) and _count(p)) or n < 2 or n & (n - 1):
        raise HeaderChanged()
    if n > SCRYPT_MAX_N or r > SCRYPT_MAX_R or p > SCRYPT_MAX_P:
        raise HeaderChanged()
    if 128 * n * r > SCRYPT_MAX_MEMORY:
        raise HeaderChanged()
    try:
        if len(_unb64(kdf.get("salt"))) < 16:
            raise HeaderChanged()
    except ValueError as exc:
        raise HeaderChanged() from exc
    return kdf


def _kek(passphrase: str, kdf: dict[str, Any]) -> bytes:
    kdf = check_kdf(kdf)
    return Scrypt(salt=_unb64(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(
        passphrase.encode("utf-8")
    )


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


# ------------------------------------------------------------------- header
def new_keys() -> Keys:
    private = X25519PrivateKey.generate()
    return Keys(AESGCM.generate_key(bit_length=256), private, _raw_public(private.public_key()), os.urandom(32))


def header_for(keys: Keys, passphrase: str) -> dict[str, Any]:
    """What ``meta.json`` keeps in the clear: how to derive the key, the public key,
    and the secrets encrypted under the passphrase. The whole header is authenticated
    with the manifest by ``mac_of`` (meta.py), once the keys are open."""
    mac = keys.mac if keys.mac is not None else os.urandom(32)
    keys = keys._replace(mac=mac)
    kdf = {"name": "scrypt", "salt": _b64(os.urandom(16)), **SCRYPT}
    secrets = json.dumps({
        "data": _b64(keys.data),
        "private": _b64(keys.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )),
        "mac": _b64(mac),
    }).encode("utf-8")
    nonce = os.urandom(_NONCE)
    wrapped = AESGCM(_kek(passphrase, kdf)).encrypt(nonce, secrets, _KEYS_AAD[HEADER_VERSION])
    return {
        "version": HEADER_VERSION,
        "kdf": kdf,
        "cipher": "aes-256-gcm",
        "seal": "x25519-hkdf-sha256-aes-256-gcm",
        "public_key": _b64(keys.public),
        "nonce": _b64(nonce),
        "secrets": _b64(wrapped),
    }


def open_keys(header: object, passphrase: str) -> Keys:
    """The store's secrets, with the public key that belongs to the private one (the
    caller compares it with the header's). Raises HeaderChanged for a header that is not
    one we write (its parameters out of bounds, its secrets not ours) and WrongPassphrase
    when the passphrase does not open it."""
    if not isinstance(header, dict) or header.get("version") not in _KEYS_AAD:
        raise HeaderChanged()
    check_kdf(header.get("kdf"))
    try:
        kek = _kek(passphrase, header["kdf"])
        secrets = AESGCM(kek).decrypt(_unb64(header["nonce"]), _unb64(header["secrets"]), _KEYS_AAD[header["version"]])
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise WrongPassphrase() from exc
    try:
        found = json.loads(secrets)
        private = X25519PrivateKey.from_private_bytes(_unb64(found["private"]))
        mac = _unb64(found["mac"]) if header["version"] >= 2 else None
        return Keys(_unb64(found["data"]), private, _raw_public(private.public_key()), mac)
    except (KeyError, TypeError, ValueError) as exc:
        raise HeaderChanged() from exc


def public_key(header: dict[str, Any] | None) -> bytes:
    """The header's public key; raises HeaderChanged when it is not one."""
    if header is None:
        raise HeaderChanged()
    try:
        raw = _unb64(header["public_key"])
        X25519PublicKey.from_public_bytes(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise HeaderChanged() from exc
    return raw


def mac_of(keys: Keys, value: Any) -> str:
    """The MAC of ``value`` (the header and the manifest, as meta.py gives them)."""
    assert keys.mac is not None
    key = HKDF(hashes.SHA256(), 32, salt=None, info=_MAC_INFO).derive(keys.mac)
    return hmac.new(key, _canonical(value), "sha256").hexdigest()


def mac_matches(keys: Keys, value: Any, mac: Any) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(mac_of(keys, value), mac)


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
def encrypt(data_key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """AES-GCM with a fresh nonce; returns (nonce, ciphertext). envelope.py frames it."""
    nonce = os.urandom(_NONCE)
    return nonce, AESGCM(data_key).encrypt(nonce, plaintext, aad)


def decrypt(data_key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext of :func:`encrypt`; raises InvalidTag when the key, the associated
    data or any byte differs."""
    return AESGCM(data_key).decrypt(nonce, sealed, aad)
