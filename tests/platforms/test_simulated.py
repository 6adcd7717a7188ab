"""The app run as on Windows and on macOS, simulated on Linux: real processes whose
Python lacks what that system's Python lacks (simulate/sitecustomize.py), driven
through the window, a Pause, a quit signal and the exports. Windows and macOS
themselves are not run here; the README says so."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SIMULATE = HERE / "simulate"
DRIVE = HERE / "drive.py"
WAIT_S = 120  # a bound for a stuck process on a busy machine, not a timing
SYSTEMS = ("windows", "macos")
# The quit each system's desktop or console sends: Ctrl+C (SIGINT) in a Windows
# console, SIGHUP when macOS' Terminal closes.
QUIT_SIGNAL = {"windows": "SIGINT", "macos": "SIGHUP"}

pytestmark = [
    pytest.mark.process,  # the app as a program: CI's whole run (tests/tiers.py)
    pytest.mark.skipif(sys.platform != "linux", reason="the simulations run on Linux"),
]


def simulated(system: str, log: Path, **extra: str) -> dict[str, str]:
    """The environment of a process that runs as on ``system``: no language variable
    (as for an app started from the desktop), offscreen, the simulation on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE", "COUPLEPAUSE_DATA_DIR", "COUPLEPAUSE_DEBUG")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        COUPLEPAUSE_SIMULATE=system,
        COUPLEPAUSE_SIM_LOG=str(log),
        PYTHONPATH=os.pathsep.join(filter(None, [str(SIMULATE), os.environ.get("PYTHONPATH")])),
        **extra,
    )
    return env


def run(args: list, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=WAIT_S, cwd=HERE)


def logged(log: Path) -> list[str]:
    return log.read_text("utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_simulation_takes_away_what_the_system_lacks(system, tmp_path):
    probe = ("import os, signal, time, json; print(json.dumps({"
             "'set_blocking': hasattr(os, 'set_blocking'), 'getuid': hasattr(os, 'getuid'),"
             "'SIGHUP': hasattr(signal, 'SIGHUP'), 'BOOTTIME': hasattr(time, 'CLOCK_BOOTTIME'),"
             "'fchmod': hasattr(os, 'fchmod')}))")
    done = run(["-c", probe], simulated(system, tmp_path / "log"))
    assert done.returncode == 0, done.stderr
    has = json.loads(done.stdout)
    if system == "windows":
        assert not any(has.values()), has
    else:
        assert has == {"set_blocking": True, "getuid": True, "SIGHUP": True, "BOOTTIME": False, "fchmod": True}


@pytest.fixture
def driven():
    """Start drive.py under a simulation; the window is killed at the end if still there."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str], data: Path, mode: str) -> tuple[subprocess.Popen, dict]:
        window = subprocess.Popen([sys.executable, str(DRIVE), str(data), mode], env=env, cwd=HERE, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started.append(window)
        line = window.stdout.readline()  # once the window has done what it was asked (or it ended)
        assert line.startswith("DRIVEN "), line + window.communicate(timeout=WAIT_S)[1]
        return window, json.loads(line.removeprefix("DRIVEN "))

    yield start
    for window in started:
        if window.poll() is None:
            window.kill()
        window.communicate()


def quit_with_signal(window: subprocess.Popen, system: str) -> str:
    """The system's quit signal, sent from outside; the window's stderr once it ended."""
    window.send_signal(getattr(signal, QUIT_SIGNAL[system]))
    _out, err = window.communicate(timeout=WAIT_S)  # a bound for a stuck process, not a timing
    assert window.returncode == 0, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_window_a_pause_a_quit_and_the_exports(system, tmp_path, driven):
    """The window comes up in the desktop's language, a Pause is saved, the quit
    signal ends it cleanly, and every export has the pause. A data folder that other
    accounts can open is told on macOS (its permission bits say so), never on Windows
    (they mean nothing there)."""
    data, log = tmp_path / "data", tmp_path / "log"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    env = simulated(system, log, COUPLEPAUSE_SIM_DESKTOP_LANGUAGES="de-DE,en-US")
    window, said = driven(env, data, "pause")
    quit_with_signal(window, system)
    assert "couplepause" in said["title"].lower()
    assert said["language"] == "de"
    assert said["qt_locale"].startswith("de_")  # Qt's dates too, once the window is up
    if system == "windows":
        assert said["notice"] == ""
        # An antivirus held each file once; every write went through all the same.
        assert any(line.startswith("held ") and line.endswith("active.json") for line in logged(log))
    else:
        assert str(data) in said["notice"]
        assert "full-fsync" in logged(log)  # through the drive's cache

    exported = {}
    for kind in ("json", "csv", "pdf"):
        target = tmp_path / f"pauses.{kind}"
        done = run(["-m", "couplepause", "--data-dir", data, "export", "--output", target], env)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "" and "Traceback" not in done.stdout
        exported[kind] = target
    episodes = json.loads(exported["json"].read_text("utf-8"))["episodes"]
    assert len(episodes) == 1 and episodes[0]["repaired_at"] is None
    with exported["csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))  # German: semicolons
    assert [row["id"] for row in rows] == [episodes[0]["id"]]
    assert exported["pdf"].read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_quit_signal_ends_an_idle_window(system, tmp_path, driven):
    """Nothing runs in Python while the window waits: the signal itself must wake it
    (Windows: Ctrl+C, seen by the timer that lets Python look; macOS: SIGHUP, through
    the pipe). The store is closed cleanly: the next start owns the folder at once."""
    env = simulated(system, tmp_path / "log")
    window, said = driven(env, tmp_path / "data", "idle")
    assert said["language"] == "en"
    quit_with_signal(window, system)
    again, _said = driven(env, tmp_path / "data", "idle")
    quit_with_signal(again, system)


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_command_line_speaks_the_desktops_language(system, tmp_path):
    env = simulated(system, tmp_path / "log", COUPLEPAUSE_SIM_DESKTOP_LANGUAGES="de-DE")
    german = run(["-m", "couplepause", "--help"], env)
    assert german.returncode == 0 and german.stdout.startswith("Aufruf: couplepause")
    english = run(["-m", "couplepause", "--help"], {**env, "LANG": "en_US.UTF-8"})  # a variable comes first
    assert english.returncode == 0 and english.stdout.startswith("usage: couplepause")


@pytest.mark.parametrize("failure", ["data_dir_is_a_file", "qt_cannot_start"])
def test_the_windowed_launcher_without_a_console_shows_a_failure(tmp_path, failure):
    """Windows' windowed launcher (pythonw) has no stderr: a start that fails is
    shown in a message box, not lost; also where Qt ends the process at once."""
    log = tmp_path / "log"
    (tmp_path / "file").write_text("not a folder")
    env = simulated("windows", log, COUPLEPAUSE_SIM_NO_CONSOLE="1")
    if failure == "data_dir_is_a_file":
        data, shown = tmp_path / "file", str(tmp_path / "file")
    else:
        data, shown = tmp_path / "data", "Qt"  # Qt's fatal message, in one line
        env["QT_QPA_PLATFORM"] = "no-such-platform"
    done = run(["-c", "import sys; from couplepause.cli.commands import window_main; sys.exit(window_main())",
                "--data-dir", data], env)
    assert done.returncode == 1
    assert (done.stdout, done.stderr) == ("", "")
    boxes = [line for line in logged(log) if line.startswith("message-box ")]
    assert len(boxes) == 1 and boxes[0].startswith("message-box couplepause: ") and shown in boxes[0], boxes
