"""A small laptop as a couple meets it, for the geometry walk (marker ``wm``).

Each walk gets a private X screen of its size (Xvfb) with the openbox window manager on
it (frames, title bars, placement: a 1024x600 look without a window manager hides the
~25 px that a title bar takes), and a data folder with a year of pauses (300), a plan,
backups, 30-character names, protected with a passphrase. ``walker.py`` runs couplepause
there, visits every screen (screens.py) and writes what it measured; the tests read
that report. One walk per size and language, run once however many tests read it.

Skipped, with the reason, where Xvfb or openbox is missing (Debian's xvfb and openbox);
``COUPLEPAUSE_WM=required`` (set by .ci/run) makes that a failure instead.
``COUPLEPAUSE_WM_SHOTS=DIR`` keeps a screenshot of every screen there, for a look.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.wm import screens

WALKER = Path(__file__).with_name("walker.py")
PASSPHRASE = "a calm evening by the river"
# 30 characters each, as long as a name field is likely to be filled.
NAMES = {"partner_a": "Maximiliane Oberhausen-Kleiner", "partner_b": "Jean-Baptiste de Vandenbroucke"}
# On the newest pause; the walker opens it by its first words (walker.LONG_NOTE_MARK).
LONG_NOTE = ("A long note: it started with the card bill and who forgot to pay it, then it was about "
             "being tired after work and feeling alone with all of it; we stopped before it got loud "
             "and came back after a walk round the block. Next time: ask first, then explain.")
# "Now" for the walk: a Thursday evening in September, the longest day and month names
# in both languages, so the dates on screen are as long as they get, every day the same.
NOW = datetime(2026, 9, 24, 21, 37, tzinfo=timezone(timedelta(hours=2)))
ZONE = "CET-1CEST,M3.5.0,M10.5.0/3"  # Central European time, without a time zone database
WALK_TIMEOUT_S = 600
WM_READY_S = 30


def _unavailable(reason: str):
    if os.environ.get("COUPLEPAUSE_WM") == "required":
        pytest.fail(f"the window-manager walk cannot run here: {reason}", pytrace=False)
    pytest.skip(f"the window-manager walk needs {reason}")


def _missing() -> list[str]:
    if not sys.platform.startswith("linux"):
        return ["Linux (an X screen under Xvfb)"]
    return [f"{tool} (apt package {package})" for tool, package in (("Xvfb", "xvfb"), ("openbox", "openbox"))
            if shutil.which(tool) is None]


def _stop(process: subprocess.Popen | None, timeout: float = 5) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


# ------------------------------------------------------------------ the data
def a_long_plan():
    from couplepause.core.plan import PartnerPlan, Plan

    return Plan(
        partners={
            "a": PartnerPlan("pull_back", "my jaw tightens and I stop answering in whole sentences",
                             "a walk round the block and a glass of cold water",
                             "I am not leaving, I only need ten minutes and then I come back to you"),
            "b": PartnerPlan("reach_out", "I talk faster and louder and start to repeat myself",
                             "your hand on my back for a moment, without words",
                             "we are a team and this is not the end of us"),
        },
        pause_signal="a hand on the heart, and the word 'river'",
        way_back="we sit side by side on the sofa and start with one kind thing each",
        updated_at=datetime(2026, 11, 20, 19, 30, tzinfo=UTC),
    )


def make_year(folder: Path, export: Path) -> None:
    """A year of pauses (300), the longest note on the newest, a plan and two backups, then
    protected; and the same year as a JSON export with notes, names and plan, for the
    read-only window."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        from demo_data import realistic
    finally:
        sys.path.pop(0)
    from couplepause.export import EXPORTERS
    from couplepause.export.base import ExportOptions
    from couplepause.store import vault
    from couplepause.store.repository import Repository

    episodes = sorted(realistic(300, days=365, end=NOW), key=lambda e: e.paused_at)
    episodes[-1] = episodes[-1].with_changes(note=LONG_NOTE)
    plan = a_long_plan()
    folder.mkdir(mode=0o700, parents=True)
    repo = Repository(folder / "store", backups_dir=folder / "backups")
    repo.open()
    repo.merge(episodes, plan=plan)
    for days in (8, 1):
        repo.backup("daily", now=NOW - timedelta(days=days))
    saved = dict(vault.SCRYPT)
    vault.SCRYPT.update(n=2**10)  # a small cost here; the header keeps it, so unlocking is quick too
    try:
        repo.protect(PASSPHRASE, None)
    finally:
        vault.SCRYPT.clear()
        vault.SCRYPT.update(saved)
    options = ExportOptions(include_notes=True, include_names=True, include_plan=True, plan=plan,
                            partner_names=(NAMES["partner_a"], NAMES["partner_b"]), exported_at=NOW)
    EXPORTERS["json"].export(episodes, options, export)


