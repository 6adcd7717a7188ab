"""The history's figures as tables and cards, for the view (ui/history.py).

The record a range is shown from (:class:`RangeView`, computed by the
presenter), the read-only table models (the episode list, the chart's
figures for screen readers, week by week), the table view they are shown
in, and the plain figure cards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QBoxLayout, QFrame, QHeaderView, QTableView, QWidget

from couplepause.common.formatting import calendar_date, when
from couplepause.common.texts import default_names, duration, words
from couplepause.core import stats
from couplepause.core.chart import Chart
from couplepause.core.episode import Episode
from couplepause.export.patterns_text import PatternText
from couplepause.ui.widgets import card_layout, label


@dataclass(frozen=True)
class RangeView:
    """Everything the view shows for one range; computed outside the view."""

    key: str
    version: int  # which set of episodes it was computed from
    episodes: list[Episode]  # those in the range
    points: list[stats.Point]
    weeks: list[stats.Week]
    overview: stats.Overview
    summary: list[str]  # from the whole history: the same for every range
    # The stretch of time the charts cover (stats.span); None without episodes.
    start: datetime | None = None
    end: datetime | None = None
    counted: int = 0  # pauses in the range that count in figures (practice ones do not)
    patterns: PatternText | None = None  # the Patterns tab's content (export/patterns_text.py)
    trend_window: int = stats.ROLLING_N  # how many pauses the trend's median spans (stats.trend_window)
    chart: Chart | None = None  # what the charts draw (core/chart.py); None without episodes


def _fmt_minutes(minutes: float | None) -> str:
    return words("history", "open") if minutes is None else duration(minutes * 60)


class RowsModel(QAbstractTableModel):
    """A read-only table of rows; subclasses name the COLUMNS (keys of
    [history] in words.toml) and say what each cell shows."""

    COLUMNS: tuple[str, ...] = ()
    SECTION = "history"  # the words.toml section of the COLUMNS' headers
    # Columns of free words (a pattern, a name, a note) that may be shown shortened
    # ("We both pulled…", whole in its tooltip) when the table is short of room;
    # never narrower than their header.
    SHORTENED: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._wrapped: frozenset[int] = frozenset()  # columns whose header is on two lines

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_item(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        text = words(self.SECTION, self.COLUMNS[section])
        if role == Qt.ItemDataRole.DisplayRole:
            return two_lines(text) if section in self._wrapped else text
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return text  # read out and shown whole, however it is wrapped
        return None

    def wrap_headers(self, sections: set[int]) -> None:
        """Put the headers of these columns on two lines (the others on one)."""
        wrapped = frozenset(sections)
        if wrapped != self._wrapped:
            self._wrapped = wrapped
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.COLUMNS) - 1))

    def header_wrapped(self, section: int) -> bool:
        return section in self._wrapped

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cell(self._rows[index.row()], column)
        if role == Qt.ItemDataRole.ToolTipRole and column in self.SHORTENED:
            return self.cell(self._rows[index.row()], column)
        return None

    def cell(self, item, column: str) -> str:
        raise NotImplementedError


class EpisodeTableModel(RowsModel):
    """The episode list: newest first; notes hidden until revealed."""

    COLUMNS = ("col_date", "col_repair", "col_break", "col_paused_by", "col_cycle", "col_note")
    # A note is whole in its tooltip once shown (a hidden one is "•••" there too), and
    # opens in full with Enter or a double click (ui/history.py).
    SHORTENED = ("col_paused_by", "col_cycle", "col_note")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names = default_names()
        self.notes_shown = False

    def set_episodes(self, episodes: list[Episode], names: dict[str, str]) -> None:
        self._names = names
        self.set_rows(sorted(episodes, key=lambda e: e.paused_at, reverse=True))

    def show_notes(self, shown: bool) -> None:
        self.notes_shown = shown
        if self._rows:
            column = len(self.COLUMNS) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def episode(self, row: int) -> Episode | None:
        return self.row_item(row)

    def cell(self, episode: Episode, column: str) -> str:
        if column == "col_date":
            return when(episode.paused_at)
        if column == "col_repair":  # a practice pause is marked as such: it never counts in a figure
            return words("history", "practice") if episode.practice else _fmt_minutes(episode.repair_minutes)
        if column == "col_break":
            return words("history", "yes" if episode.had_break else "no")
        if column == "col_paused_by":
            if episode.paused_by == "both":
                return words("app", "both")
            return self._names.get(episode.paused_by, "")
        if column == "col_cycle":
            return words("cycles", episode.cycle) if episode.cycle else ""
        if not episode.note:  # col_note
            return ""
        return episode.note if self.notes_shown else words("history", "note_hidden")


class FiguresTableModel(RowsModel):
    """The chart's figures as a table: one row per pause, for screen readers."""

    COLUMNS = ("col_date", "col_repair", "col_trend", "col_break")

    def cell(self, point: stats.Point, column: str) -> str:
        if column == "col_date":
            return when(point.local)
        if column == "col_repair":
            return _fmt_minutes(point.repair_minutes)
        if column == "col_trend":
            return "" if point.trend_minutes is None else duration(point.trend_minutes * 60)
        return words("history", "yes" if point.had_break else "no")


