"""The history's Patterns tab: when pauses came (a calm weekday x time-of-day
grid), which cycle recurs and the way back after each, and month by month
the activation at the pause and the longer breaks, each with its sentences.

It shows a :class:`~couplepause.export.patterns_text.PatternText`, worked out
with the range's other figures on the reader thread (ui/history_presenter.py);
nothing is computed here. The grid's steps are theme colours (heat_1..heat_3)
and every cell carries its count as text and a name for screen readers
("Tuesday, evening: 3 pauses").
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.formatting import number, weekday_name
from couplepause.core.patterns import WEEKDAYS
from couplepause.export.patterns_text import CYCLE_COLUMNS, MONTH_COLUMNS, PatternText, w
from couplepause.ui import theme
from couplepause.ui.history_tables import RowsModel, table_view
from couplepause.ui.widgets import label


class HeatModel(QAbstractTableModel):
    """The grid: a row per part of the day, a column per weekday (Monday first)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text: PatternText | None = None
        self._short_days: list[str] = [weekday_name(day, short=True) for day in range(WEEKDAYS)]

    def set_text(self, text: PatternText | None) -> None:
        self.beginResetModel()
        self.text = text
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.text is None else len(self.text.parts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.text is None else len(self.text.weekdays)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.text is None:
            return None
        across = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole:
            names = self._short_days if across else self.text.parts
        elif role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            names = self.text.weekdays if across else self.text.parts  # said whole
        else:
            return None
        return names[section] if 0 <= section < len(names) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.text is None:
            return None
        part, day = index.row(), index.column()
        count = self.text.grid[day][part]
        if role == Qt.ItemDataRole.DisplayRole:
            return number(count) if count else ""
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return self.text.cells[day][part]
        if role == Qt.ItemDataRole.BackgroundRole:
            level = self.text.level(day, part)
            return theme.color(f"heat_{level}") if level else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return theme.color("text")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class HeatTable(QTableView):
    """The grid, as tall as its rows (it never scrolls), moved through with the arrows."""

    def __init__(self, model: HeatModel):
        super().__init__()
        self.setModel(model)
        self.setAccessibleName(w("grid_accessible"))
        self.setProperty("role", "compact")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside
        self.setWordWrap(False)
        self.setShowGrid(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        model.modelReset.connect(self.fit)

    def fit(self) -> None:
        """Rows of one line each, columns as wide as the widest name: the table
        exactly as large as its cells (it never scrolls)."""
        header, side = self.horizontalHeader(), self.verticalHeader()
        metrics = header.fontMetrics()
        model = self.model()
        row = metrics.height() + 12
        side.setDefaultSectionSize(row)
        names = [model.headerData(c, Qt.Orientation.Horizontal) or "" for c in range(model.columnCount())]
        widest = max((metrics.horizontalAdvance(name) for name in names), default=0) + 16
        header.setDefaultSectionSize(widest)
        frame = 2 * self.frameWidth()
        self.setFixedHeight(header.sizeHint().height() + model.rowCount() * row + frame)
        self.setFixedWidth(side.sizeHint().width() + len(names) * widest + frame)


class TextRows(RowsModel):
    """Rows of ready words (tuples in the order of ``source``); the table shows
    the ``columns`` among them. The column keys are [cycle_patterns] keys."""

    SECTION = "cycle_patterns"

    def __init__(self, columns: tuple[str, ...], source: tuple[str, ...] | None = None, parent=None):
        super().__init__(parent)
        self.COLUMNS = columns
        self.SHORTENED = tuple(key for key in ("col_cycle",) if key in columns)
        self._at = {key: index for index, key in enumerate(source or columns)}

    def cell(self, item, column: str) -> str:
        return item[self._at[column]]


def compact() -> QLabel:
    """A label of sentences in the tab's smaller type (named by what it says)."""
    return label("", "compact")


class PatternsTab(QWidget):
    """When pauses came (the grid and its words) beside month by month (the
    activation at the pause and the longer breaks, with their words)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 4)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        self.not_enough = label(w("not_enough"), "muted", center=True)
        self.pages.addWidget(self.not_enough)
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.pages.addWidget(page)

        self.heat_model = HeatModel(self)
        self.heat = HeatTable(self.heat_model)
        self.when = compact()
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(label(w("grid_title"), "small"))
        left.addWidget(self.heat)
        left.addWidget(label(w("grid_legend"), "small"))
        left.addWidget(self.when)
        left.addStretch(1)
        grid.addLayout(left, 0, 0)

        self.month_words = compact()
        self.breaks = compact()
        # Beside the grid, the months' pauses are left to the grid: their activation and longer breaks.
        self.month_model = TextRows(("col_month", "col_activation", "col_breaks"), MONTH_COLUMNS, self)
        self.month_table = table_view(self.month_model, w("months_title"))
        self.month_table.setProperty("role", "compact")
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(self.month_words)
        right.addWidget(self.breaks)
        right.addWidget(self.month_table, 1)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)

    def set_text(self, text: PatternText | None) -> None:
        if text is None or not text.enough:
            self.pages.setCurrentWidget(self.not_enough)
            self.heat_model.set_text(None)
            return
        self.pages.setCurrentIndex(1)
        self.heat_model.set_text(text)
        self.month_model.set_rows(text.month_rows)
        for widget, said in ((self.when, text.when), (self.month_words, text.activation), (self.breaks, text.breaks)):
            widget.setText(" ".join(said))
            widget.setAccessibleName(widget.text())  # named by what it says
            widget.setVisible(bool(said))


class CyclesTab(QWidget):
    """Which cycle recurs, how that changes, and the way back after each; with
    too few pauses, the same kind word as the Patterns tab, in the same look."""

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 4)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        self.not_enough = label(w("not_enough"), "muted", center=True)
        self.pages.addWidget(self.not_enough)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.words = label("", None)
        self.model = TextRows(CYCLE_COLUMNS, parent=self)
        self.table = table_view(self.model, w("cycles_title"))
        layout.addWidget(self.words)
        layout.addWidget(self.table, 1)
        self.pages.addWidget(page)

    def set_text(self, text: PatternText | None) -> None:
        enough = text is not None and text.enough
        self.pages.setCurrentIndex(1 if enough else 0)
        self.words.setText(" ".join(text.cycles) if enough else "")
        self.words.setAccessibleName(self.words.text())
        self.model.set_rows(text.cycle_rows if enough else [])
        self.table.setVisible(bool(self.model.rowCount()))
