"""What Linux, Windows and macOS do differently (couplepause/platform_support.py), each
system's answer asked here on Linux: the module is told which system it is on."""

from __future__ import annotations

import errno
import os
import select
import signal
import zlib
from pathlib import Path

import pytest

from couplepause.common import paths, platform_support, texts
from couplepause.common.platform_support import LINUX, MACOS, WINDOWS
from couplepause.core import clock
from couplepause.store import atomic


def test_this_system_is_linux():
    assert platform_support.system() == LINUX
    with pytest.raises(ValueError):
        platform_support.assume("beos")


# ------------------------------------------------------------- replacing files
class Held:
    """os.replace as an antivirus makes it: PermissionError the first ``times`` tries."""

    def __init__(self, times: int) -> None:
        self.times, self.tries, self.waits = times, 0, []
        self.move = os.replace  # the real one, before the test puts this in its place

    def replace(self, source, target):
        self.tries += 1
        if self.tries <= self.times:
            raise PermissionError(errno.EACCES, "used by another process", str(target))
        self.move(source, target)


@pytest.mark.parametrize("move", [platform_support.replace, platform_support.rename])
def test_windows_tries_again_while_a_file_is_held(on, monkeypatch, tmp_path, move):
    on(WINDOWS)
    held = Held(times=3)
    monkeypatch.setattr(os, "replace", held.replace)
    monkeypatch.setattr(os, "rename", held.replace)
    (tmp_path / "new").write_text("new")
    move(tmp_path / "new", tmp_path / "file", sleep=held.waits.append)
    assert (tmp_path / "file").read_text() == "new"
    assert held.tries == 4 and held.waits == [platform_support.REPLACE_WAIT_S] * 3


def test_windows_gives_up_after_about_a_second(on, monkeypatch, tmp_path):
    on(WINDOWS)
    held = Held(times=1000)
    monkeypatch.setattr(os, "replace", held.replace)
    with pytest.raises(PermissionError):
        platform_support.replace(tmp_path / "a", tmp_path / "b", sleep=held.waits.append)
    assert held.tries == platform_support.REPLACE_TRIES
    assert 0.9 <= sum(held.waits) <= 1.1


@pytest.mark.parametrize("system", [LINUX, MACOS])
def test_elsewhere_a_refusal_is_said_at_once(on, monkeypatch, tmp_path, system):
    on(system)
    held = Held(times=1)
    monkeypatch.setattr(os, "replace", held.replace)
    with pytest.raises(PermissionError):
        platform_support.replace(tmp_path / "a", tmp_path / "b", sleep=held.waits.append)
    assert held.tries == 1 and held.waits == []


def test_an_atomic_write_goes_through_a_held_file_on_windows(on, monkeypatch, tmp_path):
    on(WINDOWS)
    held = Held(times=2)
    monkeypatch.setattr(os, "replace", held.replace)
    monkeypatch.setattr(platform_support, "REPLACE_WAIT_S", 0.0)
    atomic.atomic_write(tmp_path / "store.json", b"{}")
    assert (tmp_path / "store.json").read_bytes() == b"{}"
    assert held.tries == 3
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]  # no temp file left


# ------------------------------------------------------------ durable writes
class Fcntl:
    """fcntl as macOS has it: F_FULLFSYNC, answered or refused."""

    def __init__(self, refuses: bool = False) -> None:
        self.refuses, self.asked = refuses, []

    def fcntl(self, fd, cmd, *args):
        self.asked.append(cmd)
        if self.refuses:
            raise OSError(errno.ENOTSUP, "not supported")
        return 0


@pytest.mark.parametrize("refuses", [False, True])
def test_macos_syncs_through_the_drives_cache(on, monkeypatch, tmp_path, refuses):
    import fcntl

    on(MACOS)
    fake = Fcntl(refuses)
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", fake.fcntl)
    synced = []
    monkeypatch.setattr(os, "fsync", synced.append)
    atomic.atomic_write(tmp_path / "file", b"data")
    assert fake.asked and set(fake.asked) == {51}  # the file and its folder
    assert len(synced) == (len(fake.asked) if refuses else 0)  # the plain fsync only where refused


