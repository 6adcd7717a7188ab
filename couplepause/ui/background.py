"""Slow file work (opening an export, writing one) off the UI thread.

The Pause button must answer at once whatever else is going on, so a job
that reads or writes a whole file runs on a worker thread, and its result
comes back on the UI thread.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot


class MainThread(QObject):
    """Runs callables on the Qt main thread; safe to call from any thread. Once
    stopped (the window is closing), answers that still arrive are dropped."""

    invoke = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.stopped = False
        self.invoke.connect(self._run)

    def stop(self) -> None:
        self.stopped = True

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        if not self.stopped:
            fn()


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
    relay = MainThread(parent)

    def finish(result: Any, error: BaseException | None) -> None:
        relay.deleteLater()
        done(result, error)

    def work() -> None:
        try:
            result, error = job(), None
        except Exception as exc:  # noqa: BLE001 - handed to done() on the UI thread
            result, error = None, exc
        try:
            relay.invoke.emit(lambda: finish(result, error))
        except RuntimeError:  # the relay was deleted with its parent
            pass

    thread = threading.Thread(target=work, name="couplepause-file", daemon=not finish_before_exit)
    thread.start()
    return thread
