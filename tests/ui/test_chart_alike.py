"""The same pauses give the same chart in the window and in the PDF report: both
draw one core.chart.Chart, and what they drew (the definition, the ticks, how
many marks, the trend) is compared here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6 import QtCore, QtGui

from couplepause.core.episode import Episode
from couplepause.export import ExportOptions
from couplepause.export.pdf import RESOLUTION_DPI
from couplepause.export.pdf.content import build_content
from couplepause.export.pdf.sections import Report
from tests.ui.conftest import settle

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


@pytest.fixture
def clock(clock):
    """The history's "now" in this module."""
    clock.wall = NOW
    return clock


def year(spread: int) -> list[Episode]:
    """A year of 150 pauses before NOW, every ninth still open; the times to come
    back from 4 minutes up to ``spread`` more."""
    items = []
    for i in range(150):
        paused = NOW - timedelta(days=365 * (150 - i) / 150)
        ep = Episode.start(paused, f"00000000-0000-4000-8000-{i:012d}")
        if i % 9 != 4:
            ep = ep.repaired(wall_now=paused, monotonic_seconds=(4 + (i * 37) % spread) * 60)
        items.append(ep.with_changes(closed=True))
    return items


def laid_out(episodes: list[Episode]) -> Report:
    """The report of every pause up to NOW's day, laid out on A4 (not drawn)."""
    content = build_content(episodes, ExportOptions(until=NOW.astimezone().date(), exported_at=NOW))
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    report = Report(writer, content)
    report.layout()
    buffer.close()
    return report


@pytest.mark.parametrize(("spread", "log"), [(40, False), (400, True)])
def test_the_window_and_the_report_draw_the_same_chart(history_view, qtbot, spread, log):
    items = year(spread)
    _bundle, view = history_view(items, (1280, 800))
    view.set_range("all")
    settle()
    repair, weekly = view.repair_chart, view.weekly_chart
    report = laid_out(items)
    drawn = report.drawn
    assert drawn is not None

    # One definition: the same marks, stretch of time, scale, trend and weekly counts.
    assert repair.chart == report.content.chart
    chart = repair.chart
    assert chart.log is log and view.log_scale.isChecked() is log  # the one rule, in both
    assert repair.plot.viewRange()[0] == pytest.approx(list(chart.x_range))
    assert repair.plot.viewRange()[1] == pytest.approx(list(chart.y_range))

    # Drawn alike: every mark, the open row, the trend's vertices.
    assert len(repair.points.getData()[0]) == drawn.marks == len(chart.repaired) == sum(e.is_repaired for e in items)
    assert len(repair.open_points.getData()[0]) == drawn.rings == len(chart.opened) > 0
    assert len(repair.trend.getData()[0]) == drawn.trend == len(chart.trend)

    # The same ticks: one algorithm, here with room for the same dates and numbers.
    window_dates = weekly.dates.drawn(weekly.dates.geometry().width())
    assert [moment for moment, _ in window_dates] == [moment for moment, _ in drawn.dates]
    assert [label for _, label in window_dates] == [label for _, label in drawn.dates]
    assert len(drawn.dates) >= 6
    assert repair.axis.shown() == drawn.values
