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
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from couplepause.export.patterns_text import CYCLE_COLUMNS, MONTH_COLUMNS, PatternText, w
from couplepause.formatting import number
from couplepause.ui import theme
from couplepause.ui.history_tables import RowsModel, table_view
from couplepause.ui.widgets import label


class HeatModel(QAbstractTableModel):
    """The grid: a row per weekday (Monday first), a column per part of the day."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text: PatternText | None = None

    def set_text(self, text: PatternText | None) -> None:
        self.beginResetModel()
        self.text = text
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() or self.text is None else len(self.text.weekdays)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.text is None else len(self.text.parts)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.text is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        names = self.text.parts if orientation == Qt.Orientation.Horizontal else self.text.weekdays
        return names[section] if 0 <= section < len(names) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.text is None:
            return None
        day, part = index.row(), index.column()
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
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside
        self.setWordWrap(False)
        self.setShowGrid(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        model.modelReset.connect(self.fit)

    def fit(self) -> None:
        """Rows of one line each; the table exactly as tall as header and rows."""
        row = self.fontMetrics().height() + 8
        self.verticalHeader().setDefaultSectionSize(row)
        rows = self.model().rowCount()
        height = self.horizontalHeader().sizeHint().height() + rows * row + 2 * self.frameWidth()
        self.setFixedHeight(height)
        parts = self.model().columnCount()
        if parts:
            widest = max(self.horizontalHeader().sectionSizeFromContents(c).width() for c in range(parts))
            days = self.verticalHeader().sizeHint().width()
            self.setMinimumWidth(days + parts * widest + 2 * self.frameWidth())


class TextRows(RowsModel):
    """Rows of ready words; the column keys are [cycle_patterns] keys."""

    SECTION = "cycle_patterns"

    def __init__(self, columns: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.COLUMNS = columns
        self.SHORTENED = "col_cycle" if "col_cycle" in columns else None

    def cell(self, item, column: str) -> str:
        return item[self.COLUMNS.index(column)]


class PatternsTab(QWidget):
    """The patterns of the range shown: the grid and its words on the left,
    the cycles and the months on the right."""

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
        grid.setVerticalSpacing(4)
        self.pages.addWidget(page)

        self.heat_model = HeatModel(self)
        self.heat = HeatTable(self.heat_model)
        self.when = label("", None)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(label(w("grid_title"), "small"))
        left.addWidget(self.heat)
        left.addWidget(label(w("grid_legend"), "small"))
        left.addWidget(self.when)
        left.addStretch(1)
        grid.addLayout(left, 0, 0, 2, 1)

        self.cycle_words = label("", None)
        self.cycle_model = TextRows(CYCLE_COLUMNS, self)
        self.cycle_table = table_view(self.cycle_model, w("cycles_title"))
        self.month_words = label("", None)
        self.month_model = TextRows(MONTH_COLUMNS, self)
        self.month_table = table_view(self.month_model, w("months_title"))
        for row, (words_label, table) in enumerate(((self.cycle_words, self.cycle_table),
                                                    (self.month_words, self.month_table))):
            column = QVBoxLayout()
            column.setSpacing(4)
            column.addWidget(words_label)
            column.addWidget(table, 1)
            grid.addLayout(column, row, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)

    def set_text(self, text: PatternText | None) -> None:
        if text is None or not text.enough:
            self.pages.setCurrentWidget(self.not_enough)
            self.heat_model.set_text(None)
            return
        self.pages.setCurrentIndex(1)
        self.heat_model.set_text(text)
        self.when.setText(" ".join(text.when))
        self.cycle_words.setText(" ".join(text.cycles))
        self.cycle_model.set_rows(text.cycle_rows)
        self.month_words.setText(" ".join(text.activation + text.breaks))
        self.month_model.set_rows(text.month_rows)
        self.cycle_table.setVisible(bool(text.cycle_rows))
        for widget in (self.when, self.cycle_words, self.month_words):
            widget.setAccessibleName(widget.text())  # named by what it says

    def restyle(self) -> None:
        """The theme changed: the grid takes its colours again."""
        self.heat_model.set_text(self.heat_model.text)
