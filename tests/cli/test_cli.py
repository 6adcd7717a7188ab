"""The command line, run in this process: usage errors, export, import, open, gui."""

from __future__ import annotations

import json
import sys
import types
import uuid
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from couplepause import __version__
from couplepause.cli import commands as cli
from couplepause.cli import data as cli_data
from couplepause.common import paths
from couplepause.export import json_format

from ..factory import NOTE, episode_dict, make_episode, sample
from .conftest import assert_one_error_line, load, seed, snapshot, stored


def export_doc(run, data_dir: Path, out: Path, *extra: str) -> dict:
    result = run("--data-dir", data_dir, "export", "--format", "json", "--output", out, *extra)
    assert result.code == 0, result.err
    assert result.err == ""
    return load(out)


def export_file(tmp_path: Path, episodes: list[dict], name: str = "in.json") -> Path:
    doc = {
        "format": "couplepause-export",
        "schema_version": 1,
        "exported_at": "2026-03-05T10:00:00.000+00:00",
        "episodes": episodes,
    }
    path = tmp_path / name
    path.write_text(json.dumps(doc), "utf-8")
    return path


# ------------------------------------------------------------- basics
def test_version(run):
    result = run("--version")
    assert result.code == 0
    assert result.out.strip() == f"couplepause {__version__}"


def test_help(run):
    result = run("--help")
    assert result.code == 0
    assert "export" in result.out and "import" in result.out


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["export", "--output", "x.json", "--bogus"],
        ["export"],  # --output is required
        ["export", "--format", "xml", "--output", "x.json"],
        ["import"],
        ["frobnicate"],
        ["export", "--out", "x.json"],  # no abbreviations
    ],
)
def test_usage_errors_exit_2_with_one_line(run, data_dir, args):
    result = run("--data-dir", data_dir, *args)
    assert result.code == 2
    assert_one_error_line(result)
    assert result.out == ""
    assert not data_dir.exists()


@pytest.mark.parametrize("bad", ["2026-3-1", "2026-02-30", "yesterday", "20260301", "2026-W09-1", ""])
def test_malformed_dates_exit_2(run, data_dir, tmp_path, bad):
    for flag in ("--since", "--until"):
        result = run("--data-dir", data_dir, "export", "--output", tmp_path / "o.json", flag, bad)
        assert result.code == 2
        line = assert_one_error_line(result)
        assert flag in line and "YYYY-MM-DD" in line
    assert not (tmp_path / "o.json").exists()


def test_since_after_until_is_a_usage_error(run, data_dir, tmp_path):
    out = tmp_path / "o.json"
    result = run("--data-dir", data_dir, "export", "--output", out, "--since", "2026-03-02", "--until", "2026-03-01")
    assert result.code == 2
    assert "after" in assert_one_error_line(result)
    assert not out.exists()


# ------------------------------------------------------------- export
@pytest.mark.parametrize("command", [["export", "--format", "json", "--output", "OUT"], ["backups"]])
def test_a_command_that_only_reads_a_missing_data_folder_says_so(run, data_dir, tmp_path, command):
    """A mistyped --data-dir is not an empty history (issue #19): exit 1, one line, nothing written."""
    out = tmp_path / "out.json"
    result = run("--data-dir", data_dir, *[str(out) if arg == "OUT" else arg for arg in command])
    assert result.code == 1 and result.out == ""
    line = assert_one_error_line(result)
    assert line == f"couplepause: the data folder {data_dir} does not exist; check --data-dir (or COUPLEPAUSE_DATA_DIR)"
    assert not data_dir.exists() and not out.exists()  # reading created nothing


def test_export_of_a_data_folder_without_a_store_is_an_empty_list(run, data_dir, tmp_path):
    data_dir.mkdir()
    doc = export_doc(run, data_dir, tmp_path / "out.json")
    assert doc["episodes"] == []
    assert list(data_dir.iterdir()) == []  # reading created nothing


