"""The JSON exporter, the shared helpers (range, privacy, safe writing) and the registry."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from couplepause.common.problems import on_command_line
from couplepause.core.episode import Episode
from couplepause.export import (
    EXPORTERS,
    Exporter,
    ExportError,
    ExportOptions,
    ImportRejected,
    atomic_output,
    read_export,
    read_export_file,
    select,
)
from couplepause.export.json_format import FORMAT, SCHEMA_VERSION

from ..factory import NOTE, make_episode, sample
from .conftest import load

FIXED = datetime(2026, 3, 5, 10, 0, 0, 250000, tzinfo=UTC)


def export(tmp_path: Path, episodes, name="out.json", **options) -> Path:
    out = tmp_path / name
    options.setdefault("exported_at", FIXED)
    EXPORTERS["json"].export(episodes, ExportOptions(**options), out)
    return out


def test_registry_has_json():
    assert isinstance(EXPORTERS["json"], Exporter)
    assert EXPORTERS["json"].name == "json"


def test_document_shape(tmp_path, validator):
    out = export(tmp_path, sample(), since=date(2026, 1, 1), until=date(2026, 12, 31))
    doc = load(out)
    assert doc["format"] == FORMAT == "couplepause-export"
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert doc["exported_at"] == "2026-03-05T10:00:00.250+00:00"
    assert doc["range"] == {"since": "2026-01-01", "until": "2026-12-31"}
    assert doc["partners"] == {"a": "Partner A", "b": "Partner B"}
    assert len(doc["episodes"]) == 4
    validator.validate(doc)


def test_empty_export_is_valid(tmp_path, validator):
    doc = load(export(tmp_path, []))
    assert doc["episodes"] == []
    assert doc["range"] == {"since": None, "until": None}
    validator.validate(doc)


def test_default_exported_at_is_now_with_offset(tmp_path):
    out = tmp_path / "now.json"
    EXPORTERS["json"].export([], ExportOptions(), out)
    stamp = load(out)["exported_at"]
    moment = datetime.fromisoformat(stamp)
    assert moment.tzinfo is not None
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60


def test_episodes_sorted_by_pause_instant(tmp_path):
    doc = load(export(tmp_path, sample(), include_notes=True))
    instants = [datetime.fromisoformat(e["paused_at"]) for e in doc["episodes"]]
    assert instants == sorted(instants)


def test_episode_dicts_are_exactly_to_dict(tmp_path):
    episodes = sample()
    doc = load(export(tmp_path, episodes, include_notes=True))
    expected = sorted((e.to_dict() for e in episodes), key=lambda d: datetime.fromisoformat(d["paused_at"]))
    assert doc["episodes"] == expected


def test_round_trip_keeps_milliseconds_offsets_and_durations(tmp_path):
    episodes = sample()
    out = export(tmp_path, episodes, include_notes=True)
    back = read_export(out)
    by_id = {e.id: e for e in episodes}
    assert {e.id for e in back} == set(by_id)
    for e in back:
        assert e.to_dict() == by_id[e.id].to_dict()
        assert e.paused_at.utcoffset() == by_id[e.id].paused_at.utcoffset()
    text = out.read_text("utf-8")
    assert "2026-03-02T23:59:59.999+05:30" in text
    assert "2026-02-27T08:15:00.001-08:00" in text


def test_utf8_not_ascii_escaped(tmp_path):
    out = export(tmp_path, sample(), include_notes=True)
    raw = out.read_bytes()
    assert NOTE.encode("utf-8") in raw
    assert b"\\u" not in raw


def test_without_include_notes_no_note_text_anywhere(tmp_path, validator):
    out = export(tmp_path, sample())
    raw = out.read_bytes()
    assert b"ZEBRA-NOTE" not in raw
    assert "Łódź".encode() not in raw
    doc = load(out)
    assert all(e["note"] is None for e in doc["episodes"])
    validator.validate(doc)


def test_with_include_notes_the_note_is_kept(tmp_path):
    doc = load(export(tmp_path, sample(), include_notes=True))
    assert [e["note"] for e in doc["episodes"] if e["note"]] == [NOTE]


def test_names_only_when_asked(tmp_path):
    names = ("Ana", "Bob")
    doc = load(export(tmp_path, sample(), partner_names=names, name="a.json"))
    assert doc["partners"] == {"a": "Partner A", "b": "Partner B"}
    assert b"Ana" not in (tmp_path / "a.json").read_bytes()
    doc = load(export(tmp_path, sample(), partner_names=names, include_names=True, name="b.json"))
    assert doc["partners"] == {"a": "Ana", "b": "Bob"}
    # An empty name falls back to the neutral one.
    doc = load(export(tmp_path, [], partner_names=("", "Bob"), include_names=True, name="c.json"))
    assert doc["partners"] == {"a": "Partner A", "b": "Bob"}


def test_partners_read_back(tmp_path):
    out = export(tmp_path, [], partner_names=("Ana", "Bob"), include_names=True)
    assert read_export_file(out).partners == ("Ana", "Bob")


# ------------------------------------------------------------ date range
def test_range_is_inclusive_in_local_time(local_tz):
    # 23:30 UTC on 1 March is 09:30 on 2 March at UTC+10.
    late = make_episode("2026-03-01T23:30:00.000+00:00")
    local_tz("XXX-10")  # POSIX: ten hours east of UTC
    assert select([late], ExportOptions(since=date(2026, 3, 2), until=date(2026, 3, 2))) == [late]
    assert select([late], ExportOptions(until=date(2026, 3, 1))) == []
    local_tz("YYY+05")  # five hours west: 18:30 on 1 March
    assert select([late], ExportOptions(since=date(2026, 3, 1), until=date(2026, 3, 1))) == [late]
    assert select([late], ExportOptions(since=date(2026, 3, 2))) == []


def test_range_bounds_are_inclusive_at_both_ends(local_tz):
    local_tz("UTC0")
    first = make_episode("2026-03-01T00:00:00.000+00:00")
    last = make_episode("2026-03-31T23:59:59.999+00:00")
    before = make_episode("2026-02-28T23:59:59.999+00:00")
    after = make_episode("2026-04-01T00:00:00.000+00:00")
    chosen = select([after, last, before, first], ExportOptions(since=date(2026, 3, 1), until=date(2026, 3, 31)))
    assert chosen == [first, last]


def test_since_after_until_is_refused():
    with pytest.raises(ExportError, match="after"):
        ExportOptions(since=date(2026, 3, 2), until=date(2026, 3, 1))


# ------------------------------------------------------------ safe writing
def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "out.json"
    out.write_bytes(b"precious")
    with pytest.raises(ExportError) as caught:
        EXPORTERS["json"].export(sample(), ExportOptions(), out)
    assert "--force" in on_command_line(caught.value)  # the command line names its flags
    assert "--" not in str(caught.value)  # the window does not
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_force_overwrites(tmp_path):
    out = tmp_path / "out.json"
    out.write_bytes(b"old")
    EXPORTERS["json"].export(sample(), ExportOptions(force=True), out)
    assert len(read_export(out)) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_missing_folder_is_a_plain_error(tmp_path):
    with pytest.raises(ExportError) as info:
        EXPORTERS["json"].export([], ExportOptions(), tmp_path / "nope" / "out.json")
    assert "does not exist" in on_command_line(info.value)
    assert "\n" not in str(info.value)


def test_target_that_is_a_folder(tmp_path):
    with pytest.raises(ExportError, match="is a folder"):
        EXPORTERS["json"].export([], ExportOptions(force=True), tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ExportError) as caught:
            EXPORTERS["json"].export([], ExportOptions(), folder / "out.json")
        assert "cannot write" in on_command_line(caught.value)
    finally:
        folder.chmod(0o700)


def test_failure_while_writing_leaves_no_file(tmp_path):
    class Broken(Exporter):
        name = "broken"

        def write(self, episodes, options, stream):
            stream.write(b'{"half": ')
            raise OSError(28, "No space left on device")

    out = tmp_path / "out.json"
    with pytest.raises(ExportError, match="no space left on device"):
        Broken().export(sample(), ExportOptions(), out)
    assert list(tmp_path.iterdir()) == []


def test_failure_with_force_keeps_the_old_file(tmp_path):
    out = tmp_path / "out.json"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(out, force=True) as stream:
        stream.write(b"new but unfinished")
        raise RuntimeError("boom")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_file_that_appears_while_writing_is_not_clobbered(tmp_path):
    out = tmp_path / "out.json"
    with pytest.raises(ExportError) as caught, atomic_output(out) as stream:
        stream.write(b"ours")
        out.write_bytes(b"theirs")
    assert "already exists" in on_command_line(caught.value)
    assert out.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_relative_output_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    EXPORTERS["json"].export([], ExportOptions(), Path("rel.json"))
    assert json.loads((tmp_path / "rel.json").read_text())["episodes"] == []


def test_export_file_is_private(tmp_path):
    out = export(tmp_path, sample())
    if os.name == "posix":
        assert out.stat().st_mode & 0o077 == 0


def test_privacy_does_not_change_the_originals():
    episodes = sample()
    chosen = select(episodes, ExportOptions())
    assert any(e.note == NOTE for e in episodes)
    assert all(e.note is None for e in chosen)
    assert all(isinstance(e, Episode) for e in chosen)


# ------------------------------------------------------------ the schema
def test_schema_ships_as_a_package_resource():
    from importlib import resources

    from couplepause.export import json_format

    text = resources.files("couplepause.resources").joinpath("couplepause-export.schema.json").read_text("utf-8")
    published = json.loads(text)
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert published["$id"] == "urn:couplepause:export:2"
    assert set(published["required"]) == {"format", "schema_version", "exported_at", "episodes"}
    assert json_format.schema() == published


def test_schema_describes_every_episode_field():
    from couplepause.export import json_format

    episode = json_format.schema()["$defs"]["episode"]
    assert set(episode["properties"]) == set(sample()[0].to_dict())
    assert set(episode["required"]) == {"id", "paused_at", "repaired_at", "repair_seconds"}


def test_the_reader_applies_the_rules_the_schema_shares_between_fields(tmp_path):
    """Rules written once in the schema's $defs (an instant) hold wherever they are used."""
    out = export(tmp_path, sample())
    doc = load(out)
    doc["episodes"][0]["breaks"] = [{"started_at": "soon", "return_at": doc["episodes"][0]["paused_at"]}]
    out.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_export_file(out)
    assert "started_at" in on_command_line(caught.value) and "started_at" in str(caught.value)


def test_unwritable_folder_simulated(tmp_path, monkeypatch):
    import os

    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ExportError) as caught:
        EXPORTERS["json"].export([], ExportOptions(), tmp_path / "out.json")
    assert re.search("cannot write in the folder .*permission denied.*; choose another --output", on_command_line(caught.value))
    assert "--" not in str(caught.value) and "permission denied" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
