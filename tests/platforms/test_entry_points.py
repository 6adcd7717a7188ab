"""Two commands: ``couplepause`` (a console script: on Windows the command line
speaks) and ``couplepause-window`` (a gui-script for Windows' Start menu, which
shows a failure where there is no console to print it)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

import pytest

from couplepause import __version__
from couplepause.cli import commands as cli
from couplepause.common import platform_support
from couplepause.common.platform_support import WINDOWS


def test_a_console_command_beside_a_windowed_one():
    """`couplepause` is a console script (on Windows it prints --help and export's
    lines), `couplepause-window` the windowed one for the Start menu; on Linux both
    are plain scripts, so `couplepause` behaves as it always did."""
    entry_points = distribution("couplepause").entry_points
    scripts = {(ep.group, ep.name): ep.value for ep in entry_points}
    assert scripts[("console_scripts", "couplepause")] == "couplepause.cli:main"
    assert scripts[("gui_scripts", "couplepause-window")] == "couplepause.cli:window_main"
    assert ("gui_scripts", "couplepause") not in scripts


def test_the_installed_command_is_the_one_it_always_was():
    """On Linux `couplepause` stays a plain script that runs cli.main in its own process
    (which shows the window itself): it answers --version without a window."""
    command = Path(sys.executable).parent / "couplepause"
    if not command.is_file():
        pytest.skip("the package's scripts are not installed beside this Python")
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"couplepause {__version__}\n", "")
    assert "from couplepause.cli import main" in command.read_text("utf-8")


def test_the_windowed_launcher_shows_a_failure_without_a_console(on, monkeypatch, tmp_path):
    shown = []
    on(WINDOWS)
    monkeypatch.setattr(platform_support, "_windows_message_box", lambda line, title: shown.append((title, line)))
    monkeypatch.setattr(sys, "stderr", None)  # pythonw
    (tmp_path / "file").write_text("not a folder")
    assert cli.window_main(["--data-dir", str(tmp_path / "file")]) == 1
    assert sys.stderr is None
    assert len(shown) == 1 and shown[0][0] == "couplepause"
    assert shown[0][1].startswith("couplepause: ") and str(tmp_path / "file") in shown[0][1]


def test_the_windowed_launcher_with_a_console_prints(capsys, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    assert cli.window_main(["--data-dir", str(tmp_path / "file")]) == 1
    assert capsys.readouterr().err.startswith("couplepause: ")
