"""What Linux, Windows and macOS do differently, asked in one place.

Every call that only some systems have goes through a small function here, which
takes the system's own way:

- **quitting on a signal**: SIGTERM, SIGINT and SIGHUP where they exist (Windows has
  SIGINT and SIGBREAK from its console, no SIGHUP); on Linux and macOS the signal
  wakes Qt's event loop through a pipe (``signal.set_wakeup_fd``); on Windows that
  would take a socket (a loopback TCP pair) and ``os.set_blocking`` is missing
  before Python 3.12, so a short timer lets Python look for signals there;
- **the account** in names shared on this computer (the single-instance socket, a
  rescue folder in the temporary folder): the user id, on Windows the account's name;
- **private files**: Linux and macOS say it with permission bits (0600, 0700);
  Windows ignores them, and a file in the account's profile is private by the
  profile's access control (Python makes a new folder of mode 0o700 private there
  too, from 3.12.4), so no bits are read or told there;
- **durable writes**: on macOS ``fsync`` leaves the data in the drive's cache, so
  ``fcntl(F_FULLFSYNC)`` is asked first; Windows cannot open a folder to sync it;
- **replacing a file**: on Windows, an antivirus or the search indexer may hold the
  file a moment, and ``os.replace`` fails with PermissionError: it is tried again
  for about a second;
- **the desktop's language** where no environment variable names one (an app
  started from the Windows or macOS desktop has none): Windows' display languages,
  macOS' preferred languages;
- **the desktop's "reduce motion"**, which Qt 6.11 does not tell: Windows' animation
  effects, macOS' Reduce motion;
- **a line with no console to print it**: the windowed launcher on Windows has no
  stderr, so a failure at start is shown in a message box.

Qt-free and light (``os`` and ``sys`` only at import): the store, the clock and the
command line use it before any window. ``assume()`` makes the functions answer for
another system: the tests run the app on Linux with Windows' and macOS' missing
calls taken away (tests/platforms).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

LINUX, WINDOWS, MACOS, POSIX = "linux", "windows", "macos", "posix"  # POSIX: the BSDs and others

# os.replace on Windows while another program holds the file: tries, and the wait
# between them (about a second in all).
REPLACE_TRIES = 11
REPLACE_WAIT_S = 0.1
# Windows' GetUserPreferredUILanguages: names ("de-DE"), not numbers.
_MUI_LANGUAGE_NAME = 0x8
_SPI_GETCLIENTAREAANIMATION = 0x1042
_MB_ICONERROR = 0x10
_KCF_STRING_ENCODING_UTF8 = 0x08000100


def _system_of(platform: str) -> str:
    if platform.startswith("linux"):
        return LINUX
    if platform == "win32":
        return WINDOWS  # Cygwin's and MSYS2's Pythons are POSIX ones
    if platform == "darwin":
        return MACOS
    return POSIX


_system = _system_of(sys.platform)


def system() -> str:
    """This system: ``LINUX``, ``WINDOWS``, ``MACOS`` or ``POSIX`` (another Unix)."""
    return _system


def assume(name: str) -> None:
    """Answer as ``name`` would from now on (tests that simulate another system)."""
    global _system
    if name not in (LINUX, WINDOWS, MACOS, POSIX):
        raise ValueError(f"not a system: {name!r}")
    _system = name


# ------------------------------------------------------------------- signals
def quit_signals() -> list[int]:
    """The signals that ask the app to quit cleanly, of those this system has."""
    import signal

    names = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")  # SIGBREAK: Ctrl+Break in a Windows console
    return [getattr(signal, name) for name in names if hasattr(signal, name)]


def signals_wake_by_pipe() -> bool:
    """Whether a signal can wake Qt's event loop through a pipe (``Wakeup``). Not on
    Windows: there the wake-up must be a socket, which Python makes as a loopback
    TCP pair (couplepause opens no internet socket, not even one to itself), and
    ``os.set_blocking`` is missing before Python 3.12; a short timer lets Python
    look for a signal instead."""
    return system() != WINDOWS


class Wakeup:
    """A non-blocking pipe for ``signal.set_wakeup_fd``: a signal writes a byte to
    ``write_end``, ``fileno`` wakes Qt's ``QSocketNotifier``, ``drain()`` empties it."""

    def __init__(self) -> None:
        self.fileno, self.write_end = os.pipe()
        os.set_blocking(self.fileno, False)
        os.set_blocking(self.write_end, False)

    def drain(self) -> None:
        with contextlib.suppress(OSError):  # nothing there (a spurious wake-up)
            os.read(self.fileno, 64)

    def close(self) -> None:
        os.close(self.fileno)
        os.close(self.write_end)


