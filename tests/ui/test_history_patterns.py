"""The history's Patterns and Cycles tabs, and practice pauses: shown in the
list as practice, left out of every figure (summary, weeks, series, overview,
patterns); the grid is named cell by cell, moves with the keyboard, fits a
small laptop, and is there in the read-only view."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from couplepause.common.texts import words
from couplepause.core.episode import Episode
from couplepause.export import EXPORTERS, ExportOptions
from couplepause.export.patterns_text import pattern_text
from couplepause.ui.basics import FRAME_ROOM
from couplepause.ui.history_presenter import compute, summarise
from tests.ui.conftest import settle

NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
CYCLES = ("pursue_withdraw", "both_withdraw", "both_pursue", "other")


@pytest.fixture
def clock(clock):
    """The history's "now" in this module."""
    clock.wall = NOW
    return clock


def made(count: int, days: int, *, practice: bool = False, offset: int = 0) -> list[Episode]:
    items = []
    for i in range(count):
        paused = NOW - timedelta(days=days * (count - i) / count, hours=offset)
        e = Episode.start(paused, f"00000000-0000-4000-{8000 + practice:04d}-{i:012d}")
        e = e.with_changes(cycle=CYCLES[i % 4], activation={"a": 3 + i % 5, "b": None}, closed=True,
                           practice=practice)
        if i % 6 != 5:
            e = e.repaired(wall_now=paused, monotonic_seconds=300 + 120 * (i % 9) + (9999 if practice else 0))
        items.append(e)
    return items


def test_practice_pauses_are_left_out_of_every_figure(qapp):
    real = made(40, 80)
    practice = made(15, 80, practice=True, offset=5)
    for key in ("4w", "3m", "12m", "all"):
        both = compute(real + practice, key, NOW, 1, summary=summarise(real + practice, NOW))
        alone = compute(real, key, NOW, 1, summary=summarise(real, NOW))
        assert both.summary == alone.summary
        assert both.points == alone.points and both.weeks == alone.weeks
        assert both.overview == alone.overview
        assert both.patterns == alone.patterns
        assert (both.start, both.end) == (alone.start, alone.end)
        assert both.counted == alone.counted == len(alone.episodes)
        assert len(both.episodes) > len(alone.episodes)  # the list still shows them


def test_a_practice_pause_is_listed_as_practice(history_view):
    _bundle, view = history_view(made(10, 20) + made(2, 20, practice=True, offset=3))
    model = view.episodes_model
    column = model.COLUMNS.index("col_repair")
    shown = [model.data(model.index(row, column)) for row in range(model.rowCount())]
    assert shown.count(words("history", "practice")) == 2
    assert view.figures["median"].value.text() != ""


def test_the_grid_names_every_cell(history_view, qtbot):
    _bundle, view = history_view(made(40, 80))
    view.tabs.setCurrentWidget(view.patterns_tab)
    model = view.patterns_tab.heat_model
    expected = pattern_text(view.episodes(), NOW)
    assert model.rowCount() == 4 and model.columnCount() == 7
    total = 0
    for part in range(4):
        for day in range(7):
            index = model.index(part, day)
            name = model.data(index, Qt.ItemDataRole.AccessibleTextRole)
            count = expected.grid[day][part]
            total += count
            assert name == expected.cells[day][part]
            assert name.startswith(expected.weekdays[day])
            assert (model.data(index) or "0") == str(count)
            if count:
                assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert total == 40
    tuesday_evening = words("cycle_patterns", "cell", n=expected.grid[1][2], weekday=expected.weekdays[1],
                            part=words("cycle_patterns", "at_evening"))
    assert model.data(model.index(2, 1), Qt.ItemDataRole.AccessibleTextRole) == tuesday_evening


def test_the_patterns_follow_the_range(history_view):
    _bundle, view = history_view(made(150, 300))
    counts = {}
    for key in ("4w", "all"):
        view.set_range(key)
        counts[key] = sum(map(sum, view.patterns_tab.heat_model.text.grid))
    assert counts["4w"] < counts["all"] == 150


def test_the_grid_moves_with_the_keyboard(history_view, qtbot):
    _bundle, view = history_view(made(40, 80))
    view.tabs.setCurrentWidget(view.patterns_tab)
    grid = view.patterns_tab.heat
    grid.setFocus()
    grid.setCurrentIndex(grid.model().index(0, 0))
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (1, 1)
    qtbot.keyClick(grid, Qt.Key.Key_Tab)
    assert not grid.hasFocus()  # Tab leaves the grid


def test_few_pauses_say_not_enough_yet(history_view):
    _bundle, view = history_view(made(5, 20))
    tab = view.patterns_tab
    assert tab.pages.currentWidget() is tab.not_enough
    cycles = view.cycles_tab
    # The same word in the same look on both tabs: soft, centred.
    assert cycles.pages.currentWidget() is cycles.not_enough
    assert cycles.not_enough.text() == tab.not_enough.text() == words("cycle_patterns", "not_enough")
    for shown in (tab.not_enough, cycles.not_enough):
        assert shown.property("role") == "muted" and shown.alignment() & Qt.AlignmentFlag.AlignHCenter


def below(upper, lower) -> bool:
    return upper.mapTo(upper.window(), upper.rect().bottomLeft()).y() <= lower.mapTo(lower.window(), lower.rect().topLeft()).y()


def test_the_patterns_fit_a_small_laptop(history_view, qtbot):
    _bundle, view = history_view(made(80, 360), size=(1024 - FRAME_ROOM[0], 600 - FRAME_ROOM[1]))
    view.set_range("12m")
    for tab in (view.patterns_tab, view.cycles_tab):
        view.tabs.setCurrentWidget(tab)
        settle()
        assert view.minimumSizeHint().height() <= view.height()  # nothing squeezed over anything
        assert view.minimumSizeHint().width() <= view.width()
    t = view.patterns_tab
    shown = [w for w in (t.heat, t.when) if w.isVisible()]
    for upper, lower in itertools.pairwise(shown):
        assert below(upper, lower)
    page = t.pages.currentWidget()
    for widget in (t.heat, t.when, t.month_words, t.breaks, t.month_table):
        if widget.isVisible():
            bottom = widget.mapTo(page, widget.rect().bottomRight())
            assert page.rect().contains(bottom), widget
    assert t.month_table.horizontalScrollBar().maximum() == 0  # no column cut off
    assert view.cycles_tab.table.horizontalScrollBar().maximum() == 0


def test_the_read_only_view_has_the_patterns(qtbot, tmp_path, qapp):
    from couplepause.ui.readonly import open_window

    path = tmp_path / "shared.json"
    EXPORTERS["json"].export(made(30, 60), ExportOptions(), path)
    window = open_window(path)
    qtbot.addWidget(window)
    view = window.view
    assert view.tabs.indexOf(view.patterns_tab) >= 0 and view.tabs.indexOf(view.cycles_tab) >= 0
    assert view.patterns_tab.heat_model.text is not None
    assert json.loads(path.read_text())  # the file itself is untouched JSON