@pytest.mark.parametrize("system", [LINUX, WINDOWS])
def test_elsewhere_fsync_is_the_plain_one(on, monkeypatch, tmp_path, system):
    import fcntl

    on(system)
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", lambda *args: pytest.fail("no F_FULLFSYNC here"))
    with open(tmp_path / "file", "wb") as stream:
        platform_support.fsync(stream.fileno())


def test_windows_does_not_open_folders_to_sync_them(on, monkeypatch, tmp_path):
    on(WINDOWS)
    monkeypatch.setattr(os, "open", lambda *args, **kwargs: pytest.fail("a folder opened"))
    atomic.fsync_dir(tmp_path)
    assert not platform_support.folders_sync()


# ------------------------------------------------------------------ accounts
def test_the_account_in_shared_names(on, monkeypatch, tmp_path):
    assert platform_support.user_token() == str(os.getuid())
    assert paths.instance_key(tmp_path).startswith(f"couplepause-{os.getuid()}-")
    on(WINDOWS)
    monkeypatch.delattr(os, "getuid")  # Windows has none
    monkeypatch.setenv("USERDOMAIN", "HOME-PC")
    monkeypatch.setenv("USERNAME", "Zoë")
    zoe = platform_support.user_token()
    account = "HOME-PC\\Zoë".encode()
    assert zoe == f"{zlib.crc32(account):08x}"
    assert paths.instance_key(tmp_path) == paths.instance_key(tmp_path).encode("ascii").decode()  # a pipe's name
    assert paths.instance_key(tmp_path).startswith(f"couplepause-{zoe}-")
    monkeypatch.setenv("USERNAME", "Sam")
    assert platform_support.user_token() != zoe


def test_permission_bits_are_not_read_or_told_on_windows(on, tmp_path):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert paths.openness(folder) == 0o055  # Linux: others may read it
    on(MACOS)
    assert paths.openness(folder) == 0o055
    on(WINDOWS)
    assert paths.openness(folder) == 0  # Windows: the folder's access control decides
    assert paths.tighten(folder) is False
    assert folder.stat().st_mode & 0o777 == 0o755  # left as it was


# ------------------------------------------------------------------- signals
def test_quit_signals_of_this_system():
    assert {signal.SIGTERM, signal.SIGINT, signal.SIGHUP} <= set(platform_support.quit_signals())


def test_quit_signals_without_sighup(monkeypatch):
    monkeypatch.delattr(signal, "SIGHUP")  # as on Windows
    assert set(platform_support.quit_signals()) == {signal.SIGTERM, signal.SIGINT}


def test_a_signal_wakes_the_event_loop_through_a_pipe(on):
    assert platform_support.signals_wake_by_pipe()
    on(MACOS)
    assert platform_support.signals_wake_by_pipe()
    on(WINDOWS)
    assert not platform_support.signals_wake_by_pipe()  # a timer looks there (launch.py)
    on(LINUX)
    wakeup = platform_support.Wakeup()
    previous = signal.set_wakeup_fd(wakeup.write_end)
    handler = signal.signal(signal.SIGUSR1, lambda *_: None)
    try:
        signal.raise_signal(signal.SIGUSR1)
        readable, _, _ = select.select([wakeup.fileno], [], [], 5)
        assert readable == [wakeup.fileno]
        wakeup.drain()
        assert select.select([wakeup.fileno], [], [], 0)[0] == []
        wakeup.drain()  # nothing there: no error
    finally:
        signal.set_wakeup_fd(previous)
        signal.signal(signal.SIGUSR1, handler)
        wakeup.close()


# --------------------------------------------------------------------- clock
def test_the_clock_of_this_system(on, monkeypatch):
    import time

    assert clock.system_clock().clock_id == time.CLOCK_BOOTTIME
    on(MACOS)
    monkeypatch.delattr(time, "CLOCK_BOOTTIME")
    assert clock.system_clock().clock_id == time.CLOCK_MONOTONIC  # counts sleep on macOS
    on(WINDOWS)
    assert clock.system_clock().clock_id is None  # time.monotonic: counts sleep on Windows