# ------------------------------------------------------------------- accounts
def user_token() -> str:
    """This account, for names other accounts on the computer see too: the user id,
    on Windows a checksum of the account's domain and name (no getuid there)."""
    if system() != WINDOWS:
        return str(os.getuid())
    import zlib

    account = f"{os.environ.get('USERDOMAIN', '')}\\{os.environ.get('USERNAME', '')}"
    return f"{zlib.crc32(account.encode('utf-8', 'surrogatepass')):08x}"


def mode_bits_matter() -> bool:
    """Whether permission bits say who may read a file here (not on Windows: access
    is by the folder's access control, private in the account's profile)."""
    return system() != WINDOWS


# ----------------------------------------------------------- durable writes
def fsync(fd: int) -> None:
    """Write a file's (or folder's) data through to the disk: on macOS all the way
    through the drive's cache (F_FULLFSYNC) where the file system takes it."""
    if system() == MACOS:
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass  # a file system without it (a network share, FAT): the plain one
    os.fsync(fd)


def folders_sync() -> bool:
    """Whether a folder can be opened and synced (not on Windows, where a rename is
    as durable as the system makes it)."""
    return system() != WINDOWS


def replace(source: str | os.PathLike, target: str | os.PathLike, *,
            sleep: Callable[[float], None] | None = None) -> None:
    """``os.replace``; on Windows tried again for about a second while another
    program (an antivirus, the search indexer) or another thread reading it holds
    one of the files (Windows does not replace a file that is open)."""
    _retried(os.replace, source, target, sleep)


def rename(source: str | os.PathLike, target: str | os.PathLike, *,
           sleep: Callable[[float], None] | None = None) -> None:
    """``os.rename``, tried again like :func:`replace` on Windows."""
    _retried(os.rename, source, target, sleep)


def _retried(move, source, target, sleep) -> None:
    for attempt in range(REPLACE_TRIES):
        try:
            move(source, target)
            return
        except PermissionError:
            if system() != WINDOWS or attempt == REPLACE_TRIES - 1:
                raise
        if sleep is None:
            import time

            sleep = time.sleep
        sleep(REPLACE_WAIT_S)


# ------------------------------------------------------------------ desktop
def desktop_languages() -> list[str]:
    """The languages the desktop's own settings name, best first ("de-DE", "en-US"):
    Windows' display languages, macOS' preferred languages. Elsewhere the
    environment variables are the system's setting: none here."""
    try:
        if system() == WINDOWS:
            return _windows_languages()
        if system() == MACOS:
            return _macos_languages()
    except (AttributeError, OSError, ValueError):
        pass  # the system did not answer: the words stay English
    return []


def _windows_languages() -> list[str]:
    import ctypes
    from ctypes import wintypes

    ask = ctypes.WinDLL("kernel32").GetUserPreferredUILanguages  # type: ignore[attr-defined]  # Windows only
    ask.argtypes = [wintypes.DWORD, ctypes.POINTER(wintypes.ULONG), wintypes.LPWSTR, ctypes.POINTER(wintypes.ULONG)]
    ask.restype = wintypes.BOOL
    count, size = wintypes.ULONG(0), wintypes.ULONG(0)
    if not ask(_MUI_LANGUAGE_NAME, ctypes.byref(count), None, ctypes.byref(size)):
        return []
    names = ctypes.create_unicode_buffer(size.value)
    if not ask(_MUI_LANGUAGE_NAME, ctypes.byref(count), names, ctypes.byref(size)):
        return []
    return [name for name in ctypes.wstring_at(names, size.value).split("\0") if name]