def test_export_of_an_empty_data_folder(run, data_dir, tmp_path):
    data_dir.mkdir()
    doc = export_doc(run, data_dir, tmp_path / "out.json", "--include-names", "--include-notes")
    assert doc["episodes"] == []
    assert doc["partners"] == {"a": "Partner A", "b": "Partner B"}
    assert list(data_dir.iterdir()) == []  # no settings file, no store created


def test_export_uses_the_environment_variable(run, data_dir, tmp_path, monkeypatch):
    seed(data_dir, sample())
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(data_dir))
    result = run("export", "--output", tmp_path / "out.json")
    assert result.code == 0, result.err
    assert len(load(tmp_path / "out.json")["episodes"]) == 4
    assert "Exported 4 pauses" in result.out


def test_export_matches_the_schema_and_changes_nothing(run, data_dir, tmp_path):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    doc = export_doc(run, data_dir, tmp_path / "out.json", "--include-notes")
    Draft202012Validator(json_format.schema()).validate(doc)
    assert len(doc["episodes"]) == 4
    assert snapshot(data_dir) == before


def test_export_without_notes_has_no_note_text(run, data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "out.json"
    export_doc(run, data_dir, out)
    raw = out.read_bytes()
    assert b"ZEBRA-NOTE" not in raw and "Łódź".encode() not in raw
    with_notes = tmp_path / "notes.json"
    export_doc(run, data_dir, with_notes, "--include-notes")
    assert NOTE.encode("utf-8") in with_notes.read_bytes()


def test_names_come_from_settings_only_when_asked(run, data_dir, tmp_path):
    from couplepause.settings import Settings

    seed(data_dir, sample())
    Settings.for_data_dir(data_dir).update({"partner_a": "Ana", "partner_b": "Bernardo"})
    plain = tmp_path / "plain.json"
    doc = export_doc(run, data_dir, plain)
    assert doc["partners"] == {"a": "Partner A", "b": "Partner B"}
    assert b"Ana" not in plain.read_bytes() and b"Bernardo" not in plain.read_bytes()
    doc = export_doc(run, data_dir, tmp_path / "named.json", "--include-names")
    assert doc["partners"] == {"a": "Ana", "b": "Bernardo"}


def test_since_until_are_inclusive_local_dates(run, data_dir, tmp_path, local_tz):
    local_tz("XXX-10")  # ten hours east of UTC
    inside_first = make_episode("2026-03-01T14:00:00.000+00:00")  # 2 March 00:00 local
    inside_last = make_episode("2026-03-03T13:59:59.999+00:00")  # 3 March 23:59:59.999 local
    before = make_episode("2026-03-01T13:59:59.999+00:00")  # 1 March 23:59:59.999 local
    after = make_episode("2026-03-03T14:00:00.000+00:00")  # 4 March 00:00 local
    seed(data_dir, [before, inside_first, inside_last, after])
    doc = export_doc(run, data_dir, tmp_path / "o.json", "--since", "2026-03-02", "--until", "2026-03-03")
    assert [e["id"] for e in doc["episodes"]] == [inside_first.id, inside_last.id]
    assert doc["range"] == {"since": "2026-03-02", "until": "2026-03-03"}
    doc = export_doc(run, data_dir, tmp_path / "s.json", "--since", "2026-03-04")
    assert [e["id"] for e in doc["episodes"]] == [after.id]
    doc = export_doc(run, data_dir, tmp_path / "u.json", "--until", "2026-03-01")
    assert [e["id"] for e in doc["episodes"]] == [before.id]


def test_refuses_to_overwrite_without_force(run, data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "out.json"
    out.write_bytes(b"the therapist's copy")
    result = run("--data-dir", data_dir, "export", "--output", out)
    assert result.code == 1
    assert "--force" in assert_one_error_line(result)
    assert out.read_bytes() == b"the therapist's copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.json"]
    doc = export_doc(run, data_dir, out, "--force")
    assert len(doc["episodes"]) == 4


def test_export_into_a_missing_folder(run, data_dir, tmp_path):
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "no" / "such" / "out.json")
    assert result.code == 1
    assert "does not exist" in assert_one_error_line(result)


