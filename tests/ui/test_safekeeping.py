"""The window's side of keeping data safe: losses told with the offer of a backup,
Restore from a backup, the data folder removed while open, rescue copies at quit."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QLockFile, Qt
from PySide6.QtWidgets import QMessageBox

from couplepause.app import safekeeping
from couplepause.app.application import build
from couplepause.common import paths
from couplepause.common.texts import pauses, words
from couplepause.store import envelope as storage  # the store's files are written through it
from couplepause.store.repository import Repository
from tests.store.conftest import episode
from tests.ui.conftest import settle

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def seeded(data_dir, months=(1, 2, 3), backup=True) -> Repository:
    repo = Repository(paths.store_dir(data_dir), backups_dir=paths.backups_dir(data_dir))
    repo.open()
    repo.merge([episode(f"2025-{m:02d}-10T20:00:00.000+01:00") for m in months], now=NOW)
    if backup:
        repo.backup("daily", NOW + timedelta(hours=1))
    return repo


def notice(bundle, qtbot) -> str:
    qtbot.waitUntil(lambda: bundle.window.notice_shown() is not None, timeout=5000)
    return bundle.window.notice_shown()


@pytest.fixture
def rescue_home(tmp_path, monkeypatch):
    """Rescue copies go under this test's folders, not the real home or /tmp."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "home" / "couplepause-rescue"


def test_a_damaged_month_is_told_and_brought_back_from_a_backup(make_app, data_dir, qtbot):
    seeded(data_dir)
    (paths.store_dir(data_dir) / "episodes" / "2025-02.json").write_bytes(b"\x00garbage")
    bundle = make_app()
    bundle.repository.load_all()  # what the Keeper does in the background
    text = notice(bundle, qtbot)
    assert text.startswith(words("notices", "lost_month", month="February 2025"))
    assert "The backup of " in text
    assert bundle.window.notice_action.isVisibleTo(bundle.window)
    assert bundle.window.notice_action.text() == words("notices", "bring_back")
    qtbot.mouseClick(bundle.window.notice_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bundle.window.notice_shown() == words("notices", "brought_back", pauses=pauses(1)), timeout=5000)
    assert len(bundle.repository.load_all()) == 3
    assert bundle.repository.missing() == []


def test_a_loss_no_backup_holds_is_told_once_the_couple_has_seen_it(make_app, data_dir, qtbot):
    seeded(data_dir, backup=False)
    (paths.store_dir(data_dir) / "episodes" / "2025-01.json").write_bytes(b"")
    first = make_app()
    first.repository.load_all()
    assert notice(first, qtbot) == f"{words('notices', 'lost_month', month='January 2025')} {words('notices', 'lost_no_backup')}"
    assert first.window.notice_action.text() == words("notices", "go_on_without")  # offered, never pressed here
    qtbot.mouseClick(first.window.notice_dismiss, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.repository.missing()[0].noted, timeout=5000)
    first.shutdown()
    again = make_app()
    assert again.writer.flush(5)
    settle()
    assert again.window.notice_shown() is None  # seen: not again at every start
    assert [m.part for m in again.repository.missing()] == ["2025-01"]  # still missing, still known


def test_a_gone_month_is_told_and_brought_back_from_a_backup(make_app, data_dir, qtbot):
    seeded(data_dir)
    (paths.store_dir(data_dir) / "episodes" / "2025-02.json").unlink()
    bundle = make_app()
    text = notice(bundle, qtbot)  # found at open, before anything is read
    assert text.startswith(words("notices", "lost_month_gone", month="February 2025")) and "The backup of " in text
    qtbot.mouseClick(bundle.window.notice_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bundle.window.notice_shown() == words("notices", "brought_back", pauses=pauses(1)), timeout=5000)
    assert len(bundle.repository.load_all()) == 3 and bundle.repository.missing() == []


