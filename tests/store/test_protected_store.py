"""The repository's behaviours on a protected store: the encrypted Storage passes the
store's own tests (saving, archiving, a crash inside archive, updates, deletes,
merges, damaged files, backups), and a locked store writes only what the live flow
writes, sealed, until it is unlocked.

Protecting costs a scrypt derivation, so one protected store is made per module and
copied for each test; every test still unlocks it with the passphrase.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from couplepause.store import envelope, files, recovery, vault
from couplepause.store.repository import EpisodeNotFound, Repository
from couplepause.store.vault import Locked
from tests.store.conftest import episode
from tests.store.test_protected import NOTE, PASS, plain_traces

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
UNKNOWN_ID = "0b6f2a52-1f4e-4a57-9a0b-1b8f2b0d3c11"


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding an empty store protected with ``PASS``."""
    data = tmp_path_factory.mktemp("protected") / "data"
    repo = Repository(data / "store")
    repo.open()
    with pytest.MonkeyPatch.context() as patch:  # as the autouse fixture in tests/conftest.py
        patch.setattr(vault, "SCRYPT", {**vault.SCRYPT, "n": 2**10})
        repo.protect(PASS)
    return data


@pytest.fixture
def store_dir(tmp_path: Path, template: Path) -> Path:
    """A copy of the protected template (overrides conftest's empty folder)."""
    data = tmp_path / "data"
    shutil.copytree(template, data)
    return data / "store"


def unlocked(folder: Path) -> Repository:
    """The store in ``folder``, opened and unlocked (as a new run of the app would)."""
    repo = Repository(folder)
    repo.open()
    repo.unlock(PASS)
    return repo


def locked(folder: Path) -> Repository:
    """The store in ``folder``, opened without the passphrase."""
    repo = Repository(folder)
    repo.open()
    assert repo.locked
    return repo


@pytest.fixture
def repo(store_dir: Path) -> Repository:
    """The protected store, opened and unlocked."""
    return unlocked(store_dir)


def docs(repo: Repository, path: Path) -> list[dict]:
    """The episodes table of one encrypted store file, decrypted with the store's key."""
    return [dict(doc) for doc in files.read_documents(path, fmt=repo.protection.fmt) or []]


def sealed_count(store_dir: Path) -> int:
    """How many sealed records sealed.json holds (0 when it is not there)."""
    path = store_dir / files.SEALED_FILE
    return len(files.read_documents(path, files.SEALED_TABLE) or []) if path.exists() else 0


def month(store_dir: Path, name: str) -> Path:
    return store_dir / files.MONTHS_DIR / f"{name}.json"


# -------------------------------------------------------- unlocked: writing
def test_every_store_file_is_encrypted(repo: Repository, store_dir: Path) -> None:
    repo.save_active(episode(repair_minutes=None, note=NOTE))
    repo.archive(episode("2025-01-10T08:00:00.000+01:00", note=NOTE))
    stored = [store_dir / "active.json", month(store_dir, "2025-01")]
    assert set(repo.files()) == {store_dir / "meta.json", *stored}
    assert all(files.is_protected_file(path) for path in stored)
    assert not files.is_protected_file(store_dir / "meta.json")


def test_save_active_inserts_replaces_and_sorts(repo: Repository, store_dir: Path) -> None:
    later = episode("2025-05-02T10:00:00.000+02:00", repair_minutes=None)
    earlier = episode("2025-05-01T10:00:00.000+02:00", repair_minutes=None)
    repo.save_active(later)
    repo.save_active(earlier)
    on_break = later.with_changes(note="back at nine")
    repo.save_active(on_break)
    assert repo.active() == [earlier, on_break]
    assert unlocked(store_dir).active() == [earlier, on_break]
    assert len(docs(repo, store_dir / "active.json")) == 2


def test_archive_moves_episode_out_of_active(repo: Repository, store_dir: Path) -> None:
    ongoing = episode(repair_minutes=None)
    repo.save_active(ongoing)
    done = ongoing.repaired_after(300).with_changes(closed=True)
    repo.archive(done)
    assert repo.active() == [] and repo.get(done.id) == done
    fresh = unlocked(store_dir)
    assert fresh.active() == []
    assert fresh.load_all() == [done]
    assert docs(fresh, month(store_dir, "2025-03")) == [done.to_record()]


