"""A backup never takes the room a Pause needs (issue #19): it is made only where the disk
keeps a reserve free after it, and one that fails half-way leaves no folder behind."""

from __future__ import annotations

import errno
from collections import namedtuple
from datetime import UTC, datetime
from pathlib import Path

import pytest

from couplepause.common.problems import in_window, on_command_line
from couplepause.store import backups as backups_module
from couplepause.store import space
from couplepause.store.repository import Repository

from .conftest import episode

NOW = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def stored(tmp_path) -> Repository:
    repo = Repository(tmp_path / "data" / "store", backups_dir=tmp_path / "data" / "backups")
    repo.open()
    repo.merge([episode(f"2025-0{m}-10T20:00:00.000+01:00") for m in (1, 2, 3)], now=NOW)
    return repo


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def free_space(monkeypatch, free: int) -> list:
    """The disk reports ``free`` bytes; returns the folders it was asked about."""
    asked = []

    def usage(path):
        asked.append(path)
        return Usage(10 * free + 1, 9 * free, free)

    monkeypatch.setattr(space.shutil, "disk_usage", usage)
    return asked


def test_the_reserve_is_the_floor_or_twice_the_store():
    small = {"store/a.json": b"x" * 1000}
    big = {"store/a.json": b"x" * (100 * space.MIB)}
    assert space.RESERVE_MIN == 64 * space.MIB and space.RESERVE_STORES == 2
    # A small store: the floor, plus the copy in whole blocks (MiB rounded up).
    with pytest.raises(space.BackupNoRoom) as caught:
        check_with_free(small, 64 * space.MIB)
    assert caught.value.values == {"free": 64, "needed": 65}
    check_with_free(small, 65 * space.MIB)
    # A large one: its copy, and twice its size kept free after it.
    with pytest.raises(space.BackupNoRoom) as caught:
        check_with_free(big, 300 * space.MIB - 1)
    assert caught.value.values == {"free": 299, "needed": 301}
    check_with_free(big, 301 * space.MIB)


def check_with_free(files: dict[str, bytes], free: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(space.shutil, "disk_usage", lambda _path: Usage(free * 2, free, free))
        space.room_for_backup(Path("/"), files)


def test_no_backup_where_the_disk_would_keep_too_little_room(stored, monkeypatch):
    folder = stored.backups.folder
    before = listing(folder)
    asked = free_space(monkeypatch, 10 * space.MIB)
    with pytest.raises(space.BackupNoRoom) as caught:
        stored.backup("daily", NOW)
    assert listing(folder) == before  # nothing written, not even a folder
    assert asked and all(folder == path or folder.is_relative_to(path) for path in asked)
    assert in_window(caught.value) == (
        "The disk is nearly full: 10 MiB are free, and a backup waits until there are 65 MiB, "
        "so that your pauses always have room."
    )
    line = on_command_line(caught.value)
    assert ";" in line and "free some space" in line and not line.endswith(".")
    stored.save_active(episode("2025-04-01T20:00:00.000+02:00", repair_minutes=None))  # the Pause still saves


def test_the_room_is_asked_of_the_disk_that_will_hold_a_first_backup(tmp_path, monkeypatch):
    repo = Repository(tmp_path / "data" / "store", backups_dir=tmp_path / "data" / "backups")
    repo.open()
    repo.save_active(episode(repair_minutes=None))
    asked = free_space(monkeypatch, 1 * space.MIB)
    with pytest.raises(space.BackupNoRoom):
        repo.backup("daily", NOW)
    assert asked == [tmp_path / "data"]  # backups/ does not exist yet: its parent's disk
    assert not (tmp_path / "data" / "backups").exists()


def test_a_backup_that_fails_half_way_leaves_no_folder(stored, monkeypatch):
    folder = stored.backups.folder
    kept = listing(folder)
    real = backups_module.atomic_write
    written = []

    def full_after_one(path, data, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        return real(path, data, **kwargs)

    monkeypatch.setattr(backups_module, "atomic_write", full_after_one)
    with pytest.raises(OSError):
        stored.backup("daily", NOW)
    assert written and written[0].exists() is False  # the copy it made went with its folder
    assert listing(folder) == kept
    monkeypatch.setattr(backups_module, "atomic_write", real)
    info = stored.backup("daily", NOW)  # the next one is whole, and alone
    assert sorted(b.id for b in stored.backups.list()) == sorted([info.id, *kept])
    assert listing(folder) == sorted([info.id, *kept])

