"""Our progress: the history of pauses and repairs, for a calm evening.

The view renders what it is given and emits intents (edit, delete, undo);
statistics come from core.stats and changes go through the presenter
(ui/history_presenter.py). The tables and figure cards are in
ui/history_tables.py, the note editor in ui/note_dialog.py. The charts
module, and with it pyqtgraph, is imported only when this view is first shown.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from couplepause.core import stats
from couplepause.core.episode import Episode
from couplepause.formatting import number, when
from couplepause.texts import default_names, duration, words
from couplepause.ui.history_tables import (
    EpisodeTableModel,
    Figure,
    FiguresTableModel,
    RangeView,
    TablePair,
    WeeksTableModel,
    table_view,
)
from couplepause.ui.history_patterns import CyclesTab, PatternsTab
from couplepause.ui.note_dialog import NoteDialog
from couplepause.ui.widgets import Choice, button, label, row, show_beside, vbox

COMPACT_BELOW = 640  # a view shorter than this (a small laptop) shows its figures smaller
TINY_HISTORY = 3  # fewer episodes than this: a friendly word instead of a chart


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
        layout = vbox(self, margins=(32, 16, 32, 12), spacing=10)

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
        self.chart_layout.setContentsMargins(8, 6, 8, 2)
        self.chart_layout.setSpacing(4)
        self.chart_tab.addWidget(chart_page)
        # One pair of charts per range, kept while the episodes stay the same:
        # switching back to a range only shows what was already drawn.
        self.repair_charts = QStackedWidget()
        self.weekly_charts = QStackedWidget()
        self._chart_pages: dict[str, tuple[int, bool, Any, Any]] = {}
        self.log_scale = QCheckBox(words("history", "log_scale"))
        self.log_scale.setAccessibleName(words("history", "log_scale"))
        self.log_scale.toggled.connect(lambda _on: self._render_range())
        self.chart_legend = label("", "small")  # what the marks of the chart shown mean
        self.chart_legend.setTextFormat(Qt.TextFormat.RichText)
        self.chart_legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        self.points_table = table_view(self.points_model, words("history", "chart_accessible"))
        self.weeks_table = table_view(self.weeks_model, words("history", "weekly_pauses"))
        # Side by side where both fit, one above the other where not: never a cut header.
        self.table_pair = TablePair(self.points_table, self.weeks_table)
        self.tabs.addTab(self.table_pair, words("history", "tab_table"))

        # Episode list with note reveal, edit, delete, undo.
        self.episodes_model = EpisodeTableModel(self)
        list_tab = QWidget()
        list_layout = QVBoxLayout(list_tab)
        self.episodes_table = table_view(self.episodes_model, words("history", "tab_episodes"))
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

        # When pauses came, the cycles, activation and longer breaks (ui/history_patterns.py).
        self.patterns_tab = PatternsTab()
        self.tabs.addTab(self.patterns_tab, words("cycle_patterns", "tab"))
        self.cycles_tab = CyclesTab()
        self.tabs.addTab(self.cycles_tab, words("cycle_patterns", "cycles_title"))

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
            below = QHBoxLayout()
            below.addWidget(self.log_scale)
            below.addWidget(self.chart_legend, 1)
            self.chart_layout.addLayout(below)
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
            repair.set_span(figures.start, figures.end)
            weekly.set_weeks(figures.weeks)
            weekly.align_with(repair)  # one time axis for both: same width, same range, linked
        self._chart_pages[figures.key] = (figures.version, log_scale, repair, weekly)
        self.chart_legend.setText(repair.legend)
        self.repair_charts.setCurrentWidget(repair)
        self.weekly_charts.setCurrentWidget(weekly)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        for figure in self.figures.values():
            figure.set_compact(self.height() < COMPACT_BELOW)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Another colour scheme (Settings, or the desktop's light or dark): the charts
        take their colours when drawn, so they are drawn again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._chart_pages:
            for _version, _log, repair, weekly in self._chart_pages.values():
                for chart in (repair, weekly):
                    chart.setParent(None)
                    chart.deleteLater()
            self._chart_pages.clear()
            self._render_range()

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
        tiny = figures.counted < TINY_HISTORY  # practice pauses never count
        self.chart_tab.setCurrentIndex(0 if tiny else 1)
        if not tiny:
            self._show_charts(figures)
        self.points_model.set_rows(figures.points)
        self.weeks_model.set_rows(list(reversed(figures.weeks)))
        self.patterns_tab.set_text(figures.patterns)
        self.cycles_tab.set_text(figures.patterns)
        self._render_figures(figures.overview)

    def _render_figures(self, overview: stats.Overview) -> None:
        none = words("history", "figure_none")
        median = overview.median_repair_minutes
        self.figures["median"].set_value(none if median is None else duration(median * 60))
        share = overview.share_with_break
        self.figures["breaks"].set_value(none if share is None else words("history", "percent", value=round(share * 100)))
        activation = overview.median_activation
        self.figures["activation"].set_value(
            none if activation is None else words("history", "activation_value", value=number(activation, 1))
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
        box = QMessageBox(self)
        box.setWindowTitle(words("app", "title"))
        box.setText(words("history", "delete_question", when=when(episode.paused_at)))
        yes = box.addButton(words("history", "delete_yes"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(words("history", "delete_no"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(lambda clicked, i=episode.id: clicked is yes and self.delete_requested.emit(i))
        show_beside(box)
        self.dialog = box
        return box