def test_a_loss_no_backup_holds_can_be_let_go_once_and_is_never_told_again(make_app, data_dir, qtbot):
    seeded(data_dir, backup=False)
    (paths.store_dir(data_dir) / "episodes" / "2025-01.json").unlink()
    first = make_app()
    expected = f"{words('notices', 'lost_month_gone', month='January 2025')} {words('notices', 'lost_no_backup')}"
    assert notice(first, qtbot) == expected
    qtbot.mouseClick(first.window.notice_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.window.notice_shown() == words("notices", "went_on_without"), timeout=5000)
    assert first.repository.missing() == []
    [accepted] = first.repository.meta.accepted
    assert accepted["part"] == "episodes/2025-01"
    first.shutdown()
    again = make_app()
    assert again.writer.flush(5)
    settle()
    assert again.window.notice_shown() is None and again.repository.missing() == []
    assert len(again.repository.load_all()) == 2


def test_a_damaged_plan_is_told_as_the_plan_and_brought_back(make_app, data_dir, qtbot):
    from couplepause.core.plan import PartnerPlan, Plan

    plan = Plan(partners={"a": PartnerPlan("pull_back", helps="a walk"), "b": PartnerPlan("reach_out")})
    repo = seeded(data_dir, backup=False)
    repo.save_plan(plan)
    repo.backup("daily", NOW + timedelta(hours=1))
    (paths.store_dir(data_dir) / "plan.json").write_bytes(b"{damaged")
    bundle = make_app()
    assert bundle.repository.plan() is None  # what the live flow asks: set aside, told
    text = notice(bundle, qtbot)
    assert text.startswith(words("notices", "lost_plan")) and "holds it." in text
    assert bundle.window.notice_action.text() == words("notices", "bring_back_plan")
    qtbot.mouseClick(bundle.window.notice_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bundle.window.notice_shown() == words("notices", "plan_brought_back"), timeout=5000)
    assert bundle.repository.plan() == plan and bundle.repository.missing() == []


def test_restore_from_a_backup_in_settings(make_app, data_dir, qtbot):
    seeded(data_dir)
    bundle = make_app()
    bundle.repository.merge([episode("2025-08-10T20:00:00.000+02:00")])
    settings = bundle.open_settings()
    qtbot.addWidget(settings)
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bundle.care.restore_dialog is not None, timeout=5000)
    dialog = bundle.care.restore_dialog
    qtbot.addWidget(dialog)
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(lines) == 2  # newest first: before the import of August, then the daily one
    assert words("restore", "reason_before-import") in lines[0]
    assert pauses(3) in lines[1] and words("restore", "reason_daily") in lines[1]
    dialog.list.setCurrentRow(1)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1 and pauses(3) in dialog.question.text()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Restored"), timeout=5000)
    assert len(bundle.repository.load_all()) == 3
    kept = bundle.repository.backups.list()[0]
    assert kept.reason == "before-restore" and kept.pauses == 4


def test_the_data_folder_removed_while_open_is_made_again_with_the_lock(qtbot, tmp_path, clock):
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    lock = QLockFile(str(paths.lock_file(data)))
    assert lock.tryLock(0)
    remade = []
    guard = safekeeping.FolderGuard(data, lock, held=True, on_remade=lambda: remade.append(1))
    bundle = build(data, clock=clock.monotonic, wall=clock.now, guard=guard)
    qtbot.addWidget(bundle.window)
    try:
        shutil.rmtree(data)
        bundle.controller.pause()
        assert bundle.writer.flush(5)
        assert remade == [1]
        assert paths.lock_file(data).exists()
        other = QLockFile(str(paths.lock_file(data)))
        assert not other.tryLock(0)  # never two instances on one folder
        fresh = Repository(paths.store_dir(data), read_only=True)
        fresh.open()
        assert len(fresh.active()) == 1
    finally:
        bundle.shutdown()
    assert not paths.lock_file(data).exists()


