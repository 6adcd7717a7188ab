"""Another system's Python, simulated on Linux (tests/platforms).

On PYTHONPATH, Python imports this at start-up. ``COUPLEPAUSE_SIMULATE`` names the
system (``windows`` or ``macos``): what that system's Python lacks is taken away
before couplepause is imported, and couplepause.common.platform_support is told which
system it is on (``assume``). sys.platform and os.name stay Linux's: the standard
library would break (pathlib, subprocess); couplepause asks platform_support instead.

What the simulated process does that the real system would do differently is
written, one line each, to the file named by ``COUPLEPAUSE_SIM_LOG``:
``full-fsync`` (macOS' F_FULLFSYNC), ``held <path>`` (Windows: an antivirus holds
a file the first time it is replaced or renamed), ``message-box <line>`` (Windows'
windowed launcher). ``COUPLEPAUSE_SIM_DESKTOP_LANGUAGES`` ("de-DE,en-US") is what the
desktop's language setting answers; ``COUPLEPAUSE_SIM_NO_CONSOLE=1`` takes stderr and
stdout away, as Windows' pythonw does.
"""

import os
import signal
import stat
import sys
import time

SYSTEM = os.environ.get("COUPLEPAUSE_SIMULATE", "")
LOG = os.environ.get("COUPLEPAUSE_SIM_LOG", "")


def note(line: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(line.replace("\n", " ") + "\n")


def take_away(module, *names: str) -> None:
    for name in names:
        if hasattr(module, name):
            delattr(module, name)


def no_module(*names: str) -> None:
    for name in names:
        sys.modules[name] = None  # import fails with ImportError, as where it does not exist


def desktop_languages() -> list[str]:
    said = os.environ.get("COUPLEPAUSE_SIM_DESKTOP_LANGUAGES", "")
    return [name for name in said.split(",") if name]


def simulate_windows() -> None:
    # os: what Windows' Python 3.11 does not have.
    take_away(os, "set_blocking", "get_blocking", "getuid", "geteuid", "getgid", "getegid", "getgroups",
              "getpgid", "setsid", "killpg", "fchmod", "fchown", "chown", "lchown", "sync", "fdatasync",
              "statvfs", "fstatvfs", "pipe2", "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC")
    no_module("pwd", "grp", "fcntl", "termios", "resource", "syslog")
    # signal: Windows has SIGABRT, SIGFPE, SIGILL, SIGINT, SIGSEGV, SIGTERM (and SIGBREAK).
    kept = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM"}
    take_away(signal, *[name for name in dir(signal)
                        if name.startswith("SIG") and not name.startswith("SIG_") and name not in kept])
    take_away(signal, "alarm", "setitimer", "getitimer", "siginterrupt", "pthread_kill", "pthread_sigmask",
              "sigwait", "sigpending")
    set_wakeup_fd = signal.set_wakeup_fd

    def socket_wakeup_only(fd, *args, **kwargs):
        if fd != -1 and not stat.S_ISSOCK(os.fstat(fd).st_mode):
            raise ValueError(f"the fd {fd} must be a socket")  # Windows' rule
        return set_wakeup_fd(fd, *args, **kwargs)

    signal.set_wakeup_fd = socket_wakeup_only
    # time: no clock_gettime at all.
    take_away(time, "clock_gettime", "clock_gettime_ns", "clock_getres", "clock_settime", "clock_settime_ns",
              "pthread_getcpuclockid", *[name for name in dir(time) if name.startswith("CLOCK_")])

    # An antivirus or the search indexer holds each file a moment, the first time.
    held = set()

    def sometimes_held(move):
        def moved(source, target, *args, **kwargs):
            key = os.path.abspath(target)
            if key not in held:
                held.add(key)
                note(f"held {key}")
                raise PermissionError(13, "The process cannot access the file because it is being used "
                                          "by another process", str(source), None, str(target))
            return move(source, target, *args, **kwargs)
        return moved

    os.replace = sometimes_held(os.replace)
    os.rename = sometimes_held(os.rename)

    from couplepause.common import platform_support

    platform_support.assume(platform_support.WINDOWS)
    platform_support._windows_languages = desktop_languages
    platform_support._windows_message_box = lambda line, title: note(f"message-box {line}")
    if os.environ.get("COUPLEPAUSE_SIM_NO_CONSOLE") == "1":
        sys.stdout = sys.stderr = None


def simulate_macos() -> None:
    take_away(time, "CLOCK_BOOTTIME", "CLOCK_TAI")
    take_away(os, "fdatasync", "pipe2", "posix_fallocate", "sched_getaffinity", "O_DIRECT")
    take_away(signal, "SIGPOLL", "SIGPWR", "SIGRTMIN", "SIGRTMAX", "SIGSTKFLT")
    import fcntl

    fcntl.F_FULLFSYNC = 51  # macOS' number; this simulation answers it with fsync
    plain = fcntl.fcntl

    def fcntl_with_full_fsync(fd, cmd, *args):
        if cmd == fcntl.F_FULLFSYNC:
            os.fsync(fd)
            note("full-fsync")
            return 0
        return plain(fd, cmd, *args)

    fcntl.fcntl = fcntl_with_full_fsync

    from couplepause.common import platform_support

    platform_support.assume(platform_support.MACOS)
    platform_support._macos_languages = desktop_languages


if SYSTEM == "windows":
    simulate_windows()
elif SYSTEM == "macos":
    simulate_macos()
