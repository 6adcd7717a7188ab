"""Our progress on a small laptop (1024x600 less a window frame) and a larger one
(1280x800), with a year of pauses and long names, in English and German: the
chart's plot keeps its height (charts.PLOT_MIN_PX), the figures beside it are
whole, the value axes are never crowded, the summary folds on a short screen
(and a protected history's, unlocked, too), nothing lies outside the view, and
every tab stop is one that shows its focus."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QGraphicsView,
    QLabel,
    QTabBar,
    QWidget,
)

from couplepause.core.chart import VALUE_GAP, value_ticks
from couplepause.core.episode import Break, Episode
from couplepause.ui import charts
from couplepause.ui.basics import FRAME_ROOM
from tests.tiers import everyday
from tests.ui.conftest import fill_store, settle

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
SMALL = (1024 - FRAME_ROOM[0], 600 - FRAME_ROOM[1])
LARGE = (1120, 800 - FRAME_ROOM[1])  # the main window's own size, on a 1280x800 screen
LONG = {"partner_a": "Maximiliane Oberhausen-Kleist", "partner_b": "Jean-Baptiste Vandenbroucke"}
PASS = "kettle on the windowsill"


@pytest.fixture
def clock(clock):
    clock.wall = NOW
    return clock


def a_year(count: int = 300, seed: int = 3) -> list[Episode]:
    """A year of pauses: repairs from a few minutes to two hours, some open, some
    after a longer break, patterns named, a few notes."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        paused = NOW - timedelta(days=365 * (count - index) / count, hours=rng.random() * 3)
        episode = Episode.start(paused, f"00000000-0000-4000-8000-{index:012d}")
        minutes = max(1.5, rng.lognormvariate(math.log(25 * math.exp(-1.2 * index / count)), 0.5))
        if rng.random() < 0.15:
            episode = episode.with_changes(breaks=(Break(paused + timedelta(minutes=3), paused + timedelta(minutes=33),
                                                         paused + timedelta(minutes=34)),))
            minutes += 35
        if rng.random() > 0.06:
            episode = episode.repaired(wall_now=paused, monotonic_seconds=minutes * 60)
        made.append(episode.with_changes(
            closed=True, paused_by=rng.choice(("a", "b", "both", None)),
            activation={"a": rng.randrange(11), "b": rng.randrange(11)},
            cycle=rng.choice((None, "pursue_withdraw", "both_withdraw", "both_pursue", "other")),
            note=rng.choice((None, None, "Money, again. It started with the card bill and went on for an hour.")),
        ))
    return made


@pytest.fixture
def progress(make_app, data_dir, qtbot, clock, language):
    """The progress view of a year of pauses with long names, in ``lang``, in a
    window of ``size``, showing ``range``; (bundle, view)."""

    def open_with(size, lang="en", range_key="12m", items=None):
        language(lang)
        fill_store(data_dir, a_year() if items is None else items)
        bundle = make_app()
        bundle.settings.update(LONG)
        bundle.controller.apply_settings()
        bundle.window.setMinimumSize(0, 0)
        bundle.window.resize(*size)
        bundle.window.show()
        qtbot.waitExposed(bundle.window)
        presenter = bundle.open_history()
        with qtbot.waitSignal(presenter.complete, timeout=10000):
            pass
        view = presenter.view
        view.set_range(range_key)
        settle()
        return bundle, view

    return open_with


def inside(widget: QWidget, outer: QWidget) -> bool:
    box = QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size())
    return outer.rect().contains(box)


def uncut(label: QLabel) -> bool:
    """A label shows all its words: wrapped ones have the height they need, one
    line is as wide as it is long."""
    if label.wordWrap():
        return label.height() >= label.heightForWidth(label.width())
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


def axis_uncrowded(axis) -> bool:
    """The numbers of a value axis stand at least a line apart (never overlapping)."""
    values = axis.shown()
    low, high = axis.range
    pixels = axis.geometry().height()
    gaps = [(b - a) / (high - low) * pixels for a, b in itertools.pairwise(values)]
    return bool(values) and all(gap >= axis.line_height() for gap in gaps)


CASES = [(SMALL, "de"), (SMALL, "en"), (LARGE, "en"), (LARGE, "de")]


@pytest.mark.parametrize(("size", "lang"), everyday(CASES, (SMALL, "de"), unpack=True))
def test_the_chart_keeps_its_plot_and_everything_is_whole(progress, qtbot, size, lang):
    bundle, view = progress(size, lang)
    assert view.plot_height() >= charts.PLOT_MIN_PX, view.plot_height()
    assert not view.chart_tab.scrolls()
    assert inside(view, bundle.window)
    for widget in view.findChildren(QWidget):
        if widget.isVisible() and widget.window() is bundle.window and widget.parent() is not None:
            assert inside(widget, view), (type(widget).__name__, widget.accessibleName())
    for figure in view.figures.values():
        assert uncut(figure.caption), figure.caption.text()
        assert uncut(figure.value), figure.value.text()
    assert view.log_scale.sizeHint().width() <= view.log_scale.width()
    assert axis_uncrowded(view.repair_chart.axis)
    assert axis_uncrowded(view.weekly_chart.axis)
    assert uncut(view.repair_chart.legend_label)
    # The charts share one date axis, under the weekly bars.
    assert view.weekly_chart.dates.shown()
    # On a log scale too (long breaks stretch the minutes).
    view.log_scale.setChecked(True)
    settle()
    assert view.repair_chart.axis.log_scale
    assert view.plot_height() >= charts.PLOT_MIN_PX and not view.chart_tab.scrolls()
    assert axis_uncrowded(view.repair_chart.axis) and uncut(view.repair_chart.legend_label)