def hold_lock_in_another_process(data):
    code = (
        "import sys\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(paths.lock_file(data))!r})\n"
        "print(lock.tryLock(0), flush=True)\n"
        "sys.stdin.read()\n"
        "lock.unlock()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "True"
    child.stdout.close()
    return child


@pytest.mark.process
def test_a_folder_taken_by_another_launch_is_never_written_to(qtbot, tmp_path, clock, rescue_home, capsys):
    data = tmp_path / "data"
    paths.ensure_data_dir(data)
    lock = QLockFile(str(paths.lock_file(data)))
    assert lock.tryLock(0)
    guard = safekeeping.FolderGuard(data, lock, held=True, on_remade=lambda: None)
    bundle = build(data, clock=clock.monotonic, wall=clock.now, guard=guard)
    qtbot.addWidget(bundle.window)
    shutil.rmtree(data)
    paths.ensure_data_dir(data)
    theirs = hold_lock_in_another_process(data)  # another couplepause started on the new folder
    try:
        bundle.writer.retry_delays = (3600,)
        bundle.controller.pause()
        qtbot.waitUntil(lambda: bundle.controller.unsaved_reason != "", timeout=5000)
        assert "Another couplepause now uses the data folder" in bundle.controller.unsaved_reason
        assert not paths.store_dir(data).exists()
    finally:
        bundle.shutdown()
        assert paths.lock_file(data).exists()  # theirs is left alone
        theirs.stdin.close()
        theirs.wait(10)
    assert "couplepause saves it the next time it starts" in capsys.readouterr().err


def test_quit_with_a_full_disk_keeps_a_rescue_copy_that_the_next_start_saves(
    make_app, data_dir, qtbot, monkeypatch, rescue_home, capsys
):
    bundle = make_app()
    bundle.writer.retry_delays = (3600,)
    real = storage.atomic_write

    def full(path, data, **kwargs):
        if str(path).startswith(str(data_dir)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(storage, "atomic_write", full)
        bundle.controller.pause()
        qtbot.waitUntil(lambda: bundle.controller.unsaved_reason == "The disk is full.", timeout=5000)
        answers = []
        patch.setattr(QMessageBox, "open", lambda box: answers.append(box.text()))
        assert bundle.close_guard() is False  # asks first
        [asked] = answers
        [copy] = list(rescue_home.iterdir())
        assert str(copy) in asked and "The disk is full." in asked
        bundle.shutdown()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [words("notices", "rescued_on_quit", reason="The disk is full.", path=copy)]
    assert json.loads(copy.read_text("utf-8"))["rescued_from"] == str(data_dir)
    assert oct(copy.stat().st_mode & 0o777) == "0o600"

    again = make_app()
    keeper = safekeeping.Keeper(again.repository, data_dir, again.care.keeper_event)
    keeper.run_once()
    assert len(again.repository.active()) == 1
    assert not copy.exists() and copy.with_name(copy.name + ".saved").exists()
    assert notice(again, qtbot) == words("notices", "rescue_saved", pauses=pauses(1))


def test_the_keeper_makes_one_backup_a_day_and_rotates_only_when_nothing_is_missing(data_dir):
    repo = seeded(data_dir, backup=False)
    events = []
    days = iter([NOW, NOW + timedelta(hours=2), NOW + timedelta(days=1)])
    moment = {"now": NOW}

    def now():
        return moment["now"]

    keeper = safekeeping.Keeper(repo, data_dir, lambda kind, value: events.append(kind), now=now)
    for moment["now"] in days:
        keeper.run_once()
    assert events.count("backup") == 2
    assert [b.reason for b in repo.backups.list()] == ["daily", "daily"]  # none before the first import: nothing to keep


def test_the_history_says_which_pauses_it_cannot_show(make_app, data_dir, qtbot):
    seeded(data_dir, backup=False)
    (paths.store_dir(data_dir) / "episodes" / "2025-03.json").write_bytes(b"{")
    bundle = make_app()
    presenter = bundle.open_history()
    view = presenter.view
    qtbot.waitUntil(lambda: view.missing_note.isVisibleTo(view), timeout=5000)
    assert view.missing_note.text() == words("history", "missing_months", months="March 2025")
