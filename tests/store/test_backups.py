"""Backups: made crash-safely and private, listed, rotated, restored whole or not
at all, and used to bring back a part that was damaged."""

from __future__ import annotations

import shutil
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from couplepause.store import backups as backups_module
from couplepause.store import recovery
from couplepause.store.backups import (
    MAKING_PREFIX,
    BackupDamaged,
    BackupInfo,
    BackupNotFound,
    to_keep,
)
from couplepause.store.repository import Repository
from tests.store.conftest import episode
from tests.store.killpoints import crash_at, steps_of

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def filled(store_dir: Path) -> Repository:
    repo = Repository(store_dir)
    repo.open()
    repo.merge([episode(f"2025-{m:02d}-10T20:00:00.000+01:00") for m in range(1, 7)], now=NOW)
    repo.save_active(episode("2025-07-01T20:00:00.000+02:00", repair_minutes=None))
    return repo


def test_a_backup_is_complete_private_and_listed(filled: Repository) -> None:
    info = filled.backup("daily", NOW)
    assert info.pauses == 7
    assert info.parts["2025-03"] == 1 and info.parts["active"] == 1
    assert filled.backups.list()[0] == info
    assert filled.backups.get(info.id) == info
    files = [p for p in info.folder.rglob("*") if p.is_file()]
    assert files and all(mode_of(p) == 0o600 for p in files)
    assert all(mode_of(p) == 0o700 for p in [info.folder, *info.folder.rglob("*")] if p.is_dir())
    content = filled.backups.read(info.id)
    assert sum(len(found) for found in content.episodes.values()) == 7


def test_backup_ids_never_collide(filled: Repository) -> None:
    first = filled.backup("daily", NOW)
    second = filled.backup("daily", NOW)
    assert first.id != second.id
    assert [b.id for b in filled.backups.list()][:2] == sorted([first.id, second.id], reverse=True)


def test_a_damaged_file_is_left_out_of_the_backup_and_set_aside(filled: Repository, store_dir: Path) -> None:
    month = store_dir / "episodes" / "2025-02.json"
    month.write_bytes(b'{"episodes": {"1": ')
    lost = []
    filled.episode_files.on_loss = lost.append  # the callback the app gives at construction
    info = filled.backup("daily", NOW)
    assert not info.has("2025-02") and info.pauses == 6
    assert [m.part for m in filled.missing()] == ["2025-02"]
    assert [m.part for m in lost] == ["2025-02"]


def test_an_interrupted_backup_is_not_listed_and_is_cleaned_up(filled: Repository) -> None:
    listed = [b.id for b in filled.backups.list()]
    good = filled.backup("daily", NOW)
    half = filled.backups.folder / f"{MAKING_PREFIX}20261202T200001Z"  # a backup cut short is never renamed
    shutil.copytree(good.folder, half)
    (half / "backup.json").unlink()
    assert sorted(b.id for b in filled.backups.list()) == sorted([*listed, good.id])
    assert half.name in filled.backups.rotate(NOW)
    assert not half.exists() and good.folder.exists()


def test_a_backup_whose_description_is_damaged_or_gone_is_still_whole(filled: Repository) -> None:
    good = filled.backup("daily", NOW)
    for damage in (lambda path: path.unlink(), lambda path: path.write_bytes(b"\0" * 40)):
        damage(good.folder / "backup.json")
        [again] = [b for b in filled.backups.list() if b.id == good.id]
        assert (again.pauses, again.parts, again.created_at) == (good.pauses, good.parts, good.created_at)
        assert filled.backups.read(good.id).info.pauses == good.pauses
        assert good.id not in filled.backups.rotate(NOW)


def info(day: float, reason: str = "daily", n: int = 0) -> BackupInfo:
    moment = NOW - timedelta(days=day)
    return BackupInfo(f"b{day}-{n}", moment, reason, 1, {}, 2, Path("."))