def test_crash_inside_archive_keeps_the_month_copy(
    repo: Repository, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ongoing = episode(repair_minutes=None)
    repo.save_active(ongoing)
    done = ongoing.with_changes(note="done", closed=True)
    real_write = envelope.atomic_write  # what the store's Storage writes through

    def crash_on_active(path: Path, data: bytes, **kwargs) -> None:
        if Path(path).name == "active.json":
            raise KeyboardInterrupt("power cut")  # stands in for the process dying here
        real_write(path, data, **kwargs)

    monkeypatch.setattr(envelope, "atomic_write", crash_on_active)
    with pytest.raises(KeyboardInterrupt):
        repo.archive(done)
    monkeypatch.undo()
    assert docs(repo, store_dir / "active.json") == [ongoing.to_record()]
    assert docs(repo, month(store_dir, "2025-03")) == [done.to_record()]

    fresh = unlocked(store_dir)
    assert fresh.active() == []
    assert docs(fresh, store_dir / "active.json") == []
    assert fresh.load_all() == [done]
    assert fresh.count() == 1


def test_update_replaces_wherever_it_lives(repo: Repository, store_dir: Path) -> None:
    archived = episode("2024-12-01T10:00:00.000+01:00")
    ongoing = episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    repo.update(archived.with_changes(note="we laughed after"))
    repo.update(ongoing.with_changes(cycle="pursue_withdraw"))
    fresh = unlocked(store_dir)
    assert fresh.get(archived.id).note == "we laughed after"
    assert fresh.active()[0].cycle == "pursue_withdraw"
    assert fresh.count() == 2
    with pytest.raises(EpisodeNotFound):
        fresh.update(episode("2025-01-01T10:00:00.000+01:00"))


def test_update_moves_an_episode_whose_month_changed(repo: Repository, store_dir: Path) -> None:
    archived = episode("2024-12-01T10:00:00.000+01:00")
    repo.merge([archived])
    shift = timedelta(days=40)
    moved = archived.with_changes(paused_at=archived.paused_at + shift, repaired_at=archived.repaired_at + shift)
    repo.update(moved)
    assert docs(repo, month(store_dir, "2024-12")) == []
    assert docs(repo, month(store_dir, "2025-01")) == [moved.to_record()]
    assert unlocked(store_dir).load_all() == [moved]


def test_delete_removes_everywhere(repo: Repository, store_dir: Path) -> None:
    archived = episode("2024-12-01T10:00:00.000+01:00")
    ongoing = episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    assert repo.delete(archived.id) == archived
    assert repo.delete(ongoing.id) == ongoing
    assert repo.delete(ongoing.id) is None
    assert unlocked(store_dir).load_all() == []


def test_merge_adds_counts_reports_conflicts_and_is_idempotent(repo: Repository, store_dir: Path, snapshot) -> None:
    stored = episode("2025-01-10T20:00:00.000+01:00", note="ours")
    repo.merge([stored])
    incoming = [
        stored,
        stored.with_changes(note="theirs"),
        episode("2025-01-11T20:00:00.000+01:00"),
        episode("2025-01-12T20:00:00.000+01:00"),
        episode("2025-03-12T20:00:00.000+01:00"),
    ]
    report = repo.merge(incoming, now=NOW)
    assert (report.added, report.unchanged, report.conflicts) == (3, 1, [stored.id])
    assert repo.get(stored.id).note == "ours"
    assert repo.count() == 4
    assert [b.reason for b in repo.backups.list()] == ["before-import"]

    before = snapshot(store_dir.parent)
    again = repo.merge(incoming, now=NOW)
    assert (again.added, again.unchanged, again.conflicts) == (0, 4, [stored.id])
    assert snapshot(store_dir.parent) == before  # not even a backup
    assert unlocked(store_dir).count() == 4


def test_latest_repaired_is_newest_by_pause(repo: Repository, store_dir: Path) -> None:
    assert repo.latest_repaired() is None
    old = episode("2024-11-03T20:00:00.000+01:00", repair_minutes=30)
    newer = episode("2025-01-05T20:00:00.000+01:00", repair_minutes=12)
    unrepaired = episode("2025-01-20T20:00:00.000+01:00", repair_minutes=None, closed=True)
    repo.merge([old, newer, unrepaired])
    assert unlocked(store_dir).latest_repaired() == newer
    in_progress = episode("2025-02-01T20:00:00.000+01:00", repair_minutes=4, closed=False)
    repo.save_active(in_progress)
    assert repo.latest_repaired() == in_progress
    assert locked(store_dir).latest_repaired() is None


def test_get_and_count_find_active_and_archived(repo: Repository, store_dir: Path) -> None:
    archived = episode("2024-12-01T10:00:00.000+01:00")
    ongoing = episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    assert repo.get(ongoing.id) == ongoing
    fresh = unlocked(store_dir)
    assert fresh.get(archived.id.upper()) == archived
    assert fresh.get(UNKNOWN_ID) is None
    assert fresh.count() == 2
    assert fresh.load_all() == [archived, ongoing]


# ----------------------------------------------------- unlocked: damaged files
def cut_in_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def foreign_key(data: bytes) -> bytes:
    """A well-formed encrypted database, but under another store's data key (a fresh
    one: every copy of the template shares the template's key)."""
    return envelope.Format(vault.new_keys().data).encode({"episodes": {"1": {"id": UNKNOWN_ID}}}, "episodes/2025-01", 1)


DAMAGE = {
    "garbage": lambda data: b"\x00\xffnot an encrypted database\x13",
    "truncated": cut_in_half,
    "empty": lambda data: b"",
    "another store's key": foreign_key,
    "in the clear": lambda data: json.dumps({"episodes": {}}).encode(),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_month_is_set_aside_and_reported(repo: Repository, store_dir: Path, damage: str) -> None:
    kept = episode("2025-02-10T20:00:00.000+01:00")
    lost = episode("2025-01-10T20:00:00.000+01:00")
    repo.merge([kept, lost])
    broken = month(store_dir, "2025-01")
    bad = DAMAGE[damage](broken.read_bytes())
    broken.write_bytes(bad)
    fresh = unlocked(store_dir)
    assert fresh.load_all() == [kept]
    [moved] = fresh.set_aside
    assert moved.parent == broken.parent and files.original_name(moved) == "2025-01.json"
    assert moved.read_bytes() == bad  # kept as it was
    assert not broken.exists()
    assert [part.part for part in fresh.missing()] == ["2025-01"]
    assert fresh.count() == 1 and fresh.get(lost.id) is None


def test_archiving_into_a_damaged_month_sets_it_aside_first(repo: Repository, store_dir: Path) -> None:
    broken = month(store_dir, "2025-03")
    broken.parent.mkdir(exist_ok=True)
    broken.write_bytes(foreign_key(b""))
    done = episode("2025-03-14T21:04:05.123+01:00")
    repo.archive(done)
    [moved] = repo.set_aside
    assert files.original_name(moved) == "2025-03.json"
    assert docs(repo, broken) == [done.to_record()]


# ----------------------------------------------------------- unlocked: backups
def test_a_backup_counts_its_pauses_and_restores_whole(repo: Repository, store_dir: Path) -> None:
    history = [episode(f"2025-{m:02d}-10T20:00:00.000+01:00", note=NOTE) for m in range(1, 5)]
    repo.merge(history, now=NOW)
    ongoing = episode("2025-06-01T20:00:00.000+02:00", repair_minutes=None, note=NOTE)
    repo.save_active(ongoing)
    info = repo.backup("daily", NOW + timedelta(hours=1))
    assert info.pauses == 5 and info.parts["active"] == 1 and info.parts["2025-02"] == 1
    wanted = repo.load_all()

    repo.delete(history[1].id)
    repo.update(history[0].with_changes(note="changed since"))
    repo.archive(ongoing.repaired_after(60).with_changes(closed=True))
    repo.save_active(episode("2025-07-01T20:00:00.000+02:00", repair_minutes=None))
    fresh = unlocked(store_dir)
    report = recovery.restore(fresh, info.id, NOW + timedelta(hours=2))
    assert report.restored == 5 and report.kept_as is not None and report.kept_as.pauses == 5
    assert unlocked(store_dir).load_all() == wanted
    assert plain_traces(store_dir.parent, [e.id for e in wanted], names=False) == []


# ------------------------------------------------------------------ locked
def test_once_protected_nothing_personal_is_in_the_clear(repo: Repository, store_dir: Path) -> None:
    history = [episode(f"2025-03-{day:02d}T21:04:05.123+01:00", note=NOTE) for day in (14, 15)]
    repo.merge(history, now=NOW)
    repo.save_active(episode("2025-03-16T21:04:00.000+01:00", repair_minutes=None, note=NOTE))
    repo.backup("daily", NOW)
    ids = [e.id for e in repo.load_all()]
    assert plain_traces(store_dir.parent, ids, names=False) == []
    sealed = episode("2025-03-17T21:04:00.000+01:00", repair_minutes=None, note=NOTE)
    writer = locked(store_dir)
    writer.save_active(sealed)
    writer.archive(sealed.repaired_after(90).with_changes(closed=True))
    assert (store_dir / files.SEALED_FILE).exists()
    assert plain_traces(store_dir.parent, [*ids, sealed.id], names=False) == []


def test_locked_only_the_live_flow_writes(repo: Repository, store_dir: Path, snapshot) -> None:
    archived = episode("2024-12-01T10:00:00.000+01:00")
    repo.merge([archived])
    writer = locked(store_dir)
    ongoing = episode(repair_minutes=None)
    writer.save_active(ongoing)
    done = episode("2025-02-01T10:00:00.000+01:00")
    writer.archive(done)
    assert writer.active() == [ongoing]  # what this run wrote, nothing else
    assert writer.get(archived.id) is None
    before = snapshot(store_dir.parent)
    refused = {
        "merge": lambda: writer.merge([episode("2025-09-01T21:00:00.000+02:00")]),
        "delete": lambda: writer.delete(archived.id),
        "update": lambda: writer.update(archived.with_changes(note="changed")),
        "commit": lambda: writer.commit({store_dir / "active.json": {"episodes": []}}),
        "load_all": writer.load_all,
        "count": writer.count,
    }
    for name, call in refused.items():
        with pytest.raises(Locked):
            call()
        assert snapshot(store_dir.parent) == before, name


def test_after_unlocking_every_locked_write_is_there_newest_first(repo: Repository, store_dir: Path) -> None:
    before_lock = episode("2025-04-01T20:00:00.000+02:00", repair_minutes=None)
    repo.save_active(before_lock)
    writer = locked(store_dir)
    kept_open = episode("2025-05-01T20:00:00.000+02:00", repair_minutes=None)
    closed_now = episode("2025-05-02T20:00:00.000+02:00", repair_minutes=None)
    for version in range(1, 4):
        for found in (kept_open, closed_now):
            writer.save_active(found.with_changes(note=f"v{version}"))
    newest_open = kept_open.with_changes(note="v3")
    newest_closed = closed_now.with_changes(note="v4").repaired_after(600).with_changes(closed=True)
    writer.archive(newest_closed)
    archived_locked = before_lock.with_changes(note="closed while locked").repaired_after(60).with_changes(closed=True)
    writer.archive(archived_locked)
    assert sealed_count(store_dir) == 3

    writer.unlock(PASS)
    assert not (store_dir / files.SEALED_FILE).exists()
    for reader in (writer, unlocked(store_dir)):
        assert reader.active() == [newest_open]
        assert reader.get(newest_closed.id) == newest_closed
        assert reader.get(archived_locked.id) == archived_locked
        assert reader.count() == 3
    assert docs(repo, store_dir / "active.json") == [newest_open.to_record()]
    assert docs(repo, month(store_dir, "2025-04")) == [archived_locked.to_record()]


def test_locking_again_and_again_keeps_one_sealed_record_per_pause(repo: Repository, store_dir: Path) -> None:
    pauses = [episode(f"2025-08-0{day}T20:00:00.000+02:00", repair_minutes=None) for day in range(1, 5)]
    newest = {}
    for round_ in range(3):
        repo.lock_history()
        written = pauses[round_ : round_ + 2]  # one pause goes on from the round before
        for version in range(3):
            for found in written:
                newest[found.id] = found.with_changes(note=f"round {round_} v{version}")
                repo.save_active(newest[found.id])
            assert sealed_count(store_dir) == len(written)
        assert repo.active() == [newest[found.id] for found in written]  # this round's writes
        repo.unlock(PASS)
        assert sealed_count(store_dir) == 0
        assert {e.id: e for e in repo.active()} == newest
    assert {e.id: e for e in unlocked(store_dir).active()} == newest


# ------------------------------------------------------ a damaged sealed.json
def test_a_pause_sealed_after_a_damaged_sealed_file_is_kept(repo: Repository, store_dir: Path) -> None:
    """Setting sealed.json aside forgets which record was whose: no later seal overwrites another pause."""
    repo.lock_history()
    first = episode("2025-07-01T21:00:00.000+02:00", repair_minutes=None)
    repo.save_active(first)  # sealed record number 1
    (store_dir / files.SEALED_FILE).write_bytes(b"garbage")
    repo.unlock(PASS)  # sets sealed.json aside and reports it
    assert [part.part for part in repo.missing()] == ["sealed"]
    repo.lock_history()
    later = episode("2025-07-03T21:00:00.000+02:00", repair_minutes=None)
    repo.save_active(later)  # number 1 of the new sealed.json
    repo.save_active(first.with_changes(note="again"))  # it was number 1 of the file set aside
    assert sealed_count(store_dir) == 2
    repo.unlock(PASS)
    assert repo.get(later.id) == later and repo.get(first.id).note == "again"


def test_a_damaged_sealed_file_is_set_aside_while_locked(repo: Repository, store_dir: Path) -> None:
    """A locked write never goes into a damaged sealed.json: it is set aside first, and the pause saved."""
    writer = locked(store_dir)
    damaged = b'{"sealed": {"1": '
    (store_dir / files.SEALED_FILE).write_bytes(damaged)
    pause = episode(repair_minutes=None)
    writer.save_active(pause)
    [moved] = writer.set_aside
    assert files.original_name(moved) == files.SEALED_FILE and moved.read_bytes() == damaged
    assert sealed_count(store_dir) == 1
    writer.unlock(PASS)
    assert writer.get(pause.id) == pause
