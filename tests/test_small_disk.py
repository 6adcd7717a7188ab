"""A real small disk (tmpfs), where this machine allows mounting one: full, then
freed; made read-only. The store and the command line name the right cause and
lose nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from couplepause.cli import commands as cli
from couplepause.store.repository import Repository
from couplepause.store.writer import Writer
from tests.store.conftest import Results, episode

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs is Linux's")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 256 KiB tmpfs, unmounted after the test; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({made.stderr.strip() or 'not allowed'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Fill the disk that holds ``folder``; returns the file that takes the space."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_says_so_and_saves_once_there_is_room(small_disk: Path) -> None:
    store = small_disk / "data" / "store"
    repo = Repository(store)
    repo.open()
    repo.save_active(episode(repair_minutes=None))
    filler = fill(small_disk)
    seen = Results()
    writer = Writer(repo, seen, retry_delays=(3600,))
    try:
        big = episode("2025-03-15T20:00:00.000+01:00", repair_minutes=None, note="x" * 100_000)
        writer.save_active(big)
        assert not writer.flush(2.0)
        assert seen.last().error == "The disk is full."
        filler.unlink()
        assert writer.flush(5.0)
    finally:
        writer.close()
    fresh = Repository(store)
    fresh.open()
    assert len(fresh.active()) == 2 and fresh.missing() == []


def test_a_brand_new_data_folder_on_a_full_disk(small_disk: Path) -> None:
    filler = fill(small_disk)
    repo = Repository(small_disk / "new" / "store")
    seen = Results()
    writer = Writer(repo, seen, retry_delays=(3600,))
    try:
        writer.save_active(episode(repair_minutes=None, note="y" * 50_000))
        assert not writer.flush(2.0)
        assert seen.last().error.endswith("The disk is full.")
        filler.unlink()
        assert writer.flush(5.0)
    finally:
        writer.close()
    fresh = Repository(small_disk / "new" / "store")
    fresh.open()
    assert len(fresh.active()) == 1


def test_a_read_only_disk_is_named_as_such_by_import(small_disk: Path, tmp_path: Path, capsys) -> None:
    data = small_disk / "data"
    Repository(data / "store").open()
    export = tmp_path / "in.json"
    export.write_text(
        '{"format": "couplepause-export", "schema_version": 1, "exported_at": "2026-03-05T10:00:00.000+00:00",'
        ' "episodes": []}',
        encoding="utf-8",
    )
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    code = cli.main(["--data-dir", str(data), "import", str(export)])
    line = capsys.readouterr().err.strip()
    assert code == 1
    assert "read-only" in line and "another couplepause" not in line and "open on" not in line, line


@pytest.mark.process
def test_the_app_opens_on_a_read_only_disk_and_says_why_it_cannot_save(small_disk: Path, qtbot) -> None:
    import tempfile

    from couplepause.common import paths

    data = small_disk / "data"
    Repository(data / "store").open()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("COUPLEPAUSE_DATA_DIR", None)
    socket = Path(tempfile.gettempdir()) / paths.instance_key(data)
    first = subprocess.Popen([sys.executable, "-m", "couplepause", "--data-dir", str(data)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: socket.exists() or first.poll() is not None, timeout=20000)
        assert first.poll() is None, first.communicate()  # the window is open: Pause works
        second = subprocess.run([sys.executable, "-m", "couplepause", "--data-dir", str(data)], env=env,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 0 and "another couplepause" not in second.stderr  # handed over
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=20)
    assert "Traceback" not in err and "another couplepause" not in err


# ----------------------------------------------- issue #19: full, locked, read-only
def leave_a_stale_lock(data: Path) -> None:
    """A lock file left by a couplepause that ended without giving it back."""
    from couplepause.common import paths

    code = (
        "import os\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(paths.lock_file(data))!r})\n"
        "assert lock.tryLock(0)\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_full_disk_is_told_as_full_not_as_a_lock(small_disk: Path, tmp_path: Path, capsys) -> None:
    from PySide6.QtCore import QLockFile

    from couplepause.app import safekeeping
    from couplepause.common import paths
    from couplepause.store.errors import StoreUnavailable, cause

    data = small_disk / "data"
    Repository(data / "store").open()
    fill(small_disk)
    export = tmp_path / "in.json"
    export.write_text('{"format": "couplepause-export", "schema_version": 1, '
                      '"exported_at": "2026-03-05T10:00:00.000+00:00", "episodes": []}', encoding="utf-8")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    assert cli.main(["--data-dir", str(data), "import", str(export)]) == 1
    line = capsys.readouterr().err.strip()
    assert "(the disk is full)" in line and "another program" not in line, line
    guard = safekeeping.FolderGuard(data, QLockFile(str(paths.lock_file(data))), held=False, on_remade=lambda: None)
    with pytest.raises(StoreUnavailable) as caught:
        guard()
    assert cause(caught.value) == "The disk is full."


@pytest.mark.process
def test_a_read_only_disk_with_a_stale_lock_opens_the_window(small_disk: Path, qtbot, capsys, tmp_path: Path) -> None:
    import tempfile

    from PySide6.QtCore import QLockFile

    from couplepause.app import launch
    from couplepause.common import paths

    data = small_disk / "data"
    Repository(data / "store").open()
    leave_a_stale_lock(data)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert paths.lock_file(data).exists()
    lock = QLockFile(str(paths.lock_file(data)))
    lock.setStaleLockTime(0)
    assert launch._take_lock_or_hand_over(lock, paths.instance_key(data), data) == "cannot"

    export = tmp_path / "in.json"
    export.write_text('{"format": "couplepause-export", "schema_version": 1, '
                      '"exported_at": "2026-03-05T10:00:00.000+00:00", "episodes": []}', encoding="utf-8")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    assert cli.main(["--data-dir", str(data), "import", str(export)]) == 1
    line = capsys.readouterr().err.strip()
    assert "read-only" in line and "another import" not in line and "another couplepause" not in line, line

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    env.pop("COUPLEPAUSE_DATA_DIR", None)
    socket = Path(tempfile.gettempdir()) / paths.instance_key(data)
    first = subprocess.Popen([sys.executable, "-m", "couplepause", "--data-dir", str(data)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: socket.exists() or first.poll() is not None, timeout=20000)
        assert first.poll() is None, first.communicate()  # the window is open, not "does not answer"
        second = subprocess.run([sys.executable, "-m", "couplepause", "--data-dir", str(data)], env=env,
                                capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 0 and second.stderr == ""  # handed over to the first
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=20)
    assert first.returncode == 0 and "Traceback" not in err and "another couplepause" not in err


def test_a_backup_never_takes_the_room_a_pause_needs(small_disk: Path, monkeypatch) -> None:
    from datetime import datetime

    from couplepause.store import backups, space

    data = small_disk / "data"
    repo = Repository(data / "store", backups_dir=data / "backups")
    repo.open()
    repo.archive(episode("2025-03-10T20:00:00.000+01:00", note="n" * 60_000))  # a month with long notes
    repo.save_active(episode(repair_minutes=None))
    now = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    with pytest.raises(space.BackupNoRoom):  # 256 KiB: far below the reserve
        repo.backup("daily", now)
    assert not (data / "backups").exists()

    # A disk that fills up while the backup is written: the copy made so far goes again.
    monkeypatch.setattr(backups, "room_for_backup", lambda _folder, _files: None)
    filler = fill(small_disk)
    os.truncate(filler, max(0, filler.stat().st_size - 40 * 1024))  # a little room, not enough for the copy
    free = shutil.disk_usage(small_disk).free
    with pytest.raises(OSError):
        repo.backup("daily", now)
    assert [p.name for p in (data / "backups").iterdir()] == []
    assert shutil.disk_usage(small_disk).free == free  # the failed backup holds on to nothing
    repo.save_active(episode("2025-03-15T20:00:00.000+01:00", repair_minutes=None))  # the next Pause is saved
    fresh = Repository(data / "store")
    fresh.open()
    assert len(fresh.active()) == 2
