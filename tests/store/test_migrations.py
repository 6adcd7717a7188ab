"""A data folder written by an older couplepause (0.1: schema 1; schema 2, before
practice pauses and the plan) opens with nothing lost: a backup first, migrated once,
all or nothing even when the process dies."""

from __future__ import annotations

import shutil
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from couplepause.core.episode import Break, inconsistencies
from couplepause.store import meta
from couplepause.store.envelope import generation_of
from couplepause.store.repository import SCHEMA_VERSION, Repository
from couplepause.store.storage import CrashSafeStorage
from tests.store.conftest import episode
from tests.store.killpoints import crash_at, steps_of


def write_v1_store(store: Path) -> list:
    """The store as couplepause 0.1 left it: schema 1 records, no clock readings,
    and one break that a wall clock set back put before its own pause."""
    done = [episode(f"2025-0{m}-10T20:00:00.000+01:00") for m in range(1, 4)]
    odd = episode("2025-04-02T21:00:00.000+02:00", repair_minutes=50)
    odd = odd.with_changes(
        breaks=(Break(odd.paused_at - timedelta(hours=2), odd.paused_at - timedelta(hours=1, minutes=30),
                      odd.paused_at - timedelta(hours=1, minutes=25)),),
        wall_timed=True,
    )
    ongoing = episode("2025-05-01T20:00:00.000+02:00", repair_minutes=None)
    write_store(store, 1, [*done, odd], ongoing)
    return [*done, odd, ongoing]


def write_v2_store(store: Path) -> list:
    """The store as schema 2 left it: clock readings, no practice mark."""
    done = [episode(f"2025-0{m}-10T20:00:00.000+01:00", note=f"note {m}") for m in range(1, 4)]
    ongoing = episode("2025-05-01T20:00:00.000+02:00", repair_minutes=None)
    write_store(store, 2, done, ongoing)
    return [*done, ongoing]


def write_v3_store(store: Path) -> list:
    """The store as schema 3 left it: plain TinyDB files with no part, generation or check,
    and no manifest."""
    done = [episode(f"2025-0{m}-10T20:00:00.000+01:00", note=f"note {m}") for m in range(1, 4)]
    ongoing = episode("2025-05-01T20:00:00.000+02:00", repair_minutes=None)
    write_store(store, 3, done, ongoing)
    return [*done, ongoing]


def write_store(store: Path, version: int, closed: list, ongoing) -> None:
    def record(item) -> dict:
        data = item.to_record() if version >= 2 else item.to_dict()
        if version < 3:
            data.pop("practice")  # new in schema 3
        if version < 2:
            data.pop("timing", None)
        return data

    (store / "episodes").mkdir(parents=True)
    CrashSafeStorage(store / "meta.json").write({"meta": {"1": {"schema_version": version}}})
    CrashSafeStorage(store / "active.json").write({"episodes": {"1": record(ongoing)}})
    by_month: dict[str, dict] = {}
    for item in closed:
        month = item.paused_at.strftime("%Y-%m")
        table = by_month.setdefault(month, {})
        table[str(len(table) + 1)] = record(item)
    for month, table in by_month.items():
        CrashSafeStorage(store / "episodes" / f"{month}.json").write({"episodes": table})


def stored_records(store: Path) -> list[dict]:
    found = []
    for path in [store / "active.json", *sorted((store / "episodes").glob("*.json"))]:
        with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
            found += db.table("episodes").all()
    return found


WRITERS = {1: write_v1_store, 2: write_v2_store, 3: write_v3_store}


def schema_version(store: Path) -> int:
    with TinyDB(store / "meta.json", storage=CrashSafeStorage, access_mode="r") as db:
        return db.table("meta").all()[0]["schema_version"]


def test_a_0_1_store_is_backed_up_then_migrated_once(tmp_path: Path) -> None:
    store = tmp_path / "data" / "store"
    old = write_v1_store(store)
    repo = Repository(store)
    assert repo.open().migrated_from == 1
    assert schema_version(store) == SCHEMA_VERSION == 4
    [backup] = repo.backups.list()
    assert backup.reason == "before-migration" and backup.pauses == len(old)
    assert backup.schema_version == 1
    migrated = repo.load_all()
    assert [e.id for e in migrated] == [e.id for e in sorted(old, key=lambda e: e.paused_at)]
    assert all(inconsistencies(e) == [] for e in migrated)  # the break now lies inside its pause
    assert {e.id: e.note for e in migrated} == {e.id: e.note for e in old}
    assert Repository(store).open().migrated_from is None
    assert len(repo.backups.list()) == 1  # not migrated (or backed up) twice
    assert all(record["practice"] is False for record in stored_records(store))  # all the way to 4


