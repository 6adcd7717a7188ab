"""Starting couplepause as a desktop app: one instance per data folder (a second launch
brings the running window to the front), a private process, SIGTERM as a clean quit,
the window on screen before the store loads, and ``couplepause open FILE``.

``app.build()`` does the wiring; this module runs it in an event loop. Start-up
order: the window with the Pause button shows first; the store, the flow and
everything else load in the event-loop turn right after it appears. A press in
that short moment is kept with its exact time and becomes the pause as soon as
the flow is ready.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QLockFile, QSocketNotifier, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from couplepause import APP_NAME, __version__
from couplepause.common import paths, platform_support, texts
from couplepause.common.texts import words
from couplepause.ui import theme
from couplepause.ui.main_window import MainWindow

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

    from couplepause.app.application import App

log = logging.getLogger(__name__)

RAISE_MESSAGE = b"raise\n"
SECOND_LAUNCH_WAIT_S = 8.0
SIGNAL_LOOK_MS = 250  # Windows: how often Python looks for Ctrl+C (SIGTERM must quit within 3 s)


def _ask_running_instance_to_raise(key: str) -> bool:
    """Tell the instance that owns the lock to come to the front."""
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(key)
    if not sock.waitForConnected(250):
        sock.abort()
        return False
    sock.write(RAISE_MESSAGE)
    sock.flush()
    sock.waitForBytesWritten(500)
    sock.disconnectFromServer()
    return True


def _take_lock_or_hand_over(lock: QLockFile, key: str, folder: Path) -> str:
    """"owner": this process holds the data folder. "handed": a running instance was
    asked to come forward. "silent": another instance holds it but does not answer.
    "cannot": the folder cannot be locked at all (missing, read-only, full), even where
    an earlier run left its lock file (a read-only disk keeps it: no one holds it)."""
    deadline = time.monotonic() + SECOND_LAUNCH_WAIT_S
    writable: bool | None = None  # found out once, only when a lock file is in the way
    while True:
        if lock.tryLock(0):
            return "owner"
        if _ask_running_instance_to_raise(key):
            return "handed"
        if lock.error() != QLockFile.LockError.LockFailedError:
            return "cannot"  # no lock can be made there (read-only, full); one window is still enough
        if writable is None:
            writable = paths.cannot_write(folder) is None
        if not writable:
            return "cannot"  # a lock file no one can replace, and nothing could be saved beside it
        if time.monotonic() > deadline:
            return "silent"
        time.sleep(0.1)  # the owner is still starting up: ask again shortly


def _serve_raise_requests(key: str, window: MainWindow):
    from PySide6.QtNetwork import QLocalServer

    server = QLocalServer(window)
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    QLocalServer.removeServer(key)  # a socket left by a crash; we hold the lock
    if not server.listen(key):
        log.warning("could not listen for other launches: %s", server.errorString())

    def on_connection() -> None:
        while server.hasPendingConnections():
            conn = server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: (c.readAll(), window.bring_to_front()))
            conn.disconnected.connect(conn.deleteLater)

    server.newConnection.connect(on_connection)
    return server


def _install_signal_handlers(app: QApplication, on_signal: Callable[[], None]) -> Callable[[], None]:
    """Turn SIGTERM/SIGINT (and SIGHUP, or Windows' SIGBREAK) into a clean quit; returns
    what stops listening. Python runs a signal's handler only when it runs at all, so
    the signal wakes Qt's event loop: through a pipe on Linux and macOS (no polling);
    on Windows, which has no such pipe, a timer lets Python look every
    ``SIGNAL_LOOK_MS`` (platform_support.signals_wake_by_pipe)."""
    if not platform_support.signals_wake_by_pipe():
        for sig in platform_support.quit_signals():
            signal.signal(sig, lambda *_: QTimer.singleShot(0, on_signal))
        look = QTimer(app)
        look.timeout.connect(lambda: None)  # Python runs, and with it any handler due
        look.start(SIGNAL_LOOK_MS)
        return look.stop
    wakeup = platform_support.Wakeup()  # both ends live as long as the process
    signal.set_wakeup_fd(wakeup.write_end)
    for sig in platform_support.quit_signals():
        signal.signal(sig, lambda *_: None)
    notifier = QSocketNotifier(wakeup.fileno, QSocketNotifier.Type.Read, app)

    def woke() -> None:
        wakeup.drain()
        on_signal()

    notifier.activated.connect(woke)
    notifier._wakeup = wakeup
    return lambda: notifier.setEnabled(False)


def _qt_application() -> QApplication:
    """The QApplication. Where Qt finds no platform to open a window on (no display, one
    that is not there or refuses us, a platform plugin that does not load), Qt ends the
    process with a fatal message: that becomes one line in our words and exit 1 instead
    of an abort. What Qt says on a good start is passed on."""
    existing = QApplication.instance()
    if existing is not None:
        return existing
    heard: list[tuple[str, str]] = []

    def listen(kind: QtMsgType, context, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            _cannot_start(heard, message)
        heard.append((context.category or "default", message))

    previous = qInstallMessageHandler(listen)
    try:
        qt_app = QApplication(sys.argv[:1])
    finally:
        qInstallMessageHandler(previous)
    for category, message in heard:
        print(message if category == "default" else f"{category}: {message}", file=sys.stderr)
    return qt_app


def _cannot_start(heard: list[tuple[str, str]], fatal: str) -> NoReturn:
    """Say why Qt cannot start, in one line, and end the process (exit 1): Qt aborts it
    when this returns. Nothing is made or open yet (the data folder comes later): no
    display answers, or a library the platform plugin needs is missing, or else what Qt
    said."""
    from couplepause.common.console import EXIT_FAILURE, Refused, end_now, say

    if os.environ.get("COUPLEPAUSE_DEBUG"):
        for category, message in [*heard, ("default", fatal)]:
            print(f"{category}: {message}", file=sys.stderr)
    told = [message for category, message in heard
            if category.startswith("qt.qpa") and category != "qt.qpa.plugin"]
    detail = (told or fatal.splitlines() or [""])[0].strip()
    say(_no_display_problem() or _plugin_library_problem(heard) or Refused("qt_found_no_display", detail=detail))
    end_now(EXIT_FAILURE)


def _no_display_problem():
    """Where no display server answers on this computer, which one is missing, in our
    words (None where one answers, or where that cannot be told without Qt)."""
    from couplepause.app.desktop import no_display
    from couplepause.common.console import Refused

    missing = no_display()
    if missing is None:
        return None
    if missing.display is None:
        return Refused("no_display")
    return Refused("display_not_there", display=missing.display, variable=missing.variable)


def _plugin_library_problem(heard: list[tuple[str, str]]):
    """A platform plugin that Qt found but could not load: the system library it lacks,
    as the loader tells it when the plugin is loaded by hand (None if it loads)."""
    import ctypes
    import re

    from PySide6.QtCore import QLibraryInfo

    from couplepause.app.desktop import library_problem

    default = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    said = " ".join(message for _category, message in heard)
    # 'Could not load the Qt platform plugin "xcb" in "" even though it was found.'
    for name, where in dict.fromkeys(re.findall(r'platform plugin "([^"]+)" in "([^"]*)"', said)):
        for plugin in sorted((Path(where) if where else default).glob(f"*q{name}.*")):
            try:
                ctypes.CDLL(str(plugin))
            except OSError as exc:
                problem = library_problem(exc)
                if problem is not None:
                    return problem
    return None


def speak_in_qt(qt_app: QApplication) -> None:
    """Qt in the language of our words: its dates and numbers (QLocale's default, from
    formatting.locale()) and its own words (standard buttons, the calendar, a text
    field's menu: qtbase_<language>.qm from Qt's translations folder)."""
    from couplepause.common.formatting import locale

    here = locale()
    if texts.language() == texts.SOURCE_LANGUAGE:
        return  # Qt's own words are English
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(qt_app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(here, "qtbase", "_", folder):
        qt_app.installTranslator(translator)
    else:
        log.warning("Qt's own words for %s were not found in %s", here.name(), folder)


def run_readonly(path: Path, export_file=None) -> int:
    """``couplepause open FILE``: the export, read-only, in its own window.
    Touches no data folder, so it runs beside the app and beside other files."""
    import tempfile

    from couplepause.ui.readonly import open_window

    QApplication.setApplicationName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_NAME)
    scratch = tempfile.TemporaryDirectory(prefix=f"{APP_NAME}-")  # Qt's recent folders: gone at exit
    _private_process(Path(scratch.name))
    qt_app = _qt_application()
    speak_in_qt(qt_app)
    theme.set_style(qt_app)
    theme.set_icon(qt_app)
    window = open_window(Path(path), export_file)
    _follow_the_desktop(qt_app, window)
    stop_listening = _install_signal_handlers(qt_app, qt_app.quit)
    code = qt_app.exec()
    stop_listening()
    scratch.cleanup()
    return code


def _follow_the_desktop(qt_app, window) -> None:
    """The read-only window has no settings: it follows the desktop's light or dark, as Qt
    hears it and as the desktop's portal says it (asked once the window shows)."""
    from PySide6.QtCore import QTimer

    from couplepause.ui.desktop_scheme import DesktopScheme

    theme.follow(qt_app, lambda: "system")
    desktop = DesktopScheme(window)
    desktop.changed.connect(lambda: theme.desktop_said(qt_app, "system", desktop.said()))
    QTimer.singleShot(0, desktop, desktop.start)


def _private_process(qt_settings: Path) -> None:
    """Files this process makes are private (0600, folders 0700), whatever the umask; Qt's
    own settings (the file dialog's recent folders) go to ``qt_settings``."""
    from PySide6.QtCore import QSettings

    os.umask(0o077)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(qt_settings))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(qt_settings))