class WeeksTableModel(RowsModel):
    """Week by week, newest first."""

    COLUMNS = ("col_week", "col_pauses", "col_median", "col_breaks")

    def cell(self, week: stats.Week, column: str) -> str:
        if column == "col_week":
            return calendar_date(week.start, short=True)
        if column == "col_pauses":
            return str(week.ruptures)
        if column == "col_median":
            return "" if week.median_repair_minutes is None else duration(week.median_repair_minutes * 60)
        return str(week.long_breaks)


def two_lines(text: str) -> str:
    """A header on two lines of about equal length, broken at a space ("Median time\nto come back")."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: max(i, len(text) - i - 1))
    return f"{text[:cut]}\n{text[cut + 1:]}"


class HistoryTable(QTableView):
    """A read-only table of a :class:`RowsModel`, one row selected at a time,
    named for screen readers. Every column is as wide as its cells and its
    header, so no header is cut: when the table is short of room, a header
    wider than its cells goes onto two lines, then the model's SHORTENED
    columns show their words shortened (never below their header), each
    giving up the same share of what it would like beyond its header; the
    last column takes the room that is left; if even that does not fit, the
    table scrolls sideways. Columns are measured only while the table is shown."""

    needed_changed = Signal()  # the width its columns need changed (see sizeHint)
    opened = Signal(int)  # a row was opened (Enter, Return or a double click): its row

    def __init__(self, model: RowsModel, accessible: str):
        super().__init__()
        self.setModel(model)
        self.setAccessibleName(accessible)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self._rows_model = model
        self._fitting = False
        self._needed = 0  # the width its columns need, headers on two lines where that helps
        # The widths its cells have needed since reset_widths(): a row deleted (or
        # any change to the same rows) never makes the columns jump narrower.
        self._least: list[int] = []
        model.modelReset.connect(self.fit_columns)
        model.dataChanged.connect(lambda *_: self.fit_columns())  # notes shown or hidden
        self.doubleClicked.connect(lambda index: self.opened.emit(index.row()))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.opened.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def reset_widths(self) -> None:
        """Measure the columns afresh from the next rows (another range was chosen)."""
        self._least = []

    def sizeHint(self) -> QSize:
        """As wide as the columns need (once measured), so a layout shares out the room by need."""
        hint = super().sizeHint()
        if self._needed:
            bar = self.verticalScrollBar().sizeHint().width()
            hint.setWidth(self._needed + 2 * self.frameWidth() + bar)
        return hint

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit_columns()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def _header_widths(self, column: int) -> tuple[int, int]:
        """How wide a column's header needs it: on one line, and on two."""
        header = self.horizontalHeader()
        metrics = header.fontMetrics()

        def widest(text: str) -> int:
            return max(metrics.horizontalAdvance(line) for line in text.split("\n"))

        shown = self._rows_model.headerData(column, Qt.Orientation.Horizontal) or ""
        padding = header.sectionSizeHint(column) - widest(shown)  # the style's margins
        whole = self._rows_model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
        return padding + widest(whole or ""), padding + widest(two_lines(whole or ""))

    def fit_columns(self) -> None:
        if self._fitting or not self.isVisible():
            return
        self._fitting = True
        try:
            model, header = self._rows_model, self.horizontalHeader()
            columns = range(model.columnCount())
            cells = [max(0, self.sizeHintForColumn(c)) for c in columns]
            if len(self._least) == len(cells):
                cells = [max(cell, least) for cell, least in zip(cells, self._least)]
            self._least = cells
            headers = [self._header_widths(c) for c in columns]
            one_line = [max(cell, one) for cell, (one, _) in zip(cells, headers)]
            narrowest = [max(cell, min(one, two)) for cell, (one, two) in zip(cells, headers)]
            room = self.viewport().width()
            if sum(one_line) <= room:  # room enough: every header on one line
                widths, wrap = one_line, set()
            else:
                widths = narrowest
                # Two lines where the header, not its cells, makes the column wide.
                wrap = {c for c, (one, two) in enumerate(headers) if two < one and one > cells[c]}
            if sum(widths) > room:
                # Shorten the free words, not the other columns: down to their header at most
                # (on two lines, where that is narrower).
                floors = {c: min(headers[c]) for c, key in enumerate(model.COLUMNS) if key in model.SHORTENED}
                wrap |= {c for c in floors if headers[c][1] < headers[c][0]}
                spare = sum(max(0, widths[c] - floor) for c, floor in floors.items())
                if spare > 0:
                    keep = max(0.0, 1.0 - (sum(widths) - room) / spare)  # the share each keeps
                    for c, floor in floors.items():
                        widths[c] = max(floor, floor + math.floor((widths[c] - floor) * keep))
            model.wrap_headers(wrap)
            if sum(narrowest) != self._needed:
                self._needed = sum(narrowest)
                self.updateGeometry()
                self.needed_changed.emit()
            if widths and sum(widths) < room:
                widths[-1] += room - sum(widths)
            for column, width in zip(columns, widths):
                header.resizeSection(column, width)
        finally:
            self._fitting = False