@pytest.fixture(scope="session")
def year(tmp_path_factory):
    """(data folder, export file): the year every walk starts from (each walks a copy)."""
    if _missing():
        _unavailable(", ".join(_missing()))
    folder = tmp_path_factory.mktemp("year")
    data, export = folder / "data", folder / "ours.json"
    make_year(data, export)
    return data, export


# ------------------------------------------------------------------ the screen
def start_display(size: tuple[int, int], env: dict[str, str], folder: Path) -> tuple[list, str]:
    """Xvfb at ``size`` and openbox on it, ready to manage windows: (processes, DISPLAY)."""
    ready, told = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(told), "-screen", "0", f"{size[0]}x{size[1]}x24", "-nolisten", "tcp", "-noreset"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(told,),
    )
    os.close(told)
    started = [xvfb]
    try:
        with os.fdopen(ready) as pipe:
            number = pipe.readline().strip()  # written once the server takes connections
        if not number:
            raise RuntimeError("Xvfb did not start")
        display = f":{number}"
        # openbox runs --startup once it manages the screen: a line on a named pipe says so.
        flag = folder / "openbox-ready"
        os.mkfifo(flag)
        # Held open for reading and writing here, so the pipe waits for the line, not for a writer.
        listening = os.open(flag, os.O_RDWR | os.O_NONBLOCK)
        try:
            wm = subprocess.Popen(["openbox", "--startup", f"sh -c 'echo ready > {flag}'"],
                                  env=dict(env, DISPLAY=display), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started.append(wm)
            _wait_for(listening, wm)
        finally:
            os.close(listening)
        return started, display
    except BaseException:
        for process in reversed(started):
            _stop(process)
        raise


def _wait_for(ready: int, wm: subprocess.Popen) -> None:
    """Block until openbox writes its line on ``ready`` (a few tenths of a second at a
    time, to notice it stopping), or give up after WM_READY_S."""
    import select
    import time

    deadline = time.monotonic() + WM_READY_S
    while not select.select([ready], [], [], 0.2)[0]:
        if wm.poll() is not None:
            raise RuntimeError(f"openbox stopped (exit {wm.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError("openbox did not start")


def walk(year: tuple[Path, Path], size: tuple[int, int], language: str, folder: Path) -> dict:
    """Run the walker on a copy of the year at ``size`` in ``language``; its report."""
    from couplepause.settings import Settings

    data, export = year
    copy = folder / "data"
    shutil.copytree(data, copy, symlinks=True)
    Settings.for_data_dir(copy).update({
        **NAMES, "language": language, "theme": screens.THEMES[(size, language)], "welcome_seen": False,
    })
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("QT_", "DBUS_", "WAYLAND_", "XDG_SESSION", "AT_SPI", "LANGUAGE"))}
    env.update(HOME=str(folder), XDG_CONFIG_HOME=str(folder / "config"), XDG_RUNTIME_DIR=str(folder / "runtime"),
               LC_ALL="C.UTF-8", TZ=ZONE, PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="xcb",
               COUPLEPAUSE_WALK_PASSPHRASE=PASSPHRASE, COUPLEPAUSE_WALK_NOW=NOW.isoformat(),
               COUPLEPAUSE_WALK_WM="openbox")
    (folder / "runtime").mkdir(mode=0o700)
    processes, display = start_display(size, env, folder)
    env["DISPLAY"] = display
    report = folder / "report.json"
    command = [sys.executable, str(WALKER), "--data-dir", str(copy), "--export", str(export),
               "--report", str(report)]
    shots = os.environ.get("COUPLEPAUSE_WM_SHOTS")
    if shots:
        command += ["--shots", str(Path(shots) / f"{size[0]}x{size[1]}-{language}")]
    try:
        done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, timeout=WALK_TIMEOUT_S)
    finally:
        for process in reversed(processes):
            _stop(process)
    if done.returncode != 0 or not report.exists():
        raise AssertionError(f"the walk at {size[0]}x{size[1]} in {language} failed (exit {done.returncode}):\n"
                             f"{done.stdout[-4000:]}\n{done.stderr[-8000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


_walks: dict[tuple[tuple[int, int], str], dict] = {}


@pytest.fixture
def walked(year, tmp_path_factory):
    """``walked(size, language)``: the report of that walk, made on first use in this process
    (the tests of one walk share an xdist group, so one worker makes each walk)."""

    def report(size: tuple[int, int], language: str) -> dict:
        key = (size, language)
        if key not in _walks:
            folder = tmp_path_factory.mktemp(f"walk-{size[0]}x{size[1]}-{language}")
            try:
                _walks[key] = walk(year, size, language, folder)
            except Exception as exc:  # noqa: BLE001 (every test of this walk says so; none walks again)
                _walks[key] = exc
        found = _walks[key]
        if isinstance(found, Exception):
            raise found
        return found

    return report
