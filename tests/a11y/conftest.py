"""A desktop as a screen reader meets it, for the AT-SPI tests.

Each test worker gets a private X screen of 1024x600 (Xvfb) and a private D-Bus
session, on which the accessibility bus (at-spi2-core) starts as it does on a
desktop; a driver (``atspi_driver.py``, run by a Python that has pyatspi) reads
the app over that bus. Each test starts couplepause from this environment, on a
fresh data folder, with Qt's AT-SPI bridge on, and drives it from outside through
the accessible Action interface, as Orca would.

Skipped, with the reason, where a part is missing (Xvfb, dbus-daemon, the
accessibility bus, a python3 with pyatspi: Debian's xvfb, dbus-daemon,
at-spi2-core and python3-pyatspi). ``COUPLEPAUSE_ATSPI=required`` (set by .ci/run)
makes a missing part a failure instead. ``COUPLEPAUSE_ATSPI_PYTHON`` names the
Python with pyatspi (default: python3 from /usr/bin, else the PATH).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SCREEN = (1024, 600)
APP_NAME = "couplepause"
START_TIMEOUT_S = 60  # two busy cores: the first start after an install compiles bytecode
DRIVER = Path(__file__).with_name("atspi_driver.py")
A11Y_SERVICE = "dbus-1/services/org.a11y.Bus.service"


def _atspi_python() -> str | None:
    candidates = [os.environ.get("COUPLEPAUSE_ATSPI_PYTHON"), "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c):
        try:
            found = subprocess.run([python, "-c", "import pyatspi"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found.returncode == 0:
            return python
    return None


def _missing() -> tuple[list[str], str | None]:
    """What this machine lacks for the walk, and the Python with pyatspi."""
    missing = []
    if not sys.platform.startswith("linux"):
        return ["Linux (AT-SPI is the Linux accessibility bus)"], None
    for tool, package in (("Xvfb", "xvfb"), ("dbus-daemon", "dbus-daemon")):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (apt package {package})")
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    if not any((Path(d) / A11Y_SERVICE).is_file() for d in data_dirs.split(":") if d):
        missing.append("the accessibility bus (apt package at-spi2-core)")
    python = _atspi_python()
    if python is None:
        missing.append("a python3 with pyatspi (apt package python3-pyatspi)")
    return missing, python


def _unavailable(reason: str):
    if os.environ.get("COUPLEPAUSE_ATSPI") == "required":
        pytest.fail(f"the AT-SPI walk cannot run here: {reason}", pytrace=False)
    pytest.skip(f"the AT-SPI walk needs {reason}")


def _stop(process: subprocess.Popen | None, timeout: float = 5) -> None:
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


class Driver:
    """Talks to atspi_driver.py: one request, one answer."""

    def __init__(self, python: str, env: dict[str, str]):
        self.process = subprocess.Popen(
            [python, str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, text=True, bufsize=1,
        )
        ready = self.process.stdout.readline()
        if not ready:
            raise RuntimeError(f"the AT-SPI driver did not start: {self.process.stderr.read()}")

    def ask(self, op: str, **request) -> dict:
        self.process.stdin.write(json.dumps({"op": op, **request}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the AT-SPI driver stopped: {self.process.stderr.read()}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"AT-SPI {op}: {answer['error']}\n{answer.get('trace', '')}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(RuntimeError, OSError, ValueError):
                self.ask("quit")
        _stop(self.process)


@dataclass
class Desktop:
    env: dict[str, str]
    driver: Driver
    screen: tuple[int, int]


@pytest.fixture(scope="session")
def desktop(tmp_path_factory):
    """A private X screen and D-Bus session with the accessibility bus, and the driver."""
    missing, python = _missing()
    if missing:
        _unavailable(", ".join(missing))
    folder = tmp_path_factory.mktemp("desktop")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("QT_", "DBUS_", "WAYLAND_", "XDG_SESSION", "AT_SPI"))}
    env["HOME"] = str(folder)  # nothing of the person's own desktop is read
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    env["XDG_RUNTIME_DIR"] = str(folder / "runtime")
    (folder / "runtime").mkdir(mode=0o700)
    # Xvfb picks a free display itself and writes its number down the pipe once it
    # takes connections (-displayfd): reading it is waiting for the server.
    ready, told = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(told), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp",
         "-noreset"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(told,),
    )
    os.close(told)
    bus = driver = None
    try:
        with os.fdopen(ready) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        env["DISPLAY"] = f":{number}"
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        driver = Driver(python, env)
        yield Desktop(env, driver, SCREEN)
    finally:
        if driver is not None:
            driver.close()
        # The accessibility bus (at-spi-bus-launcher and its own dbus-daemon) ends with
        # the session bus it was started on.
        _stop(bus)
        _stop(xvfb)


@pytest.fixture
def start_app(desktop, tmp_path):
    """Start couplepause (optionally with settings) and wait until a screen reader sees it."""
    started: list[subprocess.Popen] = []

    def start(settings: dict | None = None):
        data = tmp_path / "data"
        if settings:
            from couplepause.settings import Settings

            Settings.for_data_dir(data).update(settings)
        env = dict(desktop.env, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   LC_ALL="C.UTF-8", LANGUAGE="en", PYTHONDONTWRITEBYTECODE="1")
        with open(tmp_path / "app.log", "w") as log:
            process = subprocess.Popen([sys.executable, "-m", "couplepause", "--data-dir", str(data)],
                                       env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
        started.append(process)
        if not desktop.driver.ask("wait_app", name=APP_NAME, pid=process.pid, timeout=START_TIMEOUT_S)["ok"]:
            output = (tmp_path / "app.log").read_text(errors="replace")
            raise AssertionError(f"couplepause never appeared on the AT-SPI bus; it said:\n{output}")
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # saves what is open and quits (within 3 s)
        _stop(process, timeout=10)
