"""Our progress: the history of pauses and repairs, for a calm evening.

The view renders what it is given and emits intents (edit, delete, undo);
statistics come from core.stats and changes go through the presenter
(ui/history_presenter.py). The charts module, and with it pyqtgraph, is
imported only when this view is first shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from couplepause.core import stats
from couplepause.core.episode import CYCLES, Episode
from couplepause.core.flow import NOTE_MAX
from couplepause.texts import default_names, duration, words
from couplepause.ui.widgets import Choice, button, card_layout, dialog_frame, label, row, show_beside, vbox

TINY_HISTORY = 3  # fewer episodes than this: a friendly word instead of a chart


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
DATE_FORMAT = "%a %d %b %Y, %H:%M"


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
            return episode.paused_at.astimezone().strftime(DATE_FORMAT)
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
            return point.local.strftime(DATE_FORMAT)
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
            return week.start.strftime("%d %b %Y")
        if column == "col_pauses":
            return str(week.ruptures)
        if column == "col_median":
            return "" if week.median_repair_minutes is None else duration(week.median_repair_minutes * 60)
        return str(week.long_breaks)


def _table(model: QAbstractTableModel, accessible: str) -> QTableView:
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


class NoteDialog(QDialog):
    """Edit an episode's note and cycle tag; hands them back, stores nothing."""

    saved = Signal(object, object)  # note (str | None), cycle (str | None)

    def __init__(self, episode: Episode, parent=None):
        super().__init__(parent)
        layout = dialog_frame(self, words("history", "edit_title"), 520, margins=(24, 20, 24, 20), spacing=10)
        layout.addWidget(label(episode.paused_at.astimezone().strftime(DATE_FORMAT), "muted"))
        layout.addWidget(label(words("after", "note_label")))
        self.note = QPlainTextEdit(episode.note or "")
        self.note.setAccessibleName(words("after", "note_label"))
        self.note.setTabChangesFocus(True)
        layout.addWidget(self.note)
        layout.addWidget(label(words("after", "cycle_label")))
        self.cycle = QComboBox()
        self.cycle.setAccessibleName(words("after", "cycle_label"))
        self.cycle.addItem(words("history", "no_cycle"), None)
        for value in CYCLES:
            self.cycle.addItem(words("cycles", value), value)
        self.cycle.setCurrentIndex(max(0, self.cycle.findData(episode.cycle)))
        layout.addWidget(self.cycle)
        self.save_button = button(words("history", "edit_save"), "primary")
        self.cancel_button = button(words("history", "edit_cancel"))
        layout.addLayout(row(None, self.cancel_button, self.save_button, center=False))
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.reject)

    def _save(self) -> None:
        note = self.note.toPlainText().strip()[:NOTE_MAX] or None
        self.saved.emit(note, self.cycle.currentData())
        self.accept()