def table_view(model: RowsModel, accessible: str) -> HistoryTable:
    return HistoryTable(model, accessible)


class TablePair(QWidget):
    """Two tables side by side, each as wide as it needs, when both fit;
    otherwise one above the other (``heights`` shares the height out then)."""

    def __init__(self, first: HistoryTable, second: HistoryTable, heights: tuple[int, int] = (3, 2), parent=None):
        super().__init__(parent)
        self.tables = (first, second)
        self.heights = heights
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        for table in self.tables:
            self.box.addWidget(table)
            table.needed_changed.connect(self.arrange)

    def side_by_side(self) -> bool:
        return self.box.direction() == QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.arrange()

    def arrange(self) -> None:
        margins = self.box.contentsMargins()
        needed = sum(t.sizeHint().width() for t in self.tables) + self.box.spacing() + margins.left() + margins.right()
        beside = needed <= self.width()
        if beside != self.side_by_side():
            self.box.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
            for index, share in enumerate((0, 0) if beside else self.heights):
                self.box.setStretch(index, share)


class Figure(QFrame):
    """One plain figure: a number and what it means (the words wrap where the
    card is narrower than they are long)."""

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        layout = card_layout(self, margins=(12, 8, 12, 8), spacing=2)
        self.value = label("", "heading", wrap=False)
        self.caption = label(caption, "small")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleName(f"{self.caption.text()}: {text}")

    def needed_width(self) -> int:
        """As wide as the card needs for its number and its words on one line each."""
        margins = self.layout().contentsMargins()
        text = max(self.value.fontMetrics().horizontalAdvance(self.value.text()),
                   self.caption.fontMetrics().horizontalAdvance(self.caption.text()))
        return text + margins.left() + margins.right() + 2 * self.frameWidth() + 2

    def set_compact(self, compact: bool) -> None:
        """On a short screen the number is smaller, so the chart beside keeps its room."""
        role = "title" if compact else "heading"
        if self.value.property("role") != role:
            self.value.setProperty("role", role)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)
            self.layout().setContentsMargins(*((12, 3, 12, 4) if compact else (12, 8, 12, 8)))
