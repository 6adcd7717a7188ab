"""The report's chart: time to repair per pause over the dates.

It draws the content's ``core.chart.Chart``, the one the history's chart in
the window draws from the same pauses: the same stretch of time, the same
scale (logarithmic by the one rule, ``chart.wants_log``; the axis label says
so), the same trend line (over ``stats.trend_window`` pauses; the legend
says how many), the same dates and numbers on the axes for the room they
have. Repaired pauses are dots (diamonds where a longer break was needed),
open pauses hollow rings in a band along the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui

from couplepause.common.formatting import axis_date, axis_number
from couplepause.export.pdf.content import phrase
from couplepause.export.pdf.page import Page

if TYPE_CHECKING:
    from couplepause.core.chart import Chart


@dataclass(frozen=True)
class Drawn:
    """What the chart put on the page: its ticks and how many of each mark."""

    dates: list[tuple[float, str]]  # (moment, label)
    values: list[float]  # on the minutes axis (log10 of minutes on a log scale)
    marks: int  # repaired pauses: dots and diamonds
    rings: int  # open pauses
    trend: int  # the trend line's vertices


class ChartPage(Page):
    """A Page that can draw the chart section (heading, chart and legend)."""

    drawn: Drawn | None = None  # once the chart is laid out

    def chart_section(self, chart: Chart) -> None:
        if not chart.repaired:
            self.heading(phrase("chart_heading"))
            self.paragraph(self.f_lead, self.c_text, phrase("chart_none"), gap_after=12)
            return
        self.heading(phrase("chart_heading"), phrase("chart_intro", n=chart.trend_window))
        height = min(330.0, self.bottom - self.y - 40)
        self.chart(chart, self.left, self.y, self.width, height)
        self.y += height + 10
        self.legend(chart)

    def legend(self, chart: Chart) -> None:
        u = self.u
        # Only the kinds of mark this chart shows.
        kinds = [
            ("dot", phrase("legend_repaired"), any(not mark.had_break for mark in chart.repaired)),
            ("diamond", phrase("legend_break"), any(mark.had_break for mark in chart.repaired)),
            ("ring", phrase("legend_open"), bool(chart.opened)),
            ("line", phrase("legend_trend", n=chart.trend_window), True),
        ]
        entries = [(kind, label) for kind, label, shown in kinds if shown]
        x = float(self.left)
        y = self.y + self.f_small.line / 2
        for kind, label in entries:
            needs = (22 if kind == "line" else 13) + self.f_small.width(label)
            if x > self.left and x + needs > self.left + self.width:
                x = self.left  # a longer legend (another language) goes on in a second row
                self.y += self.f_small.line + 4
                y = self.y + self.f_small.line / 2
            cx, cy = x + 5, y
            if kind == "line":
                self.hline(x, x + 16, cy, self.c_trend, 1.6)
                x += 22
            else:
                def op(p, kind=kind, centre=QtCore.QPointF(cx * u, cy * u)):
                    self._mark(p, kind, centre, 2.8 * u)

                self.ops.append(op)
                x += 13
            w = self.f_small.width(label)
            self.text(x, self.y, w + 2, self.f_small.line, self.f_small, self.c_muted, label, elide=False)
            x += w + 18
        self.y += self.f_small.line + 8

    def _mark(self, p, kind: str, centre, r: float) -> None:
        if kind == "dot":
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(self.c_point)
            p.drawEllipse(centre, r, r)
        elif kind == "diamond":
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(self.c_break)
            d = r * 1.3
            p.drawPolygon(QtGui.QPolygonF([
                QtCore.QPointF(centre.x(), centre.y() - d), QtCore.QPointF(centre.x() + d, centre.y()),
                QtCore.QPointF(centre.x(), centre.y() + d), QtCore.QPointF(centre.x() - d, centre.y()),
            ]))
        else:
            p.setPen(QtGui.QPen(self.c_open, 0.8 * self.u))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, r, r)
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)

    def chart(self, chart: Chart, x: float, y: float, w: float, h: float) -> None:
        u = self.u
        small = self.f_small
        has_open = bool(chart.opened)
        axis_label = phrase("axis_minutes_log") if chart.log else phrase("axis_minutes")
        band = 18.0 if has_open else 0.0
        py0 = y + 8 + band + (8 if has_open else 0)
        py1 = y + h - 12 - small.line
        ph = py1 - py0
        low, high = chart.y_range
        ticks = chart.value_ticks(ph, small.line)
        tick_texts = [axis_number(chart.minutes_at(t)) for t in ticks]
        # Room at the left for the minutes and, beside the open band, its label whole.
        shown = tick_texts + ([phrase("axis_open")] if has_open else [])
        label_w = max((small.width(text) for text in shown), default=0.0) + 6
        px0 = x + 14 + label_w  # room for the rotated axis label and the tick labels
        px1 = x + w - 6
        pw = px1 - px0
        t0, t1 = chart.x_range

        def xpos(t: float) -> float:
            return px0 + (t - t0) / (t1 - t0) * pw

        def ypos(minutes: float) -> float:
            return py1 - (chart.y(minutes) - low) / (high - low) * ph

        # Background, grid and the minutes axis.
        self.fill(px0, py0, pw, ph, self.c_surface)
        for tick, text in zip(ticks, tick_texts):
            ty = py1 - (tick - low) / (high - low) * ph
            self.hline(px0, px1, ty, self.c_grid, 0.5)
            self.text(px0 - label_w - 4, ty - 6, label_w, 12, small, self.c_muted, text, align="right")
        self.hline(px0, px1, py1, self.c_muted, 0.7)
        label_box = QtCore.QRectF(0, 0, ph * u, 12 * u)
        centre = QtCore.QPointF((x + 4) * u, (py0 + ph / 2) * u)

        def axis_op(p, label_box=label_box, centre=centre, text=axis_label):
            p.save()
            p.translate(centre)
            p.rotate(-90)
            p.translate(-label_box.width() / 2, -label_box.height() / 2)
            p.setFont(self.f_small.qfont)
            p.setPen(self.c_muted)
            p.drawText(label_box, int(QtCore.Qt.AlignmentFlag.AlignCenter), text)
            p.restore()

        self.ops.append(axis_op)

        # The date axis: the dates that fit its width, as in the window.
        dates = chart.date_ticks(pw, small.width, axis_date)
        for moment, text in dates:
            tx = xpos(moment)
            tw = small.width(text) + 4

            def tick_op(p, line=QtCore.QLineF(tx * u, py1 * u, tx * u, (py1 + 4) * u)):
                p.setPen(QtGui.QPen(self.c_muted, 0.7 * u))
                p.drawLine(line)

            self.ops.append(tick_op)
            self.text(tx - tw / 2, py1 + 6, tw, 12, small, self.c_muted, text, align="center", elide=False)

        # The open band along the top.
        if has_open:
            by = y + 8 + band / 2
            self.fill(px0, y + 8, pw, band, self.c_background)
            self.text(px0 - label_w - 4, by - 6, label_w, 12, small, self.c_muted, phrase("axis_open"),
                      align="right")

        # (A repaired mark always has its minutes; only an open one has none.)
        dots = [QtCore.QPointF(xpos(m.x) * u, ypos(m.minutes) * u)
                for m in chart.repaired if m.minutes is not None and not m.had_break]
        diamonds = [QtCore.QPointF(xpos(m.x) * u, ypos(m.minutes) * u)
                    for m in chart.repaired if m.minutes is not None and m.had_break]
        rings = [QtCore.QPointF(xpos(m.x) * u, (y + 8 + band / 2) * u) for m in chart.opened]
        trend = [QtCore.QPointF(xpos(t) * u, ypos(minutes) * u) for t, minutes in chart.trend]
        count = len(chart.repaired) + len(chart.opened)
        r = (2.0 if count > 300 else 2.6 if count > 60 else 3.2) * u
        clip = self.rect(px0, y, pw, py1 - y + 1)
        self.drawn = Drawn(dates, ticks, len(dots) + len(diamonds), len(rings), len(trend))

        def marks_op(p, dots=dots, diamonds=diamonds, rings=rings, trend=QtGui.QPolygonF(trend), r=r, clip=clip):
            p.save()
            p.setClipRect(clip)
            p.setRenderHint(p.RenderHint.Antialiasing, True)
            for centre in dots:
                self._mark(p, "dot", centre, r)
            for centre in diamonds:
                self._mark(p, "diamond", centre, r)
            for centre in rings:
                self._mark(p, "ring", centre, r)
            if trend.size() > 1:
                pen = QtGui.QPen(self.c_trend, 1.6 * u)
                pen.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
                pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPolyline(trend)
            p.restore()

        self.ops.append(marks_op)
