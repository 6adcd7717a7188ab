"""The command line and issue 13's data: --include-practice, --include-plan and
--include-patterns on export, and an import that brings a plan (or a 0.1 file)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from couplepause.common import paths
from couplepause.core.plan import PartnerPlan, Plan
from couplepause.store.repository import Repository

from ..factory import make_episode, sample
from .conftest import load, seed, snapshot, stored

V1_FILE = Path(__file__).parent.parent / "export" / "data" / "export-0.1.json"
PLAN = Plan(
    partners={"a": PartnerPlan("pull_back", helps="a walk"), "b": PartnerPlan("reach_out", helps="tea")},
    pause_signal="time-out hands",
    way_back="we sit side by side",
    updated_at=datetime(2026, 2, 2, 20, 0, tzinfo=UTC),
)


def store(data_dir: Path) -> Repository:
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    return repo


def seeded(data_dir: Path, plan: Plan | None = PLAN) -> Repository:
    practice = make_episode("2026-03-03T20:00:00.000+01:00", practice=True)
    seed(data_dir, [*sample(), practice])
    repo = store(data_dir)
    if plan is not None:
        repo.save_plan(plan)
    return repo


def test_help_names_the_three_flags(run):
    result = run("export", "--help")
    assert result.code == 0
    for flag in ("--include-practice", "--include-plan", "--include-patterns"):
        assert flag in result.out
    assert "JSON only" in result.out and "PDF only" in result.out


def test_the_plan_goes_into_a_json_export_only_when_asked(run, data_dir, tmp_path):
    seeded(data_dir)
    plain = tmp_path / "plain.json"
    assert run("--data-dir", data_dir, "export", "--output", plain).code == 0
    assert "plan" not in load(plain)
    asked = tmp_path / "asked.json"
    result = run("--data-dir", data_dir, "export", "--output", asked, "--include-plan")
    assert result.code == 0 and result.err == ""
    assert load(asked)["plan"] == PLAN.to_dict()


def test_practice_pauses_only_when_asked(run, data_dir, tmp_path):
    seeded(data_dir)
    out = tmp_path / "out.json"
    run("--data-dir", data_dir, "export", "--output", out)
    assert len(load(out)["episodes"]) == len(sample())
    out.unlink()
    run("--data-dir", data_dir, "export", "--output", out, "--include-practice")
    assert [e["practice"] for e in load(out)["episodes"]].count(True) == 1
    sheet = tmp_path / "out.csv"
    assert run("--data-dir", data_dir, "export", "--output", sheet, "--include-practice").code == 0
    rows = list(csv.DictReader(sheet.read_text("utf-8-sig").splitlines()))
    assert sorted(row["practice"] for row in rows) == ["no"] * len(sample()) + ["yes"]


def test_a_flag_for_another_format_is_said_once_and_changes_nothing(run, data_dir, tmp_path):
    seeded(data_dir)
    sheet = tmp_path / "out.csv"
    result = run("--data-dir", data_dir, "export", "--output", sheet, "--include-plan")
    assert result.code == 0
    assert result.err_lines == ["couplepause: --include-plan only applies to a JSON export, so it was left out"]
    assert "time-out hands" not in sheet.read_text("utf-8-sig")
    out = tmp_path / "out.json"
    result = run("--data-dir", data_dir, "export", "--output", out, "--include-patterns")
    assert result.code == 0 and len(result.err_lines) == 1 and "PDF" in result.err
    assert "plan" not in load(out)


def test_an_import_adopts_the_file_s_plan_where_there_is_none(run, data_dir, tmp_path):
    seeded(tmp_path / "other")
    out = tmp_path / "ours.json"
    assert run("--data-dir", tmp_path / "other", "export", "--output", out, "--include-plan").code == 0
    result = run("--data-dir", data_dir, "import", out)
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "The file’s plan for hard moments is your plan here now."
    assert store(data_dir).plan() == PLAN
    again = run("--data-dir", data_dir, "import", out)
    assert again.out.splitlines() == ["Imported 0 pauses; 4 were already here."]  # the same plan: no word


def test_an_import_never_replaces_our_plan(run, data_dir, tmp_path):
    ours = PLAN.with_changes(way_back="we hold hands first")
    seeded(data_dir, ours)
    seeded(tmp_path / "other")
    out = tmp_path / "theirs.json"
    run("--data-dir", tmp_path / "other", "export", "--output", out, "--include-plan")
    doc = load(out)
    doc["episodes"].append(make_episode("2026-04-01T20:00:00.000+02:00").to_dict())
    out.write_text(json.dumps(doc), "utf-8")
    result = run("--data-dir", data_dir, "import", out)
    assert result.code == 0
    assert result.out.splitlines()[0] == "Imported 5 pauses."  # the other folder's pauses are new here
    assert "so it stays as it is" in result.out.splitlines()[-1]
    assert store(data_dir).plan() == ours


def test_a_0_1_export_imports(run, data_dir):
    result = run("--data-dir", data_dir, "import", V1_FILE)
    assert result.code == 0 and result.out == "Imported 2 pauses.\n"
    assert [e.practice for e in stored(data_dir)] == [False, False]
    assert store(data_dir).plan() is None


def test_a_damaged_plan_does_not_stop_an_export(run, data_dir, tmp_path):
    seeded(data_dir)
    (paths.store_dir(data_dir) / "plan.json").write_bytes(b"{damaged")
    store(data_dir).plan()  # set aside and told
    out = tmp_path / "out.json"
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "export", "--output", out, "--include-plan")
    assert result.code == 0 and result.err == ""
    assert "plan" not in load(out) and len(load(out)["episodes"]) == len(sample())
    assert snapshot(data_dir) == before
