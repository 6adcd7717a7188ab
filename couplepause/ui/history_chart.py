"""The history's Chart tab and the summary above the tabs (ui/history.py).

The chart tab: the time to come back per pause above the pauses per week, and
beside them the range's figures and the log-scale switch, so on a small laptop
the plot keeps its height (charts.PLOT_MIN_PX) while the figures take the
width. Should the tab ever be shorter than its parts need (the summary
unfolded on a short screen), it scrolls rather than squeezing or cutting them.
pyqtgraph (ui/charts.py) is imported only when the first chart is drawn. The
charts draw the range's ``core.chart.Chart`` (the PDF report draws the same):
on its scale (the log-scale rule, as the report decides) until the couple
choose one with the switch; their choice then holds for every range.

The summary folds to one line where the view is short (a small laptop), with
a button to read it whole; screen readers always get all of it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from couplepause.common.formatting import number
from couplepause.common.texts import duration, words
from couplepause.core import stats
from couplepause.ui.basics import scroller
from couplepause.ui.history_tables import Figure, RangeView
from couplepause.ui.widgets import button, label

SIDE_WIDTH = (220, 300)  # the figures' column: at least, at most (its words wrap beyond)
PAGE_MARGINS = {False: (8, 6, 8, 4), True: (6, 4, 6, 2)}  # roomy, compact (a short view)
REPAIR_SHARE, WEEKLY_SHARE = 3, 1  # how the charts share height beyond their minimums


class ChartTab(QStackedWidget):
    """A friendly word for a tiny history, else the charts and figures of a range."""

    redraw = Signal()  # the charts must be drawn again (another colour scheme, the log scale)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tiny_message = label(words("history", "tiny"), "muted", center=True)
        self.addWidget(self.tiny_message)

        page = QWidget()
        self.columns = _Columns(page)
        self.columns.setContentsMargins(*PAGE_MARGINS[False])
        self.columns.setSpacing(14)
        self.chart_column = QVBoxLayout()
        self.chart_column.setSpacing(4)
        self.columns.addLayout(self.chart_column, 1)
        # One pair of charts per range, kept while the episodes stay the same:
        # switching back to a range only shows what was already drawn.
        self.repair_charts = _Shown()
        self.weekly_charts = _Shown()
        self._drawn: dict[str, tuple[int, bool, Any, Any]] = {}
        self._charts = None  # the charts module, once imported
        # A new colour scheme reaches this tab as several palette changes, one per
        # restyled ancestor: the charts are drawn again once, after the last.
        self._recolour = QTimer(self)
        self._recolour.setSingleShot(True)
        self._recolour.setInterval(0)
        self._recolour.timeout.connect(self._recoloured)

        self.side = QWidget()
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(8)
        self.figures = {
            "median": Figure(words("history", "figure_median")),
            "breaks": Figure(words("history", "figure_breaks")),
            "activation": Figure(words("history", "figure_activation")),
            "first_turn": Figure(words("history", "figure_first_turn")),
        }
        for figure in self.figures.values():
            side.addWidget(figure)
        side.addStretch(1)
        self.log_scale = QCheckBox(words("history", "log_scale"))
        self.log_scale.setAccessibleName(words("history", "log_scale"))  # on one line, however it is shown
        self._log_chosen: bool | None = None  # the couple's choice; None: the chart's own rule
        self.log_scale.toggled.connect(self._choose_log)
        side.addWidget(self.log_scale)
        self.columns.addWidget(self.side)
        self.area = scroller(page, self)
        self._fit_side()

    # ---------------------------------------------------------- what shows
    def show_tiny(self, tiny: bool) -> None:
        self.setCurrentWidget(self.tiny_message if tiny else self.area)

    def show_charts(self, figures: RangeView) -> None:
        """Show the charts of this range, drawing them only if they are out of date."""
        if self._charts is None:
            from couplepause.ui import charts  # pyqtgraph: only now

            self.chart_column.addWidget(self.repair_charts, REPAIR_SHARE)
            self.chart_column.addWidget(self.weekly_charts, WEEKLY_SHARE)
            self._charts = charts
        log_scale = figures.chart.log if self._log_chosen is None else self._log_chosen
        if self.log_scale.isChecked() != log_scale:  # the rule's answer for this range: no redraw asked
            blocked = self.log_scale.blockSignals(True)
            self.log_scale.setChecked(log_scale)
            self.log_scale.blockSignals(blocked)
        drawn = self._drawn.get(figures.key)
        if drawn is None:
            repair = self._charts.RepairChart()
            weekly = self._charts.WeeklyChart(words("history", "weekly_pauses"))
            self.repair_charts.addWidget(repair)
            self.weekly_charts.addWidget(weekly)
            drawn = (-1, log_scale, repair, weekly)
        version, drawn_log, repair, weekly = drawn
        if version != figures.version or drawn_log != log_scale:
            chart = figures.chart.scaled(log_scale)
            repair.draw(chart)
            weekly.draw(chart)
            weekly.align_with(repair)  # one time axis for both: same width, same range, linked
        self._drawn[figures.key] = (figures.version, log_scale, repair, weekly)
        self.repair_charts.setCurrentWidget(repair)
        self.weekly_charts.setCurrentWidget(weekly)

    def _choose_log(self, on: bool) -> None:
        """The couple chose a scale: it holds from now on, for every range."""
        self._log_chosen = on
        self.redraw.emit()

    def show_figures(self, overview: stats.Overview) -> None:
        none = words("history", "figure_none")
        median = overview.median_repair_minutes
        self.figures["median"].set_value(none if median is None else duration(median * 60))
        share = overview.share_with_break
        breaks = none if share is None else words("history", "percent", value=round(share * 100))
        self.figures["breaks"].set_value(breaks)
        activation = overview.median_activation
        self.figures["activation"].set_value(
            none if activation is None else words("history", "activation_value", value=number(activation, 1))
        )
        first = overview.median_first_turn_minutes
        self.figures["first_turn"].set_value(none if first is None else duration(first * 60))
        self._fit_side()

    def set_compact(self, compact: bool) -> None:
        self.columns.setContentsMargins(*PAGE_MARGINS[compact])
        for figure in self.figures.values():
            figure.set_compact(compact)
        self._fit_side()

    def _fit_side(self) -> None:
        """The figures' column as wide as its widest line (a caption, a figure, the
        switch), within SIDE_WIDTH: beyond, a caption wraps, and so does the
        switch's text, before its brackets ("Log scale / (for long breaks)")."""
        whole = words("history", "log_scale")
        self.log_scale.setText(whole)
        if self.log_scale.sizeHint().width() > SIDE_WIDTH[1]:
            self.log_scale.setText(whole.replace(" (", "\n(", 1))
        needed = max([self.log_scale.sizeHint().width()] + [f.needed_width() for f in self.figures.values()])
        self.side.setFixedWidth(max(SIDE_WIDTH[0], min(SIDE_WIDTH[1], needed)))

    @property
    def repair_chart(self):
        return self.repair_charts.currentWidget()

    @property
    def weekly_chart(self):
        return self.weekly_charts.currentWidget()

    def plot_height(self) -> int:
        """The height of the plot of minutes on show (0 when no chart is)."""
        chart = self.repair_chart
        if chart is None or not chart.isVisible():
            return 0
        return chart.plot_height()

    def scrolls(self) -> bool:
        """Whether the tab is shorter or narrower than its parts need (it scrolls then)."""
        return self.area.verticalScrollBar().maximum() > 0 or self.area.horizontalScrollBar().maximum() > 0

    def changeEvent(self, event) -> None:
        """Another colour scheme (Settings, or the desktop's light or dark): the charts
        take their colours when drawn, so they are drawn again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._drawn:
            self._recolour.start()

    def _recoloured(self) -> None:
        for _version, _log, repair, weekly in self._drawn.values():
            for chart in (repair, weekly):
                chart.setParent(None)
                chart.deleteLater()
        self._drawn.clear()
        self.redraw.emit()


class _Shown(QStackedWidget):
    """A stack of charts that asks for the room of the one shown (a stack asks for
    its largest), so the room beyond is shared out by stretch."""

    def sizeHint(self) -> QSize:
        shown = self.currentWidget()
        return shown.sizeHint() if shown is not None else super().sizeHint()

    def hasHeightForWidth(self) -> bool:
        shown = self.currentWidget()
        return shown is not None and shown.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        shown = self.currentWidget()
        return shown.heightForWidth(width) if shown is not None else -1


class _Columns(QHBoxLayout):
    """The charts beside the figures: as tall as the tab (the charts take what
    room there is), never the height their wrapped words would like best (a
    scroll area asks a layout of wrapped words for that height)."""

    def hasHeightForWidth(self) -> bool:
        return False


class SummaryLine(QWidget):
    """The history's summary: whole, or folded to its first line with a button
    to read it all (where the view is short). Its words are always whole for a
    screen reader (the label's description) and in its tooltip when folded."""

    folded_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName(words("accessible", "summary"))
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toggle = button(words("history", "summary_more"), "link")
        self.toggle.clicked.connect(lambda: self.set_folded(not self._folded))
        # As wide for either word: nothing beside it moves when it changes.
        widths = []
        for key in ("summary_more", "summary_less"):
            self.toggle.setText(words("history", key))
            widths.append(self.toggle.sizeHint().width())
        self.toggle.setMinimumWidth(max(widths))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignBottom)  # after the last line
        self._text = ""
        self._folded = False
        self._show()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        self._text = text
        self.label.setAccessibleDescription(text)
        self._show()

    def folded(self) -> bool:
        return self._folded

    def set_folded(self, folded: bool) -> None:
        if folded != self._folded:
            self._folded = folded
            self._show()
            self.folded_changed.emit(folded)

    def fits_one_line(self) -> bool:
        return self.label.fontMetrics().horizontalAdvance(self._text) <= self.width()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show()

    def _show(self) -> None:
        """The words whole (wrapped), or their first line ending in "…"; the
        button only where there is more to read."""
        fits = self.fits_one_line()
        self.toggle.setVisible(bool(self._text) and not fits)
        key = "summary_more" if self._folded else "summary_less"
        self.toggle.setText(words("history", key))
        self.toggle.setAccessibleName(words("history", f"{key}_accessible"))
        folded = self._folded and not fits
        self.label.setWordWrap(not folded)
        if folded:
            room = self.width() - self.toggle.minimumWidth() - self.layout().spacing()
            shown = self.label.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, max(1, room))
        else:
            shown = self._text
        if self.label.text() != shown:
            self.label.setText(shown)
        self.label.setToolTip(self._text if folded else "")
