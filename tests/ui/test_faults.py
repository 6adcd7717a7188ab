"""Faults told and survived in the window (issue #19): a read-only disk opens the history
read-only and says why; an unusable data folder is told once, by its real cause, and
nothing says the pauses are saved while they are not; the Keeper's news; Space while a
break waits to be picked up comes back to it; a protected store offers an interrupted
pause once it is unlocked."""

from __future__ import annotations

import errno
import tempfile
import threading
from collections import namedtuple
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QLockFile, Qt
from PySide6.QtWidgets import QApplication

from couplepause.app import safekeeping
from couplepause.app.application import build
from couplepause.common import paths
from couplepause.common.formatting import time_of_day
from couplepause.common.problems import Problem
from couplepause.common.texts import words
from couplepause.core.flow import Ev, State
from couplepause.store import space
from couplepause.store.errors import StoreUnavailable, cause
from couplepause.store.repository import Repository
from tests.store.conftest import episode

PASS = "kettle on the windowsill"
READ_ONLY = "The disk that holds the data folder is read-only."
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


@pytest.fixture
def rescue_home(tmp_path, monkeypatch):
    """Rescue copies go under this test's folders, not the real home or /tmp."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "home" / "couplepause-rescue"


def built(qtbot, data, clock, **options):
    bundle = build(data, clock=clock.monotonic, wall=clock.now, boot=clock.boot, **options)
    qtbot.addWidget(bundle.window, before_close_func=lambda _window: bundle.shutdown())
    return bundle


def files_of(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------ a read-only disk
def test_a_read_only_disk_opens_the_history_read_only_and_says_why(data_dir, qtbot, clock, rescue_home):
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge([episode(f"2025-0{m}-10T20:00:00.000+01:00") for m in (1, 2, 3)])
    before = files_of(data_dir)
    bundle = built(qtbot, data_dir, clock, cannot_save=Problem("read_only_disk"))
    told = words("notices", "read_only_disk", reason=READ_ONLY)
    assert bundle.repository.read_only
    assert bundle.window.notice_shown() == told
    assert told.startswith("Nothing can be saved on this disk now. The disk that holds the data folder is read-only.")

    presenter = bundle.open_history()  # the history is there to read
    with qtbot.waitSignal(presenter.complete, timeout=10000):
        pass
    assert len(presenter.view.episodes()) == 3
    bundle.close_history()

    bundle.writer.retry_delays = (3600,)
    qtbot.keyClick(bundle.window.talking.pause_button, Qt.Key.Key_Space)  # the Pause still works
    assert bundle.controller.flow.state is State.BREATHING
    qtbot.waitUntil(lambda: bundle.controller.unsaved_reason != "", timeout=5000)
    assert bundle.window.notice_shown() == told  # a failed write says the same, with its why
    assert files_of(data_dir) == before  # nothing was written, nothing set aside


# ------------------------------------------------------- an unusable data folder
def test_an_unusable_data_folder_is_told_once_by_its_real_cause(tmp_path, qtbot, clock, rescue_home):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    data = blocker / "couplepause"
    bundle = built(qtbot, data, clock)
    why = f"{blocker} is a file, so the data folder cannot be made there."
    assert bundle.window.notice_shown() == words("notices", "not_saving", reason=why)  # once, not twice

    lock = QLockFile(str(paths.lock_file(data)))
    guard = safekeeping.FolderGuard(data, lock, held=False, on_remade=lambda: None)
    bundle.repository._guard = guard
    bundle.writer.retry_delays = (3600,)
    bundle.controller.pause()
    qtbot.waitUntil(lambda: bundle.controller.unsaved_reason != "", timeout=5000)
    assert bundle.controller.unsaved_reason == why  # not "is gone … is a drive unplugged?"
    assert bundle.window.notice_shown() == words("notices", "save_failed", reason=why)

    bundle.care.keeper_event("problem", "The disk is full.")  # never "Your pauses are saved" now
    bundle.care.keeper_event("rescue_failed", "The disk is full.")
    assert bundle.window.notice_shown() == words("notices", "save_failed", reason=why)


def test_the_guard_asks_about_an_unplugged_drive_only_for_a_folder_it_had(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    never = blocker / "data"
    guard = safekeeping.FolderGuard(never, QLockFile(str(tmp_path / "x.lock")), held=False, on_remade=lambda: None)
    with pytest.raises(StoreUnavailable) as caught:
        guard()
    assert caught.value.key == "cannot_make_data_dir"
    assert cause(caught.value) == f"{blocker} is a file, so the data folder cannot be made there."

    gone = tmp_path / "drive" / "data"
    paths.ensure_data_dir(gone)
    guard = safekeeping.FolderGuard(gone, QLockFile(str(paths.lock_file(gone))), held=False, on_remade=lambda: None)
    guard()  # the lock taken: the folder was there
    (gone / "couplepause.lock").unlink()
    gone.rmdir()
    gone.parent.rmdir()
    with pytest.raises(StoreUnavailable) as caught:
        guard()
    assert caught.value.key == "folder_and_parent_gone"
    guard.release()


def test_the_keeper_leaves_a_store_that_cannot_open_to_the_window(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    data = blocker / "data"
    monkeypatch.setattr(safekeeping, "rescue_dirs", lambda: [tmp_path / "rescue"])
    safekeeping.write_rescue(data, [episode(repair_minutes=None)])  # a copy from a run before
    events = []
    keeper = safekeeping.Keeper(Repository(paths.store_dir(data)), data, lambda *event: events.append(event),
                                first_delay=3600)
    keeper.run_once()
    keeper.start()  # its first step saves rescue copies, where it can
    keeper.stop(timeout=10)
    assert events == []  # no "backup failed", no "your pauses are saved": the window tells the folder
    assert len(safekeeping.rescue_files(data)) == 1  # still there, for a round that can save it


def test_a_backup_problem_says_the_pauses_are_saved_only_while_they_are(app, qtbot, monkeypatch):
    app.care.keeper_event("problem", "The disk is full.")
    assert app.window.notice_shown() == (
        "Today’s backup wasn’t made: The disk is full. Your pauses are saved, and we’ll try again later."
    )
    app.window.hide_notice()

    app.writer.retry_delays = (3600,)

    def full(_episode):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.repository, "save_active", full)
    app.controller.pause()
    qtbot.waitUntil(lambda: app.controller.unsaved_reason == "The disk is full.", timeout=5000)
    failing = app.window.notice_shown()
    app.care.keeper_event("problem", "The disk is full.")  # said on this thread at once
    assert app.window.notice_shown() == failing == words("notices", "save_failed", reason="The disk is full.")


def test_the_keeper_skips_the_day_s_backup_on_a_nearly_full_disk_and_says_so(data_dir, monkeypatch, tmp_path):
    repo = Repository(paths.store_dir(data_dir), backups_dir=paths.backups_dir(data_dir))
    repo.open()
    repo.merge([episode(f"2025-0{m}-10T20:00:00.000+01:00") for m in (1, 2, 3)], now=NOW)
    monkeypatch.setattr(safekeeping, "rescue_dirs", lambda: [tmp_path / "rescue"])
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(space.shutil, "disk_usage", lambda _path: usage(100 * space.MIB, 95 * space.MIB, 5 * space.MIB))
    events = []
    told = threading.Event()

    def on_event(kind, value):
        events.append((kind, value))
        told.set()

    keeper = safekeeping.Keeper(repo, data_dir, on_event, now=lambda: NOW, first_delay=0)
    keeper.start()
    try:
        assert told.wait(10)
    finally:
        keeper.stop()
    [(kind, text)] = events
    assert kind == "problem" and text.startswith("The disk is nearly full: 5 MiB are free")
    assert not [b for b in repo.backups.list() if b.reason == "daily"]


# --------------------------------------------------------- a break waiting to be picked up
def offered_after_restart(make_app, qtbot, clock, *, on_break: bool):
    first = make_app()
    first.controller.pause()
    if on_break:
        first.controller.dispatch(Ev.START_BREAK, value=20)
    paused = first.controller.flow.episode
    first.shutdown()
    clock.advance(5 * 60)
    second = make_app()
    second.window.show()
    qtbot.waitUntil(lambda: second.window.talking.resume_card.isVisible())
    with qtbot.waitActive(second.window):
        second.window.activateWindow()
    assert QApplication.focusWidget() is second.window.talking.pause_button
    return second, paused


def stored(bundle):
    assert bundle.writer.flush(5)
    repo = Repository(bundle.repository.folder, read_only=True)
    repo.open()
    return repo.load_all()


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_P], ids=["Space", "P"])
def test_pause_while_a_break_waits_comes_back_to_that_pause(make_app, qtbot, clock, key):
    bundle, paused = offered_after_restart(make_app, qtbot, clock, on_break=True)
    qtbot.keyClick(QApplication.focusWidget(), key)
    c = bundle.controller
    assert c.flow.state is State.BREATHING and c.flow.episode.id == paused.id  # that one, not a second
    assert not bundle.window.talking.resume_card.isVisible()
    assert bundle.window.notice_shown() == words("talking", "came_back_to_break", time=time_of_day(paused.paused_at))
    [kept] = stored(bundle)
    assert kept.id == paused.id and not kept.closed and kept.breaks[-1].ended_at is not None


def test_pause_with_no_break_waiting_starts_exactly_one_pause(make_app, qtbot, clock):
    bundle, before = offered_after_restart(make_app, qtbot, clock, on_break=False)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert bundle.controller.flow.state is State.BREATHING
    episodes = stored(bundle)
    assert len(episodes) == 2  # the interrupted one kept in the history as it was, one new
    [old] = [e for e in episodes if e.id == before.id]
    assert old.closed and not old.is_repaired


# ------------------------------------------------------------- a protected store
@pytest.mark.parametrize("unlocked_before", [False, True], ids=["sealed", "encrypted"])
def test_a_protected_store_offers_an_interrupted_pause_once_unlocked(make_app, data_dir, qtbot, clock, unlocked_before):
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.protect(PASS)
    first = make_app()
    if unlocked_before:
        first.writer.call(lambda r: r.unlock(PASS), lambda _r, _e: None)
    first.controller.pause()  # then the laptop's battery ran out
    paused = first.controller.flow.episode
    assert first.writer.flush(10)
    first.shutdown()

    clock.advance(10 * 60)
    second = make_app()
    second.window.show()
    qtbot.waitExposed(second.window)
    qtbot.waitUntil(lambda: second.writer.pending() == 0)
    assert second.repository.locked and second.controller.offered is None  # nothing can be read yet
    presenter = second.open_history()
    panel = presenter.view.lock_panel
    panel.field.setText(PASS)
    qtbot.mouseClick(panel.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.controller.offered is not None, timeout=15000)
    assert second.controller.offered.id == paused.id
    second.close_history()
    talking = second.window.talking
    assert talking.resume_card.isVisible()
    assert talking.resume_text.text() == words("talking", "resume_open", time=time_of_day(paused.paused_at))
