"""A history protected with a passphrase: nothing personal readable on disk, a pause
recorded while locked, a wrong passphrase that changes nothing, changing and
removing the passphrase, and kill -9 while everything is encrypted again."""

from __future__ import annotations

import re
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from couplepause.store import recovery
from couplepause.store.repository import Repository
from couplepause.store.vault import Locked, WrongPassphrase
from tests.store.conftest import episode
from tests.store.killpoints import crash_at, steps_of

NOTE = "ZEBRA-NOTE-41: your mother's visit; I felt left out"
NAMES = {"a": "Quinlan-Okafor", "b": "Marisol-Vanterpool"}
PASS = "kettle on the windowsill"
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
# An ISO time as the store writes them (2025-03-14T21:04:05.123+01:00) or the date part of one.
TIMESTAMP = re.compile(rb"20\d\d-\d\d-\d\dT\d\d:\d\d")


def every_file(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def plain_traces(folder: Path, ids: list[str], names: bool = True) -> list[str]:
    """Which files hold a note, an id, a time of a pause or (with ``names``) a name in the clear."""
    found = []
    for path in every_file(folder):
        data = path.read_bytes()
        words = [NOTE.encode(), *(i.encode() for i in ids)] + ([n.encode() for n in NAMES.values()] if names else [])
        if any(word in data for word in words) or TIMESTAMP.search(data):
            found.append(str(path.relative_to(folder)))
    return found


@pytest.fixture
def history(store_dir: Path) -> Repository:
    repo = Repository(store_dir)
    repo.open()
    repo.merge([episode(f"2025-{m:02d}-10T20:00:00.000+01:00", note=NOTE) for m in range(1, 5)], now=NOW)
    repo.save_active(episode("2025-06-01T20:00:00.000+02:00", repair_minutes=None, note=NOTE))
    repo.backup("daily", NOW + timedelta(hours=1))
    return repo


def ids_of(repo: Repository) -> list[str]:
    return [e.id for e in repo.load_all()]


def test_once_protected_no_file_holds_a_note_an_id_or_a_time(history: Repository, store_dir: Path) -> None:
    ids = ids_of(history)
    assert plain_traces(store_dir.parent, ids)  # plain before
    history.protect(PASS, NAMES)
    assert plain_traces(store_dir.parent, ids) == []
    fresh = Repository(store_dir)
    fresh.open()
    assert fresh.locked
    with pytest.raises(Locked):
        fresh.load_all()
    fresh.unlock(PASS)
    assert ids_of(fresh) == ids
    assert fresh.protected_names() == NAMES
    assert all(e.note == NOTE for e in fresh.load_all())


def test_a_pause_is_recorded_locked_and_read_after_unlocking(history: Repository, store_dir: Path) -> None:
    history.protect(PASS)
    locked = Repository(store_dir)
    locked.open()
    assert locked.locked and locked.active() == []
    pause = episode("2025-07-01T21:00:00.000+02:00", repair_minutes=None, note=NOTE)
    locked.save_active(pause)
    locked.save_active(pause.with_changes(paused_by="b"))
    done = pause.with_changes(paused_by="b").repaired_after(600).with_changes(closed=True)
    locked.archive(done)
    assert plain_traces(store_dir.parent, [pause.id]) == []
    again = Repository(store_dir)
    again.open()
    again.unlock(PASS)
    assert again.get(pause.id) == done
    assert not (store_dir / "sealed.json").exists()
    assert len(again.load_all()) == 6


def test_a_wrong_passphrase_changes_nothing_and_can_be_tried_again(history: Repository, store_dir: Path, snapshot) -> None:
    history.protect(PASS)
    before = snapshot(store_dir.parent)
    repo = Repository(store_dir)
    repo.open()
    for attempt in range(3):
        with pytest.raises(WrongPassphrase, match="Nothing was changed"):
            repo.unlock(f"wrong {attempt}")
    assert snapshot(store_dir.parent) == before
    repo.unlock(PASS)  # never locked out
    assert len(repo.load_all()) == 5


def test_changing_the_passphrase_encrypts_everything_again(history: Repository, store_dir: Path) -> None:
    history.protect(PASS, NAMES)
    history.lock_history()
    history.save_active(episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None))  # sealed
    history.unlock(PASS)
    old_bytes = {path: path.read_bytes() for path in every_file(store_dir.parent) if path.suffix == ".json"}
    history.change_passphrase("a new one")
    changed = [p for p, data in old_bytes.items() if p.exists() and p.read_bytes() != data]
    assert len(changed) >= len(old_bytes) - 2  # every encrypted file is new (the journal etc. aside)
    fresh = Repository(store_dir)
    fresh.open()
    with pytest.raises(WrongPassphrase):
        fresh.unlock(PASS)
    fresh.unlock("a new one")
    assert len(fresh.load_all()) == 6 and fresh.protected_names() == NAMES
    [backup] = [b for b in fresh.backups.list() if b.reason == "daily"]
    assert backup.pauses == 5  # the backups open with the new keys too
    assert sum(len(found) for found in fresh.backups.read(backup.id).episodes.values()) == 5


