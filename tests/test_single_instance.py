"""One running instance per data folder; SIGTERM quits cleanly. Real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from couplepause.common import paths

pytestmark = [
    pytest.mark.process,  # the app as a program: CI's whole run (tests/tiers.py)
    pytest.mark.skipif(sys.platform != "linux", reason="local socket paths are Linux-specific here"),
]


def launch(data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("COUPLEPAUSE_DATA_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "couplepause", "--data-dir", str(data_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def server_path(data_dir: Path) -> Path:
    return Path(tempfile.gettempdir()) / paths.instance_key(data_dir.absolute())


@pytest.fixture
def running(qtbot, tmp_path):
    started = []

    def start(folder: Path) -> subprocess.Popen:
        proc = launch(folder)
        started.append(proc)
        qtbot.waitUntil(lambda: server_path(folder).exists() or proc.poll() is not None, timeout=20000)
        assert proc.poll() is None, proc.communicate()
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.slow  # twenty launches racing for one folder
def test_second_launches_hand_over_and_exit_zero(running, tmp_path):
    folder = tmp_path / "data"
    first = running(folder)
    racers = [launch(folder) for _ in range(20)]
    for proc in racers:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert first.poll() is None  # the first one is still the one running


def test_another_data_folder_runs_beside(running, tmp_path):
    running(tmp_path / "one")
    other = running(tmp_path / "two")
    assert other.poll() is None


def test_sigterm_quits_cleanly(running, tmp_path):
    proc = running(tmp_path / "data")
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)  # a bound for a stuck process, not a timing
    assert proc.returncode == 0
    # The lock is released: a new launch becomes the owner instead of handing over.
    again = running(tmp_path / "data")
    assert again.poll() is None
