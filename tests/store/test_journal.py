"""Changes across files happen whole or not at all: a crash at every step of a
transaction, then ``recover`` as at the next start."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

from couplepause.store import journal
from couplepause.store.envelope import INTEGRITY_TABLE
from couplepause.store.files import read_documents, write_tables
from couplepause.store.storage import CrashSafeStorage
from tests.store.killpoints import crash_at, steps_of

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork")


def contents(root: Path) -> dict[str, list[dict]]:
    """Every database under ``root`` by relative name (its one table's documents)."""
    found = {}
    for path in sorted(root.rglob("*.json")):
        with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
            found[path.relative_to(root).as_posix()] = {
                name: db.table(name).all() for name in sorted(db.tables()) if name != INTEGRITY_TABLE
            }
    return found


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "template"
    write_tables(root / "a.json", {"episodes": [{"n": 1}]})
    write_tables(root / "sub" / "b.json", {"episodes": [{"n": 2}]})
    write_tables(root / "sub" / "gone.json", {"episodes": [{"n": 3}]})
    return root


def change(root: Path) -> None:
    transaction = journal.Transaction(root)
    transaction.put(root / "a.json", {"episodes": [{"n": 10}, {"n": 11}]})
    transaction.put(root / "sub" / "b.json", {"episodes": [{"n": 20}], "other": [{"x": 1}]})
    transaction.put(root / "sub" / "new.json", {"episodes": [{"n": 30}]})
    transaction.remove(root / "sub" / "gone.json")
    transaction.commit()


def test_a_transaction_applies_everything(store: Path) -> None:
    change(store)
    assert contents(store) == {
        "a.json": {"episodes": [{"n": 10}, {"n": 11}]},
        "sub/b.json": {"episodes": [{"n": 20}], "other": [{"x": 1}]},
        "sub/new.json": {"episodes": [{"n": 30}]},
    }
    assert not list(store.rglob("*.staged")) and not (store / "journal.json").exists()


@pytest.mark.slow
def test_a_crash_at_any_step_leaves_all_or_nothing(store: Path, tmp_path: Path) -> None:
    before = contents(store)
    work = tmp_path / "after"
    shutil.copytree(store, work)
    change(work)
    after = contents(work)
    shutil.copytree(store, tmp_path / "count")
    steps = steps_of(lambda: change(tmp_path / "count"), tmp_path / "count")
    assert steps > 10
    outcomes = set()
    for step in range(steps):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(store, trial)
        crash_at(lambda trial=trial: change(trial), trial, step)
        journal.recover(trial)
        now = contents(trial)
        assert now in (before, after), f"crash before step {step} left a mix"
        assert not list(trial.rglob("*.staged")) and not (trial / "journal.json").exists()
        outcomes.add("after" if now == after else "before")
    assert outcomes == {"before", "after"}


def test_an_uncommitted_transaction_is_dropped(store: Path) -> None:
    before = contents(store)
    write_tables(store / "a.json.staged", {"episodes": [{"n": 99}]})
    write_tables(store / "journal.json", {})  # created, never filled: not a commit
    assert journal.recover(store) is False
    assert contents(store) == before


def test_a_damaged_journal_is_kept_aside_and_nothing_is_applied(store: Path) -> None:
    before = contents(store)
    write_tables(store / "a.json.staged", {"episodes": [{"n": 99}]})
    (store / "journal.json").write_bytes(b'{"steps": {"1": {"op"')
    assert journal.recover(store) is False
    assert contents(store) == before
    assert [p.name.split(".unreadable-")[0] for p in store.glob("journal.json.unreadable-*")] == ["journal.json"]


@pytest.mark.parametrize("step", [{"op": "remove_tree", "target": ".."}, {"op": "replace", "target": "a.json"},
                                  {"op": "format", "target": "a.json"}, {"op": "remove", "target": "/etc/passwd"}])
def test_a_journal_this_app_did_not_write_is_kept_aside_and_never_followed(store: Path, step: dict) -> None:
    before = contents(store)
    write_tables(store / "journal.json", {"steps": [step]})
    assert journal.pending(store) is None  # a read-only look does not follow it either
    assert journal.recover(store) is False
    assert contents(store) == before
    assert [p.name.split(".unreadable-")[0] for p in store.glob("journal.json.unreadable-*")] == ["journal.json"]


def test_a_failed_commit_changes_nothing(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = contents(store)
    real = journal.write_durably
    calls = []

    def full_disk(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(journal, "write_durably", full_disk)
    with pytest.raises(OSError):
        change(store)
    monkeypatch.undo()
    assert contents(store) == before
    assert not list(store.rglob("*.staged"))
    assert read_documents(store / "journal.json") is None


# ------------------------------------------------- what a crash leaves, and a read-only look
def crash_after_the_commit(monkeypatch: pytest.MonkeyPatch) -> type[BaseException]:
    """Make the next transaction stop right after its journal is written (as a kill would)."""

    class Killed(BaseException):
        pass

    def killed(_root, _steps):
        raise Killed()

    monkeypatch.setattr(journal, "_apply", killed)
    return Killed


def test_a_read_only_view_sees_a_committed_change_before_it_is_applied(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed = crash_after_the_commit(monkeypatch)
    with pytest.raises(killed):
        change(store)
    monkeypatch.undo()
    files_before = sorted(p.name for p in store.rglob("*"))
    view = journal.pending(store)
    assert view is not None
    assert view.source(store / "sub" / "gone.json") is None  # removed by the change
    assert view.source(store / "a.json") == store / "a.json.staged"  # its new version
    assert view.names(store / "sub") == ["b.json", "new.json"]  # no staged name, the new file in
    assert [p.relative_to(store).as_posix() for p in view.files_under(store)] == [
        "a.json", "sub/b.json", "sub/new.json"]
    assert sorted(p.name for p in store.rglob("*")) == files_before  # looked at, nothing written
    assert journal.recover(store) is True
    assert contents(store)["sub/new.json"] == {"episodes": [{"n": 30}]}


def test_without_a_committed_journal_there_is_nothing_to_look_through(store: Path) -> None:
    write_tables(store / "a.json.staged", {"episodes": [{"n": 99}]})  # never committed
    assert journal.pending(store) is None
    write_tables(store / "journal.json", {})  # created, never filled
    assert journal.pending(store) is None


def test_a_tree_removal_is_all_or_nothing_and_seen_through(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    killed = crash_after_the_commit(monkeypatch)
    with pytest.raises(killed):
        journal.erase(store, [store / "sub"])
    monkeypatch.undo()
    view = journal.pending(store)
    assert view.source(store / "sub" / "b.json") is None and view.files_under(store / "sub") == []
    with pytest.raises(FileNotFoundError):
        view.names(store / "sub")
    journal.recover(store)
    assert not (store / "sub").exists() and (store / "a.json").exists()


def test_recovery_removes_what_crashed_writes_left_anywhere_but_not_a_write_in_progress(tmp_path: Path) -> None:
    from couplepause.store.atomic import atomic_file, is_temp_name

    left = [tmp_path / ".journal.json.0123456789ab.tmp",
            tmp_path / "store" / "episodes" / ".2026-03.json.staged.0123456789ab.tmp",
            tmp_path / "backups" / "20261123T200000Z" / ".meta.json.0123456789ab.tmp",
            tmp_path / "backups" / "20261123T200000Z" / "active.json.staged"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'{"episodes": {"1": {"note": "half')
    keeper = tmp_path / "backups" / "20261123T210000Z" / "active.json"
    keeper.parent.mkdir(parents=True)
    with atomic_file(keeper) as stream:  # a backup being written by another thread meanwhile
        stream.write(b"{}")
        journal.recover(tmp_path)
        assert [p.name for p in keeper.parent.iterdir() if is_temp_name(p.name)]  # still there
    assert keeper.read_bytes() == b"{}"
    assert not any(path.exists() for path in left)