def test_a_schema_2_store_is_backed_up_then_marked_not_practice_once(tmp_path: Path) -> None:
    store = tmp_path / "data" / "store"
    old = write_v2_store(store)
    assert all("practice" not in record for record in stored_records(store))
    repo = Repository(store)
    assert repo.open().migrated_from == 2
    assert schema_version(store) == SCHEMA_VERSION
    [backup] = repo.backups.list()
    assert (backup.reason, backup.pauses, backup.schema_version) == ("before-migration", len(old), 2)
    assert all("practice" not in record for record in repo.backups.read(backup.id).files["active.json"]["episodes"])
    records = stored_records(store)
    assert len(records) == len(old) and all(record["practice"] is False for record in records)
    assert {e.id: e.to_record() for e in repo.load_all()} == {e.id: e.to_record() for e in old}
    assert all(not e.practice for e in repo.load_all())
    again = Repository(store)
    assert again.open().migrated_from is None
    assert len(again.backups.list()) == 1  # once: no second migration, no second backup


def test_a_schema_3_store_gets_its_checks_and_manifest_once(tmp_path: Path) -> None:
    store = tmp_path / "data" / "store"
    old = write_v3_store(store)
    repo = Repository(store)
    assert repo.open().migrated_from == 3
    assert schema_version(store) == SCHEMA_VERSION
    [backup] = repo.backups.list()
    assert (backup.reason, backup.pauses, backup.schema_version) == ("before-migration", len(old), 3)
    assert repo.backups.read(backup.id).info.pauses == len(old)  # its unchecked copies read as schema 3
    checked = {path.relative_to(store).as_posix(): generation_of(path) for path in repo.files()}
    assert all(gen >= 1 for gen in checked.values()), checked  # every file names its part and is checked
    described = meta.read(store / "meta.json")
    assert set(described.parts) == {"active", "episodes/2025-01", "episodes/2025-02", "episodes/2025-03"}
    assert {e.id: e.to_record() for e in repo.load_all()} == {e.id: e.to_record() for e in old}
    assert Repository(store).open().migrated_from is None and len(repo.backups.list()) == 1


def test_a_new_store_starts_at_this_schema_without_a_migration(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "data" / "store")
    assert repo.open().migrated_from is None
    assert schema_version(repo.folder) == SCHEMA_VERSION and repo.backups.list() == []


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_read_only_look_at_an_older_store_changes_nothing(tmp_path: Path, snapshot, version: int) -> None:
    store = tmp_path / "data" / "store"
    old = WRITERS[version](store)
    before = snapshot(tmp_path)
    view = Repository(store, read_only=True)
    view.open()
    assert len(view.load_all()) == len(old)
    assert all(not e.practice for e in view.load_all())
    assert snapshot(tmp_path) == before


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
@pytest.mark.parametrize("version", [1, 2, 3])
def test_killed_at_any_step_of_the_migration_nothing_is_lost(tmp_path: Path, version: int) -> None:
    template = tmp_path / "template" / "store"
    old = WRITERS[version](template)
    wanted = {e.id for e in old}
    counting = tmp_path / "count"
    shutil.copytree(template.parent, counting)
    steps = steps_of(lambda: Repository(counting / "store").open(), counting)
    assert steps > 20
    for step in range(0, steps, max(1, steps // 40)):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(template.parent, trial)
        crash_at(lambda trial=trial: Repository(trial / "store").open(), trial, step)
        repo = Repository(trial / "store")
        report = repo.open()
        assert report.set_aside == [], f"step {step}"
        assert {e.id for e in repo.load_all()} == wanted, f"step {step}"
        assert schema_version(trial / "store") == SCHEMA_VERSION
        assert not list(trial.rglob("*.staged")) and not (trial / "store" / "journal.json").exists()
        assert all(inconsistencies(e) == [] for e in repo.load_all())
        assert all(record["practice"] is False for record in stored_records(trial / "store")), f"step {step}"
        # Killed before the commit, the migration (and its backup) happen at the next
        # open instead; after that, never again.
        backups = repo.backups.list()
        assert {b.reason for b in backups} == {"before-migration"}, f"step {step}"
        assert Repository(trial / "store").open().migrated_from is None, f"step {step}"
        assert repo.backups.list() == backups, f"step {step}"


def test_data_of_a_newer_version_is_never_migrated(tmp_path: Path, snapshot) -> None:
    store = tmp_path / "store"
    write_v1_store(store)
    CrashSafeStorage(store / "meta.json").write({"meta": {"1": {"schema_version": 9}}})
    before = snapshot(tmp_path)
    from couplepause.store.repository import StoreTooNew

    with pytest.raises(StoreTooNew):
        Repository(store).open()
    assert snapshot(tmp_path) == before


def test_old_records_read_the_same_through_the_export(tmp_path: Path) -> None:
    """What a 0.1 export held for an episode is what the migrated store exports."""
    store = tmp_path / "store"
    old = {e.id: e for e in write_v1_store(store)}
    repo = Repository(store)
    repo.open()
    for migrated in repo.load_all():
        before = old[migrated.id].to_dict()
        after = migrated.to_dict()
        if not migrated.breaks:
            assert after == before
