"""No screen, a library that does not load: one line and exit 1, never a Qt abort.

The real command line in a separate process, with an environment cleaned of every
way to a display (DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM, ...); then the check
itself on given environments, and the reading of a loader's message."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import couplepause
from couplepause.app import desktop
from couplepause.cli.commands import Refused
from couplepause.common import paths
from couplepause.common.problems import on_command_line

from ..factory import episode_dict, sample
from .conftest import Result, assert_one_error_line, load, seed

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="X11 sockets and abstract sockets as on Linux")
WAYS_TO_A_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE",
                     "QT_QPA_PLATFORM_PLUGIN_PATH", "COUPLEPAUSE_DEBUG", "COUPLEPAUSE_DATA_DIR")


def without_a_display(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in WAYS_TO_A_DISPLAY}
    env.update(extra)
    return env


def start(data_dir: Path, *args: str | Path, code: str | None = None, **env: str) -> Result:
    """``couplepause`` (or ``code`` that ends in the command line's main) in its own process."""
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "couplepause"]
    proc = subprocess.run(
        [*command, "--data-dir", str(data_dir), *map(str, args)],
        env=without_a_display(**env), capture_output=True, text=True, timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def said(key: str, **values: object) -> str:
    return "couplepause: " + on_command_line(Refused(key, **values))


def free_display() -> int:
    """A display number with no X server (no socket file, nobody on the abstract one),
    from a range of this test worker's own (another worker's fake server may take the
    number between the look and the use)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    first = 4711 + 40 * worker
    for number in range(first, first + 40):
        path = f"/tmp/.X11-unix/X{number}"
        if os.path.exists(path) or os.path.exists(f"/tmp/.X{number}-lock"):
            continue
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect("\0" + path)
            except OSError:
                return number
    pytest.skip("no free display number")


class FakeXServer:
    """Something on an X display's (abstract) socket that takes connections and closes
    them at once: the command line's check finds it there, Qt cannot use it."""

    def __init__(self) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.number = free_display()
        self.listener.bind(f"\0/tmp/.X11-unix/X{self.number}")
        self.listener.listen(16)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed: the test is over
            conn.close()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join()


@pytest.fixture
def fake_x_server():
    server = FakeXServer()
    yield server
    server.close()


def assert_told_calmly(result: Result, line: str, data_dir: Path) -> None:
    assert result.code == 1, result.err
    assert assert_one_error_line(result) == line
    assert result.out == ""
    assert "xcb" not in result.err.replace(line, "")  # nothing of Qt's own words
    assert not data_dir.exists()  # stopped before the data folder was made


# ------------------------------------------------------ no display at all
@linux_only
def test_without_any_display_one_sentence_and_exit_1(tmp_path):
    data = tmp_path / "data"
    result = start(data)
    assert_told_calmly(result, said("no_display"), data)
    assert result.err == (
        "couplepause: couplepause needs a desktop, and no display was found; start it from your desktop"
        " (export, import and backups work without one)\n"
    )


@linux_only
def test_a_display_that_is_not_there(tmp_path):
    data = tmp_path / "data"
    number = free_display()
    result = start(data, DISPLAY=f":{number}")
    assert_told_calmly(result, said("display_not_there", display=f":{number}", variable="DISPLAY"), data)
    assert f"the display :{number} named by DISPLAY is not there" in result.err


@linux_only
def test_xcb_chosen_without_a_display(tmp_path):
    data = tmp_path / "data"
    assert_told_calmly(start(data, QT_QPA_PLATFORM="xcb"), said("no_display"), data)
    number = free_display()
    result = start(data, QT_QPA_PLATFORM="xcb", DISPLAY=f":{number}.0")
    assert_told_calmly(result, said("display_not_there", display=f":{number}.0", variable="DISPLAY"), data)


@linux_only
def test_a_wayland_display_that_is_not_there(tmp_path):
    data = tmp_path / "data"
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    result = start(data, WAYLAND_DISPLAY="wayland-7", XDG_RUNTIME_DIR=str(runtime))
    assert_told_calmly(result, said("display_not_there", display="wayland-7", variable="WAYLAND_DISPLAY"), data)


@pytest.mark.process
@linux_only
def test_open_says_it_too_after_reading_the_file(tmp_path):
    from .test_cli import export_file

    good = export_file(tmp_path, [episode_dict("2026-03-04T09:00:00.000+01:00")])
    result = start(tmp_path / "data", "open", good)
    assert_told_calmly(result, said("no_display"), tmp_path / "data")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"nope")
    assert "bad.json" in assert_one_error_line(start(tmp_path / "data", "open", bad))  # the file comes first


