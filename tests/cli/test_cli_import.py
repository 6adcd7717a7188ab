"""``couplepause import`` on what import brings: a 0.1 file mended as its data folder
migrates (told in one line), contradictions refused by id unless ``--skip-contradictions``,
files beyond the limits refused whole, and unfinished pauses settled as the window
settles them (only the newest stays open)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

from couplepause.common import paths
from couplepause.common.texts import words
from couplepause.core.flow import NOTE_MAX
from couplepause.export.import_rules import MAX_PAUSES_A_MONTH
from couplepause.store.repository import Repository

from ..export.test_import_0_1 import MENDED, OLD, ONE_LINE, OVER_A_YEAR, UNFINISHED, old_doc, over_a_year, write
from ..factory import episode_dict, sample
from .conftest import assert_one_error_line, seed, snapshot, stored


def test_the_import_says_what_was_mended_in_one_line(run, data_dir):
    result = run("--data-dir", data_dir, "import", OLD / "export.json")
    assert result.code == 0 and result.err == ""
    assert result.out.splitlines() == ["Imported 3 pauses.", ONE_LINE]


def test_importing_the_export_into_its_own_migrated_folder_adds_nothing(run, data_dir):
    shutil.copytree(OLD / "store", paths.store_dir(data_dir))
    Repository(paths.store_dir(data_dir)).open()  # migrated, as the window would at its start
    before = {e.id: e.to_dict() for e in stored(data_dir)}
    result = run("--data-dir", data_dir, "import", OLD / "export.json")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["Imported 0 pauses; 3 were already here.", ONE_LINE]
    assert {e.id: e.to_dict() for e in stored(data_dir)} == before


# ---------------------------------------------------- what nothing can mend
def test_a_contradiction_nothing_mends_refuses_the_file_by_its_id_and_changes_nothing(run, data_dir, tmp_path):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "import", write(tmp_path, old_doc(over_a_year())))
    assert result.code == 1
    line = assert_one_error_line(result)
    assert f"the pause {OVER_A_YEAR} contradicts itself (episodes[3].repair_seconds:" in line
    assert "--skip-contradictions" in line
    assert snapshot(data_dir) == before


def test_when_asked_the_rest_comes_in_and_what_was_left_out_is_named(run, data_dir, tmp_path):
    result = run("--data-dir", data_dir, "import", "--skip-contradictions", write(tmp_path, old_doc(over_a_year())))
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert lines[:2] == ["Imported 3 pauses.", ONE_LINE]
    assert lines[2].startswith(f"Left out the pause {OVER_A_YEAR}: it contradicts itself (episodes[3].repair_seconds:")
    assert len(lines) == 3
    assert {e.id for e in stored(data_dir)} == {MENDED, UNFINISHED, "b7cbabe9-1e61-4b19-922e-6d8ecebac063"}


def test_the_flag_is_in_the_import_help(run):
    result = run("import", "--help")
    assert result.code == 0
    assert "--skip-contradictions" in result.out
    assert words("cli", "import_skip_contradictions")[:40] in " ".join(result.out.split())


# ---------------------------------------------------------------- the limits
def export_doc(*episodes: dict, **top) -> dict:
    return {"format": "couplepause-export", "schema_version": 2, "exported_at": "2026-11-05T10:00:00.000+00:00",
            "episodes": list(episodes), **top}


def test_a_file_beyond_a_limit_changes_nothing_and_names_the_field_and_the_limit(run, data_dir, tmp_path):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    good = episode_dict("2026-11-01T21:00:00.000+01:00")
    long = episode_dict("2026-11-02T21:00:00.000+01:00", note="x" * (NOTE_MAX + 1))
    path = tmp_path / "long.json"
    path.write_text(json.dumps(export_doc(good, long)), "utf-8")
    result = run("--data-dir", data_dir, "import", path)
    assert result.code == 1
    line = assert_one_error_line(result)
    assert f"episodes[1].note is {NOTE_MAX + 1} characters long" in line and f"at most {NOTE_MAX}" in line
    assert snapshot(data_dir) == before


def test_a_month_beyond_its_limit_changes_nothing(run, data_dir, tmp_path):
    start = datetime(2026, 10, 1, tzinfo=UTC)
    crowded = [episode_dict((start + timedelta(minutes=20 * n)).isoformat(timespec="milliseconds"))
               for n in range(MAX_PAUSES_A_MONTH + 1)]
    path = tmp_path / "crowded.json"
    path.write_text(json.dumps(export_doc(*crowded)), "utf-8")
    result = run("--data-dir", data_dir, "import", path)
    assert result.code == 1
    line = assert_one_error_line(result)
    assert f"{MAX_PAUSES_A_MONTH + 1} pauses in the month 2026-10" in line and str(MAX_PAUSES_A_MONTH) in line
    assert not paths.store_dir(data_dir).exists() or not stored(data_dir)


# ------------------------------------------------------ unfinished pauses
def test_of_many_unfinished_pauses_only_the_newest_stays_open(run, data_dir, tmp_path):
    now = datetime.now(UTC)
    unfinished = [episode_dict((now - timedelta(days=3, hours=n)).isoformat(timespec="milliseconds"),
                               repair_seconds=None) for n in range(250)]
    path = tmp_path / "open.json"
    path.write_text(json.dumps(export_doc(*unfinished)), "utf-8")
    result = run("--data-dir", data_dir, "import", path)
    assert result.code == 0, result.err
    repo = Repository(paths.store_dir(data_dir), read_only=True)
    repo.open()
    assert [e.id for e in repo.active()] == [unfinished[0]["id"]]  # the newest
    assert repo.count() == 250
    again = run("--data-dir", data_dir, "import", path)
    assert again.out.strip() == "Imported 0 pauses; 250 were already here."
