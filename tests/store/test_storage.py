"""CrashSafeStorage: a drop-in TinyDB storage that never leaves a half-written file."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage

from couplepause.common.folders import make_private_dirs
from couplepause.store import atomic as atomic_module
from couplepause.store.atomic import (
    atomic_write,
    remove_stale_temp_files,
    temp_files_in,
)
from couplepause.store.storage import CrashSafeStorage


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_tinydb_features_work_on_it(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    item = Query()
    with TinyDB(path, storage=CrashSafeStorage) as db:
        first = db.insert({"name": "kettle", "n": 1})
        db.insert_multiple([{"name": "cup", "n": 2}, {"name": "pot", "n": 3}])
        db.table("other").insert({"x": 1})
        assert db.search(item.n >= 2) == [{"name": "cup", "n": 2}, {"name": "pot", "n": 3}]
        db.update({"n": 10}, item.name == "kettle")
        assert db.get(doc_id=first) == {"name": "kettle", "n": 10}
        db.remove(item.name == "cup")
        assert len(db) == 2
        assert db.tables() == {"_default", "other"}
        db.table("other").truncate()
        assert db.table("other").all() == []
        db.drop_table("other")
        assert db.tables() == {"_default"}
    with TinyDB(path, storage=CrashSafeStorage) as db:
        assert sorted(doc["name"] for doc in db.all()) == ["kettle", "pot"]


def test_json_keyword_arguments_reach_json_dumps(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage, indent=2, sort_keys=True) as db:
        db.insert({"b": 1, "a": "Łódź"})
    text = path.read_text(encoding="utf-8")
    assert '\n  "_default": {' in text
    assert text.index('"a"') < text.index('"b"')


def test_encoding_is_used_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage, encoding="utf-16", ensure_ascii=False) as db:
        db.insert({"note": "Łódź 😊"})
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    with TinyDB(path, storage=CrashSafeStorage, encoding="utf-16") as db:
        assert db.all() == [{"note": "Łódź 😊"}]


def test_read_only_mode_needs_the_file_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "db.json"
    with pytest.raises(FileNotFoundError):
        TinyDB(path, storage=CrashSafeStorage, access_mode="r", create_dirs=True)
    assert not path.parent.exists()


def test_read_only_mode_reads_but_leaves_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage) as db:
        db.insert({"x": 1})
    before = path.read_bytes()
    with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
        assert db.all() == [{"x": 1}]
        with pytest.raises(PermissionError):
            db.truncate()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["db.json"]


def test_missing_file_is_created_private_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    CrashSafeStorage(path)
    assert path.read_bytes() == b""
    assert mode_of(path) == 0o600
    assert CrashSafeStorage(path).read() is None


def test_existing_file_is_not_truncated_by_any_writable_mode(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage) as db:
        db.insert({"x": 1})
    for mode in ("r+", "rb+", "w", "a+"):
        assert CrashSafeStorage(path, access_mode=mode).read() == {"_default": {"1": {"x": 1}}}


def test_written_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text("", encoding="utf-8")
    path.chmod(0o644)
    CrashSafeStorage(path).write({"_default": {}})
    assert mode_of(path) == 0o600


def test_create_dirs_makes_private_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "db.json"
    with TinyDB(path, storage=CrashSafeStorage, create_dirs=True) as db:
        db.insert({"x": 1})
    assert mode_of(tmp_path / "a") == 0o700
    assert mode_of(tmp_path / "a" / "b") == 0o700
    assert mode_of(path) == 0o600


def test_without_create_dirs_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        CrashSafeStorage(tmp_path / "nowhere" / "db.json")


def test_make_private_dirs_tolerates_existing(tmp_path: Path) -> None:
    make_private_dirs(tmp_path)
    make_private_dirs(tmp_path / "x")
    make_private_dirs(tmp_path / "x")
    assert mode_of(tmp_path / "x") == 0o700


def test_file_is_plain_tinydb_json_both_ways(tmp_path: Path) -> None:
    ours = tmp_path / "ours.json"
    with TinyDB(ours, storage=CrashSafeStorage) as db:
        db.insert({"x": 1})
        db.table("episodes").insert({"id": "e1"})
    with TinyDB(ours, storage=JSONStorage) as db:
        assert db.all() == [{"x": 1}]
        assert db.table("episodes").all() == [{"id": "e1"}]
    assert json.loads(ours.read_text(encoding="utf-8")) == {
        "_default": {"1": {"x": 1}},
        "episodes": {"1": {"id": "e1"}},
    }
    theirs = tmp_path / "theirs.json"
    with TinyDB(theirs, storage=JSONStorage) as db:
        db.insert({"y": 2})
    with TinyDB(theirs, storage=CrashSafeStorage) as db:
        assert db.all() == [{"y": 2}]


def test_no_temp_files_left_after_writes(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage) as db:
        for n in range(20):
            db.insert({"n": n})
        db.truncate()
    assert os.listdir(tmp_path) == ["db.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_keeps_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=CrashSafeStorage) as db:
        db.insert({"n": 1})
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with TinyDB(path, storage=CrashSafeStorage) as db, pytest.raises(OSError, match="No space"):
        db.insert({"n": 2})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["db.json"]


def test_unserialisable_data_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = CrashSafeStorage(path)
    store.write({"_default": {"1": {"n": 1}}})
    with pytest.raises(TypeError):
        store.write({"_default": {"1": {"n": object()}}})
    assert store.read() == {"_default": {"1": {"n": 1}}}
    assert os.listdir(tmp_path) == ["db.json"]


@pytest.mark.parametrize("content", [b'{"_default": {"1": {"n"', b"\xff\xfe\x00garbage"])
def test_damaged_content_raises_what_json_raises_and_is_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(ValueError):  # json.JSONDecodeError or UnicodeDecodeError, as JSONStorage
        CrashSafeStorage(path).read()
    assert path.read_bytes() == content


def test_it_fails_exactly_where_json_storage_fails(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    CrashSafeStorage(path, encoding="cp936").write({"Test": "こんにちは世界"})
    for storage in (CrashSafeStorage(path, encoding="cp037"), JSONStorage(path, encoding="cp037")):
        with pytest.raises(json.JSONDecodeError):
            storage.read()
        storage.close()
    assert CrashSafeStorage(path, encoding="cp936").read() == {"Test": "こんにちは世界"}


def test_empty_or_blank_file_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(b"")
    assert CrashSafeStorage(path).read() is None
    path.write_bytes(b"  \n")
    assert CrashSafeStorage(path).read() is None


def test_close_is_harmless_and_repeatable(tmp_path: Path) -> None:
    store = CrashSafeStorage(tmp_path / "db.json")
    store.close()
    store.close()
    store.write({"_default": {}})
    assert store.read() == {"_default": {}}


def test_stale_temp_files_are_removed_but_fresh_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    CrashSafeStorage(path).write({"_default": {}})
    stale = tmp_path / f".db.json.deadbeef0000{atomic_module.TEMP_SUFFIX}"
    fresh = tmp_path / f".db.json.cafebabe0000{atomic_module.TEMP_SUFFIX}"
    not_ours = tmp_path / ".db.json.notatempfile.tmp"
    for leftover in (stale, fresh, not_ours):
        leftover.write_text("{", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(not_ours, (old, old))
    assert temp_files_in(tmp_path) == sorted([stale, fresh])
    assert remove_stale_temp_files([*temp_files_in(tmp_path), path, not_ours]) == [stale]
    assert sorted(os.listdir(tmp_path)) == sorted(["db.json", fresh.name, not_ours.name])


def test_atomic_write_never_replaces_when_told_not_to(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    atomic_write(path, b"first")
    atomic_write(path, b"second")
    assert path.read_bytes() == b"second"
    with pytest.raises(FileExistsError):
        atomic_write(path, b"third", overwrite=False)
    assert path.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["report.pdf"]
    assert mode_of(path) == 0o600


def test_temp_files_match_the_cleanup_pattern(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    seen: list[Path] = []

    def spy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        seen.extend(temp_files_in(tmp_path))
        raise OSError(5, "stop here")

    monkeypatch.setattr(os, "replace", spy)
    with pytest.raises(OSError):
        CrashSafeStorage(path).write({"_default": {}})
    assert len(seen) == 1 and seen[0].name.startswith(".db.json.")