# ------------------------------------------- Qt itself finds no way to a window
@pytest.mark.process
@linux_only
def test_a_display_that_qt_cannot_use_is_one_sentence_not_an_abort(tmp_path, fake_x_server):
    data = tmp_path / "data"
    display = f":{fake_x_server.number}"
    result = start(data, DISPLAY=display)
    detail = f"could not connect to display {display}"
    assert result.code == 1, result.err
    assert assert_one_error_line(result) == said("qt_found_no_display", detail=detail)


@pytest.mark.process
@linux_only
def test_a_platform_plugin_without_its_library_names_the_library(tmp_path, fake_x_server):
    """A copy of the xcb plugin that asks for a libxcb-cursor that no system has."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        pytest.skip("no xcb platform plugin in this PySide6")
    content = plugin.read_bytes()
    wanted = b"\0libxcb-cursor.so.0\0"
    if content.count(wanted) != 1:
        pytest.skip("this xcb plugin does not name libxcb-cursor.so.0")
    plugins = tmp_path / "platforms"
    plugins.mkdir()
    (plugins / "libqxcb.so").write_bytes(content.replace(wanted, b"\0libxcb-cursor.so.9\0"))
    result = start(tmp_path / "data", DISPLAY=f":{fake_x_server.number}", QT_QPA_PLATFORM_PLUGIN_PATH=str(plugins))
    assert result.code == 1, result.err
    assert assert_one_error_line(result) == said("library_missing", library="libxcb-cursor.so.9")


# ------------------------------------------------- a Qt module that does not load
NO_GSSAPI = """
import sys
from importlib.abc import MetaPathFinder

class WithoutKerberos(MetaPathFinder):
    # What Python says where libgssapi-krb5-2 is not installed.
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6.QtNetwork":
            raise ImportError("libgssapi_krb5.so.2: cannot open shared object file: No such file or directory",
                              name=name)

sys.meta_path.insert(0, WithoutKerberos())
from couplepause.cli.commands import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.process
def test_qt_network_without_its_library_names_the_package(tmp_path):
    result = start(tmp_path / "data", code=NO_GSSAPI, QT_QPA_PLATFORM="offscreen")
    assert result.code == 1, result.err
    line = assert_one_error_line(result)
    if desktop.is_debian_like():
        assert line == said("library_missing_apt", library="libgssapi_krb5.so.2", package="libgssapi-krb5-2")
        assert "sudo apt-get install libgssapi-krb5-2" in line
    else:
        assert line == said("library_missing", library="libgssapi_krb5.so.2")


