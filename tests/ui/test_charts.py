"""The history's charts and tables, at the data level first: open pauses on
their own row, one time axis for both charts (same width, same range,
linked), dates that read as dates, a summary that does not change with the
range, and table headers that are never cut."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt

from couplepause.common.formatting import axis_date, month_name
from couplepause.common.texts import words
from couplepause.core import chart as definition
from couplepause.core import stats
from couplepause.core.episode import Episode
from couplepause.ui import charts
from couplepause.ui.history_presenter import summarise
from couplepause.ui.history_tables import two_lines
from tests.tiers import everyday
from tests.ui.conftest import settle

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
DAY_MONTH = re.compile(r"^\d{1,2} [A-Z][a-z]{2}( \d{4})?$")  # "9 Nov", "9 Nov 2026"
MONTH = re.compile(r"^[A-Z][a-z]{2}( \d{4})?$")  # "Dec", "Jan 2027"
YEAR = re.compile(r"^\d{4}$")


@pytest.fixture
def clock(clock):
    """The history's "now" in this module."""
    clock.wall = NOW
    return clock


def chars(text: str) -> float:
    """A stand-in for a font: 8 pixels a character."""
    return 8.0 * len(text)


def ticks(days_back: float, pixels: float = 877, now: datetime = NOW) -> list[str]:
    t0, t1 = definition.time_span(now - timedelta(days=days_back), now)
    return [label for _, label in definition.date_ticks(t0, t1, pixels, chars, axis_date)]


# ------------------------------------------------------------------ date ticks
def test_four_weeks_read_as_mondays_with_their_month():
    assert ticks(28) == ["9 Nov 2026", "16 Nov", "23 Nov", "30 Nov"]


def test_a_week_reads_day_by_day():
    # 25 Nov and 3 Dec begin at the very edges: their labels would stick out.
    assert ticks(7) == ["26 Nov 2026", "27 Nov", "28 Nov", "29 Nov", "30 Nov", "1 Dec", "2 Dec"]


def test_three_months_read_every_other_monday():
    labels = ticks(91)
    assert 5 <= len(labels) <= 9
    assert all(DAY_MONTH.match(label) for label in labels)
    assert labels[0].endswith("2026") and not any(label.endswith("2026") for label in labels[1:])


def test_twelve_months_read_as_months_and_the_new_year_says_so():
    assert ticks(365) == ["Jan 2026", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    across = ticks(91, now=datetime(2027, 2, 10, 20, tzinfo=UTC))
    assert [label for label in across if label.endswith("2027")] == ["4 Jan 2027"]


def test_years_read_as_years():
    labels = ticks(365 * 12)
    assert labels and all(YEAR.match(label) for label in labels)
    assert labels == sorted(labels) and len(labels) <= 13


def test_a_narrow_axis_shows_fewer_dates_never_crowded_ones():
    wide, narrow = ticks(365, 877), ticks(365, 300)
    assert 0 < len(narrow) < len(wide)
    assert all(MONTH.match(label) for label in narrow)


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    st.floats(min_value=1, max_value=365 * 60),
    st.floats(min_value=150, max_value=2500),
)
def test_date_labels_never_overlap_or_stick_out(end, days, pixels):
    end = end.replace(tzinfo=UTC)
    t0, t1 = definition.time_span(end - timedelta(days=days), end)
    found = definition.date_ticks(t0, t1, pixels, chars, axis_date)
    assert len(found) <= 13
    xs = [(moment - t0) * pixels / (t1 - t0) for moment, _ in found]
    widths = [chars(label) for _, label in found]
    assert all(x - w / 2 >= 0 and x + w / 2 <= pixels for x, w in zip(xs, widths))
    assert all(b - a >= (wa + wb) / 2 for a, b, wa, wb in zip(xs, xs[1:], widths, widths[1:]))
    for _, label in found:
        assert DAY_MONTH.match(label) or MONTH.match(label) or YEAR.match(label), label


# ------------------------------------------------------------- the repair chart
def episode(index: int, paused: datetime, minutes: float | None) -> Episode:
    ep = Episode.start(paused, f"00000000-0000-4000-8000-{index:012d}")
    if minutes is not None:
        ep = ep.repaired(wall_now=paused, monotonic_seconds=minutes * 60)
    return ep.with_changes(closed=True)