def test_only_linux_names_its_boot(on):
    assert clock.boot_id().startswith("boot:")
    on(MACOS)
    assert clock.boot_id().startswith("run:")


# ------------------------------------------------------------------ language
@pytest.mark.parametrize("system", [WINDOWS, MACOS])
def test_the_desktops_language_where_no_variable_names_one(on, monkeypatch, system):
    on(system)
    monkeypatch.setattr(platform_support, f"_{system}_languages", lambda: ["fr-FR", "de-AT", "en-US"])
    assert platform_support.desktop_languages() == ["fr-FR", "de-AT", "en-US"]
    assert texts.system_language({}) == "de"  # the first there are words for
    assert texts.system_language({"LANG": "en_GB.UTF-8"}) == "en"  # a variable says it first
    monkeypatch.setattr(platform_support, f"_{system}_languages", lambda: ["ja-JP"])
    assert texts.system_language({}) == "en"


@pytest.mark.parametrize("system", [WINDOWS, MACOS])
def test_a_desktop_that_does_not_answer_means_english(on, monkeypatch, system):
    def fails():
        raise OSError("no such library")

    on(system)
    monkeypatch.setattr(platform_support, f"_{system}_languages", fails)
    assert platform_support.desktop_languages() == []
    assert texts.system_language({}) == "en"


def test_linux_is_not_asked_beyond_its_variables(monkeypatch):
    monkeypatch.setattr(platform_support, "_windows_languages", lambda: pytest.fail("asked"))
    monkeypatch.setattr(platform_support, "_macos_languages", lambda: pytest.fail("asked"))
    assert platform_support.desktop_languages() == []
    assert texts.system_language({}) == "en"


# ------------------------------------------------------------- reduced motion
@pytest.mark.parametrize("system, said", [(WINDOWS, True), (MACOS, True), (MACOS, False), (WINDOWS, None)])
def test_the_desktops_reduced_motion_is_read_once_the_window_shows(qapp, on, monkeypatch, system, said):
    from couplepause.ui import motion

    class Desktop:
        @staticmethod
        def platformName() -> str:
            return "windows" if system == WINDOWS else "cocoa"

    on(system)
    monkeypatch.setattr(platform_support, f"_{system}_reduces", lambda: said)
    monkeypatch.setattr(motion, "QGuiApplication", Desktop)
    desktop = motion.DesktopMotion()
    desktop.start()
    assert desktop.reduces_motion() is bool(said)


def test_no_reduced_motion_where_the_desktop_cannot_be_asked(on, monkeypatch):
    def fails():
        raise OSError("no such library")

    on(MACOS)
    monkeypatch.setattr(platform_support, "_macos_reduces", fails)
    assert platform_support.desktop_reduces_motion() is None
    on(LINUX)
    assert platform_support.desktop_reduces_motion() is None  # Linux asks its portal (ui/motion.py)


def test_every_posix_only_call_goes_through_platform_support():
    """The calls only some systems have are made in platform_support alone (or checked
    there first): a new one elsewhere would break Windows or macOS again."""
    import couplepause

    package = Path(couplepause.__file__).parent
    only_some = ("os.set_blocking", "os.getuid", "signal.SIGHUP", "os.fchmod(", "CLOCK_BOOTTIME",
                 "os.replace(", "os.rename(", "os.fsync(", "sys.platform ==", "os.name ==")
    allowed = {
        "common/platform_support.py": only_some,
        "core/clock.py": ("CLOCK_BOOTTIME",),  # chosen on Linux, where platform_support says so
        "common/paths.py": ("os.fsync(",),  # probes a temp file for room: nothing to keep
        "store/atomic.py": ("os.fchmod(",),  # guarded by hasattr: absent on Windows before 3.13
        "store/storage.py": ("os.fchmod(",),
        "app/errorlog.py": ("os.fchmod(",),
    }
    found = []
    for source in sorted(package.rglob("*.py")):
        relative = source.relative_to(package).as_posix()
        text = source.read_text("utf-8")
        found += [f"{relative}: {call}" for call in only_some if call in text and call not in allowed.get(relative, ())]
    assert found == []
