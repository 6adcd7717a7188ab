"""Old data by every road: a JSON export made by couplepause 0.1 imports exactly as a 0.1
data folder migrates (one code path: store/migrations.py's step), with the same mending,
told in one line; a record nothing can mend refuses the file by its id, and the rest
comes in only when the couple asks (``--skip-contradictions``)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from couplepause.common.problems import on_command_line
from couplepause.common.texts import words
from couplepause.export import ImportRejected, read_export_file
from couplepause.export.import_rules import mending_text
from couplepause.store import migrations
from couplepause.store.repository import Repository

OLD = Path(__file__).parent / "data" / "0.1-break-after-repair"
MENDED = "f286a556-8027-4095-a07d-e815b9c8f48e"  # its break ended 87 s after its repair
UNFINISHED = "d4b220a5-25ff-44cb-b2d9-2fef1e12176a"
ONE_LINE = "1 break ended after its repair; its end was set to the repair time."
# Where nothing was picked up again: a day after the export, the unfinished pause may still be.
SOON_AFTER = datetime(2026, 2, 1, 19, 0, tzinfo=UTC)
OVER_A_YEAR = "0c1e7a40-1f0e-4b8e-9f55-0123456789ab"


def migrated_folder(tmp_path: Path) -> list[dict]:
    """The records of 0.1's own data folder, opened (so migrated) by this version."""
    store = tmp_path / "migrated" / "store"
    shutil.copytree(OLD / "store", store)
    repo = Repository(store)
    assert repo.open().migrated_from == 1
    return sorted((e.to_record() for e in repo.load_all()), key=lambda r: r["id"])


def imported(tmp_path: Path, now: datetime) -> list[dict]:
    repo = Repository(tmp_path / "imported" / "store")
    repo.open()
    report = repo.merge(read_export_file(OLD / "export.json").episodes, now=now)
    assert report.added == 3
    return sorted((e.to_record() for e in repo.load_all()), key=lambda r: r["id"])


def old_doc(*extra: dict) -> dict:
    doc = json.loads((OLD / "export.json").read_text("utf-8"))
    assert doc["schema_version"] == 1
    doc["episodes"] += list(extra)
    return doc


def over_a_year() -> dict:
    """A 0.1 record no step can mend: repaired more than a year after its pause, consistently."""
    paused = datetime(2025, 1, 5, 20, 0, tzinfo=timezone(timedelta(hours=1)))
    seconds = 400 * 24 * 3600.0
    record = json.loads((OLD / "export.json").read_text("utf-8"))["episodes"][1]
    return {**record, "id": OVER_A_YEAR, "paused_at": paused.isoformat(timespec="milliseconds"),
            "repaired_at": (paused + timedelta(seconds=seconds)).isoformat(timespec="milliseconds"),
            "repair_seconds": seconds}


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


# ----------------------------------------------------------- the same road
def test_a_0_1_export_imports_exactly_as_its_data_folder_migrates(tmp_path):
    by_folder = migrated_folder(tmp_path)
    by_export = imported(tmp_path, now=SOON_AFTER)
    assert by_export == by_folder
    mended = next(r for r in by_export if r["id"] == MENDED)
    assert mended["breaks"][0]["ended_at"] == mended["repaired_at"] == "2026-01-17T21:27:38.123+01:00"
    assert next(r for r in by_export if r["id"] == UNFINISHED)["closed"] is False


def test_the_reader_counts_what_the_migration_step_mended(tmp_path):
    checked = read_export_file(OLD / "export.json")
    assert checked.schema_version == 1 and checked.left_out == ()
    assert checked.mended == Counter({"break_end_after_repair": 1})
    assert mending_text(checked.mended) == ONE_LINE


def test_a_2_file_is_never_mended(tmp_path):
    """What schema 2 holds was written by this version's flow: a contradiction there is not 0.1's."""
    doc = old_doc()
    doc["schema_version"] = 2
    with pytest.raises(ImportRejected) as info:
        read_export_file(write(tmp_path, doc))
    assert info.value.key == "import_contradiction" and info.value.values["id"] == MENDED


# ------------------------------------------------------------ every mending
BREAK = {"started_at": "2026-01-10T21:10:00.000+01:00", "return_at": "2026-01-10T21:30:00.000+01:00",
         "ended_at": "2026-01-10T21:32:00.000+01:00"}


