"""Privacy on a shared laptop, through the window: the passphrase set, a wrong one, the
history's lock (and locking again), a pause while locked, protected names, delete
all, private file modes under umask 022, and an error log with nothing personal."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from couplepause.app import errorlog, safekeeping
from couplepause.common import paths
from couplepause.common.texts import words
from couplepause.store.repository import Repository
from tests.store.conftest import episode

PASS = "kettle on the windowsill"
NOTE = "ZEBRA-NOTE-77: the phone at dinner again"
NAMES = ("Quinlan-Okafor", "Marisol-Vanterpool")


def all_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def seeded(data_dir: Path) -> Repository:
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge([episode(f"2025-0{m}-10T20:00:00.000+01:00", note=NOTE) for m in (1, 2, 3)])
    return repo


def protect_through_settings(bundle, qtbot, *, names: bool) -> None:
    settings = bundle.open_settings()
    qtbot.addWidget(settings)
    qtbot.mouseClick(settings.protect_button, Qt.MouseButton.LeftButton)
    dialog = bundle.privacy.dialog
    qtbot.addWidget(dialog)
    dialog.new.setText("short")
    dialog.again.setText("short")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == words("protect", "too_short", n=8)
    dialog.new.setText(PASS)
    dialog.again.setText(PASS + "!")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == words("protect", "differ")
    dialog.again.setText(PASS)
    dialog.names.setChecked(names)
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == words("protect", "done_protect"), timeout=10000)
    settings.close()


def test_protect_lock_unlock_and_a_pause_while_locked(make_app, data_dir, qtbot, clock):
    seeded(data_dir)
    bundle = make_app()
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    bundle.settings.update({"partner_a": NAMES[0], "partner_b": NAMES[1]})
    protect_through_settings(bundle, qtbot, names=True)
    assert NOTE.encode() not in all_bytes(data_dir)
    assert not any(name.encode() in all_bytes(data_dir) for name in NAMES)
    assert bundle.controller.names() == {"a": NAMES[0], "b": NAMES[1]}  # unlocked: their names

    bundle.privacy.relock()
    qtbot.waitUntil(lambda: bundle.repository.locked, timeout=5000)
    qtbot.waitUntil(lambda: bundle.controller.names()["a"] == words("app", "partner_a"), timeout=5000)

    bundle.controller.pause()  # never asks for the passphrase
    qtbot.waitUntil(lambda: bundle.writer.pending() == 0, timeout=5000)
    assert bundle.controller.flow.state.value == "breathing"

    presenter = bundle.open_history()
    view = presenter.view
    assert view.is_locked() and view.pause_button.isVisibleTo(view)
    panel = view.lock_panel
    panel.field.setText("not it at all")
    qtbot.mouseClick(panel.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text() == words("lock", "wrong"), timeout=10000)
    panel.field.setText(PASS)
    qtbot.mouseClick(panel.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_locked() and len(view.episodes()) == 4, timeout=10000)
    assert bundle.controller.names()["a"] == NAMES[0]

    bundle.window.hide()  # the window hidden: locked again
    qtbot.waitUntil(lambda: bundle.repository.locked and view.is_locked(), timeout=5000)
    assert view.episodes() == []


def test_remove_the_passphrase_gives_the_names_back(make_app, data_dir, qtbot):
    seeded(data_dir)
    bundle = make_app()
    bundle.settings.update({"partner_a": NAMES[0], "partner_b": NAMES[1]})
    protect_through_settings(bundle, qtbot, names=True)
    bundle.privacy.open_passphrase("remove")
    dialog = bundle.privacy.dialog
    qtbot.addWidget(dialog)
    dialog.current.setText("wrong one here")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == words("lock", "wrong"), timeout=10000)
    assert bundle.repository.protection.protected
    dialog.current.setText(PASS)
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == words("protect", "done_remove"), timeout=10000)
    assert not bundle.repository.protection.protected
    assert bundle.settings.partner_names("", "") == NAMES
    assert NOTE.encode() in all_bytes(paths.store_dir(data_dir))


def test_delete_all_our_data(make_app, data_dir, qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    repo = seeded(data_dir)
    repo.backup("daily")
    rescue = safekeeping.write_rescue(data_dir, [episode(repair_minutes=None)])
    bundle = make_app()
    bundle.settings.update({"partner_a": NAMES[0], "partner_b": NAMES[1]})
    errorlog.start(data_dir)
    import logging

    logging.getLogger("couplepause.test").warning("a test line")
    bundle.privacy.open_delete_all()
    dialog = bundle.privacy.dialog
    qtbot.addWidget(dialog)
    assert not dialog.delete_button.isEnabled()
    dialog.field.setText("Delete")
    assert dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Everything is deleted"), timeout=10000)
    for part in ("history", "settings", "rescue", "log"):
        assert words("delete_all_parts", part) in dialog.message.text()
    assert not rescue.exists()
    assert not paths.backups_dir(data_dir).exists() and not paths.settings_file(data_dir).exists()
    assert bundle.repository.load_all() == []
    bundle.controller.pause()  # the Pause works as always
    assert bundle.writer.flush(5)
    assert len(bundle.repository.active()) == 1
    errorlog.stop()


def test_the_error_log_never_holds_personal_content(make_app, data_dir, qtbot, monkeypatch):
    repo = seeded(data_dir)
    (paths.store_dir(data_dir) / "episodes" / "2025-02.json").write_bytes(b"{")  # a damaged month
    log_path = errorlog.start(data_dir)
    try:
        bundle = make_app()
        bundle.settings.update({"partner_a": NAMES[0], "partner_b": NAMES[1]})
        bundle.repository.load_all()
        from couplepause.store import envelope as storage  # the store's files are written through it

        def full(path, data, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(storage, "atomic_write", full)
        bundle.writer.retry_delays = (3600,)
        bundle.controller.pause()
        qtbot.waitUntil(lambda: bundle.controller.unsaved_reason != "", timeout=5000)
        monkeypatch.undo()
    finally:
        errorlog.stop()
    text = log_path.read_bytes()
    assert b"The disk is full" in text
    ids = [e.id for e in repo.load_all()]
    for secret in (NOTE, *NAMES, *ids):
        assert secret.encode() not in text
    assert not re.search(rb"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]", text)  # no time of a pause
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


@pytest.mark.process
@pytest.mark.skipif(sys.platform != "linux", reason="file modes and signals as on Linux")
def test_every_file_and_folder_is_private_under_umask_022(tmp_path, qtbot):
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    env.pop("COUPLEPAUSE_DATA_DIR", None)
    code = "import os, sys; os.umask(0o022); from couplepause.cli.commands import main; sys.exit(main(sys.argv[1:]))"
    app = subprocess.Popen([sys.executable, "-c", code, "--data-dir", str(data)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    socket = Path(tempfile.gettempdir()) / paths.instance_key(data)
    try:
        qtbot.waitUntil(lambda: socket.exists() or app.poll() is not None, timeout=20000)
        assert app.poll() is None, app.communicate()
    finally:
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=20)
    export = subprocess.run([sys.executable, "-c", code, "--data-dir", str(data), "export", "--output",
                             str(data / "for-our-therapist.csv")], env=env, capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    made = [data, *data.rglob("*")]
    for path in made:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(tmp_path)}: {oct(mode)}"
    assert not (tmp_path / "home" / ".config" / "QtProject.conf").exists()


def test_settings_and_the_lock_are_private_whatever_the_umask(tmp_path):
    from PySide6.QtCore import QLockFile

    from couplepause.settings import Settings

    before = os.umask(0o022)
    try:
        data = paths.ensure_data_dir(tmp_path / "data")
        Settings.for_data_dir(data).update({"partner_a": NAMES[0]})
        lock = QLockFile(str(paths.lock_file(data)))
        guard = safekeeping.FolderGuard(data, lock, held=False, on_remade=lambda: None)
        guard()  # takes the lock before the first write, as when the app could not at start
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (data, paths.settings_file(data), paths.lock_file(data))}
        lock.unlock()
    finally:
        os.umask(before)
    assert modes == {"data": 0o700, "settings.ini": 0o600, "couplepause.lock": 0o600}


def test_a_rescue_copy_of_a_protected_history_is_sealed_and_saved_after_unlocking(
    make_app, data_dir, qtbot, monkeypatch, tmp_path
):
    from couplepause.store import vault

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    repo = seeded(data_dir)
    repo.protect(PASS)
    bundle = make_app()
    pause = episode("2025-09-01T21:00:00.000+02:00", repair_minutes=None, note=NOTE)
    copy = safekeeping.write_rescue(data_dir, [pause], sealed_to=vault.public_key(bundle.repository.protection.header))
    assert NOTE.encode() not in copy.read_bytes() and pause.id.encode() not in copy.read_bytes()
    assert safekeeping.take_in_rescues(bundle.repository, data_dir) == 0  # locked: it waits
    assert copy.exists()
    presenter = bundle.open_history()
    presenter.view.lock_panel.unlock_requested.emit(PASS)
    qtbot.waitUntil(lambda: not copy.exists(), timeout=10000)
    assert bundle.repository.get(pause.id) is not None


def test_nothing_personal_where_others_look(app, qtbot, clock):
    from PySide6.QtWidgets import QLabel

    from couplepause.core.flow import Ev

    app.settings.update({"partner_a": NAMES[0], "partner_b": NAMES[1]})
    app.controller.apply_settings()
    app.controller.pause()
    app.controller.dispatch(Ev.START_BREAK, value=20)
    clock.advance(21 * 60)
    app.controller.break_timer.timeout.emit()  # the time to come back has come
    shown = " ".join(label.text() for label in app.window.on_break.findChildren(QLabel))
    assert app.window.windowTitle() == "couplepause"
    assert words("break", "invite_heading") in shown
    assert not any(name in shown or name in app.window.windowTitle() for name in NAMES)