def test_rotation_keeps_a_week_of_days_a_month_of_weeks_and_recent_events() -> None:
    backups = [info(d) for d in range(60)] + [info(d + 0.5, "before-import") for d in (2, 20, 40)]
    backups += [info(3.05, n=1)]
    kept = to_keep(backups, NOW)
    days_kept = {b.created_at.date() for b in backups if b.id in kept and b.reason == "daily"}
    assert {(NOW - timedelta(days=d)).date() for d in range(7)} <= days_kept
    assert len([b for b in backups if b.id in kept and b.reason == "daily"]) <= 7 + 4 + 1
    assert "b2.5-0" in kept and "b20.5-0" in kept and "b40.5-0" not in kept
    assert "b59-0" not in kept
    assert "b3-0" in kept and "b3.05-1" not in kept  # one per day: the newest of that day


def test_rotation_always_keeps_the_newest_few() -> None:
    old = [info(100 + d) for d in range(5)]
    assert {b.id for b in old[:3]} <= to_keep(old, NOW)


def test_unknown_and_odd_ids_are_not_found(filled: Repository) -> None:
    for bad in ("nope", "../store", "", "."):
        with pytest.raises(BackupNotFound):
            filled.backups.get(bad)


# ------------------------------------------------------------------ restore
def test_restore_brings_back_everything_and_keeps_the_present(filled: Repository, store_dir: Path) -> None:
    saved = filled.backup("daily", NOW)
    before = {e.id for e in filled.load_all()}
    filled.merge([episode("2025-09-10T20:00:00.000+02:00")], now=NOW)
    filled.delete(next(iter(before)))
    report = recovery.restore(filled, saved.id, NOW + timedelta(minutes=1))
    assert report.restored == 7 and report.backup == saved
    assert {e.id for e in filled.load_all()} == before
    assert not (store_dir / "episodes" / "2025-09.json").exists()
    assert report.kept_as is not None and report.kept_as.pauses == 7
    fresh = Repository(store_dir)
    fresh.open()
    assert {e.id for e in fresh.load_all()} == before


def test_a_damaged_backup_changes_nothing(filled: Repository, store_dir: Path, snapshot) -> None:
    saved = filled.backup("daily", NOW)
    (saved.folder / "episodes" / "2025-04.json").write_bytes(b"garbage")
    before = snapshot(store_dir)
    with pytest.raises(BackupDamaged, match="damaged"):
        recovery.restore(filled, saved.id, NOW)
    assert snapshot(store_dir) == before
    (saved.folder / "episodes" / "2025-04.json").unlink()
    with pytest.raises(BackupDamaged, match="incomplete"):
        recovery.restore(filled, saved.id, NOW)
    assert snapshot(store_dir) == before


