"""The history charts. This is the only module that imports pyqtgraph, and it
is imported only when the history view opens: pyqtgraph is slow and large to
import, and the live flow must never wait for it (benchmarks/bench_history.py
measures the first open).

Time to come back per pause, with the open pauses on a row of their own above
the minutes (they have no value to place on that axis; the PDF report draws
them the same way), and the pauses per week below. Both charts cover the same
stretch of time (``RangeView.start`` to ``end``), their left axes are equally
wide and their x ranges are linked, so a week's bar stands under its pauses.
The dates on the time axis are as many as fit its width: days, weeks (Mondays),
months or years, written by couplepause/formatting.py (QLocale).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from couplepause.core.stats import Point, Week
from couplepause.formatting import calendar_date, day_and_month, month_short, month_short_year, number, when
from couplepause.texts import duration, words
from couplepause.ui import theme

pg.setConfigOptions(antialias=True, background=None, foreground=theme.color("muted"))

DAY = 86400.0
TREND_VERTICES = 600
EDGE_SHARE = 0.015  # the time axis reaches this share of its span past the first and last day
WEEK_BAR_DAYS = 5.0  # a week's bar, centred on its week
OPEN_ROW_PX = 30  # the height of the open pauses' row
MIN_HEIGHT_PX = 140  # the repair chart, open row included: a chart still worth reading
LABEL_GAP_PX = 16  # the least room between two date labels
# The most date labels on an axis: a year of months, fewer days or weeks.
MAX_LABELS = {"day": 9, "week": 9, "month": 13, "year": 13}
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4, "year": 365.25}
TICK_STEPS = (
    ("day", 1), ("day", 2), ("week", 1), ("week", 2),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 25), ("year", 50), ("year", 100),
)


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


# ------------------------------------------------------------------ time axis
def local_midnight(day: date) -> float:
    """The POSIX time at which ``day`` begins, local time."""
    return datetime.combine(day, time()).astimezone().timestamp()


def time_span(start: datetime, end: datetime) -> tuple[float, float]:
    """The x range (POSIX seconds) of charts covering ``start`` to ``end``:
    whole local days, and a little more at each edge so marks there stay whole."""
    first = local_midnight(start.astimezone().date())
    last = local_midnight(end.astimezone().date() + timedelta(days=1))
    edge = (last - first) * EDGE_SHARE
    return first - edge, last + edge


def _tick_days(kind: str, step: int, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` that a step puts a date on. They are
    counted from fixed days (Mondays, January, year 0), so a date does not
    move when the span does."""
    if kind in ("day", "week"):
        every = step * (7 if kind == "week" else 1)
        day = first + timedelta(days=(1 - first.toordinal()) % every)  # ordinal 1 is a Monday
        days = []
        while day <= last:
            days.append(day)
            day += timedelta(days=every)
        return days
    if kind == "month":
        index = first.year * 12 + first.month - 1 + (first.day != 1)
        index += -index % step
        days = []
        while index // 12 <= last.year:
            day = date(index // 12, index % 12 + 1, 1)
            if day > last:
                break
            days.append(day)
            index += step
        return days
    year = first.year + (first != date(first.year, 1, 1))
    year += -year % step
    return [date(y, 1, 1) for y in range(year, last.year + 1, step)]


def _labels(kind: str, days: list[date]) -> list[str]:
    """Each date in words; the first one and the first of each new year with the year."""
    labels, shown_year = [], None
    for day in days:
        with_year = day.year != shown_year
        shown_year = day.year
        if kind == "year":
            labels.append(str(day.year))
        elif kind == "month":
            labels.append(month_short_year(day) if with_year else month_short(day.month))
        else:
            labels.append(calendar_date(day, short=True) if with_year else day_and_month(day))
    return labels


def _fitted(kind: str, days: list[date], t0: float, pixels: float, scale: float,
            measure: Callable[[str], float]) -> list[tuple[float, str]] | None:
    """The labelled dates if they fit the axis side by side, else None. A date
    whose label would stick out at an end is left out (the year moves on to the next)."""
    while days:
        labels = _labels(kind, days)
        xs = [(local_midnight(day) - t0) * scale for day in days]
        widths = [measure(label) for label in labels]
        if xs[0] - widths[0] / 2 < 0:
            days = days[1:]
        elif xs[-1] + widths[-1] / 2 > pixels:
            days = days[:-1]
        elif any(xs[i + 1] - xs[i] < (widths[i] + widths[i + 1]) / 2 + LABEL_GAP_PX for i in range(len(xs) - 1)):
            return None
        else:
            return [(local_midnight(day), label) for day, label in zip(days, labels)]
    return None


def date_ticks(t0: float, t1: float, pixels: float, measure: Callable[[str], float]) -> list[tuple[float, str]]:
    """The dates on a time axis from ``t0`` to ``t1`` (POSIX seconds) drawn
    ``pixels`` wide, as (local midnight, label): the finest of TICK_STEPS whose
    labels (at most MAX_LABELS of its kind) fit side by side, ``measure``
    giving a label's width. Days and weeks read "2 Dec", months "Dec", years
    "2026"; the first label and the first of each new year carry the year
    ("2 Dec 2026", "Jan 2027"), as in the PDF report."""
    if not (t1 > t0 and pixels > 0):
        return []
    first, last = datetime.fromtimestamp(t0).date(), datetime.fromtimestamp(t1).date()
    scale = pixels / (t1 - t0)
    span_days = (t1 - t0) / DAY
    for kind, step in TICK_STEPS:
        if span_days / (step * UNIT_DAYS[kind]) > MAX_LABELS[kind] + 2:
            continue  # far too many: not worth listing (forty years of days)
        days = [day for day in _tick_days(kind, step, first, last) if t0 <= local_midnight(day) <= t1]
        if not days or len(days) > MAX_LABELS[kind]:
            continue
        ticks = _fitted(kind, days, t0, pixels, scale, measure)
        if ticks:
            return ticks
    return []


class DatesAxis(pg.AxisItem):
    """A time axis (POSIX seconds) labelled with the dates that fit its width."""

    def __init__(self):
        super().__init__(orientation="bottom")
        self.enableAutoSIPrefix(False)
        self._labels: dict[float, str] = {}

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style["tickFont"] or QFont())

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pyqtgraph names)
        ticks = date_ticks(minVal, maxVal, size, self._metrics().horizontalAdvance)
        self._labels = dict(ticks)
        return [(DAY, [moment for moment, _ in ticks])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [self._labels.get(value, "") for value in values]

    def shown(self) -> list[str]:
        """The labels this axis shows at its current range and width."""
        low, high = self.range
        return [label for _, label in date_ticks(low, high, self.geometry().width(), self._metrics().horizontalAdvance)]


# --------------------------------------------------------------- value axes
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


class CountAxis(pg.AxisItem):
    """Whole numbers only (pauses are counted, never halved)."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing >= 1:
                levels.append((spacing, [v for v in values if abs(v - round(v)) < 1e-9]))
        return levels or [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
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
        layout.setSpacing(4)

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
        self._title(words("history", "axis_minutes"))
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
        self.legend = _legend_html(with_open=False)  # shown by the view, beside the log-scale switch
        self.points.sigHovered.connect(lambda _item, points, _event: self._show(points))
        self.open_points.sigHovered.connect(lambda _item, points, _event: self._show(points, opened=True))
        self.points.sigClicked.connect(lambda _item, points, _event: self._clicked(points))
        self.open_points.sigClicked.connect(lambda _item, points, _event: self._clicked(points, opened=True))
        self._log = False
        self._by_id: dict[str, Point] = {}
        self.x_range: tuple[float, float] = (0.0, 1.0)
        self.left_width = 0
        self._set_left_width(number(100))
        self.setMinimumHeight(MIN_HEIGHT_PX)

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
        self.open_points.setData(
            x=[p.paused_at.timestamp() for p in opened], y=[0.0] * len(opened), data=[p.episode_id for p in opened],
        )
        self.open_row.setVisible(bool(opened))
        self.legend = _legend_html(with_open=bool(opened))
        trend = [(p.paused_at.timestamp(), y(p.trend_minutes)) for p in points if p.trend_minutes is not None]
        # A rolling median is smooth: a few hundred vertices draw it as well as ten thousand.
        step = max(1, len(trend) // TREND_VERTICES)
        if step > 1:
            trend = trend[::step] + ([trend[-1]] if (len(trend) - 1) % step else [])
        self.trend.setData(x=[t for t, _ in trend], y=[v for _, v in trend])
        self._title(words("history", "axis_minutes_log" if log_scale else "axis_minutes"))
        self.readout.hide()
        longest = max((p.repair_minutes for p in repaired), default=30.0)
        top = y(longest)
        if log_scale:
            low = y(min(p.repair_minutes for p in repaired)) if repaired else 0.0
            self.plot.setYRange(low - 0.1, top + 0.3, padding=0)
        else:
            self.plot.setYRange(0.0, top * 1.15, padding=0)
        # Room for the widest minutes label: a round number with as many digits as the top of the axis.
        reach = longest * (10 ** 0.3 if log_scale else 1.15)
        self._set_left_width(number(10 ** max(2, math.floor(math.log10(max(reach, 1.0))))))

    def set_span(self, start: datetime | None, end: datetime | None) -> None:
        """The stretch of time shown (the same for every chart of a range)."""
        if start is None or end is None:
            return
        self.x_range = time_span(start, end)
        self.plot.setXRange(*self.x_range, padding=0)

    def _set_left_width(self, widest_number: str) -> None:
        """One width for the left axes (the open row's, the minutes', the weekly
        chart's): the widest label and the gap to the axis."""
        metrics = QFontMetricsF(_axis_font())
        text = max(metrics.horizontalAdvance(widest_number), metrics.horizontalAdvance(words("history", "axis_open")))
        self.left_width = math.ceil(text + self.axis.style["tickTextOffset"][0] + 12)
        for axis in (self.axis, self.open_row.getAxis("left")):
            axis.setWidth(self.left_width)

    def _title(self, text: str) -> None:
        """What the minutes axis counts, above it (as the weekly chart's title):
        a rotated label would be longer than a short chart is high."""
        self.plot.setTitle(text, color=theme.color("muted").name(), size=f"{theme.size('small_pt')}pt")

    def _y(self, minutes: float) -> float:
        if self._log:
            return math.log10(max(minutes, 0.1))
        return minutes

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
        point = self._by_id.get(episode_id)
        return _describe(point) if point is not None else ""


def _legend_html(with_open: bool = True) -> str:
    """The legend of the marks shown (the open ring only when there is an open pause)."""
    def swatch(glyph: str, colour: str) -> str:
        return f'<span style="color:{theme.color(colour).name()}; font-weight:bold">{glyph}</span>'

    items = [
        (swatch("●", "accent"), words("history", "legend_repaired")),
        (swatch("━", "pacer_out"), words("history", "legend_trend")),
    ]
    if with_open:
        items.append((swatch("○", "pause"), words("history", "legend_open")))
    return " &nbsp;&nbsp; ".join(f"{glyph} {text}" for glyph, text in items)


def _describe(point: Point) -> str:
    moment = when(point.local)
    if point.repair_minutes is None:
        return words("history", "readout_open", when=moment)
    return words("history", "readout", when=moment, duration=duration(point.repair_minutes * 60))


class WeeklyChart(QWidget):
    """A small bar chart of one weekly figure (e.g. pauses per week), on the
    time axis of the repair chart above it (see :meth:`align_with`)."""

    def __init__(self, title: str, value: Callable[[Week], float | None], parent=None):
        super().__init__(parent)
        self.setAccessibleName(title)
        self._value = value
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.dates = DatesAxis()
        self.plot = _plot({"bottom": self.dates, "left": CountAxis(orientation="left")})
        self.plot.setTitle(title, color=theme.color("muted").name(), size=f"{theme.size('small_pt')}pt")
        layout.addWidget(self.plot)
        self.bars = pg.BarGraphItem(x=[], height=[], width=DAY * WEEK_BAR_DAYS, brush=theme.color("pacer_in"),
                                    pen=None)
        self.plot.addItem(self.bars)
        self.setMinimumHeight(80)

    def set_weeks(self, weeks: list[Week]) -> None:
        xs, heights = [], []
        for week in weeks:
            value = self._value(week)
            if value is None:
                continue
            xs.append(local_midnight(week.start) + 3.5 * DAY)  # the middle of the week
            heights.append(value)
        self.bars.setOpts(x=xs, height=heights, width=DAY * WEEK_BAR_DAYS)
        self.plot.setYRange(0, max(max(heights, default=0), 1) * 1.15, padding=0)

    def align_with(self, chart: RepairChart) -> None:
        """The same left axis width and x range as ``chart``, linked to it."""
        self.plot.getAxis("left").setWidth(chart.left_width)
        self.plot.setXLink(chart.plot)
        self.plot.setXRange(*chart.x_range, padding=0)
