"""Answers from other threads, heard on the UI thread; slow file work off it.

The Pause button must answer at once whatever else is going on, so a job that
reads or writes a whole file runs on a worker thread, and its result comes back
on the UI thread. Every answer travels through one relay that lives as long as
the application: a worker never hands anything to an object a window may be
deleting at that moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

RELAY_NAME = "couplepause-main-thread"


class MainThread(QObject):
    """Runs callables on the Qt main thread; :meth:`post` may be called from any
    thread. A child of the application, made once (:func:`main_thread`). Once the
    application is about to quit it takes nothing more, so nothing is posted to it
    while it is being deleted."""

    invoke = Signal(object)

    def __init__(self, app: QCoreApplication):
        super().__init__(app)
        self.setObjectName(RELAY_NAME)
        self._lock = threading.Lock()
        self._open = True
        self.invoke.connect(self._run)
        app.aboutToQuit.connect(self._close)

    def post(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the main thread soon (dropped once the app is quitting)."""
        with self._lock:
            if self._open:
                self.invoke.emit(fn)

    @Slot()
    def _close(self) -> None:
        with self._lock:
            self._open = False

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


def main_thread() -> MainThread:
    """The application's relay; the first call comes from the main thread."""
    app = QCoreApplication.instance()
    relay = app.findChild(MainThread, RELAY_NAME)
    return relay if relay is not None else MainThread(app)


class Answers:
    """Where one part of the app hears back from other threads: on the main thread,
    until :meth:`stop` (its window is closing: an answer then finds nobody to tell)."""

    def __init__(self) -> None:
        self._relay = main_thread()
        self.stopped = False  # read and written on the main thread only

    def post(self, fn: Callable[[], None]) -> None:
        """From any thread: ``fn()`` on the main thread, unless stopped by then."""
        self._relay.post(lambda: None if self.stopped else fn())

    def stop(self) -> None:
        self.stopped = True


def in_background(
    job: Callable[[], Any],
    done: Callable[[Any, BaseException | None], None],
    *,
    parent: QObject,
    finish_before_exit: bool = False,
) -> threading.Thread:
    """Run ``job()`` on a worker thread, then ``done(result, error)`` on the UI
    thread. If ``parent`` is gone by then (its window was closed), the result
    is dropped: nobody is left to show it to. ``finish_before_exit``: a job
    that writes a file is finished even if the app quits meanwhile."""
    relay = main_thread()

    def deliver(result: Any, error: BaseException | None) -> None:
        if shiboken6.isValid(parent):
            done(result, error)

    def work() -> None:
        try:
            result, error = job(), None
        except Exception as exc:  # noqa: BLE001 - handed to done() on the UI thread
            result, error = None, exc
        relay.post(lambda: deliver(result, error))

    thread = threading.Thread(target=work, name="couplepause-file", daemon=not finish_before_exit)
    thread.start()
    return thread