def test_export_over_a_folder(run, data_dir, tmp_path):
    result = run("--data-dir", data_dir, "export", "--output", tmp_path, "--force")
    assert result.code == 1
    assert "folder" in assert_one_error_line(result)


def test_export_from_a_newer_store_is_refused(run, data_dir, tmp_path):
    seed(data_dir, sample())
    meta = paths.store_dir(data_dir) / "meta.json"
    meta.write_text(json.dumps({"meta": {"1": {"schema_version": 99}}}))
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "o.json")
    assert result.code == 1
    assert_one_error_line(result)
    assert not (tmp_path / "o.json").exists()
    assert snapshot(data_dir) == before


def test_data_dir_that_is_a_file(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--data-dir", blocker, "import", export_file(tmp_path, [episode_dict("2026-03-01T10:00:00.000+00:00")]))
    assert result.code == 1
    assert_one_error_line(result)
    assert blocker.read_text() == "x"


# ------------------------------------------------------------- import
def test_round_trip_export_import_export(run, data_dir, tmp_path):
    originals = sample()
    seed(data_dir, originals)
    first = tmp_path / "first.json"
    doc1 = export_doc(run, data_dir, first, "--include-notes")

    fresh = tmp_path / "fresh"
    result = run("--data-dir", fresh, "import", first)
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 4 pauses."
    doc2 = export_doc(run, fresh, tmp_path / "second.json", "--include-notes")

    # The one unfinished pause is months old: it comes in let rest, as the window leaves it at its start.
    expected = {e.id: e.with_changes(closed=True) if not e.closed else e for e in originals}
    assert [e for e in originals if not e.closed]
    assert doc2["episodes"] == [expected[item["id"]].to_dict() for item in doc1["episodes"]]
    assert {e.id: e.to_dict() for e in stored(fresh)} == {i: e.to_dict() for i, e in expected.items()}
    assert "2026-03-02T23:59:59.999+05:30" in (tmp_path / "second.json").read_text("utf-8")


def test_importing_twice_adds_nothing(run, data_dir, tmp_path):
    seed(data_dir, sample())
    out = tmp_path / "out.json"
    export_doc(run, data_dir, out, "--include-notes")
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "import", out)
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 0 pauses; 4 were already here."
    assert snapshot(data_dir) == before
    assert len(stored(data_dir)) == 4


def test_import_adds_only_what_is_new(run, data_dir, tmp_path):
    mine = sample()
    seed(data_dir, mine[:2])
    file = export_file(tmp_path, [e.to_dict() for e in mine])
    result = run("--data-dir", data_dir, "import", file)
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 2 pauses; 2 were already here."
    assert {e.id for e in stored(data_dir)} == {e.id for e in mine}


def test_conflicting_id_is_kept_as_stored_and_reported(run, data_dir, tmp_path):
    mine = make_episode("2026-03-01T21:04:05.123+01:00", note="ours")
    seed(data_dir, [mine])
    theirs = episode_dict("2026-03-01T21:04:05.123+01:00", episode_id=mine.id, note="theirs")
    new = episode_dict("2026-03-04T09:00:00.000+01:00")
    result = run("--data-dir", data_dir, "import", export_file(tmp_path, [theirs, new]))
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[0].startswith("Imported 1 pause;")
    assert lines[1] == f"Kept the stored version of episode {mine.id}: the file has a different one."
    kept = {e.id: e for e in stored(data_dir)}
    assert kept[mine.id].note == "ours"
    assert new["id"] in kept