def test_restore_reports_failure_when_pauses_do_not_come_back(
    filled: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = filled.backup("daily", NOW)
    real = Repository.load_all
    monkeypatch.setattr(Repository, "load_all", lambda self: real(self)[1:])
    with pytest.raises(recovery.RestoreIncomplete, match="did not bring back 1 of the backup’s 7"):
        recovery.restore(filled, saved.id, NOW)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_killed_at_any_step_of_a_restore_it_is_all_or_nothing(filled: Repository, store_dir: Path, tmp_path: Path) -> None:
    saved = filled.backup("daily", NOW)
    before_ids = {e.id for e in filled.load_all()}
    filled.merge([episode(f"2025-{m:02d}-11T20:00:00.000+02:00") for m in (8, 9, 10)], now=NOW)
    present = {e.id for e in filled.load_all()}
    data = store_dir.parent

    def restore_in(folder: Path) -> None:
        repo = Repository(folder / "store")
        repo.open()
        recovery.restore(repo, saved.id, NOW + timedelta(hours=1))

    counting = tmp_path / "count"
    shutil.copytree(data, counting)
    steps = steps_of(lambda: restore_in(counting), counting)
    outcomes = set()
    for step in range(0, steps, max(1, steps // 40)):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(data, trial)
        crash_at(lambda trial=trial: restore_in(trial), trial, step)
        repo = Repository(trial / "store")
        assert repo.open().set_aside == []
        ids = {e.id for e in repo.load_all()}
        assert ids in (present, before_ids), f"step {step}"
        outcomes.add(frozenset(ids))
    assert len(outcomes) == 2


def test_what_a_crash_left_in_a_backup_folder_is_no_part_of_it(filled: Repository, store_dir: Path) -> None:
    """A staged or temp file left in a backup folder (by a passphrase set or a backup
    killed midway) is never read as one of its copies, not even before the next open
    removes it."""

    info = filled.backup("daily", NOW)
    (info.folder / "episodes" / ".2025-03.json.staged.0123456789ab.tmp").write_bytes(b'{"couplepause-protected": 1}')
    (info.folder / ".active.json.0123456789ab.tmp").write_bytes(b'{"episodes": {"1": {"id"')
    (info.folder / "episodes" / "2025-03.json.staged").write_bytes(b"{}")
    content = filled.backups.read(info.id)
    assert sorted(content.files) == sorted(
        p.relative_to(info.folder).as_posix()
        for p in info.folder.rglob("*")
        if p.is_file() and not p.name.endswith((".tmp", ".staged")) and p.name != "backup.json"
    )
    filled.protect("kettle on the windowsill")  # rewrites every backup: not stuck on them
    assert not [p for p in store_dir.parent.rglob("*") if p.name.endswith((".tmp", ".staged"))]
    assert filled.backups.read(info.id).info.pauses == 7


def test_opening_never_takes_the_folder_of_a_backup_being_made(filled: Repository, store_dir: Path) -> None:
    """The keeper makes a backup on its thread while the store reopens (after an import):
    the backup's hidden folder is no leftover of a crash."""
    import threading

    from couplepause.store import backups as backups_module

    writing, go_on = threading.Event(), threading.Event()
    real = backups_module.atomic_write

    def slow(path, data, **kwargs):
        writing.set()
        go_on.wait(10)
        real(path, data, **kwargs)

    backups_module.atomic_write = slow
    try:
        made: list = []
        keeper = threading.Thread(target=lambda: made.append(filled.backup("daily", NOW)))
        keeper.start()
        assert writing.wait(10)
        filled.reopen()  # cleans up after crashes: not this one
        go_on.set()
        keeper.join(10)
    finally:
        backups_module.atomic_write = real
    assert [b.id for b in filled.backups.list()] == [made[0].id]


# --------------------------------------------------------------- bring back
def test_a_damaged_month_comes_back_from_the_newest_backup_that_has_it(filled: Repository, store_dir: Path) -> None:
    filled.backup("daily", NOW - timedelta(days=1))
    march = {e.id for e in filled.load_all() if e.paused_at.month == 3}
    filled.merge([episode("2025-03-20T20:00:00.000+01:00")], now=NOW)  # not in any backup
    (store_dir / "episodes" / "2025-03.json").write_bytes(b"\x00\x00")
    filled.load_all()
    [missing] = filled.missing()
    assert missing.part == "2025-03"
    assert recovery.bring_back(filled, missing) == 1
    assert march <= {e.id for e in filled.load_all()}
    assert filled.missing() == []
    assert any(p.name.endswith(".recovered") for p in (store_dir / "episodes").iterdir())


def test_nothing_to_bring_back_says_so(filled: Repository, store_dir: Path) -> None:
    (store_dir / "episodes" / "2025-03.json").write_bytes(b"")
    filled.load_all()
    [missing] = filled.missing()
    from couplepause.store.backups import BackupError

    with pytest.raises(BackupError, match="No backup"):
        recovery.bring_back(filled, missing)
    assert filled.missing() == [missing]


def test_a_backup_is_read_back_when_it_is_made_and_one_that_does_not_is_gone(filled: Repository, monkeypatch) -> None:
    before = [b.id for b in filled.backups.list()]
    real = backups_module.atomic_write

    def bad_disk(path, data, **kwargs):  # a copy comes out different from what was written
        real(path, data[:-7] if Path(path).name == "2025-04.json" else data, **kwargs)

    monkeypatch.setattr(backups_module, "atomic_write", bad_disk)
    with pytest.raises(BackupDamaged) as failed:
        filled.backup("daily", NOW)
    assert failed.value.key == "backup_not_verified"
    monkeypatch.undo()
    assert [b.id for b in filled.backups.list()] == before
    assert [p.name for p in filled.backups.folder.iterdir()] == before  # no folder left half-made
    assert filled.missing() == []  # the store's own file is fine, and is not set aside
