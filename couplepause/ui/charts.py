"""The history charts. This is the only module that imports pyqtgraph, and it
is imported only when the history view opens: pyqtgraph is slow and large to
import, and the live flow must never wait for it (benchmarks/bench_history.py
measures the first open).

Time to come back per pause, with the open pauses on a row of their own above
the minutes (they have no value to place on that axis; the PDF report draws
them the same way), and the pauses per week below. Both charts cover the same
stretch of time (``RangeView.start`` to ``end``), their left axes are equally
wide and their x ranges are linked, so a week's bar stands under its pauses;
the dates under the weekly bars serve both. What they show is a
``core.chart.Chart``, the same one the PDF report draws: the marks, the
ranges, the scale, the trend and the ticks (the dates that fit the time axis'
width, written by ``formatting.axis_date``; the numbers that fit a value
axis' height, never crowded) come from there; this module only draws them.
Each chart's title (and the marks' legend) is a line of Qt text above it,
which wraps where it must.
"""

from __future__ import annotations

import html
import math
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from couplepause.common.formatting import axis_date, axis_number, number, when
from couplepause.common.texts import duration, words
from couplepause.core.chart import DAY, Chart, Mark, date_ticks, value_ticks
from couplepause.core.stats import ROLLING_N
from couplepause.ui import theme

__all__ = [
    "OPEN_ROW_PX",
    "PLOT_MIN_PX",
    "WEEKLY_MIN_PX",
    "CountAxis",
    "DatesAxis",
    "MinutesAxis",
    "RepairChart",
    "WeeklyChart",
]

pg.setConfigOptions(antialias=True, background=None)  # colours: each plot takes the theme of the moment (_plot)

WEEK_BAR_DAYS = 5.0  # a week's bar, centred on its week
OPEN_ROW_PX = 30  # the height of the open pauses' row
PLOT_MIN_PX = 200  # the plot of minutes (below its legend and the open row): a chart worth reading
WEEKLY_MIN_PX = 80  # the pauses per week, its title and the dates included


def _pen(name: str, width: float = 2.0, style=Qt.PenStyle.SolidLine):
    return pg.mkPen(theme.color(name), width=width, style=style)


def _axis_font() -> QFont:
    font = QFont()
    font.setPointSize(theme.size("small_pt"))
    return font


def _plot(axes: dict) -> pg.PlotWidget:
    """A still, calm plot: no mouse zoom, no menu, soft axes on the card colour."""
    plot = pg.PlotWidget(axisItems=axes, enableMenu=False)  # its view's menu is never built
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    # A picture for the eyes and the mouse: the keyboard and screen readers have
    # the same figures as tables (the view's Figures tab), so no Tab stop here.
    plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    plot.setBackground(theme.color("surface"))
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setTickFont(_axis_font())
        axis.setTextPen(theme.color("muted"))
        axis.setPen(_pen("line", 1))
    return plot


class DatesAxis(pg.AxisItem):
    """A time axis (POSIX seconds) labelled with the dates that fit its width."""

    def __init__(self):
        super().__init__(orientation="bottom")
        self.enableAutoSIPrefix(False)
        self._labels: dict[float, str] = {}

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style["tickFont"] or QFont())

    def tickValues(self, minVal, maxVal, size):  # noqa: N803 (pyqtgraph names)
        ticks = date_ticks(minVal, maxVal, size, self._metrics().horizontalAdvance, axis_date)
        self._labels = dict(ticks)
        return [(DAY, [moment for moment, _ in ticks])]

    def tickStrings(self, values, scale, spacing):
        return [self._labels.get(value, "") for value in values]

    def shown(self) -> list[str]:
        """The labels this axis shows at its current range and width."""
        _low, _high = self.range
        return [label for _, label in self.drawn(self.geometry().width())]

    def drawn(self, pixels: float) -> list[tuple[float, str]]:
        """The dates (moment, label) this axis shows at its current range, ``pixels`` wide."""
        low, high = self.range
        return date_ticks(low, high, pixels, self._metrics().horizontalAdvance, axis_date)


