"""The command line as a person runs it: a separate process, no display,
exit codes and stderr exactly as seen from outside."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from couplepause import __version__

from ..factory import make_episode, sample
from .conftest import assert_one_error_line, load, run_subprocess, seed, snapshot, subprocess_env

pytestmark = pytest.mark.process  # the app as a program: CI's whole run (tests/tiers.py)


def test_version(tmp_path):
    result = run_subprocess(tmp_path / "data", "--version")
    assert result.code == 0
    assert result.out == f"couplepause {__version__}\n"
    assert result.err == ""
    assert not (tmp_path / "data").exists()


def test_unknown_flag(tmp_path):
    result = run_subprocess(tmp_path / "data", "--no-such-flag")
    assert result.code == 2
    assert_one_error_line(result)


def test_malformed_since(tmp_path):
    result = run_subprocess(tmp_path / "data", "export", "--output", tmp_path / "o.json", "--since", "03/01/2026")
    assert result.code == 2
    assert "--since" in assert_one_error_line(result)


def test_empty_store_exports_an_empty_list_without_a_display(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "o.json"
    result = run_subprocess(data, "export", "--format", "json", "--output", out)
    assert result.code == 0, result.err
    assert result.err == ""
    assert load(out)["episodes"] == []
    assert list(data.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff garbage", b'{"format": "couplepause-export", "schema_version": 1, "episo', b"[" * 100_000],
    ids=["empty", "garbage", "truncated", "deeply nested"],
)
def test_bad_import_is_one_line_exit_1_and_changes_nothing(tmp_path, content):
    data = tmp_path / "data"
    seed(data, sample())
    before = snapshot(data)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run_subprocess(data, "import", bad)
    assert result.code == 1
    assert result.out == ""
    assert_one_error_line(result)
    assert snapshot(data) == before


def test_round_trip_between_two_data_folders(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    seed(first, sample())
    out1, out2 = tmp_path / "one.json", tmp_path / "two.json"
    assert run_subprocess(first, "export", "--output", out1, "--include-notes").code == 0
    imported = run_subprocess(second, "import", out1)
    assert imported.code == 0, imported.err
    assert imported.out == "Imported 4 pauses.\n"
    again = run_subprocess(second, "import", out1)
    assert again.code == 0
    assert again.out == "Imported 0 pauses; 4 were already here.\n"
    assert run_subprocess(second, "export", "--output", out2, "--include-notes").code == 0
    assert load(out1)["episodes"] == load(out2)["episodes"]


def test_dates_follow_the_local_time_zone(tmp_path):
    data = tmp_path / "data"
    late = make_episode("2026-03-01T23:30:00.000+00:00")  # 2 March at UTC+10, 1 March at UTC-5
    seed(data, [late])
    for tz, day, expected in [
        ("XXX-10", "2026-03-02", [late.id]),
        ("XXX-10", "2026-03-01", []),
        ("YYY+05", "2026-03-01", [late.id]),
        ("YYY+05", "2026-03-02", []),
    ]:
        out = tmp_path / f"{tz}-{day}.json"
        result = run_subprocess(data, "export", "--output", out, "--since", day, "--until", day, TZ=tz)
        assert result.code == 0, result.err
        assert [e["id"] for e in load(out)["episodes"]] == expected, (tz, day)


def test_version_and_export_stay_light(tmp_path):
    """--version loads no Qt at all; a plain export only Qt's core library, to read the
    language chosen in Settings (no display, no widgets, no charts, no schema)."""
    data = tmp_path / "data"
    seed(data, sample())
    heavy = "('PySide6.QtGui', 'PySide6.QtWidgets', 'pyqtgraph', 'jsonschema')"
    code = (
        "import sys\n"
        "from couplepause.cli.commands import main\n"
        "assert main(['--version']) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
        f"assert main(['export', '--output', {str(tmp_path / 'o.json')!r}]) == 0\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy})))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=subprocess_env(data), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert (lines[1], lines[-1]) == ("[]", "[]")  # after the version line, and after the export
    assert len(json.loads((tmp_path / "o.json").read_text())["episodes"]) == 4
