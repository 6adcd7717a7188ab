"""Full, locked and read-only told apart (issue #19), wherever the data folder's lock is
taken: the window's start (launch), the guard before every write (safekeeping) and the
commands that change the store (cli_data). The disk's answers are simulated here; a
real small disk (tmpfs) does the same in tests/test_small_disk.py."""

from __future__ import annotations

import errno
import subprocess
import sys
import tempfile
import time

import pytest
from PySide6.QtCore import QLockFile

from couplepause.app import launch, safekeeping
from couplepause.cli import commands as cli
from couplepause.common import paths
from couplepause.common.problems import in_window
from couplepause.store.errors import StoreUnavailable, cause

FULL = OSError(errno.ENOSPC, "No space left on device")
READ_ONLY = OSError(errno.EROFS, "Read-only file system")


def disk_says(monkeypatch, error: OSError | None) -> None:
    """The data folder's disk refuses a write with ``error`` (None: it takes it). A full
    disk still makes an empty file; it refuses the block written into it."""
    if error is None:
        return
    if error.errno == errno.ENOSPC:
        def fsync(_fd):
            raise error

        monkeypatch.setattr(paths.os, "fsync", fsync)
    else:
        def temporary_file(*_args, **_kwargs):
            raise error

        monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)


def lock_fails(monkeypatch, error: QLockFile.LockError) -> None:
    monkeypatch.setattr(QLockFile, "tryLock", lambda self, timeout=0: False)
    monkeypatch.setattr(QLockFile, "error", lambda self: error)


def leave_a_stale_lock(data) -> None:
    """A lock file left by a couplepause that ended without giving it back."""
    code = (
        "import os\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(paths.lock_file(data))!r})\n"
        "assert lock.tryLock(0)\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert paths.lock_file(data).exists()


# ------------------------------------------------------------------ the probe
@pytest.mark.parametrize(("error", "told"), [
    (FULL, "The disk is full."),
    (READ_ONLY, "The disk that holds the data folder is read-only."),
    (OSError(errno.EACCES, "Permission denied"), "couplepause is not allowed to write in its data folder."),
])
def test_the_write_probe_names_the_disk_s_answer(tmp_path, monkeypatch, error, told):
    assert paths.cannot_write(tmp_path) is None
    disk_says(monkeypatch, error)
    assert in_window(paths.cannot_write(tmp_path)) == told
    assert in_window(paths.write_problem(tmp_path)) == told
    assert list(tmp_path.iterdir()) == []  # the probe leaves nothing


def test_a_full_disk_that_still_makes_empty_files_is_told_as_full(tmp_path, monkeypatch):
    """What issue #19 saw: the old probe made an empty file, and a full disk was told as a lock."""
    disk_says(monkeypatch, FULL)
    with tempfile.TemporaryFile(dir=tmp_path):
        pass  # an empty file is still made
    assert paths.write_problem(tmp_path).key == "disk_full"


def test_a_writable_folder_with_a_lock_no_one_can_replace_is_another_program_s(tmp_path):
    assert paths.write_problem(tmp_path).key == "lock_held_elsewhere"


# ---------------------------------------------------------------- the guard
def guard(tmp_path, *, held=False) -> safekeeping.FolderGuard:
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    return safekeeping.FolderGuard(data, QLockFile(str(paths.lock_file(data))), held=held, on_remade=lambda: None)


@pytest.mark.parametrize(("error", "stale_lock", "told"), [
    (FULL, False, "The disk is full."),
    (READ_ONLY, True, "The disk that holds the data folder is read-only."),
    (FULL, True, "The disk is full."),
])
@pytest.mark.process
def test_the_guard_tells_a_disk_that_takes_no_lock_by_its_cause(tmp_path, monkeypatch, error, stale_lock, told):
    checked = guard(tmp_path)
    if stale_lock:
        leave_a_stale_lock(checked.data_dir)
    lock_fails(monkeypatch, QLockFile.LockError.LockFailedError if stale_lock else QLockFile.LockError.UnknownError)
    disk_says(monkeypatch, error)
    with pytest.raises(StoreUnavailable) as caught:
        checked()
    assert caught.value.key == "cannot_lock" and cause(caught.value) == told
    assert "Another couplepause" not in str(caught.value) and "Another program" not in str(caught.value)


@pytest.mark.process
def test_the_guard_still_tells_a_folder_another_couplepause_took(tmp_path, monkeypatch):
    checked = guard(tmp_path)
    leave_a_stale_lock(checked.data_dir)  # a lock file is there, and the disk takes writes
    lock_fails(monkeypatch, QLockFile.LockError.LockFailedError)
    with pytest.raises(StoreUnavailable) as caught:
        checked()
    assert caught.value.key == "folder_taken"


# ------------------------------------------------------------ the window's start
@pytest.mark.process
def test_a_lock_file_on_a_read_only_disk_is_no_running_window(tmp_path, monkeypatch):
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    leave_a_stale_lock(data)
    lock_fails(monkeypatch, QLockFile.LockError.LockFailedError)  # Qt cannot remove it there
    disk_says(monkeypatch, READ_ONLY)
    lock = QLockFile(str(paths.lock_file(data)))
    started = time.monotonic()
    assert launch._take_lock_or_hand_over(lock, paths.instance_key(data), data) == "cannot"
    assert time.monotonic() - started < launch.SECOND_LAUNCH_WAIT_S / 2  # no waiting for an owner


def test_a_lock_held_by_a_window_that_never_answers_is_still_silent(tmp_path, monkeypatch):
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    lock_fails(monkeypatch, QLockFile.LockError.LockFailedError)
    monkeypatch.setattr(launch, "SECOND_LAUNCH_WAIT_S", 0.3)
    lock = QLockFile(str(paths.lock_file(data)))
    assert launch._take_lock_or_hand_over(lock, paths.instance_key(data), data) == "silent"


# ------------------------------------------------------------- the commands
@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "in.json"
    path.write_text('{"format": "couplepause-export", "schema_version": 1, '
                    '"exported_at": "2026-03-05T10:00:00.000+00:00", "episodes": []}', encoding="utf-8")
    return path


def import_line(data, export_file, capsys) -> str:
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "import", str(export_file)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err.strip()


@pytest.mark.parametrize(("error", "stale_lock", "said"), [
    (FULL, False, "(the disk is full)"),
    (READ_ONLY, True, "(the disk that holds the data folder is read-only)"),
    (None, True, "another import or restore is running"),
])
@pytest.mark.process
def test_a_command_tells_full_read_only_and_busy_apart(tmp_path, monkeypatch, capsys, export_file,
                                                       error, stale_lock, said):
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    if stale_lock:
        leave_a_stale_lock(data)
    lock_fails(monkeypatch, QLockFile.LockError.LockFailedError if stale_lock else QLockFile.LockError.UnknownError)
    disk_says(monkeypatch, error)
    line = import_line(data, export_file, capsys)
    assert said in line, line
    assert "another program" not in line