# --------------------------------------------------------------- value axes
class _ValueAxis(pg.AxisItem):
    """A left axis numbered by :func:`value_ticks`: never crowded."""

    whole = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_scale = False

    def line_height(self) -> float:
        return QFontMetricsF(self.style["tickFont"] or QFont()).height()

    def tickValues(self, minVal, maxVal, size):  # noqa: N803 (pyqtgraph names)
        values = value_ticks(minVal, maxVal, size, self.line_height(), whole=self.whole, log=self.log_scale)
        step = values[1] - values[0] if len(values) > 1 else 1.0
        return [(step, values)]

    def shown(self) -> list[float]:
        """The values this axis numbers at its current range and height (log10 of minutes on a log scale)."""
        low, high = self.range
        return value_ticks(low, high, self.geometry().height(), self.line_height(), whole=self.whole,
                           log=self.log_scale)


class MinutesAxis(_ValueAxis):
    """Minutes on a linear or log10 scale, labelled in plain numbers."""

    def tickStrings(self, values, scale, spacing):
        return [axis_number(10 ** value if self.log_scale else value) for value in values]


class CountAxis(_ValueAxis):
    """Whole numbers only (pauses are counted, never halved)."""

    whole = True

    def tickStrings(self, values, scale, spacing):
        return [number(value) for value in values]


