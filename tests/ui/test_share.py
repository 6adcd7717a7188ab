"""Sharing: the export dialog, and the read-only windows a therapist opens."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from couplepause.common.texts import words
from couplepause.core.episode import Episode
from couplepause.core.flow import State
from couplepause.export import EXPORTERS, ExportOptions
from couplepause.ui.readonly import choose_and_open, open_window, open_windows

NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


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


def export_dialog(app, qtbot, fmt, target, *, stored=False):
    """The Export dialog, opened from the app, set to ``fmt`` and ``target``;
    ``stored``: the sample episodes are in the store first."""
    if stored:
        app.writer.call(lambda r: r.merge(sample()), lambda *_: None)
        assert app.writer.flush(5)
    app.open_export()
    qtbot.waitUntil(lambda: app.export_dialog is not None)
    dialog = app.export_dialog
    dialog.format_buttons[fmt].setChecked(True)
    dialog.path.setText(str(target))
    return dialog


def test_read_only_window_shows_the_file_and_changes_nothing(qtbot, tmp_path, data_dir):
    path = export_json(tmp_path / "ours.json", sample(), include_notes=True)
    before = path.read_bytes()
    window = open_window(path)
    qtbot.addWidget(window)
    view = window.view
    assert "read-only" in window.windowTitle() and "ours.json" in window.windowTitle()
    assert "couplepause" in window.windowTitle()
    assert view.episodes_model.rowCount() == 8
    for control in (view.delete_button, view.undo_button, view.export_button,
                    view.pause_button, view.back_button):
        assert not control.isVisibleTo(window)
    view.episodes_table.selectRow(0)
    reading = view.edit_selected()  # the note to read, nothing to change
    assert reading.read_only and reading.note.isReadOnly() and not hasattr(reading, "save_button")
    reading.close()
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
    qtbot.waitUntil(lambda: bool(app.window.findChildren(QMessageBox)))
    [box] = app.window.findChildren(QMessageBox)
    assert isinstance(box, QMessageBox) and "couldn’t be opened" in box.text()
    assert app.window.notice_shown() is None  # "Opening…" went away
    box.close()
    chooser.close()


def test_the_pause_answers_while_a_big_export_is_being_opened(qtbot, tmp_path, app, monkeypatch):
    """Checking a file takes seconds for a big export: it happens on a worker
    thread, and the Pause button works all the while."""
    from couplepause.ui import readonly

    path = export_json(tmp_path / "big.json", sample(4))
    release, seen = threading.Event(), {}
    real = readonly.read_export_file

    def slow_read(p):
        seen["thread"] = threading.current_thread()
        assert release.wait(10)
        return real(p)

    monkeypatch.setattr(readonly, "read_export_file", slow_read)
    chooser = choose_and_open(app.window)
    chooser.fileSelected.emit(str(path))
    assert app.window.notice_text.text() == words("menu", "opening", name="big.json")
    qtbot.waitUntil(lambda: "thread" in seen)
    assert seen["thread"] is not threading.main_thread()
    qtbot.mouseClick(app.window.talking.pause_button, Qt.MouseButton.LeftButton)  # the file is still being read
    assert app.controller.flow.state is State.BREATHING
    release.set()
    qtbot.waitUntil(lambda: any(w.path == path for w in open_windows()))
    window = next(w for w in open_windows() if w.path == path)
    assert window.view.episodes_model.rowCount() == 4
    window.close()
    chooser.close()


def test_export_dialog_writes_the_chosen_format(app, qtbot, tmp_path):
    repo = app.repository
    target = tmp_path / "for-therapist.json"
    dialog = export_dialog(app, qtbot, "json", target, stored=True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.notice_shown() is not None)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["episodes"]) == 8
    assert "SECRET-NOTE" not in target.read_text(encoding="utf-8")  # notes stay out by default
    assert app.window.notice_shown() == words("export", "done", n=8, path=str(target))
    assert repo is app.repository


def test_export_dialog_asks_before_replacing_a_file(app, qtbot, tmp_path):
    target = tmp_path / "exists.json"
    target.write_text("keep me", encoding="utf-8")
    dialog = export_dialog(app, qtbot, "json", target)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    box = dialog.confirm
    keep = next(b for b in box.buttons() if b.text() == words("export", "overwrite_no"))
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert target.read_text(encoding="utf-8") == "keep me"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    replace = next(b for b in dialog.confirm.buttons() if b.text() == words("export", "overwrite_yes"))
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.read_text(encoding="utf-8") != "keep me")
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "couplepause-export"


def test_the_export_dialog_waits_for_the_file_and_the_pause_still_answers(app, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "ours.csv"
    dialog = export_dialog(app, qtbot, "csv", target, stored=True)
    exporter = EXPORTERS["csv"]
    release, seen = threading.Event(), {}
    real = type(exporter).export

    def slow_export(self, *args):
        seen["thread"] = threading.current_thread()
        assert release.wait(10)
        return real(self, *args)

    monkeypatch.setattr(type(exporter), "export", slow_export)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "thread" in seen)
    assert seen["thread"] is not threading.main_thread()
    assert dialog.error.text() == words("export", "writing")
    assert dialog.error.accessibleName() == words("accessible", "notice")  # not a problem: news
    assert not dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.reject()  # Esc, or the window's close button: it waits for the file
    assert dialog.isVisible()
    qtbot.mouseClick(app.window.talking.pause_button, Qt.MouseButton.LeftButton)
    assert app.controller.flow.state is State.BREATHING
    release.set()
    done = words("export", "done", n=8, path=str(target))
    qtbot.waitUntil(lambda: app.window.notice_shown() == done)  # the dialog closed itself
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # the CSV, complete


def test_an_unexpected_export_failure_is_said_calmly_and_writes_nothing(app, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "ours.json"
    dialog = export_dialog(app, qtbot, "json", target)

    def broken(self, *args):
        raise MemoryError("out of memory")

    monkeypatch.setattr(type(EXPORTERS["json"]), "export", broken)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() == words("export", "unexpected"))
    assert dialog.error.accessibleName() == words("accessible", "problem")
    assert dialog.export_button.isEnabled() and dialog.isVisible()
    assert not target.exists()
    dialog.close()


def test_a_pdf_from_the_dialog_is_drawn_away_from_the_ui_thread(app, qtbot, tmp_path):
    target = tmp_path / "report.pdf"
    dialog = export_dialog(app, qtbot, "pdf", target, stored=True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    done = words("export", "done", n=8, path=str(target))
    qtbot.waitUntil(lambda: app.window.notice_shown() == done, timeout=20000)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


def test_opening_another_file_from_a_read_only_window_says_so_in_its_status_bar(qtbot, tmp_path):
    first = open_window(export_json(tmp_path / "a.json", sample(3)))
    qtbot.addWidget(first)
    second_path = export_json(tmp_path / "b.json", sample(5))
    chooser = choose_and_open(first)
    chooser.fileSelected.emit(str(second_path))
    assert first.notice_shown() == words("menu", "opening", name="b.json")
    qtbot.waitUntil(lambda: any(w.path == second_path for w in open_windows()))
    assert first.notice_shown() is None
    for window in open_windows():
        window.close()
    chooser.close()


# ------------------------------------------------- practice, the plan, patterns
def test_the_export_dialog_offers_practice_plan_and_patterns_off_by_default(app, qtbot, tmp_path):
    dialog = export_dialog(app, qtbot, "pdf", tmp_path / "report.pdf")
    boxes = (dialog.practice, dialog.plan, dialog.patterns)
    assert not any(box.isChecked() for box in boxes)
    assert [box.accessibleName() for box in boxes] == [
        words("export", "include_practice"), words("export", "include_plan"), words("export", "include_patterns")]
    offered = {fmt: (dialog.format_buttons[fmt].setChecked(True),
                     [box.isVisibleTo(dialog) and box.isEnabled() for box in boxes])[1] for fmt in ("pdf", "csv", "json")}
    assert offered == {"pdf": [True, False, True], "csv": [True, False, False], "json": [True, True, False]}
    for box in boxes:
        box.setChecked(True)
    assert (dialog.options().include_practice, dialog.options().include_plan) == (True, True)
    assert not dialog.options().include_patterns  # JSON: the PDF's patterns do not apply
    dialog.format_buttons["pdf"].setChecked(True)
    assert dialog.options().include_patterns and not dialog.options().include_plan
    dialog.close()


def test_the_export_dialog_writes_practice_and_our_plan_when_ticked(app, qtbot, tmp_path):
    from couplepause.core.plan import PartnerPlan, Plan

    plan = Plan(partners={"a": PartnerPlan("pull_back", helps="a walk"), "b": PartnerPlan("reach_out")},
                pause_signal="hands up")
    practice = sample(1)[0].with_changes(id="7d4f9a2e-0b1c-4d5e-8f6a-1b2c3d4e5f60", practice=True)
    app.writer.call(lambda r: (r.merge([practice]), r.save_plan(plan)), lambda *_: None)
    target = tmp_path / "all.json"
    dialog = export_dialog(app, qtbot, "json", target, stored=True)
    dialog.practice.setChecked(True)
    dialog.plan.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["plan"] == plan.to_dict()
    assert [e["practice"] for e in data["episodes"]].count(True) == 1 and len(data["episodes"]) == 9


def test_the_new_boxes_are_reached_with_the_keyboard(app, qtbot, tmp_path):
    dialog = export_dialog(app, qtbot, "json", tmp_path / "k.json")
    for box in (dialog.practice, dialog.plan):
        assert box.focusPolicy() & Qt.FocusPolicy.TabFocus
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
    dialog.close()


def test_a_plan_shared_in_the_file_is_shown_read_only(qtbot, tmp_path):
    from PySide6.QtWidgets import QLineEdit

    from couplepause.core.plan import PartnerPlan, Plan

    plan = Plan(partners={"a": PartnerPlan("pull_back", helps="a walk"), "b": PartnerPlan("reach_out")},
                way_back="side by side")
    with_plan = open_window(export_json(tmp_path / "plan.json", sample(3), include_plan=True, plan=plan))
    qtbot.addWidget(with_plan)
    actions = [a.text() for a in with_plan.menuBar().actions()[0].menu().actions()]
    assert words("menu", "plan_in_file") in actions
    dialog = with_plan.open_plan()
    assert dialog.value().with_changes(updated_at=None) == plan
    assert all(edit.isReadOnly() for edit in dialog.findChildren(QLineEdit))
    assert not dialog.save_button.isVisibleTo(dialog) and not dialog.parts["a"].move.isEnabled()
    dialog.close()
    without = open_window(export_json(tmp_path / "none.json", sample(3)))
    qtbot.addWidget(without)
    assert without.plan is None
    assert words("menu", "plan_in_file") not in [a.text() for a in without.menuBar().actions()[0].menu().actions()]


def test_a_file_from_0_1_opens_mended_as_its_data_folder_would_be_and_says_so(qtbot):
    from pathlib import Path

    old = Path(__file__).parent.parent / "export" / "data" / "0.1-break-after-repair" / "export.json"
    window = open_window(old)
    qtbot.addWidget(window)
    assert window.notice_shown() == "1 break ended after its repair; its end was set to the repair time."
    assert window.view.episodes_model.rowCount() == 3
    window.close()


def test_a_file_with_nothing_mended_opens_without_a_word(qtbot, tmp_path):
    window = open_window(export_json(tmp_path / "ours.json", sample(3)))
    qtbot.addWidget(window)
    assert window.notice_shown() is None
    window.close()
