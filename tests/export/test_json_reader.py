"""read_export: everything is checked before anything is returned; every bad
file is an ImportRejected with one plain line, never another exception."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from couplepause.common.problems import on_command_line
from couplepause.export import ImportRejected, json_format, read_export

from ..factory import episode_dict

ID = "0b6f1f8e-8a4e-4c43-9d55-3a8d8f4f4e01"


def good_doc(*episodes: dict) -> dict:
    return {
        "format": "couplepause-export",
        "schema_version": 2,  # a 0.1 file (1) is mended first: tests/export/test_import_0_1.py
        "exported_at": "2026-03-05T10:00:00.250+00:00",
        "range": {"since": None, "until": None},
        "partners": {"a": "Partner A", "b": "Partner B"},
        "episodes": list(episodes) or [episode_dict("2026-03-01T21:04:05.123+01:00", episode_id=ID)],
    }


def write(tmp_path: Path, content: bytes | str | dict, name: str = "in.json") -> Path:
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def rejected(path: Path) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        read_export(path)
    message = on_command_line(info.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert ";" in message  # what was wrong; what to do
    window = str(info.value)  # full sentences, with the file's name alone
    assert window and "\n" not in window and window.endswith(".") and path.name in window
    assert str(path.parent) not in window
    assert info.value.exit_code in (1, 2)
    return info.value


def test_good_file(tmp_path):
    episodes = read_export(write(tmp_path, good_doc()))
    assert [e.id for e in episodes] == [ID]


def test_optional_fields_may_be_left_out(tmp_path):
    minimal = {"id": ID, "paused_at": "2026-03-01T21:04:05Z", "repaired_at": None, "repair_seconds": None}
    doc = {"format": "couplepause-export", "schema_version": 1,
           "exported_at": "2026-03-05T10:00:00+00:00", "episodes": [minimal]}
    (episode,) = read_export(write(tmp_path, doc))
    assert episode.note is None and episode.turns == ()
    assert episode.paused_at.utcoffset().total_seconds() == 0


def test_bom_is_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(good_doc()).encode())
    assert len(read_export(path)) == 1


def test_ids_and_times_are_canonical(tmp_path):
    upper = episode_dict("2026-03-01T21:04:05.123456+01:00", episode_id=ID.upper())
    (episode,) = read_export(write(tmp_path, good_doc(upper)))
    assert episode.id == ID
    assert episode.paused_at.microsecond == 123000


def test_episodes_come_back_sorted(tmp_path):
    late = episode_dict("2026-03-02T10:00:00.000+00:00")
    early = episode_dict("2026-03-02T10:00:00.000+05:00")
    episodes = read_export(write(tmp_path, good_doc(late, early)))
    assert [e.id for e in episodes] == [early["id"], late["id"]]


def mutate(path: str, value, doc: dict | None = None) -> dict:
    """A good document with one place changed (``...`` deletes it)."""
    doc = good_doc() if doc is None else doc
    parts = path.split(".")
    target = doc
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = int(parts[-1]) if isinstance(target, list) else parts[-1]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return doc


BAD_CONTENT = {
    "empty": b"",
    "only whitespace": b"  \n\t ",
    "garbage bytes": bytes(range(256)) * 4,
    "latin-1 text": json.dumps(good_doc()).replace("Partner A", "Andr\u00e9").encode("latin-1"),
    "truncated": json.dumps(good_doc()).encode()[:-25],
    "not json": b"hello, this is a letter",
    "a list": b"[]",
    "a string": b'"couplepause-export"',
    "null": b"null",
    "NaN": json.dumps(mutate("episodes.0.repair_seconds", 1.0)).replace("1.0", "NaN").encode(),
    "Infinity": json.dumps(mutate("episodes.0.repair_seconds", 1.0)).replace("1.0", "1e999").encode(),
    "huge integer": json.dumps(mutate("episodes.0.repair_seconds", 1)).replace(": 1,", ": " + "9" * 5000 + ",").encode(),
    "lone surrogate": json.dumps(mutate("episodes.0.note", "x")).replace('"x"', '"\\ud800"').encode(),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "nested objects": ('{"a":' * 5000 + "1" + "}" * 5000).encode(),
    "nested 40 deep in a field": json.dumps(mutate("episodes.0.note", json.loads("[" * 40 + "]" * 40))).encode(),
    "wrong format": mutate("format", "something-else"),
    "no format": mutate("format", ...),
    "schema_version 99": mutate("schema_version", 99),
    "schema_version 0": mutate("schema_version", 0),
    "schema_version string": mutate("schema_version", "1"),
    "schema_version true": mutate("schema_version", True),
    "schema_version missing": mutate("schema_version", ...),
    "no episodes": mutate("episodes", ...),
    "episodes not a list": mutate("episodes", {"0": {}}),
    "no exported_at": mutate("exported_at", ...),
    "paused_at number": mutate("episodes.0.paused_at", 1740000000),
    "paused_at missing": mutate("episodes.0.paused_at", ...),
    "naive paused_at": mutate("episodes.0.paused_at", "2026-03-01T21:04:05.123"),
    "naive repaired_at": mutate("episodes.0.repaired_at", "2026-03-01T22:04:05"),
    "impossible date": mutate("episodes.0.paused_at", "2026-02-30T21:04:05+01:00"),
    "year 1": mutate("episodes.0.paused_at", "0001-01-01T00:00:00+14:00"),
    "year 9999": mutate("episodes.0.paused_at", "9999-12-31T23:59:59-23:59"),
    "year 9999, open": good_doc(episode_dict("9999-12-31T23:59:59.000-23:59", repair_seconds=None)),
    "repaired before paused": mutate("episodes.0.repaired_at", "2026-03-01T20:04:05.123+01:00"),
    "negative repair_seconds": mutate("episodes.0.repair_seconds", -1),
    "repair_seconds text": mutate("episodes.0.repair_seconds", "532"),
    "bad uuid": mutate("episodes.0.id", "not-a-uuid"),
    "id number": mutate("episodes.0.id", 12),
    "activation 11": mutate("episodes.0.activation", {"a": 11, "b": None}),
    "activation extra key": mutate("episodes.0.activation", {"a": 1, "c": 2}),
    "speaker c": mutate("episodes.0.turns", [{"speaker": "c", "seconds": 1}]),
    "bad cycle": mutate("episodes.0.cycle", "blame"),
    "closed null": mutate("episodes.0.closed", None),
    "note number": mutate("episodes.0.note", 5),
    "episode is a string": mutate("episodes.0", "x"),
    "break without return": mutate("episodes.0.breaks", [{"started_at": "2026-03-01T21:05:00+01:00"}]),
}


@pytest.mark.parametrize("content", BAD_CONTENT.values(), ids=list(BAD_CONTENT))
def test_bad_content_is_rejected(tmp_path, content):
    rejected(write(tmp_path, content))


def test_duplicate_ids(tmp_path):
    a = episode_dict("2026-03-01T21:04:05.123+01:00", episode_id=ID)
    b = episode_dict("2026-03-02T21:04:05.123+01:00", episode_id=ID.upper())
    err = rejected(write(tmp_path, good_doc(a, b)))
    assert "episodes[1]" in on_command_line(err) and ID in on_command_line(err)


def test_schema_error_names_the_location(tmp_path):
    episodes = [episode_dict(f"2026-03-0{i + 1}T21:04:05.123+01:00") for i in range(5)]
    episodes[3]["paused_at"] = 12
    err = rejected(write(tmp_path, good_doc(*episodes)))
    assert "episodes[3].paused_at" in on_command_line(err)


def test_naive_time_message(tmp_path):
    err = rejected(write(tmp_path, mutate("episodes.0.paused_at", "2026-03-01T21:04:05")))
    assert "episodes[0].paused_at" in on_command_line(err) and "UTC offset" in on_command_line(err)


def test_newer_schema_says_update(tmp_path):
    err = rejected(write(tmp_path, mutate("schema_version", 99)))
    assert "newer" in on_command_line(err) and "update" in on_command_line(err)


def test_missing_path(tmp_path):
    err = rejected(tmp_path / "missing.json")
    assert "does not exist" in on_command_line(err)


def test_path_through_a_file(tmp_path):
    blocker = write(tmp_path, good_doc())
    rejected(blocker / "inside.json")


def test_folder(tmp_path):
    err = rejected(tmp_path)
    assert "folder" in on_command_line(err)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_not_a_regular_file():
    rejected(Path("/dev/null"))


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(json_format.MAX_BYTES + 1)  # sparse: no real disk used

    def no_reading(*args, **kwargs):  # the size check must come first
        raise AssertionError("read a file that is too large")

    monkeypatch.setattr("builtins.open", no_reading)
    err = rejected(path)
    assert "too large" in on_command_line(err)


def test_just_under_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(json_format, "MAX_BYTES", 4096)
    path = write(tmp_path, good_doc())
    assert path.stat().st_size < 4096
    assert len(read_export(path)) == 1
    path.write_bytes(path.read_bytes() + b" " * 4096)
    rejected(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable(tmp_path):
    path = write(tmp_path, good_doc())
    path.chmod(0)
    try:
        assert "permission" in on_command_line(rejected(path))
    finally:
        path.chmod(0o600)


def test_unreadable_simulated(tmp_path, monkeypatch):
    path = write(tmp_path, good_doc())

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    assert "permission" in on_command_line(rejected(path))


# ------------------------------------------------------------ fuzzing
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)

PLACES = [
    "format", "schema_version", "exported_at", "range", "partners", "episodes", "episodes.0",
    *(f"episodes.0.{key}" for key in episode_dict("2026-03-01T21:04:05.123+01:00")),
    "episodes.0.activation.a", "episodes.0.turns.0", "episodes.0.turns.0.seconds",
    "episodes.0.repair_answers.b",
]

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _outcome(path: Path) -> None:
    try:
        episodes = read_export(path)
    except ImportRejected as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        for episode in episodes:  # whatever is accepted writes back identically
            assert json.loads(json.dumps(episode.to_dict(), ensure_ascii=False)) == episode.to_dict()


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes(tmp_path, data):
    _outcome(write(tmp_path, data))


@FUZZ
@given(value=json_values)
def test_random_json(tmp_path, value):
    _outcome(write(tmp_path, json.dumps(value)))


@FUZZ
@given(place=st.sampled_from(PLACES), value=json_values | st.just(...))
def test_mutated_export(tmp_path, place, value):
    doc = mutate(place, copy.deepcopy(value) if value is not ... else ...)
    _outcome(write(tmp_path, json.dumps(doc)))


@FUZZ
@given(cut=st.integers(min_value=0, max_value=2000), junk=st.binary(max_size=5))
def test_damaged_export(tmp_path, cut, junk):
    raw = json.dumps(good_doc()).encode()
    cut = min(cut, len(raw))
    _outcome(write(tmp_path, raw[:cut] + junk + raw[cut + len(junk):]))


TIME_LIKE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2})?)$"


@FUZZ
@given(
    place=st.sampled_from(["episodes.0.paused_at", "episodes.0.repaired_at", "exported_at"]),
    text=st.from_regex(TIME_LIKE, fullmatch=True),
)
def test_time_like_strings(tmp_path, place, text):
    """Strings that pass the schema's pattern still never escape as anything but ImportRejected."""
    _outcome(write(tmp_path, mutate(place, text)))