class _Running:
    """What the window's start makes once the Pause button is on screen."""

    def __init__(self) -> None:
        self.app: App | None = None
        self.server: QLocalServer | None = None  # answers a second launch
        self.failed: ImportError | None = None  # Qt's network module would not load


def run_gui(data_dir: Path, *, chosen: bool = True) -> int:
    """Start the app on ``data_dir``; exit code for the process.

    The window opens even when the data folder cannot be used (missing and not
    creatable, read-only, a full disk, a lock file an earlier run left on a disk that
    is read-only now), and says why: pauses are kept in memory and written as soon as
    the folder can take them; the guard takes the lock first. On a read-only disk the
    history is opened read-only. A file in the
    folder's place, or another couplepause that holds it and does not answer, is
    raised as a Problem for the command line to say.
    """
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_NAME)
    if data_dir.exists() and not data_dir.is_dir():
        raise paths.DataDirError("data_dir_is_file", folder=data_dir)  # the command line says so
    _private_process(paths.qt_settings_dir(data_dir))
    from couplepause.settings import Settings

    settings = Settings.for_data_dir(data_dir)  # what the first window needs: language, look, welcome
    texts.set_language(settings.get("language"))  # before a word is said
    qt_app = _qt_application()  # where no window can open, one line, before the data folder is made
    # If it cannot be made, build() says so in the window; the guard makes it when it can.
    with contextlib.suppress(paths.DataDirError):
        data_dir = paths.ensure_data_dir(data_dir)
    if chosen:
        privacy = words("notices", "folder_open", folder=data_dir) if paths.openness(data_dir) else None
    else:
        privacy = words("notices", "folder_tightened") if paths.tighten(data_dir) else None
    key = paths.instance_key(data_dir)
    lock = QLockFile(str(paths.lock_file(data_dir)))
    lock.setStaleLockTime(0)  # only a live process holds the lock
    owner = _take_lock_or_hand_over(lock, key, data_dir)
    if owner == "handed":
        return 0
    if owner == "owner":
        paths.private_file(paths.lock_file(data_dir))
    if owner == "silent":
        from couplepause.common.console import Refused

        raise Refused("instance_silent", folder=data_dir)
    theme.set_style(qt_app, settings.get("theme"))
    window = MainWindow(welcome=not settings.get("welcome_seen"))
    early_press: list[tuple[float, float]] = []  # (clock, epoch seconds)

    def pressed_early() -> None:
        if not early_press:
            from couplepause.core.clock import system_clock  # the clock build() measures with

            early_press.append((system_clock()(), time.time()))

    window.talking.pause_requested.connect(pressed_early)
    running = _Running()

    def on_signal() -> None:
        if running.app is not None:
            running.app.shutdown()  # a rescue copy of anything unwritten, named on stderr
        window.close()
        qt_app.quit()

    def after_first_show() -> None:
        # The Pause button is on screen: now Qt's dates and own words in our language
        # (the home screen shows neither), the store, the flow, the local socket for
        # other launches, and the breathing screen the Pause opens.
        speak_in_qt(qt_app)
        try:
            import PySide6.QtNetwork  # noqa: F401  the socket for other launches, first: it may not load
        except ImportError as exc:  # a system library it needs is missing: the command line says which
            running.failed = exc
            qt_app.exit(1)
            return
        from couplepause.app.application import build
        from couplepause.app.safekeeping import FolderGuard
        from couplepause.ui.background import main_thread

        bundle = None  # the App, once built: the guard may remake the folder before

        def remade() -> None:  # on the writer's thread, before a write
            main_thread().post(told_remade)

        def told_remade() -> None:
            if bundle is not None:
                bundle.window.show_notice(words("notices", "folder_remade"))

        guard = FolderGuard(data_dir, lock, held=owner == "owner", on_remade=remade)
        # Why nothing can be saved there now (a missing folder is told by build()).
        cannot_save = paths.write_problem(data_dir) if owner == "cannot" and data_dir.is_dir() else None
        bundle = build(data_dir, window=window, guard=guard, keep=True, cannot_save=cannot_save)
        running.app = bundle
        if privacy is not None and cannot_save is None:
            bundle.window.show_notice(privacy)
        from couplepause.app import errorlog

        errorlog.start(data_dir)
        window.talking.pause_requested.disconnect(pressed_early)
        if early_press:
            from datetime import datetime

            reading, epoch = early_press[0]
            bundle.controller.pause(at=(reading, datetime.fromtimestamp(epoch).astimezone()))
        running.server = _serve_raise_requests(key, window)
        window.ready_for_the_pause()

    stop_listening = _install_signal_handlers(qt_app, on_signal)
    # Windows ends a session by emitting this and ending the process right after
    # (WM_ENDSESSION): what is open is written there. Elsewhere exec() returns first.
    qt_app.aboutToQuit.connect(lambda: running.app.shutdown() if running.app is not None else None)
    window.first_exposed.connect(after_first_show)
    window.show()
    code = qt_app.exec()
    if running.app is not None:
        running.app.shutdown()
    elif owner == "owner":
        lock.unlock()
    if running.server is not None:
        running.server.close()
    stop_listening()
    if running.failed is not None:
        raise running.failed
    return code