# ------------------------------------------------------------------- charts
class RepairChart(QWidget):
    """Repair time per episode (points) and the rolling-median trend (line),
    with the open episodes as hollow rings on their own row above. Hover or
    click a mark to see its date and time to repair."""

    point_selected = Signal(str)  # episode id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("history", "chart_accessible"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # What the marks mean, the minutes first (the chart's title), on a line above it.
        self.legend_label = _caption("", wrap=True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.legend_label)

        # Open pauses have no time to come back: their own row, not a place on the minutes.
        self.open_row = _plot({"left": pg.AxisItem(orientation="left"), "bottom": DatesAxis()})
        self.open_row.hideAxis("bottom")
        self.open_row.setFixedHeight(OPEN_ROW_PX)
        self.open_row.setBackground(theme.color("background"))
        self.open_row.setYRange(-1, 1, padding=0)
        self.open_row.getAxis("left").setTicks([[(0.0, words("history", "axis_open"))]])
        self.open_row.hide()
        layout.addWidget(self.open_row)

        self.axis = MinutesAxis(orientation="left")
        self.dates = DatesAxis()
        self.plot = _plot({"bottom": self.dates, "left": self.axis})
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.plot.setMinimumHeight(PLOT_MIN_PX)
        self.open_row.setXLink(self.plot)
        layout.addWidget(self.plot, 1)

        self.points = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(theme.color("surface"), width=1.5), brush=pg.mkBrush(theme.color("accent")),
            hoverable=True, hoverSize=15, tip=None,
        )
        self.open_points = pg.ScatterPlotItem(
            size=11, pen=_pen("pause", 2), brush=pg.mkBrush(QColor(0, 0, 0, 0)), symbol="o", hoverable=True,
            hoverSize=15, tip=None,
        )
        self.trend = pg.PlotDataItem(pen=_pen("pacer_out", 3))
        self.plot.addItem(self.trend)
        self.plot.addItem(self.points)
        self.open_row.addItem(self.open_points)
        self.readout = pg.TextItem(anchor=(0, 1), color=theme.color("text"), fill=pg.mkBrush(theme.color("surface")))
        self.readout.setZValue(10)
        self.readout.hide()
        self.plot.addItem(self.readout, ignoreBounds=True)
        self._set_legend(with_open=False, trend_window=ROLLING_N)
        self.points.sigHovered.connect(lambda _item, points, _event: self._show(points))
        self.open_points.sigHovered.connect(lambda _item, points, _event: self._show(points, opened=True))
        self.points.sigClicked.connect(lambda _item, points, _event: self._clicked(points))
        self.open_points.sigClicked.connect(lambda _item, points, _event: self._clicked(points, opened=True))
        self.chart: Chart | None = None  # the chart drawn
        self._by_id: dict[str, Mark] = {}
        self.x_range: tuple[float, float] = (0.0, 1.0)
        self.left_width = 0
        self._set_left_width(number(100))

    def sizeHint(self) -> QSize:
        """No more than it needs: the room beyond is shared out by the layout's stretch."""
        return self.minimumSizeHint()

    def heightForWidth(self, width: int) -> int:
        """The least height at this width (the legend may wrap): the room beyond
        is shared out by stretch, never given to the plot because it would like it."""
        layout = self.layout()
        shown = [w for w in (self.legend_label, self.open_row) if not w.isHidden()]
        height = sum(w.heightForWidth(width) if w.hasHeightForWidth() else w.minimumSizeHint().height()
                     for w in shown if w is self.legend_label)
        height += sum(w.height() for w in shown if w is self.open_row)
        return height + self.plot.minimumHeight() + layout.spacing() * len(shown)

    def draw(self, chart: Chart) -> None:
        """Draw ``chart`` (core/chart.py): its marks, its trend, its open row, its ranges."""
        self.chart = chart
        self.axis.log_scale = chart.log
        self._by_id = {mark.episode_id: mark for mark in chart.repaired + chart.opened}  # described on hover only
        self.points.setData(
            x=[mark.x for mark in chart.repaired],
            y=[chart.y(mark.minutes) for mark in chart.repaired],
            data=[mark.episode_id for mark in chart.repaired],
        )
        self.open_points.setData(
            x=[mark.x for mark in chart.opened], y=[0.0] * len(chart.opened),
            data=[mark.episode_id for mark in chart.opened],
        )
        self.open_row.setVisible(bool(chart.opened))
        self._set_legend(with_open=bool(chart.opened), trend_window=chart.trend_window)
        self.trend.setData(x=[x for x, _ in chart.trend], y=[chart.y(minutes) for _, minutes in chart.trend])
        self.readout.hide()
        self.plot.setYRange(*chart.y_range, padding=0)
        self.x_range = chart.x_range
        self.plot.setXRange(*chart.x_range, padding=0)
        # Room for the widest minutes label: a round number with as many digits as the top of the axis.
        reach = chart.minutes_at(chart.y_range[1])
        self._set_left_width(number(10 ** max(2, math.floor(math.log10(max(reach, 1.0))))))

    def _set_left_width(self, widest_number: str) -> None:
        """One width for the left axes (the open row's, the minutes', the weekly
        chart's): the widest label and the gap to the axis."""
        metrics = QFontMetricsF(_axis_font())
        text = max(metrics.horizontalAdvance(widest_number), metrics.horizontalAdvance(words("history", "axis_open")))
        self.left_width = math.ceil(text + self.axis.style["tickTextOffset"][0] + 12)
        for axis in (self.axis, self.open_row.getAxis("left")):
            axis.setWidth(self.left_width)

    def _set_legend(self, with_open: bool, trend_window: int) -> None:
        self.legend = _legend_html(with_open, trend_window)
        self.legend_label.setText(self.legend)
        self.legend_label.setAccessibleName(QTextDocumentFragment.fromHtml(self.legend).toPlainText())

    def plot_height(self) -> int:
        """The height of the plot of minutes (its title and the open row not counted)."""
        return self.plot.height()

    def show_dates(self, shown: bool) -> None:
        """The dates under the plot (off where a chart below shows them for both)."""
        self.plot.showAxis("bottom", shown)

    def _clicked(self, points, opened: bool = False) -> None:
        if len(points):
            self._show(points, opened)
            self.point_selected.emit(points[0].data())

    def _show(self, points, opened: bool = False) -> None:
        if not len(points):
            return
        spot = points[0]
        self.readout.setText(self.describe(spot.data()))
        (x0, x1), (_y0, y1) = self.plot.viewRange()
        x = spot.pos().x()
        right = 1 if x > (x0 + x1) / 2 else 0  # the words go inwards, never off the chart
        if opened:  # just below the open row, at the top of the minutes
            self.readout.setAnchor((right, 0))
            self.readout.setPos(x, y1)
        else:
            self.readout.setAnchor((right, 1))
            self.readout.setPos(x, spot.pos().y())
        self.readout.show()

    def describe(self, episode_id: str) -> str:
        mark = self._by_id.get(episode_id)
        return _describe(mark) if mark is not None else ""