def history(count: int = 120, days: int = 365, every_open: int = 7) -> list[Episode]:
    """Pauses over ``days`` before NOW; every ``every_open``-th one is still open."""
    return [
        episode(i, NOW - timedelta(days=days * (count - i) / count),
                None if i % every_open == 3 else 6 + (i * 7) % 50)
        for i in range(count)
    ]


@pytest.fixture
def chart(qtbot):
    made = charts.RepairChart()
    qtbot.addWidget(made)
    made.resize(900, 320)
    made.show()
    qtbot.waitExposed(made)
    return made


def drawn(points: list[stats.Point], log_scale: bool) -> definition.Chart:
    """The chart of these points over the year before NOW, on the scale asked."""
    return definition.build(points, [], NOW - timedelta(days=365), NOW, stats.ROLLING_N, log=log_scale)


def xy(item) -> tuple[list[float], list[float]]:
    x, y = item.getData()
    return list(x), list(y)


def test_a_chart_is_still_no_menu_no_zoom_no_tab_stop(chart):
    for plot in (chart.plot, chart.open_row):
        assert plot.getViewBox().menu is None and not plot.getPlotItem().menuEnabled()
        assert plot.getViewBox().state["mouseEnabled"] == [False, False]
        assert plot.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_open_pauses_sit_on_their_own_row_not_on_the_minutes(chart):
    points = stats.series(history())
    chart.draw(drawn(points, log_scale=False))
    repaired = [p for p in points if p.repair_minutes is not None]
    opened = [p for p in points if p.repair_minutes is None]
    assert opened and repaired
    x, y = xy(chart.points)
    assert x == [p.paused_at.timestamp() for p in repaired]
    assert y == [p.repair_minutes for p in repaired]
    x, y = xy(chart.open_points)
    assert x == [p.paused_at.timestamp() for p in opened] and set(y) == {0.0}
    assert chart.open_points.getViewBox() is chart.open_row.getViewBox()
    assert chart.open_points.getViewBox() is not chart.plot.getViewBox()
    assert chart.open_row.isVisible()
    assert chart.open_row.getAxis("left")._tickLevels == [[(0.0, words("history", "axis_open"))]]
    # The minutes axis reaches just past the longest repair, whatever is open.
    top = chart.plot.viewRange()[1][1]
    assert top == pytest.approx(max(p.repair_minutes for p in repaired) * 1.15)
    assert words("history", "legend_open") in chart.legend


def test_with_log_scale_the_open_pauses_stay_on_their_row(chart):
    points = stats.series(history())
    chart.draw(drawn(points, log_scale=True))
    _, y = xy(chart.open_points)
    assert set(y) == {0.0}
    assert chart.axis.log_scale and words("history", "legend_repaired") in chart.legend_label.text()


def test_without_open_pauses_there_is_no_open_row(chart):
    points = stats.series([e for e in history() if e.is_repaired])
    chart.draw(drawn(points, log_scale=False))
    assert not chart.open_row.isVisible()
    assert xy(chart.open_points) == ([], [])
    assert words("history", "legend_open") not in chart.legend


def test_the_readout_describes_an_open_pause_too(chart):
    points = stats.series(history())
    chart.draw(drawn(points, log_scale=False))
    opened = next(p for p in points if p.repair_minutes is None)
    assert chart.describe(opened.episode_id).endswith(words("history", "readout_open", when="").lstrip(": "))


# ------------------------------------------------------------- in the history
def on_window(window, plot) -> tuple[int, int]:
    """Where a plot's drawing area starts and ends, across the window."""
    box = plot.getViewBox()
    rect = plot.mapFromScene(box.mapRectToScene(box.boundingRect())).boundingRect()
    left = plot.mapTo(window, rect.topLeft()).x()
    return left, left + rect.width()


