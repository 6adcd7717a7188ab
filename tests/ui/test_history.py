"""The history view: loading, ranges, edits with undo, table alternative, empty state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from couplepause.common.texts import words
from couplepause.core.episode import Episode, Reflection
from couplepause.store.repository import Repository
from couplepause.ui.history import NoteEdit

NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


def episodes(count: int, days: int) -> list[Episode]:
    made = []
    for i in range(count):
        paused = NOW - timedelta(days=days * (count - i) / count)
        ep = Episode.start(paused, f"00000000-0000-4000-8000-{i:012d}")
        if i % 7 != 3:
            ep = ep.repaired(wall_now=paused, monotonic_seconds=600 + 60 * (i % 11))
        made.append(ep.with_changes(closed=True, note=f"note {i}" if i % 2 else None))
    return made


def fill(folder, items):
    repo = Repository(folder / "store")
    repo.open()
    repo.merge(items)


def stored(folder):
    repo = Repository(folder / "store", read_only=True)
    repo.open()
    return {e.id: e for e in repo.load_all()}


@pytest.fixture
def history(make_app, data_dir, qtbot, clock):
    clock.wall = NOW

    def open_with(items):
        fill(data_dir, items)
        bundle = make_app()
        bundle.window.show()
        presenter = bundle.open_history()
        with qtbot.waitSignal(presenter.complete, timeout=10000):
            pass
        return bundle, presenter

    return open_with


def test_ranges_filter_and_switch(history):
    _bundle, presenter = history(episodes(120, 365))
    view = presenter.view
    assert view.pages.currentWidget() is view.tabs
    counts = {}
    for key in ("4w", "3m", "12m", "all"):
        view.set_range(key)
        counts[key] = view.episodes_model.rowCount()
        assert view.points_model.rowCount() == counts[key]
    assert counts["4w"] < counts["3m"] < counts["12m"] <= counts["all"] == 120
    assert view.summary.text()


def test_delete_then_undo(history, qtbot, data_dir):
    bundle, presenter = history(episodes(10, 20))
    view = presenter.view
    view.set_range("all")
    view.tabs.setCurrentIndex(2)
    view.episodes_table.selectRow(0)
    doomed = view.selected_episode()
    box = view.delete_selected()
    assert isinstance(box, QMessageBox)
    delete = next(b for b in box.buttons() if b.text() == words("history", "delete_yes"))
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert doomed.id not in {e.id for e in view.episodes()}
    assert bundle.writer.flush(5)
    assert doomed.id not in stored(data_dir)
    assert view.undo_button.isEnabled()
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert doomed.id in {e.id for e in view.episodes()}
    assert bundle.writer.flush(5)
    assert stored(data_dir)[doomed.id] == doomed


def test_keeping_it_deletes_nothing(history, qtbot, data_dir):
    _bundle, presenter = history(episodes(5, 10))
    view = presenter.view
    view.episodes_table.selectRow(0)
    box = view.delete_selected()
    keep = next(b for b in box.buttons() if b.text() == words("history", "delete_no"))
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert len(view.episodes()) == 5 and not view.undo_button.isEnabled()


def test_edit_note_and_cycle(history, qtbot, data_dir):
    bundle, presenter = history(episodes(6, 10))
    view = presenter.view
    view.episodes_table.selectRow(1)
    target = view.selected_episode()
    dialog = view.edit_selected()
    dialog.note.setPlainText("  we were both tired ")
    dialog.cycle.setCurrentIndex(dialog.cycle.findData("both_withdraw"))
    with qtbot.waitSignal(view.edit_requested) as asked:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked.args == [NoteEdit(target.id, Reflection("we were both tired", "both_withdraw"))]
    assert bundle.writer.flush(5)
    saved = stored(data_dir)[target.id]
    assert saved.note == "we were both tired" and saved.cycle == "both_withdraw"
    presenter.undo_stack.undo()
    assert bundle.writer.flush(5)
    assert stored(data_dir)[target.id].note == target.note


def test_notes_hidden_until_revealed(history):
    _bundle, presenter = history(episodes(4, 5))
    view = presenter.view
    model = view.episodes_model
    shown = [model.data(model.index(r, 5)) for r in range(model.rowCount())]
    assert words("history", "note_hidden") in shown and not any(s.startswith("note ") for s in shown)
    view.notes_button.click()
    shown = [model.data(model.index(r, 5)) for r in range(model.rowCount())]
    assert any(s.startswith("note ") for s in shown)


def test_table_alternative_has_the_same_figures(history):
    _bundle, presenter = history(episodes(30, 60))
    view = presenter.view
    view.set_range("all")
    assert view.points_model.rowCount() == 30
    assert view.weeks_model.rowCount() >= 8
    assert view.points_table.accessibleName() and view.weeks_table.accessibleName()
    open_rows = [r for r in range(30) if view.points_model.data(view.points_model.index(r, 1)) == words("history", "open")]
    assert len(open_rows) == sum(1 for i in range(30) if i % 7 == 3)


def test_empty_history_explains_kindly(history):
    _bundle, presenter = history([])
    view = presenter.view
    assert view.pages.currentWidget() is view.message
    assert view.message.text() == words("history", "empty")


def test_tiny_history_shows_words_not_an_empty_chart(history):
    _bundle, presenter = history(episodes(2, 3))
    view = presenter.view
    assert view.chart_tab.currentWidget() is view.chart_tab.tiny_message
    assert view.episodes_model.rowCount() == 2


def test_back_and_pause_from_history(history, qtbot):
    bundle, presenter = history(episodes(5, 5))
    qtbot.mouseClick(presenter.view.pause_button, Qt.MouseButton.LeftButton)
    assert bundle.window.current_view() is bundle.window.breathing


def test_the_charts_take_a_new_colour_scheme_while_the_history_is_open(history, qtbot):
    from PySide6.QtWidgets import QApplication

    from couplepause.ui import theme

    _bundle, presenter = history(episodes(40, 90))
    view = presenter.view
    qtbot.waitUntil(lambda: view.repair_chart is not None)
    assert view.repair_chart.plot.backgroundBrush().color().name().upper() == theme.colors("light")["surface"]
    redraws = []
    view.chart_tab.redraw.connect(lambda: redraws.append(1))
    try:
        theme.apply(QApplication.instance(), "dark")
        qtbot.waitUntil(
            lambda: view.repair_chart.plot.backgroundBrush().color().name().upper() == theme.colors("dark")["surface"]
        )
        assert view.weekly_chart is not None
        assert len(redraws) == 1, "one new scheme, the charts drawn once"
    finally:
        theme.apply(QApplication.instance(), "light")


class _HeldReads:
    """A store whose reads answer only when the test hands their answers over."""

    def __init__(self) -> None:
        self.answers: list = []

    def load_recent(self, _months, done) -> None:
        self.answers.append(done)

    def load_all(self, done) -> None:
        self.answers.append(done)

    def work(self, _fn, _done) -> None:
        pass  # the figures: computed when the view asks instead

    def reading(self) -> bool:
        return True


def test_a_read_that_comes_back_after_the_history_locked_again_shows_nothing(qtbot):
    from couplepause.ui.history import HistoryView
    from couplepause.ui.history_presenter import HistoryPresenter

    view = HistoryView()
    qtbot.addWidget(view)
    store = _HeldReads()
    presenter = HistoryPresenter(view, store, now=lambda: NOW)
    presenter.load()
    store.answers.pop(0)(episodes(5, 30), None)  # the recent months
    assert len(view.episodes()) == 5
    qtbot.waitUntil(lambda: len(store.answers) == 1)  # then the rest is asked for
    presenter.forget()  # the history is locked again meanwhile
    store.answers.pop(0)(episodes(9, 300), None)  # and the rest comes back late
    assert view.episodes() == []
