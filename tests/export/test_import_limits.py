"""What one file may bring (export/import_rules.py): a file beyond a limit is refused
whole, in one line naming the field and the limit; a file at every limit reads; and the
published schema states the same limits as the window keeps."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from couplepause import settings
from couplepause.common.problems import on_command_line
from couplepause.core.episode import NAME_MAX
from couplepause.core.flow import NOTE_MAX
from couplepause.core.plan import MAX_TEXT
from couplepause.export import ImportRejected, json_format, read_export_file
from couplepause.export.base import ExportOptions
from couplepause.export.import_rules import (
    MAX_BREAKS,
    MAX_PAUSES,
    MAX_PAUSES_A_MONTH,
    MAX_TURNS,
    PATTERN_MAX,
)

from ..factory import a_plan, episode_dict, make_episode


def doc(*episodes: dict, **top) -> dict:
    return {"format": "couplepause-export", "schema_version": 2, "exported_at": "2026-11-05T10:00:00.000+00:00",
            "episodes": list(episodes) or [episode_dict("2026-11-01T21:00:00.000+01:00")], **top}


def write(tmp_path: Path, content: dict) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(content), "utf-8")
    return path


def refused(tmp_path: Path, content: dict) -> tuple[str, str]:
    """The command line's and the window's words for a refused file (each one line)."""
    with pytest.raises(ImportRejected) as info:
        read_export_file(write(tmp_path, content))
    line, window = on_command_line(info.value), str(info.value)
    assert "\n" not in line and ";" in line and "\n" not in window and window.endswith(".")
    return line, window


def long_turns(n: int) -> list[dict]:
    return [{"speaker": "ab"[i % 2], "seconds": 1.0} for i in range(n)]


def long_breaks(n: int) -> list[dict]:
    start = datetime(2026, 11, 1, 20, 0, 1, tzinfo=UTC)
    return [{"started_at": (start + timedelta(seconds=i)).isoformat(timespec="milliseconds"),
             "return_at": (start + timedelta(seconds=i)).isoformat(timespec="milliseconds"),
             "ended_at": (start + timedelta(seconds=i)).isoformat(timespec="milliseconds")} for i in range(n)]


# ------------------------------------------------------------ one field each
@pytest.mark.parametrize(
    ("field", "value", "place", "said"),
    [
        ("note", "x" * (NOTE_MAX + 1), "episodes[0].note", f"{NOTE_MAX + 1} characters long"),
        ("breathing_pattern", "p" * (PATTERN_MAX + 1), "episodes[0].breathing_pattern",
         f"{PATTERN_MAX + 1} characters long"),
        ("turns", long_turns(MAX_TURNS + 1), "episodes[0].turns", f"{MAX_TURNS + 1} entries"),
        ("breaks", long_breaks(MAX_BREAKS + 1), "episodes[0].breaks", f"{MAX_BREAKS + 1} entries"),
    ],
)
def test_a_pause_beyond_a_limit_is_refused_naming_the_field_and_the_limit(tmp_path, field, value, place, said):
    record = episode_dict("2026-11-01T20:00:00.000+00:00", repair_seconds=None, **{field: value})
    line, window = refused(tmp_path, doc(record))
    limit = {"note": NOTE_MAX, "breathing_pattern": PATTERN_MAX, "turns": MAX_TURNS, "breaks": MAX_BREAKS}[field]
    assert f"{place} " in line and said in line and f"at most {limit};" in line, line
    assert place in window and f"the limit is {limit}" in window


def test_a_60_mb_note_is_refused_before_the_schema_looks_at_it(tmp_path):
    record = episode_dict("2026-11-01T21:00:00.000+01:00", note="n" * 60_000_000)
    line, _ = refused(tmp_path, doc(record))
    assert "episodes[0].note is 60000000 characters long" in line


@pytest.mark.parametrize("partner", ["a", "b"])
def test_a_name_beyond_the_settings_limit_is_refused(tmp_path, partner):
    names = {"a": "A", "b": "B", partner: "N" * (NAME_MAX + 1)}
    line, window = refused(tmp_path, doc(partners=names))
    assert f"partners.{partner} is {NAME_MAX + 1} characters long" in line and f"at most {NAME_MAX}" in line
    assert f"partners.{partner}: {NAME_MAX + 1} characters; the limit is {NAME_MAX}" in window


def test_a_name_on_two_lines_is_refused(tmp_path):
    line, _ = refused(tmp_path, doc(partners={"a": "Ann\nMarie", "b": "Bo"}))
    assert "partners.a is a name on more than one line" in line


def test_a_plan_text_beyond_the_editor_s_limit_is_refused(tmp_path):
    plan = a_plan().to_dict()
    plan["partners"]["b"]["helps"] = "h" * (MAX_TEXT + 1)
    line, _ = refused(tmp_path, doc(plan=plan))
    assert f"plan.partners.b.helps is {MAX_TEXT + 1} characters long" in line and f"at most {MAX_TEXT}" in line


# --------------------------------------------------------------- how many
def test_more_pauses_than_the_limit_are_refused_at_once(tmp_path):
    path = write(tmp_path, doc(*([{}] * (MAX_PAUSES + 1))))  # never looked at one by one
    started = time.monotonic()
    with pytest.raises(ImportRejected) as info:
        read_export_file(path)
    assert time.monotonic() - started < 10  # a count, not 100,001 schema checks
    line = on_command_line(info.value)
    assert f"holds {MAX_PAUSES + 1} pauses, more than the {MAX_PAUSES}" in line and "--since" in line


def crowded(n: int, month: datetime) -> list[dict]:
    return [episode_dict((month + timedelta(minutes=20 * i)).isoformat(timespec="milliseconds")) for i in range(n)]


def test_a_month_at_its_limit_reads_and_one_more_is_refused(tmp_path):
    october = datetime(2026, 10, 1, tzinfo=UTC)
    assert len(read_export_file(write(tmp_path, doc(*crowded(MAX_PAUSES_A_MONTH, october)))).episodes) == MAX_PAUSES_A_MONTH
    line, window = refused(tmp_path, doc(*crowded(MAX_PAUSES_A_MONTH + 1, october)))
    assert f"{MAX_PAUSES_A_MONTH + 1} pauses in the month 2026-10 (UTC)" in line
    assert str(MAX_PAUSES_A_MONTH) in window


def test_the_month_is_the_store_s_month_in_utc(tmp_path):
    from couplepause.store.repository import month_key

    october = crowded(MAX_PAUSES_A_MONTH, datetime(2026, 10, 1, tzinfo=UTC))
    late = episode_dict("2026-10-31T23:30:00.000-05:00")  # October here, November in UTC
    assert month_key(make_episode(late["paused_at"]).paused_at) == "2026-11"
    assert len(read_export_file(write(tmp_path, doc(*october, late))).episodes) == MAX_PAUSES_A_MONTH + 1


# ------------------------------------------------- what the app writes reads
def test_an_export_at_every_limit_reads_back(tmp_path):
    """The window's own limits are the import's: what the app keeps, it can import again."""
    full = make_episode("2026-11-01T20:00:00.000+00:00", repair_seconds=None, note="é" * NOTE_MAX,
                        breathing_pattern="p" * PATTERN_MAX, turns=long_turns(MAX_TURNS),
                        breaks=long_breaks(MAX_BREAKS))
    name = "N" * NAME_MAX
    path = tmp_path / "full.json"
    options = ExportOptions(include_notes=True, include_names=True, include_plan=True,
                            partner_names=(name, name), plan=a_plan("w" * MAX_TEXT))
    json_format.JSON.export([full], options, path)
    checked = read_export_file(path)
    assert checked.episodes == [full] and checked.partners == (name, name)


# ------------------------------------------------------------ the schema
def test_the_published_schema_states_the_same_limits():
    schema = json_format.schema()
    defs = schema["$defs"]
    episode = defs["episode"]["properties"]
    assert schema["properties"]["episodes"]["maxItems"] == MAX_PAUSES
    assert episode["note"]["maxLength"] == NOTE_MAX
    assert episode["breathing_pattern"]["maxLength"] == PATTERN_MAX
    assert episode["turns"]["maxItems"] == MAX_TURNS
    assert episode["breaks"]["maxItems"] == MAX_BREAKS
    assert defs["name"]["maxLength"] == NAME_MAX == settings.NAME_MAX
    assert defs["plan_text"]["maxLength"] == MAX_TEXT
    assert str(MAX_PAUSES_A_MONTH) in schema["description"]
