"""Why is there no desktop for the window, and what does a Qt library that does not load need?

Qt ends the process (exit 134, lines about xcb) when it finds no platform it can open
a window on; ``app/launch.py`` hears that and asks :func:`no_display` why, to say it
in one line: it follows Qt's own choice of platform (the ``QT_QPA_PLATFORM`` list,
else Wayland when the session is one, then X11) and, for each, looks whether its
server answers on this computer: a connection to the local socket
(``/tmp/.X11-unix/X<n>``, or the Wayland compositor's), opened and closed at once.
Whatever it cannot tell without the network or Qt (a display on another host, a
platform such as ``offscreen`` that needs no screen) is left to what Qt said.
Windows and macOS have no DISPLAY: there the answer is always "there is one".

:func:`missing_library` reads an ImportError (or a loader's message) for the system
library that is not installed and names its Debian/Ubuntu package from
:data:`PACKAGES`; ``packaging/system_libraries.py`` (run by a test) keeps that
table true to what the Qt libraries link to.

Qt-free and without words: the command line says what these find. Nothing here runs
on a good start.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Mapping
from typing import NamedTuple

from couplepause.common.console import Refused

X11_SOCKETS = "/tmp/.X11-unix/X{number}"
WAYLAND_DEFAULT = "wayland-0"
CONNECT_TIMEOUT_S = 2.0  # a server that is there but busy counts as there
# Where Qt looks for a display server (the rest of the world's systems are left to Qt).
_CHECKED_SYSTEMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")
_X_DISPLAY = re.compile(r"(?:(?P<protocol>[A-Za-z]+)/)?(?P<host>[^:/]*):(?P<number>[0-9]+)(?:\.[0-9]+)?")


class NoDisplay(NamedTuple):
    """No display server answers. ``variable`` and ``display``: the one that was
    named (e.g. DISPLAY and ``:99``) and is not there; both None when none was named."""

    variable: str | None = None
    display: str | None = None


def no_display(environ: Mapping[str, str] | None = None, system: str | None = None) -> NoDisplay | None:
    """Why Qt would find no display to open a window on, or None when it may try."""
    environ = os.environ if environ is None else environ
    if system is None:
        from couplepause.common import platform_support

        if platform_support.system() in (platform_support.WINDOWS, platform_support.MACOS):
            return None  # no DISPLAY there: Qt opens a window on the system's own platform
        system = sys.platform
    if not system.startswith(_CHECKED_SYSTEMS):
        return None
    named: NoDisplay | None = None
    for platform in _platforms(environ):
        if platform == "xcb":
            value = environ.get("DISPLAY", "")
            if not value:
                continue
            if _x_server_answers(value, system):
                return None
            named = named or NoDisplay("DISPLAY", value)
        elif platform.startswith("wayland"):
            if environ.get("WAYLAND_SOCKET") or _wayland_answers(environ):
                return None
            if environ.get("WAYLAND_DISPLAY"):
                named = named or NoDisplay("WAYLAND_DISPLAY", environ["WAYLAND_DISPLAY"])
        else:  # offscreen, minimal, eglfs, vnc, a platform with options ...: Qt knows
            return None
    return named or NoDisplay()


def _platforms(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt tries, in its order (QGuiApplication's choice on Unix)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        # "xcb", "wayland;xcb", "offscreen"; options after ':' make it one that Qt judges.
        return [entry.strip().lower() for entry in chosen.split(";") if entry.strip()]
    order = []
    if environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland":
        order.append("wayland")
    order.append("xcb")  # the wheel's default platform
    return order


def _x_server_answers(display: str, system: str) -> bool:
    """Whether the X server of ``display`` is there; True for one this cannot tell."""
    parts = _X_DISPLAY.fullmatch(display)
    if parts is None:
        return True  # another form (a socket's path, say): Qt reads it
    local = parts["protocol"] in (None, "unix") and parts["host"] in ("", "unix")
    if not local:
        return True  # over the network: couplepause opens no network connection, Qt does
    path = X11_SOCKETS.format(number=parts["number"])
    addresses = ["\0" + path, path] if system.startswith("linux") else [path]  # Linux: abstract first, as libxcb
    return any(_answers(address) for address in addresses)


def _wayland_answers(environ: Mapping[str, str]) -> bool:
    name = environ.get("WAYLAND_DISPLAY") or WAYLAND_DEFAULT
    if not os.path.isabs(name):
        runtime = environ.get("XDG_RUNTIME_DIR")
        if not runtime:
            return False  # libwayland finds no socket without it
        name = os.path.join(runtime, name)
    return _answers(name)


def _answers(address: str) -> bool:
    """A local stream socket that takes a connection (closed again at once)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(CONNECT_TIMEOUT_S)
        probe.connect(address)
    except (TimeoutError, BlockingIOError, InterruptedError):
        return True  # there, but slow to take it: not why Qt found no display
    except OSError:
        return False
    finally:
        probe.close()
    return True


# ----------------------------------------------------------- missing libraries
# The system libraries that Qt's modules and plugins link to, with the Debian package
# that has each (on Ubuntu, where some were renamed, e.g. libglib2.0-0t64, apt-get
# takes these names too). The libraries every system has (libc, libstdc++, zlib) are
# left out. Checked against dpkg by tests/test_system_libraries.py.
PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
}
_NOT_FOUND = (  # compiled when a library is missing, not at every start
    r"(?P<library>[^\s:/]+\.so(?:\.[0-9]+)*): cannot open shared object file",  # Linux (glibc)
    r"Library not loaded: (?:\S*/)?(?P<library>[^\s/]+)",  # macOS
)


class MissingLibrary(NamedTuple):
    library: str  # e.g. libgssapi_krb5.so.2
    package: str | None  # the apt package that has it, where this is Debian or Ubuntu and it is known


def missing_library(error: BaseException | str, *, debian: bool | None = None) -> MissingLibrary | None:
    """The system library a loader could not find, from its message; None if it says none."""
    text = str(error)
    for pattern in _NOT_FOUND:
        found = re.search(pattern, text)
        if found:
            library = found["library"]
            on_debian = is_debian_like() if debian is None else debian
            return MissingLibrary(library, PACKAGES.get(library) if on_debian else None)
    return None


def is_debian_like() -> bool:
    """Debian, Ubuntu or a system built on them (where apt-get installs the packages)."""
    import platform

    try:
        release = platform.freedesktop_os_release()
    except OSError:
        return False
    family = {release.get("ID", "")} | set(release.get("ID_LIKE", "").split())
    return bool(family & {"debian", "ubuntu"})


def library_problem(error: BaseException) -> Refused | None:
    """The line for a Qt library that does not load (a system library it needs is not
    installed), naming what to install; None if ``error`` is not about that. ``error``:
    an ImportError of a PySide6 module, or the loader's OSError for a Qt plugin."""
    module = getattr(error, "name", None) or ""
    if isinstance(error, ImportError) and not module.startswith(("PySide6.", "shiboken6")):
        return None  # not Qt's: the unexpected error's line names it
    missing = missing_library(error)
    if missing is not None and missing.package:
        return Refused("library_missing_apt", library=missing.library, package=missing.package)
    if missing is not None:
        return Refused("library_missing", library=missing.library)
    if isinstance(error, ImportError):
        return Refused("qt_module_not_loaded", module=module, detail=error)
    return None
