"""The report's chart: time to repair per pause over the dates (``stats.series``).

Repaired pauses are dots (diamonds where a longer break was needed), open
pauses hollow rings in a band along the top, and the rolling-median trend a
line (over ``stats.trend_window`` pauses, the same rule as the history's
chart; the legend says how many). The minutes axis turns
logarithmic when the largest repair time is more than LOG_SCALE_RATIO times
the smallest (the axis label says so).
"""

from __future__ import annotations

import math
from datetime import timedelta

from PySide6 import QtCore, QtGui

from couplepause.export.pdf.content import phrase
from couplepause.export.pdf.page import Page
from couplepause.export.pdf.ticks import date_ticks, linear_ticks, log_ticks, tick_text, timestamp

LOG_SCALE_RATIO = 20.0  # a log axis when max / min repair time exceeds this
LOG_FLOOR_MINUTES = 0.5  # on a log axis, quicker repairs sit on this line


class ChartPage(Page):
    """A Page that can draw the chart section (heading, chart and legend)."""

    def chart_section(self) -> None:
        c = self.content
        if all(p.repair_minutes is None for p in c.points):
            self.heading(phrase("chart_heading"))
            self.paragraph(self.f_lead, self.c_text, phrase("chart_none"), gap_after=12)
            return
        self.heading(phrase("chart_heading"), phrase("chart_intro", n=c.trend_window))
        height = min(330.0, self.bottom - self.y - 40)
        self.chart(self.left, self.y, self.width, height)
        self.y += height + 10
        self.legend()

    def legend(self) -> None:
        u = self.u
        points = self.content.points
        # Only the kinds of mark this chart shows.
        entries = [
            ("dot", phrase("legend_repaired"),
             any(p.repair_minutes is not None and not p.had_break for p in points)),
            ("diamond", phrase("legend_break"), any(p.repair_minutes is not None and p.had_break for p in points)),
            ("ring", phrase("legend_open"), any(p.repair_minutes is None for p in points)),
            ("line", phrase("legend_trend", n=self.content.trend_window), True),
        ]
        entries = [(kind, label) for kind, label, shown in entries if shown]
        x = self.left
        y = self.y + self.f_small.line / 2
        for kind, label in entries:
            if x > self.left and x + (22 if kind == "line" else 13) + self.f_small.width(label) > self.left + self.width:
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

    def chart(self, x: float, y: float, w: float, h: float) -> None:
        c = self.content
        u = self.u
        values = [p.repair_minutes for p in c.points if p.repair_minutes is not None]
        positive = [v for v in values if v > 0]
        low = max(min(positive), LOG_FLOOR_MINUTES) if positive else LOG_FLOOR_MINUTES
        high = max(values)
        log = high / low > LOG_SCALE_RATIO
        if log:
            ticks = log_ticks(low, high)
            lo, hi = math.log10(ticks[0]), math.log10(ticks[-1])

            def scale(v: float) -> float:
                return (math.log10(max(v, ticks[0])) - lo) / (hi - lo)
        else:
            ticks = linear_ticks(high)

            def scale(v: float) -> float:
                return v / ticks[-1]

        axis_label = phrase("axis_minutes_log") if log else phrase("axis_minutes")
        has_open = any(p.repair_minutes is None for p in c.points)
        # Room at the left for the minutes and, beside the open band, its label whole.
        shown = [tick_text(t) for t in ticks] + ([phrase("axis_open")] if has_open else [])
        label_w = max(self.f_small.width(text) for text in shown) + 6
        px0 = x + 14 + label_w  # room for the rotated axis label and the tick labels
        px1 = x + w - 6
        band = 18.0 if has_open else 0.0
        py0 = y + 8 + band + (8 if has_open else 0)
        py1 = y + h - 12 - 2 * self.f_small.line
        pw, ph = px1 - px0, py1 - py0

        first = c.first_day or c.points[0].local.date()
        last = c.last_day or c.points[-1].local.date()
        t0 = timestamp(first)
        t1 = timestamp(last + timedelta(days=1))
        span = max(t1 - t0, 1.0)

        inset = 6.0  # marks at the very first or last moment stay whole

        def xpos(t: float) -> float:
            return px0 + inset + (t - t0) / span * (pw - 2 * inset)

        def ypos(v: float) -> float:
            return py1 - scale(v) * ph

        # Background, grid and the minutes axis.
        self.fill(px0, py0, pw, ph, self.c_surface)
        for t in ticks:
            ty = ypos(t)
            self.hline(px0, px1, ty, self.c_grid, 0.5)
            self.text(px0 - label_w - 4, ty - 6, label_w, 12, self.f_small, self.c_muted, tick_text(t), align="right")
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

        # The date axis: a label is left out rather than drawn over another.
        shown_until = -math.inf
        for tick_day, day_text, year_text in date_ticks(first, last):
            tx = xpos(timestamp(tick_day))
            if tx < px0 - 0.5 or tx > px1 + 0.5:
                continue
            tw = max(self.f_small.width(day_text), self.f_small.width(year_text)) + 4
            left = min(max(tx - tw / 2, px0 - 10), px1 + 10 - tw)
            if left < shown_until + 6:
                continue
            shown_until = left + tw
            self.ops.append(lambda p, line=QtCore.QLineF(tx * u, py1 * u, tx * u, (py1 + 4) * u): (
                p.setPen(QtGui.QPen(self.c_muted, 0.7 * u)), p.drawLine(line)))
            self.text(left, py1 + 6, tw, 12, self.f_small, self.c_muted, day_text, align="center", elide=False)
            if year_text:
                self.text(left, py1 + 6 + self.f_small.line, tw, 12, self.f_small, self.c_muted, year_text,
                          align="center", elide=False)

        # The open band along the top.
        if has_open:
            by = y + 8 + band / 2
            self.fill(px0, y + 8, pw, band, self.c_background)
            self.text(px0 - label_w - 4, by - 6, label_w, 12, self.f_small, self.c_muted, phrase("axis_open"),
                      align="right")

        dots, diamonds, rings, trend = [], [], [], []
        for point in c.points:
            px = xpos(point.paused_at.timestamp())
            if point.repair_minutes is None:
                rings.append(QtCore.QPointF(px * u, (y + 8 + band / 2) * u))
            else:
                target = diamonds if point.had_break else dots
                target.append(QtCore.QPointF(px * u, ypos(point.repair_minutes) * u))
            if point.trend_minutes is not None:
                trend.append(QtCore.QPointF(px * u, ypos(point.trend_minutes) * u))
        r = (2.0 if len(c.points) > 300 else 2.6 if len(c.points) > 60 else 3.2) * u
        clip = self.rect(px0, y, pw, py1 - y + 1)

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