def test_on_a_small_laptop_the_summary_folds_to_a_line_and_opens_whole(progress, qtbot):
    _bundle, view = progress(SMALL, "de")
    summary = view.summary
    summary.setText(" ".join([summary.text()] * 3))  # four lines and more, as after unlocking
    settle()
    line = summary.label.fontMetrics().height()
    assert summary.folded() and summary.label.height() < 2 * line
    assert summary.label.text().endswith("…") and summary.label.toolTip() == summary.text()
    assert summary.label.accessibleDescription() == summary.text()  # a screen reader hears it all
    assert view.plot_height() >= charts.PLOT_MIN_PX and not view.chart_tab.scrolls()
    before = summary.toggle.mapTo(view, QPoint(0, 0))
    qtbot.mouseClick(summary.toggle, Qt.MouseButton.LeftButton)
    settle()
    assert not summary.folded() and summary.label.text() == summary.text() and uncut(summary.label)
    # Unfolded on a short screen, the chart keeps its plot: its tab scrolls instead.
    assert view.plot_height() >= charts.PLOT_MIN_PX
    assert view.range_label.mapTo(view, QPoint(0, 0)).y() >= 0
    qtbot.mouseClick(summary.toggle, Qt.MouseButton.LeftButton)
    settle()
    assert summary.folded() and summary.toggle.mapTo(view, QPoint(0, 0)) == before


def test_on_a_larger_screen_the_summary_is_whole(progress):
    _bundle, view = progress(LARGE, "en")
    assert not view.summary.folded()
    assert view.summary.label.text() == view.summary.text() and uncut(view.summary.label)


def test_a_protected_history_unlocked_on_a_small_laptop_keeps_its_plot(make_app, data_dir, qtbot, clock, language):
    from couplepause.common import paths
    from couplepause.store.repository import Repository

    language("de")
    fill_store(data_dir, a_year())
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.protect(PASS)
    bundle = make_app()
    bundle.window.setMinimumSize(0, 0)
    bundle.window.resize(*SMALL)
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    presenter = bundle.open_history()
    view = presenter.view
    assert view.is_locked()
    view.lock_panel.unlock_requested.emit(PASS)
    qtbot.waitUntil(lambda: not view.is_locked() and len(view.episodes()) == 300, timeout=15000)
    view.set_range("12m")
    qtbot.waitUntil(lambda: bool(view.summary.text()), timeout=5000)
    settle()
    assert view.plot_height() >= charts.PLOT_MIN_PX
    assert not view.chart_tab.scrolls()


@given(
    low=st.floats(-5, 100), span=st.floats(0.01, 5000), pixels=st.floats(1, 2000), line=st.floats(6, 40),
    whole=st.booleans(), log=st.booleans(),
)
def test_the_numbers_on_a_value_axis_never_overlap(low, span, pixels, line, whole, log):
    if log:
        low, span = low / 50, min(span, 8.0)  # log10 of minutes: a few decades
    high = low + span
    values = value_ticks(low, high, pixels, line, whole=whole, log=log)
    assert all(low - 1e-6 * span <= v <= high + 1e-6 * span for v in values)  # within a millionth of the axis
    assert all((b - a) / span * pixels >= line * (1 + VALUE_GAP) - 1e-6 for a, b in itertools.pairwise(values))
    assert values == sorted(values)
    if whole and not log:
        assert all(v == int(v) for v in values)


def test_a_roomy_axis_is_numbered_in_round_steps():
    assert value_ticks(0, 6.9, 300, 17, whole=True) == [0, 1, 2, 3, 4, 5, 6]
    assert value_ticks(0, 6.9, 40, 17, whole=True) == [0, 5]
    assert value_ticks(0, 120, 200, 17) == [0, 20, 40, 60, 80, 100, 120]
    assert value_ticks(0, 2.3, 300, 17, log=True)[:3] == [0.0, math.log10(2), math.log10(5)]


def test_every_tab_stop_of_the_progress_view_shows_its_focus(progress, qtbot):
    """The plots are pictures for the mouse (their figures are a table): no Tab stop,
    so focus never goes where nothing shows it. Every stop is a control the style
    gives a focus ring."""
    bundle, view = progress(SMALL, "en")
    for chart in (view.repair_chart, view.weekly_chart):
        for plot in chart.findChildren(QGraphicsView):
            assert plot.focusPolicy() == Qt.FocusPolicy.NoFocus
    with qtbot.waitActive(bundle.window):
        bundle.window.activateWindow()
    view.back_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.back_button)
    stops = []
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None, "nothing has the focus"
        if focused is view.back_button:
            break
        stops.append(focused)
    assert stops and view.log_scale in stops and view.tabs.tabBar() in stops
    for stop in stops:
        assert isinstance(stop, (QAbstractButton, QTabBar, QAbstractItemView)), type(stop).__name__
        assert not isinstance(stop, QGraphicsView)


@pytest.mark.parametrize(("size", "lang"), everyday([(SMALL, "de"), (LARGE, "en")], (SMALL, "de"), unpack=True))
def test_the_list_of_pauses_fits_with_long_names_and_notes_shown(progress, qtbot, size, lang):
    """Nothing scrolls sideways: a long name, a pattern and a note share the room left
    (each shortened to the same share, never below its header; whole in its tooltip)."""
    _bundle, view = progress(size, lang, range_key="all")
    view.tabs.setCurrentIndex(view.tabs.indexOf(view.episodes_table.parentWidget()))
    view.notes_button.click()
    settle()
    table, model = view.episodes_table, view.episodes_model
    header = table.horizontalHeader()
    assert table.horizontalScrollBar().maximum() == 0
    note = model.COLUMNS.index("col_note")
    assert header.sectionSize(note) >= header.sectionSizeHint(note)
    assert sum(header.sectionSize(c) for c in range(model.columnCount())) <= table.viewport().width()