@pytest.mark.process
def test_the_second_launch_without_qt_network_says_it_too(tmp_path, qtbot):
    """A second launch needs QtNetwork before any window, to hand over to the first."""
    data = tmp_path / "data"
    first = subprocess.Popen([sys.executable, "-m", "couplepause", "--data-dir", str(data)],
                             env=without_a_display(QT_QPA_PLATFORM="offscreen"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server = Path(tempfile.gettempdir()) / paths.instance_key(data.absolute())
        qtbot.waitUntil(lambda: server.exists() or first.poll() is not None, timeout=20000)
        assert first.poll() is None, first.communicate()
        second = start(data, code=NO_GSSAPI, QT_QPA_PLATFORM="offscreen")
        assert second.code == 1, second.err
        assert "libgssapi_krb5.so.2" in assert_one_error_line(second)
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)  # a bound for a stuck process, not a timing


# ------------------------------------------------ what needs no display at all
@pytest.mark.process
@linux_only
def test_offscreen_still_starts_without_a_display(tmp_path, qtbot):
    data = tmp_path / "data"
    proc = subprocess.Popen([sys.executable, "-m", "couplepause", "--data-dir", str(data)],
                            env=without_a_display(QT_QPA_PLATFORM="offscreen"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = Path(tempfile.gettempdir()) / paths.instance_key(data.absolute())
    qtbot.waitUntil(lambda: server.exists() or proc.poll() is not None, timeout=20000)
    assert proc.poll() is None, proc.communicate()  # the window is up, the app listens for other launches
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert err == ""


@pytest.mark.process
@linux_only
def test_the_headless_commands_need_no_display(tmp_path):
    data = tmp_path / "data"
    seed(data, sample())
    for fmt in ("json", "csv", "pdf"):
        out = tmp_path / f"pauses.{fmt}"
        result = start(data, "export", "--output", out)
        assert result.code == 0, result.err
        assert result.err == "" and out.stat().st_size > 0
    again = tmp_path / "again"
    result = start(again, "import", tmp_path / "pauses.json")
    assert result.code == 0, result.err
    assert load(tmp_path / "pauses.json")["episodes"]
    result = start(data, "backups")
    assert result.code == 0 and result.out == "" and "no backups" in assert_one_error_line(result)


# ------------------------------------------------------------- the check itself
def test_windows_and_macos_are_never_refused():
    for system in ("win32", "darwin", "cygwin"):
        assert desktop.no_display({}, system) is None
        assert desktop.no_display({"DISPLAY": ":4711", "QT_QPA_PLATFORM": "xcb"}, system) is None


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "eglfs", "xcb:some=option", "offscreen;xcb"])
def test_a_platform_that_needs_no_server_is_left_to_qt(platform):
    assert desktop.no_display({"QT_QPA_PLATFORM": platform}, "linux") is None


def test_a_display_over_the_network_is_left_to_qt():
    assert desktop.no_display({"DISPLAY": "localhost:10.0"}, "linux") is None
    assert desktop.no_display({"DISPLAY": "tcp/otherhost:0"}, "linux") is None
    assert desktop.no_display({"DISPLAY": "/private/tmp/com.apple.launchd.x/org.xquartz:0"}, "linux") is None


@linux_only
def test_a_display_that_answers_is_enough(fake_x_server):
    display = f":{fake_x_server.number}"
    for form in (display, f"unix{display}", f"unix/{display}", f"{display}.0"):
        assert desktop.no_display({"DISPLAY": form}, "linux") is None, form
    both = {"DISPLAY": display, "WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/nonexistent"}
    assert desktop.no_display(both, "linux") is None  # Qt falls back from Wayland to X11
    only_wayland = {**both, "QT_QPA_PLATFORM": "wayland"}
    assert desktop.no_display(only_wayland, "linux") == desktop.NoDisplay("WAYLAND_DISPLAY", "wayland-9")


@linux_only
def test_a_wayland_compositor_that_answers_is_enough():
    runtime = Path(tempfile.mkdtemp(prefix="cp-", dir="/tmp"))  # a short path: a socket's name has a limit
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as compositor:
            compositor.bind(str(runtime / "wayland-0"))
            compositor.listen(4)
            session = {"XDG_SESSION_TYPE": "wayland", "XDG_RUNTIME_DIR": str(runtime)}
            assert desktop.no_display(session, "linux") is None  # wayland-0, Qt's default name
            named = {"WAYLAND_DISPLAY": str(runtime / "wayland-0")}
            assert desktop.no_display(named, "linux") is None  # a full path
            assert desktop.no_display({"WAYLAND_SOCKET": "5", "QT_QPA_PLATFORM": "wayland"}, "linux") is None
    finally:
        (runtime / "wayland-0").unlink(missing_ok=True)
        runtime.rmdir()


def test_no_display_named_at_all():
    assert desktop.no_display({}, "linux") == desktop.NoDisplay()
    assert desktop.no_display({"XDG_SESSION_TYPE": "wayland"}, "freebsd") == desktop.NoDisplay()


# ------------------------------------------------------- a loader's message
def test_a_loader_s_message_names_the_library_and_its_package():
    error = ImportError("libgssapi_krb5.so.2: cannot open shared object file: No such file or directory")
    assert desktop.missing_library(error, debian=True) == desktop.MissingLibrary(
        "libgssapi_krb5.so.2", "libgssapi-krb5-2")
    assert desktop.missing_library(error, debian=False) == desktop.MissingLibrary("libgssapi_krb5.so.2", None)
    unknown = OSError("libsomething.so.3: cannot open shared object file: No such file or directory")
    assert desktop.missing_library(unknown, debian=True) == desktop.MissingLibrary("libsomething.so.3", None)
    mac = ImportError("dlopen(QtNetwork.abi3.so, 2): Library not loaded: @rpath/libfoo.1.dylib")
    assert desktop.missing_library(mac, debian=False).library == "libfoo.1.dylib"
    assert desktop.missing_library(ImportError("No module named 'PySide6'"), debian=True) is None


def test_the_line_for_each_kind_of_library_problem():
    from couplepause.app.desktop import library_problem

    missing = "libxkbcommon.so.0: cannot open shared object file: No such file or directory"
    apt = library_problem(ImportError(missing, name="PySide6.QtGui"))
    assert apt is not None and apt.values["library"] == "libxkbcommon.so.0"
    assert library_problem(OSError(missing)).values["library"] == "libxkbcommon.so.0"  # a plugin, loaded by hand
    assert library_problem(ImportError(missing, name="somebody_elses")) is None  # not Qt's to say
    windows = ImportError("DLL load failed while importing QtNetwork: The specified module could not be found.",
                          name="PySide6.QtNetwork")
    assert on_command_line(library_problem(windows)).startswith("Qt’s module PySide6.QtNetwork could not be loaded")
    assert library_problem(ImportError("No module named 'yaml'", name="yaml")) is None


def test_the_check_is_in_the_installed_package():
    assert Path(desktop.__file__).parent == Path(couplepause.__file__).parent / "app"
