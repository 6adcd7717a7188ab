"""Notes readable everywhere (a tooltip, Enter, a double click; in the read-only
view, shown and not editable), a list that stays still (after a delete, and when
notes are shown), the read-only window inside the screen, and the export
dialog's dates that look as unavailable as they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from couplepause.common.texts import words
from couplepause.core.episode import Episode
from couplepause.export import EXPORTERS, ExportOptions
from couplepause.ui import charts
from couplepause.ui.basics import FRAME_ROOM
from couplepause.ui.history import Deletion
from couplepause.ui.main_window import MINIMUM_SIZE
from couplepause.ui.readonly import open_window
from tests.ui.conftest import settle

NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
LONG_NOTE = ("Her mother's visit again. I went quiet and you pushed harder, and the harder you pushed the "
             "quieter I got. While breathing I saw that I was afraid of letting you down. Next time I say so sooner.")


def pauses(count: int = 40, days: int = 80) -> list[Episode]:
    made = []
    for i in range(count):
        paused = NOW - timedelta(days=days * (count - i) / count)
        ep = Episode.start(paused, f"00000000-0000-4000-8000-{i:012d}")
        ep = ep.repaired(wall_now=paused, monotonic_seconds=300 + 97 * (i % 13))
        made.append(ep.with_changes(closed=True, paused_by=("a", "b", "both")[i % 3],
                                    note=LONG_NOTE if i == count - 1 else (f"note {i}" if i % 4 == 0 else None)))
    return made


def note_column(view) -> int:
    return view.episodes_model.COLUMNS.index("col_note")


def on_episodes(view, qtbot):
    view.tabs.setCurrentIndex(view.tabs.indexOf(view.episodes_table.parentWidget()))
    settle()
    view.episodes_table.setFocus()
    view.episodes_table.selectRow(0)  # the newest: the long note


def test_a_shown_note_is_whole_in_its_tooltip_and_a_hidden_one_stays_hidden(history_view, qtbot):
    _bundle, view = history_view(pauses())
    model, column = view.episodes_model, note_column(view)
    newest = model.index(0, column)
    assert model.data(newest, Qt.ItemDataRole.ToolTipRole) == words("history", "note_hidden")
    view.notes_button.click()
    assert model.data(newest) == LONG_NOTE
    assert model.data(newest, Qt.ItemDataRole.ToolTipRole) == LONG_NOTE


def test_enter_and_a_double_click_open_the_note_in_full(history_view, qtbot):
    _bundle, view = history_view(pauses())
    on_episodes(view, qtbot)
    qtbot.keyClick(view.episodes_table, Qt.Key.Key_Return)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.note.toPlainText() == LONG_NOTE and not dialog.note.isReadOnly()
    dialog.close()
    table = view.episodes_table
    cell = table.visualRect(view.episodes_model.index(0, note_column(view))).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert view.dialog is not dialog and view.dialog.note.toPlainText() == LONG_NOTE
    view.dialog.close()


def read_only_file(tmp_path, episodes=None):
    path = tmp_path / "theirs.json"
    EXPORTERS["json"].export(episodes or pauses(), ExportOptions(include_notes=True), path)
    return path


def test_the_read_only_view_opens_a_note_in_full_and_changes_nothing(qtbot, tmp_path):
    path = read_only_file(tmp_path)
    before = path.read_bytes()
    window = open_window(path)
    qtbot.addWidget(window)
    view = window.view
    on_episodes(view, qtbot)
    assert view.edit_button.isVisibleTo(window) and view.edit_button.text() == words("history", "read")
    qtbot.keyClick(view.episodes_table, Qt.Key.Key_Enter)
    dialog = view.dialog
    assert dialog.read_only and dialog.note.isReadOnly() and dialog.note.toPlainText() == LONG_NOTE
    assert not hasattr(dialog, "save_button") and not hasattr(dialog, "cycle")
    assert dialog.note.height() > 3 * dialog.note.fontMetrics().lineSpacing()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and path.read_bytes() == before
    window.close()


def test_showing_notes_moves_no_button(history_view, qtbot):
    _bundle, view = history_view(pauses())
    on_episodes(view, qtbot)
    where = [b.mapTo(view, QPoint(0, 0)) for b in (view.edit_button, view.delete_button, view.undo_button)]
    width = view.notes_button.width()
    view.notes_button.click()
    settle()
    assert view.notes_button.text() == words("history", "hide_notes")
    assert [b.mapTo(view, QPoint(0, 0)) for b in (view.edit_button, view.delete_button, view.undo_button)] == where
    assert view.notes_button.width() == width


def test_a_delete_never_makes_the_columns_jump(history_view, qtbot):
    items = pauses(60, 120)
    newest = items[-1]  # the longest time to come back of all: its column is as wide as its words
    items[-1] = Episode.start(newest.paused_at, newest.id).repaired(
        wall_now=newest.paused_at, monotonic_seconds=2 * 3600 + 47 * 60).with_changes(closed=True, paused_by="both")
    bundle, view = history_view(items, size=(1024 - FRAME_ROOM[0], 600 - FRAME_ROOM[1]))
    view.set_range("3m")
    on_episodes(view, qtbot)
    header = view.episodes_table.horizontalHeader()
    columns = range(view.episodes_model.columnCount() - 1)  # the last one takes what room is left
    widths = [header.sectionSize(c) for c in columns]
    for _ in range(12):
        view.episodes_table.selectRow(0)
        view.delete_requested.emit(Deletion(view.selected_episode().id))
        settle()
        assert [header.sectionSize(c) for c in columns] == widths
    assert bundle.writer.flush(5)


def test_the_read_only_window_opens_inside_the_screen_and_can_be_made_small(qtbot, tmp_path):
    window = open_window(read_only_file(tmp_path, pauses(120, 360)))
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert window.width() <= area.width() - FRAME_ROOM[0] and window.height() <= area.height() - FRAME_ROOM[1]
    assert window.minimumWidth() <= MINIMUM_SIZE[0] and window.minimumHeight() <= MINIMUM_SIZE[1]
    view = window.view
    view.set_range("12m")
    settle()
    assert view.plot_height() >= charts.PLOT_MIN_PX
    # Its File menu says what Ctrl+W does: it closes this window, the app goes on.
    actions = {a.shortcut().toString(): a.text() for a in window.menuBar().actions()[0].menu().actions()}
    assert actions[QKeySequence(QKeySequence.StandardKey.Close).toString()] == words("menu", "close")
    assert words("menu", "quit") not in actions.values()
    window.close()


def test_the_export_dialogs_dates_look_unavailable_under_all_dates(app, qtbot):
    app.open_export()
    qtbot.waitUntil(lambda: app.export_dialog is not None)
    dialog = app.export_dialog
    qtbot.waitExposed(dialog)
    assert dialog.all_time.isChecked() and not dialog.since.isEnabled()
    unavailable = dialog.since.grab().toImage()
    dialog.all_time.setChecked(False)
    settle()
    assert dialog.since.isEnabled()
    assert dialog.since.grab().toImage() != unavailable
    dialog.close()