@pytest.mark.parametrize("size", everyday([(1280, 800), (1024, 600)], (1024, 600)))
def test_both_charts_share_one_time_axis_in_every_range(history_view, qtbot, size):
    bundle, view = history_view(history(), size)
    everything = view.episodes()
    for key in stats.RANGES:
        view.set_range(key)
        settle()
        repair, weekly = view.repair_chart, view.weekly_chart
        shown = stats.in_range(everything, key, NOW)
        assert len(repair.points.getData()[0]) == sum(e.is_repaired for e in shown)
        assert len(repair.open_points.getData()[0]) == sum(not e.is_repaired for e in shown)
        axes = [repair.plot.getAxis("left"), repair.open_row.getAxis("left"), weekly.plot.getAxis("left")]
        assert {axis.width() for axis in axes} == {repair.left_width}
        boxes = [repair.plot.getViewBox(), repair.open_row.getViewBox(), weekly.plot.getViewBox()]
        assert boxes[1].linkedView(0) is boxes[0] and boxes[2].linkedView(0) is boxes[0]
        start, end = stats.span(everything, key, NOW)
        for box in boxes:
            assert box.viewRange()[0] == pytest.approx(list(definition.time_span(start, end)))
        edges = [on_window(bundle.window, plot) for plot in (repair.plot, repair.open_row, weekly.plot)]
        assert max(e[0] for e in edges) - min(e[0] for e in edges) <= 1
        assert max(e[1] for e in edges) - min(e[1] for e in edges) <= 1
        # The dates under the weekly bars serve both charts.
        assert not repair.plot.getPlotItem().getAxis("bottom").isVisible()
        labels = weekly.dates.shown()
        assert labels
        # Three months read as Mondays where they fit (else as months: "Oct 2026", "Nov").
        kind = DAY_MONTH if key == "4w" or (key == "3m" and size[0] > 1024) else MONTH
        assert all(kind.match(label) for label in labels), labels


def test_the_summary_is_the_same_for_every_range(history_view):
    items = history()
    cut = {" ".join(stats.summary(stats.in_range(items, key, NOW), NOW, month_name=month_name)) for key in stats.RANGES}
    assert len(cut) > 1  # from each range's own pauses, the sentence would change
    _bundle, view = history_view(items)
    expected = " ".join(summarise(view.episodes(), NOW))
    for key in stats.RANGES:
        view.set_range(key)
        assert view.summary.text() == expected


# --------------------------------------------------------------------- tables
def test_a_header_goes_on_two_lines_of_about_equal_length():
    assert two_lines("Median time to come back") == "Median time\nto come back"
    assert two_lines("Longer break") == "Longer\nbreak"
    assert two_lines("Trend") == "Trend"


@pytest.mark.parametrize("size", everyday([(1280, 800), (1024, 600)], (1024, 600)))
def test_no_table_header_is_cut(history_view, qtbot, size):
    _bundle, view = history_view(history(), size)
    view.set_range("12m")
    for tab, tables in ((1, (view.points_table, view.weeks_table)), (2, (view.episodes_table,))):
        view.tabs.setCurrentIndex(tab)
        settle()
        for table in tables:
            header, model = table.horizontalHeader(), table.model()
            for column in range(model.columnCount()):
                width = header.sectionSize(column)
                assert width >= header.sectionSizeHint(column), (model.COLUMNS[column], width)
                if model.COLUMNS[column] not in model.SHORTENED:  # free words may be shortened, a tooltip has them
                    assert width >= table.sizeHintForColumn(column), model.COLUMNS[column]
                whole = words("history", model.COLUMNS[column])
                assert model.headerData(column, Qt.Orientation.Horizontal,
                                        Qt.ItemDataRole.AccessibleTextRole) == whole
                shown = model.headerData(column, Qt.Orientation.Horizontal)
                assert shown.replace("\n", " ") == whole
                metrics = header.fontMetrics()
                assert all(metrics.horizontalAdvance(line) < width for line in shown.split("\n"))
            # Side by side only where both fit, and the list's pattern is shortened: nothing scrolls sideways.
            assert table.horizontalScrollBar().maximum() == 0, model.COLUMNS
            visible = table.viewport().rect()
            assert visible.contains(QPoint(header.sectionViewportPosition(0), 0))


def test_shortened_words_keep_them_whole_in_a_tooltip(history_view):
    _bundle, view = history_view(history())
    model = view.episodes_model
    assert {"col_cycle", "col_paused_by", "col_note"} <= set(model.SHORTENED)
    for key in model.SHORTENED:
        column = model.COLUMNS.index(key)
        for row in range(model.rowCount()):
            index = model.index(row, column)
            assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) is None