@pytest.mark.parametrize("holder", ["app", "import"])
def test_import_refused_while_the_folder_is_held_names_who_holds_it(run, data_dir, tmp_path, qapp, holder):
    from PySide6.QtCore import QLockFile
    from PySide6.QtNetwork import QLocalServer

    seed(data_dir, sample()[:1])
    before = snapshot(data_dir)
    lock = QLockFile(str(paths.lock_file(data_dir)))
    assert lock.tryLock(0)
    server = QLocalServer()
    if holder == "app":  # the app also answers on its local socket; an import does not
        QLocalServer.removeServer(paths.instance_key(data_dir))
        assert server.listen(paths.instance_key(data_dir))
    try:
        result = run("--data-dir", data_dir, "import", export_file(tmp_path, [episode_dict("2026-03-04T09:00:00.000+01:00")]))
    finally:
        server.close()
        lock.unlock()
    assert result.code == 1
    line = assert_one_error_line(result)
    if holder == "app":
        assert line.startswith("couplepause: couplepause is open on ") and "close it" in line
    else:
        assert "another import or restore is running" in line
    assert snapshot(data_dir) == before


def test_import_releases_the_lock(run, data_dir, tmp_path):
    from PySide6.QtCore import QLockFile

    result = run("--data-dir", data_dir, "import", export_file(tmp_path, [episode_dict("2026-03-04T09:00:00.000+01:00")]))
    assert result.code == 0, result.err
    lock = QLockFile(str(paths.lock_file(data_dir)))
    assert lock.tryLock(0)
    lock.unlock()


def valid_doc() -> dict:
    return {
        "format": "couplepause-export",
        "schema_version": 2,  # a 0.1 file (1) is mended as its data folder would be: tests/export/test_import_0_1.py
        "exported_at": "2026-03-05T10:00:00.000+00:00",
        "episodes": [episode_dict("2026-03-04T09:00:00.000+01:00")],
    }


def changed(path: str, value) -> bytes:
    doc = valid_doc()
    target = doc
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[parts[-1]] = value
    return json.dumps(doc).encode()


DUP = str(uuid.uuid4())
BAD_FILES = {
    "empty": b"",
    "garbage bytes": bytes(range(256)) * 8,
    "truncated": json.dumps(valid_doc()).encode()[:-40],
    "wrong format": changed("format", "not-couplepause"),
    "schema_version 99": changed("schema_version", 99),
    'schema_version "1"': changed("schema_version", "1"),
    "paused_at is a number": changed("episodes.0.paused_at", 1772611200),
    "naive time": changed("episodes.0.paused_at", "2026-03-04T09:00:00.000"),
    "repaired before paused": changed("episodes.0.repaired_at", "2026-03-04T08:00:00.000+01:00"),
    "bad uuid": changed("episodes.0.id", "1234"),
    "duplicate ids": json.dumps(
        {**valid_doc(), "episodes": [
            episode_dict("2026-03-04T09:00:00.000+01:00", episode_id=DUP),
            episode_dict("2026-03-05T09:00:00.000+01:00", episode_id=DUP),
        ]}
    ).encode(),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": json.dumps(valid_doc()).replace("couplepause-export", "couplepause-export\u00e9").encode("latin-1"),
}


@pytest.fixture
def seeded(data_dir):
    seed(data_dir, sample())
    return data_dir