# ------------------------------------------------------ records that contradict themselves
def contradicting(**changes) -> dict:
    record = episode_dict("2026-03-01T21:04:05.123+01:00", episode_id=ID)
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("record", "where"),
    [
        (contradicting(repair_seconds=5.0, repaired_at="2026-03-01T22:04:05.123+01:00"),
         "episodes[1].repair_seconds"),
        (contradicting(repair_seconds=1e9, repaired_at=None), "episodes[1].repair_seconds"),
        (contradicting(repair_seconds=1e9, repaired_at="2057-11-08T23:50:45.123+01:00"),
         "episodes[1].repair_seconds"),
        (contradicting(breaks=[{"started_at": "2026-03-01T20:00:00.000+01:00",
                                "return_at": "2026-03-01T20:30:00.000+01:00",
                                "ended_at": "2026-03-01T20:31:00.000+01:00"}]),
         "episodes[1].breaks[0].started_at"),
        (contradicting(breaks=[{"started_at": "2026-03-01T21:05:00.000+01:00",
                                "return_at": "2026-03-01T21:35:00.000+01:00",
                                "ended_at": "2026-03-01T21:04:59.000+01:00"}]),
         "episodes[1].breaks[0].ended_at"),
        (contradicting(repair_seconds=60.0, repaired_at="2026-03-01T21:05:05.123+01:00",
                       breaks=[{"started_at": "2026-03-01T21:06:00.000+01:00",
                                "return_at": "2026-03-01T21:36:00.000+01:00", "ended_at": None}]),
         "episodes[1].breaks[0]"),
    ],
)
def test_a_record_that_contradicts_itself_is_refused_with_its_place(tmp_path, record, where):
    good = episode_dict("2026-02-01T21:04:05.123+01:00")
    path = write(tmp_path, good_doc(good, record))
    with pytest.raises(ImportRejected) as info:
        read_export(path)
    message = on_command_line(info.value)
    assert f"the pause {ID} contradicts itself ({where}" in message, message
    assert "--skip-contradictions" in message and "\n" not in message
    assert f"{ID}, {where}" in str(info.value)  # the window names the pause and the place too


def test_what_the_app_writes_never_contradicts_itself_within_the_tolerance(tmp_path):
    # repaired_at is the pause plus repair_seconds, to the millisecond: well within 1 s.
    record = contradicting(repair_seconds=532.1254)
    assert read_export(write(tmp_path, good_doc(record)))


def test_writing_and_reading_an_export_leave_the_garbage_collector_alone(tmp_path):
    """The collector is one switch for the whole process: an export, which runs on a
    worker thread, never turns it off (it would pause collection for the window too)."""
    import gc
    from datetime import UTC, datetime

    from couplepause.core.episode import Episode
    from couplepause.export import EXPORTERS, ExportOptions, read_export_file

    episodes = [Episode.start(datetime(2026, 3, day, 20, tzinfo=UTC)) for day in range(1, 6)]
    out = tmp_path / "x.json"
    assert gc.isenabled()
    EXPORTERS["json"].export(episodes, ExportOptions(), out)
    assert gc.isenabled()
    assert len(read_export_file(out).episodes) == 5
    assert gc.isenabled()