def record(**changes) -> dict:
    """A 0.1 record paused at 21:00 and repaired at 21:40 (2400 s)."""
    base = {"id": "5d0c3b1e-9d8e-4a53-8d4e-1f2e3d4c5b6a", "paused_at": "2026-01-10T21:00:00.000+01:00",
            "repaired_at": "2026-01-10T21:40:00.000+01:00", "repair_seconds": 2400.0, "breaks": [dict(BREAK)]}
    return {**base, **changes}


def at(text: str, **shift) -> str:
    return (datetime.fromisoformat(text) + timedelta(**shift)).isoformat(timespec="milliseconds")


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"repaired_at": "2026-01-10T21:45:00.000+01:00"}, "repair_time"),
        ({"breaks": [{**BREAK, "started_at": "2026-01-10T20:58:00.000+01:00"}]}, "break_start_before_pause"),
        ({"breaks": [{**BREAK, "started_at": "2026-01-10T21:41:00.000+01:00",
                      "return_at": "2026-01-10T22:01:00.000+01:00", "ended_at": None}]}, "break_start_after_repair"),
        ({"breaks": [{**BREAK, "ended_at": "2026-01-10T21:09:00.000+01:00"}]}, "break_end_before_start"),
        ({"breaks": [{**BREAK, "ended_at": "2026-01-10T21:41:27.000+01:00"}]}, "break_end_after_repair"),
        ({"breaks": [{**BREAK, "return_at": "2026-01-10T21:05:00.000+01:00"}]}, "return_before_start"),
    ],
)
def test_each_mending_of_the_step_is_counted_and_worded(changes, kind):
    mended: Counter[str] = Counter()
    migrations.upgrade(record(**changes), 1, mended)
    assert mended == Counter({kind: 1})
    assert mending_text(mended) == words("mended", kind, n=1)
    assert mending_text(Counter({kind: 3})) == words("mended", kind, n=3)


def test_rounding_is_not_a_mending():
    mended: Counter[str] = Counter()
    migrations.upgrade(record(repaired_at="2026-01-10T21:40:00.400+01:00",
                              breaks=[{**BREAK, "ended_at": "2026-01-10T21:40:00.900+01:00"}]), 1, mended)
    assert not mended and mending_text(mended) is None


def test_a_data_folder_migration_mends_the_same_without_being_asked_to_count(tmp_path):
    assert migrations.upgrade(record(), 1) == migrations.upgrade(record(), 1, Counter())


def test_several_kinds_are_told_on_one_line():
    text = mending_text(Counter({"break_end_after_repair": 2, "repair_time": 1}))
    assert text == (words("mended", "repair_time", n=1) + " " + words("mended", "break_end_after_repair", n=2))
    assert "\n" not in text and "2 breaks ended after their repairs" in text


def test_the_window_names_the_pause_too(tmp_path):
    with pytest.raises(ImportRejected) as info:
        read_export_file(write(tmp_path, old_doc(over_a_year())))
    window = str(info.value)
    assert OVER_A_YEAR in window and "old.json" in window and "--skip" not in window
    assert "\n" not in on_command_line(info.value)


def test_several_contradictions_are_counted_and_the_first_is_named(tmp_path):
    second = {**over_a_year(), "id": "0c1e7a40-1f0e-4b8e-9f55-0123456789ac"}
    path = write(tmp_path, old_doc(over_a_year(), second))
    with pytest.raises(ImportRejected) as info:
        read_export_file(path)
    assert "2 pauses contradict themselves" in on_command_line(info.value)
    assert OVER_A_YEAR in on_command_line(info.value)
    checked = read_export_file(path, skip_contradictions=True)
    assert [left.id for left in checked.left_out] == [OVER_A_YEAR, second["id"]]
    assert len(checked.episodes) == 3


def test_what_is_left_out_is_not_counted_as_mended(tmp_path):
    skewed = {**over_a_year(), "repaired_at": "2026-03-01T10:00:00.000+01:00"}  # mended, still over a year
    checked = read_export_file(write(tmp_path, old_doc(skewed)), skip_contradictions=True)
    assert [left.id for left in checked.left_out] == [OVER_A_YEAR]
    assert checked.mended == Counter({"break_end_after_repair": 1})


def test_a_duplicated_id_is_never_skipped(tmp_path):
    twin = {**over_a_year(), "id": MENDED}
    with pytest.raises(ImportRejected) as info:
        read_export_file(write(tmp_path, old_doc(twin)), skip_contradictions=True)
    assert info.value.key == "import_duplicate_id"