class HistoryView(QWidget):
    back_requested = Signal()
    pause_requested = Signal()
    export_requested = Signal()
    edit_requested = Signal(str, object, object)  # episode id, note, cycle
    delete_requested = Signal(str)
    undo_requested = Signal()

    def __init__(self, *, read_only: bool = False, source: str | None = None, parent=None):
        super().__init__(parent)
        self.read_only = read_only
        self._episodes: list[Episode] = []
        self._version = 0
        # Set by the presenter: (range key, version) -> RangeView.
        self.figures_for: Callable[[str, int], RangeView] | None = None
        self._names = default_names()
        self._range = "3m"
        self._charts = None  # built on first chart render: imports pyqtgraph
        self.setAccessibleName(words("history", "title"))
        layout = vbox(self, margins=(32, 20, 32, 20), spacing=12)

        title = words("history", "title_readonly", file=source) if read_only else words("history", "title")
        self.title = label(title, "heading", wrap=False)
        self.back_button = button(words("history", "back"))
        self.export_button = button(words("history", "export"))
        self.pause_button = button(words("history", "pause"), "primary",
                                   accessible=words("talking", "pause_accessible"))
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        for widget in (self.export_button, self.pause_button, self.back_button):
            header.addWidget(widget)
            widget.setVisible(not read_only)
        layout.addLayout(header)
        if read_only:
            layout.addWidget(label(words("history", "readonly_note"), "muted"))
        # Pauses that could not be read are never left out without a word.
        self.missing_note = label("", "muted")
        self.missing_note.setAccessibleName(words("accessible", "notice"))
        self.missing_note.hide()
        layout.addWidget(self.missing_note)

        self.ranges = Choice([(key, words("history", f"range_{key}")) for key in stats.RANGES],
                             words("history", "range_label"))
        self.ranges.set_value(self._range)
        self.ranges.chosen.connect(self._range_chosen)
        self.summary = label("", None)
        self.summary.setAccessibleName(words("accessible", "summary"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        self.range_label = label(words("history", "range_label"), "muted", wrap=False)
        top.addWidget(self.range_label)
        top.addWidget(self.ranges)
        layout.addLayout(top)

        self.pages = QStackedWidget()
        self.message = label(words("history", "loading"), "muted", center=True)
        self.pages.addWidget(self.message)
        self.lock_panel = None  # the passphrase field, for a protected history (built when needed)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(words("history", "title"))
        self.pages.addWidget(self.tabs)
        layout.addWidget(self.pages, 1)

        # Chart tab (charts themselves are added on first render). A tiny
        # history gets a friendly word instead of an almost empty chart.
        self.chart_tab = QStackedWidget()
        self.tiny_message = label(words("history", "tiny"), "muted", center=True)
        self.chart_tab.addWidget(self.tiny_message)
        chart_page = QWidget()
        self.chart_layout = QVBoxLayout(chart_page)
        self.chart_layout.setContentsMargins(8, 12, 8, 8)
        self.chart_tab.addWidget(chart_page)
        # One pair of charts per range, kept while the episodes stay the same:
        # switching back to a range only shows what was already drawn.
        self.repair_charts = QStackedWidget()
        self.weekly_charts = QStackedWidget()
        self._chart_pages: dict[str, tuple[int, bool, Any, Any]] = {}
        self.log_scale = QCheckBox(words("history", "log_scale"))
        self.log_scale.setAccessibleName(words("history", "log_scale"))
        self.log_scale.toggled.connect(lambda _on: self._render_range())
        figures = QGridLayout()
        figures.setHorizontalSpacing(12)
        self.figures = {
            "median": Figure(words("history", "figure_median")),
            "breaks": Figure(words("history", "figure_breaks")),
            "activation": Figure(words("history", "figure_activation")),
            "first_turn": Figure(words("history", "figure_first_turn")),
        }
        for column, figure in enumerate(self.figures.values()):
            figures.addWidget(figure, 0, column)
        self.figures_row = figures
        self.tabs.addTab(self.chart_tab, words("history", "tab_chart"))

        # Table alternative with the same figures.
        self.points_model = FiguresTableModel(self)
        self.weeks_model = WeeksTableModel(self)
        table_tab = QWidget()
        table_layout = QHBoxLayout(table_tab)
        self.points_table = _table(self.points_model, words("history", "chart_accessible"))
        self.weeks_table = _table(self.weeks_model, words("history", "weekly_pauses"))
        table_layout.addWidget(self.points_table, 3)
        table_layout.addWidget(self.weeks_table, 2)
        self.tabs.addTab(table_tab, words("history", "tab_table"))

        # Episode list with note reveal, edit, delete, undo.
        self.episodes_model = EpisodeTableModel(self)
        list_tab = QWidget()
        list_layout = QVBoxLayout(list_tab)
        self.episodes_table = _table(self.episodes_model, words("history", "tab_episodes"))
        list_layout.addWidget(self.episodes_table, 1)
        self.notes_button = button(words("history", "show_notes"))
        self.notes_button.setCheckable(True)
        self.edit_button = button(words("history", "edit"))
        self.delete_button = button(words("history", "delete"))
        self.undo_button = button(words("history", "undo"))
        self.undo_button.setEnabled(False)
        for widget in (self.edit_button, self.delete_button, self.undo_button):
            widget.setVisible(not read_only)
        list_layout.addLayout(row(self.notes_button, self.edit_button, self.delete_button, None, self.undo_button,
                                  center=False))
        self.tabs.addTab(list_tab, words("history", "tab_episodes"))

        self.back_button.clicked.connect(self.back_requested)
        self.pause_button.clicked.connect(self.pause_requested)
        self.export_button.clicked.connect(self.export_requested)
        self.notes_button.toggled.connect(self._toggle_notes)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_requested)
        self.episodes_table.doubleClicked.connect(lambda _index: self.edit_selected())
        if not read_only:
            undo = QShortcut(QKeySequence.StandardKey.Undo, self)
            undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            undo.activated.connect(lambda: self.undo_button.isEnabled() and self.undo_requested.emit())
        self.dialog: QDialog | None = None

    # ------------------------------------------------------------ data in
    def set_missing(self, text: str | None) -> None:
        """A line saying which saved pauses could not be read (None: all were)."""
        self.missing_note.setText(text or "")
        self.missing_note.setVisible(bool(text))

    def set_names(self, names: dict[str, str]) -> None:
        self._names = dict(names)

    def set_loading(self) -> None:
        self.message.setText(words("history", "loading"))
        self.pages.setCurrentWidget(self.message)
        self._show_tools(True)

    def show_locked(self):
        """The passphrase field instead of the history, which is forgotten here."""
        from couplepause.ui.lock_panel import UnlockPanel

        if self.lock_panel is None:
            self.lock_panel = UnlockPanel()
            self.pages.addWidget(self.lock_panel)
        self._episodes = []
        self._version = -1
        self.summary.setText("")
        self._show_tools(False)
        self.pages.setCurrentWidget(self.lock_panel)
        self.lock_panel.reset()
        return self.lock_panel

    def is_locked(self) -> bool:
        return self.lock_panel is not None and self.pages.currentWidget() is self.lock_panel

    def _show_tools(self, shown: bool) -> None:
        for widget in (self.summary, self.range_label, self.ranges, self.export_button):
            widget.setVisible(shown and not (widget is self.export_button and self.read_only))

    def set_episodes(self, episodes: list[Episode], version: int) -> None:
        self._episodes = list(episodes)
        self._version = version
        self._render_range()

    def version(self) -> int:
        return self._version

    def episodes(self) -> list[Episode]:
        return list(self._episodes)

    def set_can_undo(self, can: bool) -> None:
        self.undo_button.setEnabled(can and not self.read_only)

    def range(self) -> str:
        return self._range

    def set_range(self, key: str) -> None:
        self.ranges.set_value(key)
        self._range_chosen(key)

    # ----------------------------------------------------------- rendering
    def _range_chosen(self, key) -> None:
        if key is None:  # tapping the chosen range again keeps it
            self.ranges.set_value(self._range)
            return
        self._range = key
        self._render_range()

    def _show_charts(self, figures: RangeView) -> None:
        """Show the charts of this range, drawing them only if they are out of date."""
        if self._charts is None:
            from couplepause.ui import charts  # pyqtgraph: only now

            self.chart_layout.addWidget(self.repair_charts, 3)
            self.chart_layout.addWidget(self.log_scale)
            self.chart_layout.addLayout(self.figures_row)
            self.chart_layout.addWidget(self.weekly_charts, 1)
            self._charts = charts
        log_scale = self.log_scale.isChecked()
        page = self._chart_pages.get(figures.key)
        if page is None:
            repair = self._charts.RepairChart()
            weekly = self._charts.WeeklyChart(words("history", "weekly_pauses"), lambda w: w.ruptures)
            self.repair_charts.addWidget(repair)
            self.weekly_charts.addWidget(weekly)
            page = (-1, log_scale, repair, weekly)
        version, drawn_log, repair, weekly = page
        if version != figures.version or drawn_log != log_scale:
            repair.set_points(figures.points, log_scale)
            weekly.set_weeks(figures.weeks)
        self._chart_pages[figures.key] = (figures.version, log_scale, repair, weekly)
        self.repair_charts.setCurrentWidget(repair)
        self.weekly_charts.setCurrentWidget(weekly)

    @property
    def repair_chart(self):
        return self.repair_charts.currentWidget()

    @property
    def weekly_chart(self):
        return self.weekly_charts.currentWidget()

    def _render_range(self) -> None:
        if self.figures_for is None:
            return
        figures = self.figures_for(self._range, self._version)
        shown = figures.episodes
        self.summary.setText(" ".join(figures.summary))
        self.episodes_model.set_episodes(shown, self._names)
        self._update_selection_buttons()
        self.summary.setVisible(bool(self._episodes))
        if len(self._episodes) == 0:
            self.message.setText(words("history", "empty"))
            self.pages.setCurrentWidget(self.message)
            return
        self.pages.setCurrentWidget(self.tabs)
        tiny = len(shown) < TINY_HISTORY
        self.chart_tab.setCurrentIndex(0 if tiny else 1)
        if not tiny:
            self._show_charts(figures)
        self.points_model.set_rows(figures.points)
        self.weeks_model.set_rows(list(reversed(figures.weeks)))
        self._render_figures(figures.overview)

    def _render_figures(self, overview: stats.Overview) -> None:
        none = words("history", "figure_none")
        median = overview.median_repair_minutes
        self.figures["median"].set_value(none if median is None else duration(median * 60))
        share = overview.share_with_break
        self.figures["breaks"].set_value(none if share is None else words("history", "percent", value=round(share * 100)))
        activation = overview.median_activation
        self.figures["activation"].set_value(
            none if activation is None else words("history", "activation_value", value=f"{activation:g}")
        )
        first = overview.median_first_turn_minutes
        self.figures["first_turn"].set_value(none if first is None else duration(first * 60))

    # ----------------------------------------------------- list and edits
    def _toggle_notes(self, shown: bool) -> None:
        self.episodes_model.show_notes(shown)
        self.notes_button.setText(words("history", "hide_notes" if shown else "show_notes"))

    def selected_episode(self) -> Episode | None:
        indexes = self.episodes_table.selectionModel().selectedRows()
        if not indexes:
            current = self.episodes_table.currentIndex()
            return self.episodes_model.episode(current.row()) if current.isValid() else None
        return self.episodes_model.episode(indexes[0].row())

    def _update_selection_buttons(self) -> None:
        has_rows = self.episodes_model.rowCount() > 0
        self.edit_button.setEnabled(has_rows)
        self.delete_button.setEnabled(has_rows)

    def edit_selected(self) -> NoteDialog | None:
        episode = self.selected_episode()
        if episode is None or self.read_only:
            return None
        self.dialog = NoteDialog(episode, self)
        self.dialog.saved.connect(lambda note, cycle, i=episode.id: self.edit_requested.emit(i, note, cycle))
        show_beside(self.dialog)
        return self.dialog

    def delete_selected(self) -> QMessageBox | None:
        episode = self.selected_episode()
        if episode is None or self.read_only:
            return None
        when = episode.paused_at.astimezone().strftime(DATE_FORMAT)
        box = QMessageBox(self)
        box.setWindowTitle(words("app", "title"))
        box.setText(words("history", "delete_question", when=when))
        yes = box.addButton(words("history", "delete_yes"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(words("history", "delete_no"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(lambda clicked, i=episode.id: clicked is yes and self.delete_requested.emit(i))
        show_beside(box)
        self.dialog = box
        return box
