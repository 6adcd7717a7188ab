"""Our plan for hard moments in the store: saved, read, replaced, emptied; a damaged
file set aside and told; it follows the partners' names under a passphrase; backups,
restore and "delete all our data" take it along; kill -9 never loses it."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from couplepause.core.plan import Plan
from couplepause.store import files, recovery
from couplepause.store.plan_file import InvalidPlan
from couplepause.store.repository import Repository
from couplepause.store.vault import Locked
from tests.factory import PLAN_SECRET, a_plan
from tests.store.conftest import episode
from tests.store.killpoints import crash_at, steps_of
from tests.store.test_protected import NAMES, PASS

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
SECRET = PLAN_SECRET


def plan_path(store_dir: Path) -> Path:
    return store_dir / files.PLAN_FILE


def reopened(store_dir: Path, passphrase: str | None = None, **kwargs) -> Repository:
    repo = Repository(store_dir, **kwargs)
    repo.open()
    if passphrase is not None:
        repo.unlock(passphrase)
    return repo


def test_no_plan_until_one_is_saved(repo: Repository, store_dir: Path) -> None:
    assert repo.plan() is None
    assert not plan_path(store_dir).exists()


def test_a_plan_is_saved_read_back_and_replaced(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    assert reopened(store_dir).plan() == a_plan()
    changed = a_plan("I still choose you")
    repo.save_plan(changed)
    assert reopened(store_dir).plan() == changed
    assert len(files.read_documents(plan_path(store_dir), files.PLAN_TABLE)) == 1
    assert [p.name for p in store_dir.iterdir() if p.name.startswith("plan")] == ["plan.json"]


def test_an_empty_plan_removes_the_file(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    repo.save_plan(Plan())
    assert repo.plan() is None and not plan_path(store_dir).exists()
    repo.save_plan(Plan())  # nothing to remove: still fine
    assert repo.plan() is None


def test_a_plan_that_would_not_read_back_is_not_written(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    with pytest.raises(InvalidPlan):
        repo.save_plan(a_plan().with_changes(way_back="x" * 500))
    assert repo.plan() == a_plan()


def test_a_read_only_store_never_writes_a_plan(repo: Repository, store_dir: Path) -> None:
    from couplepause.store.errors import StoreReadOnly

    with pytest.raises(StoreReadOnly):
        reopened(store_dir, read_only=True).save_plan(a_plan())


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"plan": {"1": {"partners": 7}}}', b"[]"])
def test_a_damaged_plan_is_set_aside_told_and_never_written_over(store_dir: Path, damage: bytes) -> None:
    told = []
    repo = Repository(store_dir, on_loss=told.append)
    repo.open()
    repo.save_plan(a_plan())
    plan_path(store_dir).write_bytes(damage)
    assert repo.plan() is None  # never a crash
    [moved] = repo.set_aside
    assert moved.read_bytes() == damage and files.original_name(moved) == "plan.json"
    assert [part.part for part in told] == [files.PLAN_PART] == [part.part for part in repo.missing()]
    repo.save_plan(a_plan("new words"))
    assert repo.plan() == a_plan("new words") and moved.read_bytes() == damage


def test_a_damaged_plan_comes_back_from_a_backup(repo: Repository, store_dir: Path) -> None:
    repo.archive(episode())
    repo.save_plan(a_plan())
    repo.backup("daily", NOW)
    plan_path(store_dir).write_bytes(b"{broken")
    assert repo.plan() is None
    [missing] = repo.missing()
    assert repo.backups.list()[0].has(files.PLAN_PART)
    assert recovery.bring_back(repo, missing) == 0  # no pause was missing
    assert repo.plan() == a_plan() and repo.missing() == []


def test_a_damaged_plan_no_backup_holds_says_so(repo: Repository, store_dir: Path) -> None:
    from couplepause.store.backups import BackupError

    repo.save_plan(a_plan())
    plan_path(store_dir).write_bytes(b"{broken")
    repo.plan()
    [missing] = repo.missing()
    with pytest.raises(BackupError):
        recovery.bring_back(repo, missing)
    assert repo.missing() == [missing]


def test_backups_hold_the_plan_and_restore_brings_it_back(repo: Repository, store_dir: Path) -> None:
    repo.archive(episode())
    repo.save_plan(a_plan())
    backup = repo.backup("daily", NOW)
    assert (backup.folder / "plan.json").is_file() and backup.pauses == 1
    repo.save_plan(a_plan("something else"))
    recovery.restore(repo, backup.id, NOW + timedelta(hours=1))
    assert reopened(store_dir).plan() == a_plan()


def test_restoring_a_backup_without_a_plan_keeps_the_plan_there_is(repo: Repository, store_dir: Path) -> None:
    repo.archive(episode())
    backup = repo.backup("daily", NOW)
    repo.save_plan(a_plan())
    recovery.restore(repo, backup.id, NOW + timedelta(hours=1))
    assert repo.plan() == a_plan()


def test_delete_all_our_data_removes_the_plan(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    repo.backup("daily", NOW)
    assert repo.erase()
    assert repo.plan() is None
    assert not list(store_dir.parent.rglob("plan.json"))


# ------------------------------------------------------------- protection
def test_the_plan_stays_readable_when_only_the_history_is_protected(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    repo.backup("daily", NOW)
    repo.protect(PASS)
    assert SECRET.encode() in plan_path(store_dir).read_bytes()  # the live flow reads it without a passphrase
    locked = reopened(store_dir)
    assert locked.locked and locked.plan() == a_plan()
    locked.save_plan(a_plan("changed while locked"))
    assert reopened(store_dir, PASS).plan() == a_plan("changed while locked")


def test_the_plan_follows_protected_names(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    repo.archive(episode())
    repo.backup("daily", NOW)
    repo.protect(PASS, NAMES)
    data = store_dir.parent
    assert not [p for p in data.rglob("plan.json") if SECRET.encode() in p.read_bytes()]  # backups too
    locked = reopened(store_dir)
    assert locked.plan() is None  # locked: the general prompts, as for "Partner A"
    with pytest.raises(Locked):
        locked.save_plan(a_plan("x"))
    assert locked.set_aside == [] and locked.missing() == []
    unlocked = reopened(store_dir, PASS)
    assert unlocked.plan() == a_plan()
    unlocked.save_plan(a_plan("while unlocked"))
    assert SECRET.encode() not in plan_path(store_dir).read_bytes()
    assert reopened(store_dir, PASS).plan() == a_plan("while unlocked")
    [backup] = [b for b in unlocked.backups.list() if b.reason == "daily"]
    recovery.restore(unlocked, backup.id, NOW + timedelta(hours=1))
    assert reopened(store_dir, PASS).plan() == a_plan()
    assert b"way_back" not in plan_path(store_dir).read_bytes()  # restored encrypted


def test_changing_and_removing_the_passphrase_carry_the_plan(repo: Repository, store_dir: Path) -> None:
    repo.save_plan(a_plan())
    repo.protect(PASS, NAMES)
    repo.change_passphrase("a new one")
    assert reopened(store_dir, "a new one").plan() == a_plan()
    assert repo.unprotect() == NAMES
    assert SECRET.encode() in plan_path(store_dir).read_bytes()
    assert reopened(store_dir).plan() == a_plan()
    assert all(SECRET.encode() in p.read_bytes() for p in store_dir.parent.rglob("plan.json"))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_killed_at_any_step_of_saving_or_protecting_the_plan_is_never_lost(repo: Repository, store_dir: Path, tmp_path: Path) -> None:
    repo.archive(episode())
    repo.save_plan(a_plan())
    data = store_dir.parent

    def act(folder: Path) -> None:
        again = Repository(folder / "store")
        again.open()
        again.save_plan(a_plan("new words"))
        again.protect(PASS, NAMES)

    counting = tmp_path / "count"
    shutil.copytree(data, counting)
    steps = steps_of(lambda: act(counting), counting)
    for step in range(0, steps, max(1, steps // 25)):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(data, trial)
        crash_at(lambda trial=trial: act(trial), trial, step)
        after = reopened(trial / "store")
        assert after.open().set_aside == [], f"step {step}"
        if after.locked:
            after.unlock(PASS)
        assert after.plan() in (a_plan(), a_plan("new words")), f"step {step}"
        assert after.missing() == [] and len(after.load_all()) == 1, f"step {step}"


# ------------------------------------------------------------------ import
def test_an_imported_plan_is_adopted_only_where_there_is_none(repo: Repository, store_dir: Path) -> None:
    first = repo.merge([episode()], plan=a_plan(), now=NOW)
    assert first.plan == recovery.PLAN_ADOPTED and repo.plan() == a_plan()
    assert repo.backups.list() == []  # the store was empty: nothing to keep
    again = repo.merge([], plan=a_plan(), now=NOW)
    assert again.plan == recovery.PLAN_SAME and repo.backups.list() == []
    other = repo.merge([episode("2025-05-01T20:00:00.000+02:00")], plan=a_plan("not ours"), now=NOW)
    assert other.plan == recovery.PLAN_KEPT and other.added == 1
    assert repo.plan() == a_plan()  # never overwritten
    assert repo.merge([], now=NOW).plan is None


def test_a_plan_alone_is_adopted_after_a_backup(repo: Repository, store_dir: Path) -> None:
    repo.archive(episode())
    report = repo.merge([], plan=a_plan(), now=NOW)
    assert report.plan == recovery.PLAN_ADOPTED and report.added == 0
    [backup] = repo.backups.list()
    assert backup.reason == "before-import" and not backup.has(files.PLAN_PART)
    assert reopened(store_dir).plan() == a_plan()


def test_an_imported_plan_follows_protected_names(repo: Repository, store_dir: Path) -> None:
    repo.protect(PASS, NAMES)
    assert repo.merge([episode()], plan=a_plan(), now=NOW).plan == recovery.PLAN_ADOPTED
    assert SECRET.encode() not in plan_path(store_dir).read_bytes()
    assert reopened(store_dir, PASS).plan() == a_plan()
