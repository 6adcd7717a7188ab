"""The protection header cannot be edited unnoticed, and a protected store is never
read, or written, as a plain one: a stripped, deleted, edited or swapped header, a
file moved to another part's place or rolled back to an older copy, an edited
manifest. Each is found, told (``Protection.changed``, a missing part, or a refusal
in words), and mended at unlock where a backup holds the original."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from couplepause.store import meta, recovery, vault
from couplepause.store.envelope import ENVELOPE, INTEGRITY_TABLE, PLAIN, generation_of
from couplepause.store.errors import StoreError
from couplepause.store.repository import Repository
from couplepause.store.vault import HeaderChanged, WrongPassphrase
from tests.store import test_protected
from tests.store.conftest import episode
from tests.store.test_protected import NAMES, NOTE, NOW, PASS, ids_of, plain_traces

history = test_protected.history  # the fixture: the same protected history

STRANGER = vault.new_keys()


def protected_history(history: Repository, *, backup: bool = True) -> Repository:
    history.protect(PASS, NAMES)
    if backup:
        history.backup("daily", NOW + timedelta(days=1))
    return history


def edit_meta(store: Path, change) -> None:
    """Edit meta.json as someone who knows the format would: its plain check is made
    again, so only what a key protects can tell."""
    path = store / "meta.json"
    data = json.loads(path.read_bytes())
    gen = data.pop(INTEGRITY_TABLE)["1"]["gen"]
    change(data)
    path.write_bytes(PLAIN.encode(data, "meta", gen))


def opened(store: Path, **kwargs) -> Repository:
    repo = Repository(store, **kwargs)
    repo.open()
    return repo


def strip_header(data: dict) -> None:
    data.pop("protection")


def delete_meta(store: Path) -> None:
    (store / "meta.json").unlink()


def damage_meta(store: Path) -> None:
    (store / "meta.json").write_bytes(b"\0" * 64)


HEADER_DAMAGE = {
    "meta.json damaged": damage_meta,
    "stripped": lambda store: edit_meta(store, strip_header),
    "deleted": delete_meta,
    "secrets edited": lambda store: edit_meta(store, lambda d: d["protection"]["1"].update(secrets="AAAA" + d["protection"]["1"]["secrets"][4:])),
    "cost out of bounds": lambda store: edit_meta(store, lambda d: d["protection"]["1"]["kdf"].update(n=2**30)),
    "salt edited": lambda store: edit_meta(store, lambda d: d["protection"]["1"]["kdf"].update(salt="QUFBQUFBQUFBQUFBQUFBQQ==")),
}


@pytest.mark.parametrize("damage", HEADER_DAMAGE, ids=list(HEADER_DAMAGE))
def test_a_damaged_header_is_never_read_as_a_plain_store_and_is_mended_from_a_backup(
    history: Repository, store_dir: Path, damage: str
) -> None:
    ids = ids_of(history)
    protected_history(history)
    HEADER_DAMAGE[damage](store_dir)
    locked = opened(store_dir)
    assert locked.protection.protected and locked.locked  # never a plain, empty store
    pause = episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None, note=NOTE)
    locked.save_active(pause)  # the Pause still works: sealed, never in the clear
    assert plain_traces(store_dir.parent, [*ids, pause.id]) == []
    view = opened(store_dir, read_only=True)
    view.unlock(PASS)
    assert view.protection.changed  # a read-only look tells, and changes nothing
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    assert fresh.protection.changed and set(ids_of(fresh)) == {*ids, pause.id}
    assert fresh.protected_names() == NAMES
    mended = opened(store_dir)  # the header is whole again: nothing more to tell
    mended.unlock(PASS)
    assert not mended.protection.changed and mended.meta.verified_by(mended.protection.keys)
    assert plain_traces(store_dir.parent, ids_of(mended)) == []


def test_without_any_header_left_nothing_is_read_or_written(history: Repository, store_dir: Path) -> None:
    ids = ids_of(history)
    protected_history(history, backup=False)
    shutil.rmtree(store_dir.parent / "backups")
    edit_meta(store_dir, strip_header)
    with pytest.raises(StoreError) as refused:
        opened(store_dir)
    assert refused.value.key == "keys_damaged"
    with pytest.raises(StoreError):
        opened(store_dir, read_only=True)
    repo = Repository(store_dir)
    with pytest.raises(StoreError):
        repo.save_active(episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None, note=NOTE))
    assert plain_traces(store_dir.parent, ids) == []


def test_a_stranger_s_public_key_is_found_at_unlock(history: Repository, store_dir: Path) -> None:
    ids = ids_of(history)
    protected_history(history)
    stranger = vault._b64(STRANGER.public)
    edit_meta(store_dir, lambda d: d["protection"]["1"].update(public_key=stranger))
    locked = opened(store_dir)
    locked.save_active(episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None))  # sealed to the stranger
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    assert fresh.protection.changed  # told
    assert [part.part for part in fresh.missing()] == ["sealed"]  # what the stranger could open is told too
    assert set(ids_of(fresh)) == set(ids)  # the couple's own history is whole
    again = opened(store_dir)
    assert vault.public_key(again.protection.header) == fresh.protection.keys.public  # mended


def test_an_edited_manifest_hiding_a_deleted_month_is_found(history: Repository, store_dir: Path) -> None:
    ids = ids_of(history)
    protected_history(history)
    edit_meta(store_dir, lambda d: d["manifest"]["1"]["parts"].pop("episodes/2025-02"))
    (store_dir / "episodes" / "2025-02.json").unlink()
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    assert fresh.protection.changed
    [part] = fresh.missing()
    assert part.part == "2025-02" and part.gone  # the newest backup's manifest lists it
    recovery.bring_back(fresh, part)
    assert set(ids_of(fresh)) == set(ids)


def test_a_month_moved_to_another_month_s_place_is_found(history: Repository, store_dir: Path) -> None:
    protected_history(history)
    before = len(ids_of(history))
    months = store_dir / "episodes"
    shutil.copyfile(months / "2025-01.json", months / "2025-02.json")
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    fresh.load_all()
    assert [part.part for part in fresh.missing()] == ["2025-02"]
    assert len(ids_of(fresh)) == before - 1  # the moved copy is not read as February's


def test_a_month_rolled_back_to_an_older_copy_is_found(history: Repository, store_dir: Path) -> None:
    protected_history(history)
    month = store_dir / "episodes" / "2025-02.json"
    older = month.read_bytes()
    history.archive(episode("2025-02-20T20:00:00.000+01:00", note=NOTE))  # the month's next generation
    assert meta.read(store_dir / "meta.json").parts["episodes/2025-02"] == generation_of(month)
    month.write_bytes(older)
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    fresh.load_all()
    [part] = fresh.missing()
    assert part.part == "2025-02" and part.path.read_bytes() == older  # set aside, kept as it was


def test_a_plain_month_rolled_back_is_found_too(history: Repository, store_dir: Path) -> None:
    month = store_dir / "episodes" / "2025-02.json"
    older = month.read_bytes()
    history.archive(episode("2025-02-20T20:00:00.000+01:00"))
    month.write_bytes(older)
    fresh = opened(store_dir)
    fresh.load_all()
    assert [part.part for part in fresh.missing()] == ["2025-02"]


def test_an_old_envelope_in_a_new_store_is_refused(history: Repository, store_dir: Path) -> None:
    protected_history(history)
    keys = history.protection.keys
    month = store_dir / "episodes" / "2025-02.json"
    nonce, sealed = vault.encrypt(keys.data, json.dumps({"episodes": {}}).encode(), vault.LEGACY_FILE_AAD)
    old = {ENVELOPE: 1, "nonce": vault._b64(nonce), "data": vault._b64(sealed)}
    month.write_text(json.dumps(old))  # a version-1 envelope: no part, no generation
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    fresh.load_all()
    assert [part.part for part in fresh.missing()] == ["2025-02"]


def test_a_header_may_not_ask_for_more_than_the_bounds_and_is_refused_at_once() -> None:
    header = vault.header_for(vault.new_keys(), PASS)
    for change in ({"n": 2**21}, {"r": 64}, {"p": 16}, {"n": 3}, {"name": "pbkdf2"}, {"salt": "AA=="}):
        edited = {**header, "kdf": {**header["kdf"], **change}}
        with pytest.raises(HeaderChanged):
            vault.open_keys(edited, PASS)
    with pytest.raises(WrongPassphrase):
        vault.open_keys(header, "not the passphrase")


@pytest.mark.real_kdf
def test_a_new_header_derives_its_key_at_owasp_cost() -> None:
    header = vault.header_for(vault.new_keys(), PASS)
    assert header["version"] == 2
    assert (header["kdf"]["name"], header["kdf"]["n"], header["kdf"]["r"], header["kdf"]["p"]) == ("scrypt", 2**17, 8, 1)


def test_an_old_header_is_brought_up_to_date_at_unlock(history: Repository, store_dir: Path, monkeypatch) -> None:
    ids = ids_of(history)
    protected_history(history)
    # A version-1 header, as couplepause wrote it before: no MAC key among its secrets.
    keys = history.protection.keys._replace(mac=None)
    old = vault.header_for(keys, PASS)
    secrets = json.dumps({
        "data": vault._b64(keys.data),
        "private": vault._b64(keys.private.private_bytes(*_raw_private())),
    }).encode()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = b"\x01" * 12
    wrapped = AESGCM(vault._kek(PASS, old["kdf"])).encrypt(nonce, secrets, b"couplepause keys v1")
    old.update(version=1, nonce=vault._b64(nonce), secrets=vault._b64(wrapped))
    edit_meta(store_dir, lambda d: (d["protection"]["1"].clear(), d["protection"]["1"].update(old), d["manifest"]["1"].pop("mac", None)))
    fresh = opened(store_dir)
    fresh.unlock(PASS)
    assert not fresh.protection.changed  # an old header is not a changed one
    assert fresh.protection.header["version"] == 2 and fresh.protection.keys.mac is not None
    assert meta.read(store_dir / "meta.json").mac is not None
    assert set(ids_of(fresh)) == set(ids)


def _raw_private():
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