def _macos_languages() -> list[str]:
    import ctypes

    cf = ctypes.CDLL("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")
    cf.CFLocaleCopyPreferredLanguages.argtypes = []
    cf.CFLocaleCopyPreferredLanguages.restype = ctypes.c_void_p
    cf.CFArrayGetCount.argtypes = [ctypes.c_void_p]
    cf.CFArrayGetCount.restype = ctypes.c_long
    cf.CFArrayGetValueAtIndex.argtypes = [ctypes.c_void_p, ctypes.c_long]
    cf.CFArrayGetValueAtIndex.restype = ctypes.c_void_p
    cf.CFStringGetCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_long, ctypes.c_uint32]
    cf.CFStringGetCString.restype = ctypes.c_ubyte
    cf.CFRelease.argtypes = [ctypes.c_void_p]
    languages = cf.CFLocaleCopyPreferredLanguages()
    if not languages:
        return []
    try:
        found = []
        name = ctypes.create_string_buffer(128)
        for index in range(cf.CFArrayGetCount(languages)):
            item = cf.CFArrayGetValueAtIndex(languages, index)
            if cf.CFStringGetCString(item, name, len(name), _KCF_STRING_ENCODING_UTF8):
                found.append(name.value.decode("utf-8"))
        return found
    finally:
        cf.CFRelease(languages)


def desktop_reduces_motion() -> bool | None:
    """Whether the desktop asks for less motion, where it says so without a message
    bus: Windows' animation effects off, macOS' Reduce motion on. None: not said
    (Linux asks its portal, ui/motion.py)."""
    try:
        if system() == WINDOWS:
            return _windows_reduces()
        if system() == MACOS:
            return _macos_reduces()
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _windows_reduces() -> bool | None:
    import ctypes

    on = ctypes.c_int()
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]  # Windows only: mypy reads Linux's ctypes
    if not user32.SystemParametersInfoW(_SPI_GETCLIENTAREAANIMATION, 0, ctypes.byref(on), 0):
        return None
    return not on.value


def _macos_reduces() -> bool | None:
    """NSWorkspace.sharedWorkspace.accessibilityDisplayShouldReduceMotion, through the
    Objective-C runtime (AppKit is loaded: Qt's cocoa platform uses it)."""
    import ctypes

    objc = ctypes.CDLL("/usr/lib/libobjc.A.dylib")
    objc.objc_getClass.argtypes = [ctypes.c_char_p]
    objc.objc_getClass.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = [ctypes.c_char_p]
    objc.sel_registerName.restype = ctypes.c_void_p
    # objc_msgSend called with the exact signature of each message (arm64 needs it).
    send_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(("objc_msgSend", objc))
    send_bool = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_void_p)(("objc_msgSend", objc))
    workspace_class = objc.objc_getClass(b"NSWorkspace")
    if not workspace_class:
        return None
    workspace = send_object(workspace_class, objc.sel_registerName(b"sharedWorkspace"))
    if not workspace:
        return None
    return bool(send_bool(workspace, objc.sel_registerName(b"accessibilityDisplayShouldReduceMotion")))


def has_console() -> bool:
    """Whether a line printed to stderr reaches anyone: not in Windows' windowed
    launcher (pythonw), which has no stderr at all."""
    return sys.stderr is not None


def tell_without_console(line: str, title: str) -> None:
    """Show ``line`` where there is no console to print it: a message box on Windows.
    Elsewhere a windowed start still has a stderr (the desktop's log)."""
    if system() != WINDOWS:
        return
    with contextlib.suppress(AttributeError, OSError):
        _windows_message_box(line, title)


def _windows_message_box(line: str, title: str) -> None:
    import ctypes

    ctypes.windll.user32.MessageBoxW(None, line, title, _MB_ICONERROR)  # type: ignore[attr-defined]  # Windows only