def _caption(text: str, *, wrap: bool = False) -> QLabel:
    """A chart's title or legend: a line of small, soft text above it."""
    caption = QLabel(text)
    caption.setProperty("role", "small")
    caption.setWordWrap(wrap)
    if not wrap:
        caption.setTextFormat(Qt.TextFormat.PlainText)
    return caption


def _legend_html(with_open: bool = True, trend_window: int = ROLLING_N) -> str:
    """The legend of the marks shown, the dots named by what the minutes are (the
    chart's title; the log-scale switch beside the chart says how they are spaced);
    the open ring only when there is an open pause."""
    def swatch(glyph: str, colour: str) -> str:
        return f'<span style="color:{theme.color(colour).name()}; font-weight:bold">{glyph}</span>'

    items = [
        (swatch("●", "accent"), words("history", "legend_repaired")),
        (swatch("━", "pacer_out"), words("history", "legend_trend", n=trend_window)),
    ]
    if with_open:
        items.append((swatch("○", "pause"), words("history", "legend_open")))
    return " &nbsp;&nbsp; ".join(f"{glyph}&nbsp;{html.escape(text)}" for glyph, text in items)


def _describe(mark: Mark) -> str:
    moment = when(datetime.fromtimestamp(mark.x).astimezone())
    if mark.minutes is None:
        return words("history", "readout_open", when=moment)
    return words("history", "readout", when=moment, duration=duration(mark.minutes * 60))


class WeeklyChart(QWidget):
    """A small bar chart of the pauses per week, on the time axis of the repair
    chart above it (see :meth:`align_with`)."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = _caption(title)
        layout.addWidget(self.title)
        self.dates = DatesAxis()
        self.axis = CountAxis(orientation="left")
        self.plot = _plot({"bottom": self.dates, "left": self.axis})
        layout.addWidget(self.plot, 1)
        self.bars = pg.BarGraphItem(x=[], height=[], width=DAY * WEEK_BAR_DAYS, brush=theme.color("pacer_in"),
                                    pen=None)
        self.plot.addItem(self.bars)
        self.setMinimumHeight(WEEKLY_MIN_PX)

    def sizeHint(self) -> QSize:
        """No more than it needs: the room beyond is shared out by the layout's stretch."""
        return self.minimumSizeHint()

    def draw(self, chart: Chart) -> None:
        """Draw the weekly bars of ``chart`` (core/chart.py)."""
        self.bars.setOpts(x=[bar.x for bar in chart.bars], height=[bar.count for bar in chart.bars],
                          width=DAY * WEEK_BAR_DAYS)
        self.plot.setYRange(0, chart.bars_top, padding=0)

    def align_with(self, chart: RepairChart) -> None:
        """The same left axis width and x range as ``chart``, linked to it; the
        dates under these bars serve both (``chart`` shows none of its own)."""
        chart.show_dates(False)
        self.plot.getAxis("left").setWidth(chart.left_width)
        self.plot.setXLink(chart.plot)
        self.plot.setXRange(*chart.x_range, padding=0)
