"""The history charts. This is the only module that imports pyqtgraph, and it
is imported only when the history view opens: pyqtgraph is slow and large to
import, and the live flow must never wait for it (benchmarks/bench_history.py
measures the first open)."""

from __future__ import annotations

import math
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from couplepause.core.stats import Point, Week
from couplepause.formatting import number, when
from couplepause.texts import duration, words
from couplepause.ui import theme

pg.setConfigOptions(antialias=True, background=None, foreground=theme.color("muted"))

DAY = 86400.0
TREND_VERTICES = 600


def _pen(name: str, width: float = 2.0, style=Qt.PenStyle.SolidLine):
    return pg.mkPen(theme.color(name), width=width, style=style)


def _axis_font() -> QFont:
    font = QFont()
    font.setPointSize(theme.size("small_pt"))
    return font


def _plot(axes: dict) -> pg.PlotWidget:
    """A still, calm plot: no mouse zoom, no menu, soft axes on the card colour."""
    plot = pg.PlotWidget(axisItems=axes)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setBackground(theme.color("surface"))
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setTickFont(_axis_font())
        axis.setTextPen(theme.color("muted"))
        axis.setPen(_pen("line", 1))
    return plot


class MinutesAxis(pg.AxisItem):
    """Minutes on a linear or log10 scale, labelled in plain numbers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_scale = False

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        shown = []
        for value in values:
            minutes = 10 ** value if self.log_scale else value
            shown.append(number(minutes, 0 if minutes >= 1 or minutes == 0 else 1))
        return shown


class RepairChart(QWidget):
    """Repair time per episode (points), the rolling-median trend (line), and
    open episodes as hollow markers along the top. Hover or click a point to
    see its date and time to repair."""

    point_selected = Signal(str)  # episode id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(words("history", "chart_accessible"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.axis = MinutesAxis(orientation="left")
        self.plot = _plot({"bottom": pg.DateAxisItem(orientation="bottom"), "left": self.axis})
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.plot.setLabel("left", words("history", "axis_minutes"), color=theme.color("muted").name())
        layout.addWidget(self.plot)

        self.points = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(theme.color("surface"), width=1.5), brush=pg.mkBrush(theme.color("accent")),
            hoverable=True, hoverSize=15, tip=None,
        )
        self.open_points = pg.ScatterPlotItem(
            size=11, pen=_pen("pause", 2), brush=pg.mkBrush(QColor(0, 0, 0, 0)), symbol="o", hoverable=True, tip=None,
        )
        self.trend = pg.PlotDataItem(pen=_pen("pacer_out", 3))
        self.plot.addItem(self.trend)
        self.plot.addItem(self.points)
        self.plot.addItem(self.open_points)
        self.readout = pg.TextItem(anchor=(0, 1), color=theme.color("text"), fill=pg.mkBrush(theme.color("surface")))
        self.readout.setZValue(10)
        self.readout.hide()
        self.plot.addItem(self.readout, ignoreBounds=True)
        self.legend = QLabel(_legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setProperty("role", "small")
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.legend)
        self.points.sigHovered.connect(self._hovered)
        self.open_points.sigHovered.connect(self._hovered)
        self.points.sigClicked.connect(self._clicked)
        self.open_points.sigClicked.connect(self._clicked)
        self._log = False
        self._by_id: dict[str, Point] = {}

    def set_points(self, points: list[Point], log_scale: bool) -> None:
        self._log = log_scale
        self.axis.log_scale = log_scale
        y = self._y
        repaired = [p for p in points if p.repair_minutes is not None]
        opened = [p for p in points if p.repair_minutes is None]
        self._by_id = {p.episode_id: p for p in points}  # described on hover only
        self.points.setData(
            x=[p.paused_at.timestamp() for p in repaired],
            y=[y(p.repair_minutes) for p in repaired],
            data=[p.episode_id for p in repaired],
        )
        top = max((y(p.repair_minutes) for p in repaired), default=y(30.0))
        self.open_points.setData(
            x=[p.paused_at.timestamp() for p in opened], y=[top * 1.08 if not log_scale else top + 0.15] * len(opened),
            data=[p.episode_id for p in opened],
        )
        trend = [(p.paused_at.timestamp(), y(p.trend_minutes)) for p in points if p.trend_minutes is not None]
        # A rolling median is smooth: a few hundred vertices draw it as well as ten thousand.
        step = max(1, len(trend) // TREND_VERTICES)
        if step > 1:
            trend = trend[::step] + ([trend[-1]] if (len(trend) - 1) % step else [])
        self.trend.setData(x=[t for t, _ in trend], y=[v for _, v in trend])
        self.plot.setLabel(
            "left", words("history", "axis_minutes_log" if log_scale else "axis_minutes"),
            color=theme.color("muted").name(),
        )
        self.readout.hide()
        if points:
            first, last = points[0].paused_at.timestamp(), points[-1].paused_at.timestamp()
            pad = max(DAY, (last - first) * 0.03)
            self.plot.setXRange(first - pad, last + pad, padding=0)
            low = y(min((p.repair_minutes for p in repaired), default=1.0)) if log_scale else 0.0
            self.plot.setYRange(low - (0.1 if log_scale else 0), top * 1.15 if not log_scale else top + 0.3, padding=0)

    def _y(self, minutes: float) -> float:
        if self._log:
            return math.log10(max(minutes, 0.1))
        return minutes

    def _hovered(self, item, points, event) -> None:
        if len(points):
            self._show(points[0])

    def _clicked(self, item, points, event) -> None:
        if len(points):
            self._show(points[0])
            self.point_selected.emit(points[0].data())

    def _show(self, spot) -> None:
        episode_id = spot.data()
        self.readout.setText(self.describe(episode_id))
        pos = spot.pos()
        self.readout.setPos(pos.x(), pos.y())
        self.readout.show()

    def describe(self, episode_id: str) -> str:
        point = self._by_id.get(episode_id)
        return _describe(point) if point is not None else ""


def _legend_html() -> str:
    def swatch(glyph: str, colour: str) -> str:
        return f'<span style="color:{theme.color(colour).name()}; font-weight:bold">{glyph}</span>'

    items = (
        (swatch("●", "accent"), words("history", "legend_repaired")),
        (swatch("━", "pacer_out"), words("history", "legend_trend")),
        (swatch("○", "pause"), words("history", "legend_open")),
    )
    return " &nbsp;&nbsp; ".join(f"{glyph} {text}" for glyph, text in items)


def _describe(point: Point) -> str:
    moment = when(point.local)
    if point.repair_minutes is None:
        return words("history", "readout_open", when=moment)
    return words("history", "readout", when=moment, duration=duration(point.repair_minutes * 60))


class WeeklyChart(QWidget):
    """A small bar chart of one weekly figure (e.g. pauses per week)."""

    def __init__(self, title: str, value: Callable[[Week], float | None], parent=None):
        super().__init__(parent)
        self.setAccessibleName(title)
        self._value = value
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = _plot({"bottom": pg.DateAxisItem(orientation="bottom")})
        self.plot.setTitle(title, color=theme.color("muted").name(), size=f"{theme.size('small_pt')}pt")
        layout.addWidget(self.plot)
        self.bars = pg.BarGraphItem(x=[], height=[], width=DAY * 5, brush=theme.color("pacer_in"), pen=None)
        self.plot.addItem(self.bars)
        self.setMinimumHeight(150)

    def set_weeks(self, weeks: list[Week]) -> None:
        from datetime import datetime, time

        xs, heights = [], []
        for week in weeks:
            value = self._value(week)
            if value is None:
                continue
            xs.append(datetime.combine(week.start, time(12)).timestamp() + 3 * DAY)
            heights.append(value)
        self.bars.setOpts(x=xs, height=heights, width=DAY * 5)
        if xs:
            span = max(max(xs) - min(xs), 21 * DAY)  # a lone week is not a wall of colour
            middle = (max(xs) + min(xs)) / 2
            self.plot.setXRange(middle - span / 2 - 4 * DAY, middle + span / 2 + 4 * DAY, padding=0)
            self.plot.setYRange(0, max(max(heights), 1) * 1.15, padding=0)
