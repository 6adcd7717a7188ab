"""The history's figures as tables and cards, for the view (ui/history.py).

The record a range is shown from (:class:`RangeView`, computed by the
presenter), the read-only table models (the episode list, the chart's
figures for screen readers, week by week), the table view they are shown
in, and the plain figure cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView

from couplepause.core import stats
from couplepause.core.episode import Episode
from couplepause.formatting import calendar_date, when
from couplepause.texts import default_names, duration, words
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
    summary: list[str]


def _fmt_minutes(minutes: float | None) -> str:
    return words("history", "open") if minutes is None else duration(minutes * 60)


class RowsModel(QAbstractTableModel):
    """A read-only table of rows; subclasses name the COLUMNS (keys of
    [history] in words.toml) and say what each cell shows."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_item(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return words("history", self.COLUMNS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return self.cell(self._rows[index.row()], self.COLUMNS[index.column()])

    def cell(self, item, column: str) -> str:
        raise NotImplementedError


class EpisodeTableModel(RowsModel):
    """The episode list: newest first; notes hidden until revealed."""

    COLUMNS = ("col_date", "col_repair", "col_break", "col_paused_by", "col_cycle", "col_note")

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
        if column == "col_repair":
            return _fmt_minutes(episode.repair_minutes)
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


def table_view(model: QAbstractTableModel, accessible: str) -> QTableView:
    """A read-only table of the model, one row selected at a time, named for screen readers."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    return view


class Figure(QFrame):
    """One plain figure: a number and what it means."""

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        layout = card_layout(self, margins=(18, 12, 18, 12), spacing=2)
        self.value = label("", "heading")
        self.caption = label(caption, "small")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleName(f"{self.caption.text()}: {text}")