def check_rejected(result, data_dir: Path, before: dict) -> str:
    assert result.code in (1, 2)
    assert result.out == ""
    line = assert_one_error_line(result)
    assert snapshot(data_dir) == before  # byte for byte, and no new file
    return line


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=list(BAD_FILES))
def test_bad_file_changes_nothing(run, seeded, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = snapshot(seeded)
    assert before
    result = run("--data-dir", seeded, "import", bad)
    assert result.code == 1
    check_rejected(result, seeded, before)


def test_bad_file_creates_no_data_folder(run, data_dir, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{")
    result = run("--data-dir", data_dir, "import", bad)
    assert result.code == 1
    assert_one_error_line(result)
    assert not data_dir.exists()


def test_huge_file(run, seeded, tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)  # sparse
    before = snapshot(seeded)
    line = check_rejected(run("--data-dir", seeded, "import", huge), seeded, before)
    assert "too large" in line


def test_folder_and_missing_path(run, seeded, tmp_path):
    before = snapshot(seeded)
    line = check_rejected(run("--data-dir", seeded, "import", tmp_path), seeded, before)
    assert "folder" in line
    line = check_rejected(run("--data-dir", seeded, "import", tmp_path / "missing.json"), seeded, before)
    assert "does not exist" in line


# ------------------------------------------------------------- open / gui
@pytest.fixture
def fake_app(monkeypatch):
    calls: list[tuple[str, object]] = []
    module = types.ModuleType("couplepause.app.launch")
    module.run_gui = lambda data_dir, chosen=True: calls.append(("gui", data_dir)) or 0
    module.run_readonly = lambda path, checked=None: calls.append(("readonly", path)) or 0
    monkeypatch.setitem(sys.modules, "couplepause.app.launch", module)
    return calls


def test_open_checks_the_file_first(run, tmp_path, fake_app):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"nope")
    result = run("open", bad)
    assert result.code == 1
    assert_one_error_line(result)
    assert fake_app == []


def test_open_hands_a_good_file_to_the_app(run, tmp_path, fake_app):
    good = export_file(tmp_path, [episode_dict("2026-03-04T09:00:00.000+01:00")])
    result = run("open", good)
    assert result.code == 0
    assert fake_app == [("readonly", good)]


def test_gui_is_the_default_command(run, data_dir, fake_app, monkeypatch):
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    assert run("--data-dir", data_dir).code == 0
    assert run("--data-dir", data_dir, "gui").code == 0
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(data_dir / "env"))
    assert run().code == 0
    assert fake_app == [("gui", data_dir), ("gui", data_dir), ("gui", data_dir / "env")]


def test_unexpected_errors_are_one_line(run, data_dir, monkeypatch, fake_app):
    def boom(data_dir, chosen=True):
        raise RuntimeError("something broke\nbadly")

    monkeypatch.setattr(sys.modules["couplepause.app.launch"], "run_gui", boom)
    monkeypatch.delenv("COUPLEPAUSE_DEBUG", raising=False)
    result = run("--data-dir", data_dir)
    assert result.code == 1
    assert "something broke badly" in assert_one_error_line(result)


def test_import_summary_wording():
    assert cli_data.import_summary(12, 3, []) == "Imported 12 pauses; 3 were already here."
    assert cli_data.import_summary(1, 0, []) == "Imported 1 pause."
    assert cli_data.import_summary(0, 1, ["x"]).splitlines() == [
        "Imported 0 pauses; 1 was already here; 1 differs from the stored version and was left as stored.",
        "Kept the stored version of episode x: the file has a different one.",
    ]


def test_dates_parse():
    args = cli.build_parser().parse_args(["export", "--output", "o.json", "--since", "2026-03-01"])
    assert args.since == date(2026, 3, 1) and args.until is None


def test_unreadable_store_file_is_reported_and_left_alone(run, data_dir, tmp_path):
    seed(data_dir, sample())
    active = paths.store_dir(data_dir) / "active.json"
    active.write_bytes(b"{ not json")
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "o.json")
    assert result.code == 1
    line = assert_one_error_line(result)
    assert "active.json" in line and "nothing was exported" in line and "--skip-unreadable" in line
    assert not (tmp_path / "o.json").exists()
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "o.json", "--skip-unreadable")
    assert result.code == 0
    line = assert_one_error_line(result, hint=False)
    assert "active.json" in line and "could not be read" in line
    assert snapshot(data_dir) == before


def test_export_from_a_data_dir_that_is_a_file(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--data-dir", blocker, "export", "--output", tmp_path / "o.json")
    assert result.code == 1
    assert "not a folder" in assert_one_error_line(result)
    assert not (tmp_path / "o.json").exists()
