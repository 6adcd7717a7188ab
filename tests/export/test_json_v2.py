"""The JSON export's schema_version 2: practice marks on every pause, the plan only
when the couple asks for it, and a 0.1 file (schema_version 1) that still reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from couplepause.core.plan import MAX_TEXT, MOVES, Plan
from couplepause.export import EXPORTERS, ExportOptions, ImportRejected, read_export_file
from couplepause.export.json_format import SCHEMA_VERSION, schema

from ..factory import a_plan, make_episode, sample
from .conftest import load

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
V1_FILE = Path(__file__).parent / "data" / "export-0.1.json"
WORDS = "Marisol needs to hear: we are on the same side"

PLAN = a_plan(WORDS)


def export(tmp_path: Path, episodes, **options) -> Path:
    out = tmp_path / "out.json"
    EXPORTERS["json"].export(episodes, ExportOptions(exported_at=FIXED, **options), out)
    return out


def with_practice() -> list:
    return [*sample(), make_episode("2026-03-02T19:00:00.000+01:00", practice=True)]


def test_every_pause_says_whether_it_was_practice(tmp_path, validator):
    doc = load(export(tmp_path, with_practice(), include_practice=True))
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert [e["practice"] for e in doc["episodes"]].count(True) == 1
    validator.validate(doc)
    back = read_export_file(tmp_path / "out.json")
    assert sum(e.practice for e in back.episodes) == 1 and back.plan is None


def test_practice_pauses_stay_out_unless_asked(tmp_path):
    doc = load(export(tmp_path, with_practice()))
    assert len(doc["episodes"]) == len(sample()) and not any(e["practice"] for e in doc["episodes"])


def test_the_plan_is_written_only_when_asked(tmp_path, validator):
    out = export(tmp_path, sample(), plan=PLAN)
    assert "plan" not in load(out) and WORDS.encode() not in out.read_bytes()
    out.unlink()
    doc = load(export(tmp_path, sample(), plan=PLAN, include_plan=True))
    assert doc["plan"] == PLAN.to_dict()
    validator.validate(doc)
    assert read_export_file(tmp_path / "out.json").plan == PLAN


def test_no_plan_and_an_empty_plan_write_no_plan(tmp_path):
    assert "plan" not in load(export(tmp_path, sample(), include_plan=True))
    (tmp_path / "out.json").unlink()
    assert "plan" not in load(export(tmp_path, sample(), include_plan=True, plan=Plan()))


def test_the_schema_describes_the_plan_as_the_core_does():
    published = schema()
    assert published["$id"] == "urn:couplepause:export:2"
    assert published["properties"]["schema_version"] == {"type": "integer", "minimum": 1, "maximum": 2}
    defs = published["$defs"]
    assert defs["partner_plan"]["properties"]["move"]["enum"] == [*MOVES, None]
    assert defs["plan_text"]["maxLength"] == MAX_TEXT
    assert set(defs["plan"]["properties"]) == set(PLAN.to_dict())
    assert set(defs["partner_plan"]["properties"]) == set(PLAN.of("a").to_dict())


@pytest.mark.parametrize(
    "plan, said",
    [
        ({"partners": {"a": {"move": "storm_off"}}}, "storm_off"),
        ({"way_back": "x" * (MAX_TEXT + 1)}, "way_back"),
        ({"partners": {"c": {}}}, "partners"),
        ({"updated_at": "yesterday"}, "updated_at"),
        ("a plan", "plan"),
    ],
)
def test_a_plan_that_does_not_read_is_refused_in_one_line(tmp_path, plan, said):
    doc = load(export(tmp_path, sample()))
    doc["plan"] = plan
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_export_file(path)
    assert said in str(caught.value) and "\n" not in str(caught.value)


def test_a_0_1_export_still_reads():
    checked = read_export_file(V1_FILE)
    assert checked.schema_version == 1 and checked.plan is None
    assert [e.id[-2:] for e in checked.episodes] == ["01", "02"]
    assert not any(e.practice for e in checked.episodes)
    assert checked.episodes[1].note == "we came back after the walk" and checked.episodes[1].had_break


def test_a_0_1_export_round_trips_as_version_2(tmp_path, validator):
    episodes = read_export_file(V1_FILE).episodes
    doc = load(export(tmp_path, episodes, include_notes=True))
    validator.validate(doc)
    old = json.loads(V1_FILE.read_text("utf-8"))["episodes"]
    assert [{k: v for k, v in e.items() if k != "practice"} for e in doc["episodes"]] == old
    assert all(e["practice"] is False for e in doc["episodes"])
