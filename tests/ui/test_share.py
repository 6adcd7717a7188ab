"""Sharing: the export dialog, and the read-only windows a therapist opens."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from couplepause.core.episode import Episode
from couplepause.export import EXPORTERS, ExportOptions
from couplepause.texts import words
from couplepause.ui.readonly import choose_and_open, open_window, open_windows

NOW = datetime(2026, 11, 23, 21, 0, tzinfo=timezone.utc)


def sample(n=8):
    out = []
    for i in range(n):
        paused = NOW - timedelta(days=3 * (n - i))
        ep = Episode.start(paused).repaired(wall_now=paused, monotonic_seconds=300 + 60 * i)
        out.append(ep.with_changes(closed=True, note="SECRET-NOTE" if i == 2 else None))
    return out


def export_json(path, episodes, **options):
    EXPORTERS["json"].export(episodes, ExportOptions(**options), path)
    return path


def test_read_only_window_shows_the_file_and_changes_nothing(qtbot, tmp_path, data_dir):
    path = export_json(tmp_path / "ours.json", sample(), include_notes=True)
    before = path.read_bytes()
    window = open_window(path)
    qtbot.addWidget(window)
    view = window.view
    assert "read-only" in window.windowTitle() and "ours.json" in window.windowTitle()
    assert "couplepause" in window.windowTitle()
    assert view.episodes_model.rowCount() == 8
    for control in (view.edit_button, view.delete_button, view.undo_button, view.export_button,
                    view.pause_button, view.back_button):
        assert not control.isVisibleTo(window)
    view.episodes_table.selectRow(0)
    assert view.edit_selected() is None
    assert view.delete_selected() is None
    view.undo_requested.emit()  # nothing listens: nothing to undo
    view.notes_button.click()  # reading notes is fine, they are in the file
    assert view.episodes_model.rowCount() == 8
    assert path.read_bytes() == before
    assert not data_dir.exists()  # no store anywhere was touched
    window.close()


def test_several_files_open_at_once(qtbot, tmp_path):
    first = open_window(export_json(tmp_path / "a.json", sample(3)))
    second = open_window(export_json(tmp_path / "b.json", sample(5)))
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    assert {first, second} <= set(open_windows())
    assert first.view.episodes_model.rowCount() == 3 and second.view.episodes_model.rowCount() == 5
    first.close()
    second.close()


def test_a_bad_file_gets_a_message_not_a_traceback(qtbot, tmp_path, app):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "couplepause-export", "episodes": [', encoding="utf-8")
    chooser = choose_and_open(app.window)
    chooser.fileSelected.emit(str(bad))
    box = app.window._open_failed
    assert isinstance(box, QMessageBox) and "couldn't be opened" in box.text()
    box.close()
    chooser.close()


def test_export_dialog_writes_the_chosen_format(app, qtbot, tmp_path):
    repo = app.repository
    app.writer.call(lambda r: r.merge(sample()), lambda *_: None)
    assert app.writer.flush(5)
    app.open_export()
    qtbot.waitUntil(lambda: app.export_dialog is not None)
    dialog = app.export_dialog
    dialog.format_buttons["json"].setChecked(True)
    target = tmp_path / "for-therapist.json"
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["episodes"]) == 8
    assert "SECRET-NOTE" not in target.read_text(encoding="utf-8")  # notes stay out by default
    assert app.window.notice_text.text() == words("export", "done", n=8, path=str(target))
    assert repo is app.repository


def test_export_dialog_asks_before_replacing_a_file(app, qtbot, tmp_path):
    app.open_export()
    qtbot.waitUntil(lambda: app.export_dialog is not None)
    dialog = app.export_dialog
    dialog.format_buttons["json"].setChecked(True)
    target = tmp_path / "exists.json"
    target.write_text("keep me", encoding="utf-8")
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    box = dialog.confirm
    keep = next(b for b in box.buttons() if b.text() == words("export", "overwrite_no"))
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert target.read_text(encoding="utf-8") == "keep me"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    replace = next(b for b in dialog.confirm.buttons() if b.text() == words("export", "overwrite_yes"))
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "couplepause-export"