def test_removing_the_passphrase_gives_everything_back_in_the_clear(history: Repository, store_dir: Path) -> None:
    ids = ids_of(history)
    history.protect(PASS, NAMES)
    history.lock_history()
    history.save_active(episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None))
    backup = history.backup("daily", NOW + timedelta(days=1))  # made while locked: not counted
    assert backup.pauses is None
    history.unlock(PASS)
    assert history.unprotect() == NAMES
    fresh = Repository(store_dir)
    fresh.open()
    assert not fresh.locked and len(fresh.load_all()) == 6
    assert set(ids) <= set(ids_of(fresh))
    restored = recovery.restore(fresh, backup.id)  # the backup made while locked comes back whole
    assert restored.restored == 6 and len(fresh.load_all()) == 6  # its sealed pause was filed into it


def test_a_read_only_look_counts_what_is_still_sealed(history: Repository, store_dir: Path, snapshot) -> None:
    history.protect(PASS)
    history.lock_history()
    pause = episode("2025-08-01T21:00:00.000+02:00", repair_minutes=None)
    history.save_active(pause)
    before = snapshot(store_dir.parent)
    view = Repository(store_dir, read_only=True)
    view.open()
    view.unlock(PASS)
    assert pause.id in ids_of(view)
    assert snapshot(store_dir.parent) == before


def test_nothing_but_the_live_flow_writes_while_locked(history: Repository, store_dir: Path) -> None:
    history.protect(PASS)
    history.lock_history()
    for write in (lambda: history.merge([episode("2025-09-01T21:00:00.000+02:00")]),
                  lambda: history.delete("0b6f2a52-1f4e-4a57-9a0b-1b8f2b0d3c11"),
                  lambda: history.count(),
                  lambda: history.change_passphrase("x")):
        with pytest.raises(Locked):
            write()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
@pytest.mark.parametrize("action", ["protect", "change", "unprotect"])
def test_killed_at_any_step_of_encrypting_again_nothing_is_lost(history: Repository, store_dir: Path, tmp_path: Path, action: str) -> None:
    if action != "protect":
        history.protect(PASS, NAMES)
    data = store_dir.parent
    wanted = set(ids_of(history))

    def act(folder: Path) -> None:
        repo = Repository(folder / "store")
        repo.open()
        if action == "protect":
            repo.protect(PASS, NAMES)
            return
        repo.unlock(PASS)
        repo.change_passphrase("new one") if action == "change" else repo.unprotect()

    counting = tmp_path / "count"
    shutil.copytree(data, counting)
    steps = steps_of(lambda: act(counting), counting)
    outcomes = set()
    for step in range(0, steps, max(1, steps // 30)):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(data, trial)
        crash_at(lambda trial=trial: act(trial), trial, step)
        repo = Repository(trial / "store")
        assert repo.open().set_aside == [], f"step {step}"
        if repo.locked:
            for passphrase in (PASS, "new one"):
                try:
                    repo.unlock(passphrase)
                    break
                except WrongPassphrase:
                    continue
        assert set(ids_of(repo)) == wanted, f"step {step}"
        assert repo.missing() == []
        outcomes.add(repo.protection.protected)
    assert outcomes  # the trials saw the store open every time
