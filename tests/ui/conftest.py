"""Fixtures for window tests: the whole app on a temp data folder, fake clocks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from couplepause.app.application import build
from couplepause.store.repository import Repository


class FakeClock:
    """Monotonic and wall clocks that move only when a test says so."""

    def __init__(self) -> None:
        self.mono = 500.0
        self.wall = datetime(2026, 11, 23, 21, 4, 5, 250000, tzinfo=timezone(timedelta(hours=1)))
        self.boot = "boot:one"

    def reboot(self, downtime: float) -> None:
        """The computer restarted: its clock starts again near zero."""
        self.mono = 10.0
        self.boot = "boot:two"
        self.wall += timedelta(seconds=downtime)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return self.mono

    def now(self) -> datetime:
        return self.wall


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_app(qtbot, data_dir, clock):
    """Build the app (window not shown); every app built is shut down after the test."""
    built = []

    def make(folder=None):
        bundle = build(folder or data_dir, clock=clock.monotonic, wall=clock.now, boot=clock.boot)
        # Shut down before pytest-qt closes the window: closing in the middle of a
        # pause would ask the couple first.
        qtbot.addWidget(bundle.window, before_close_func=lambda _window: bundle.shutdown())
        built.append(bundle)
        return bundle

    yield make
    for bundle in built:
        bundle.shutdown()


@pytest.fixture
def app(make_app, qtbot):
    bundle = make_app()
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    # Let the start-up read of the store come back.
    qtbot.waitUntil(lambda: bundle.writer.pending() == 0)
    return bundle


# The app's ways to open each of its dialogs (attribute paths on the App).
DIALOG_OPENERS = [
    "open_settings", "open_safety", "open_export", "care.open_restore", "privacy.open_delete_all", "planning.open",
]


def shown_dialogs():
    from PySide6.QtWidgets import QApplication, QDialog

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def open_dialog(bundle, qtbot, opener: str):
    """Open a dialog the way the app does (``opener`` from DIALOG_OPENERS); the dialog."""
    target = bundle
    for part in opener.split("."):
        target = getattr(target, part)
    target()
    qtbot.waitUntil(lambda: len(shown_dialogs()) == 1)
    return shown_dialogs()[0]


@pytest.fixture
def active(app, qtbot):
    """The app's window active, its focus on the Pause button, as a couple finds it."""
    from PySide6.QtWidgets import QApplication

    with qtbot.waitActive(app.window):
        app.window.activateWindow()
    assert QApplication.focusWidget() is app.window.talking.pause_button
    return app


def settle() -> None:
    """What a change leaves to do, done: the posted layout requests, resizes and
    paints, a few rounds (a layout can ask for another). Instead of a short wait."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QCoreApplication.processEvents()


def fill_store(folder, items):
    repo = Repository(folder / "store")
    repo.open()
    repo.merge(items)


@pytest.fixture
def history_view(make_app, data_dir, qtbot, clock):
    """Open the history of ``items`` in a window of ``size``: (bundle, view). "Now" is
    the ``clock``'s (a module sets its own by overriding the ``clock`` fixture)."""

    def open_with(items, size=(1280, 800)):
        fill_store(data_dir, items)
        bundle = make_app()
        bundle.window.setMinimumSize(0, 0)
        bundle.window.resize(*size)
        bundle.window.show()
        qtbot.waitExposed(bundle.window)
        presenter = bundle.open_history()
        with qtbot.waitSignal(presenter.complete, timeout=10000):
            pass
        return bundle, presenter.view

    return open_with
