"""Our progress: the history of pauses and repairs, for a calm evening.

The view renders what it is given and emits intents (edit, delete, undo);
statistics come from core.stats and changes go through the presenter
(ui/history_presenter.py). The tables and figure cards are in
ui/history_tables.py, the note editor in ui/note_dialog.py. The charts
module, and with it pyqtgraph, is imported only when this view is first shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.formatting import when
from couplepause.common.texts import default_names, words
from couplepause.core import stats
from couplepause.core.episode import Episode, Reflection
from couplepause.ui.history_chart import ChartTab, SummaryLine
from couplepause.ui.history_patterns import CyclesTab, PatternsTab
from couplepause.ui.history_tables import (
    EpisodeTableModel,
    FiguresTableModel,
    RangeView,
    TablePair,
    WeeksTableModel,
    table_view,
)
from couplepause.ui.note_dialog import NoteDialog
from couplepause.ui.widgets import Choice, button, label, row, show_beside, vbox

COMPACT_BELOW = 640  # a view shorter than this (a small laptop): a compact header, the summary folded
MARGINS = {False: (32, 16, 32, 12), True: (24, 8, 24, 8)}  # the view's margins: roomy, compact
SPACING = {False: 10, True: 6}
TINY_HISTORY = 3  # fewer episodes than this: a friendly word instead of a chart


@dataclass(frozen=True)
class NoteEdit:
    """The couple changed what they wrote about a pause (its note and cycle)."""

    episode_id: str
    reflection: Reflection


@dataclass(frozen=True)
class Deletion:
    """The couple asked to remove a pause."""

    episode_id: str


class HistoryView(QWidget):
    back_requested = Signal()
    pause_requested = Signal()
    export_requested = Signal()
    unlock_requested = Signal(str)  # the passphrase typed into the lock panel
    edit_requested = Signal(object)  # a NoteEdit
    delete_requested = Signal(object)  # a Deletion
    undo_requested = Signal()

    def __init__(self, *, read_only: bool = False, source: str | None = None, parent=None):
        super().__init__(parent)
        self.read_only = read_only
        self._episodes: list[Episode] = []
        self._version = 0
        self._figures_for: Callable[[str, int], RangeView] | None = None  # see figures_from()
        self._names = default_names()
        self._range = "3m"
        self.setAccessibleName(words("history", "title"))
        self._compact: bool | None = None
        layout = vbox(self, margins=MARGINS[False], spacing=SPACING[False])

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
        self.readonly_note = None
        if read_only:
            # Under the title where there is room; on a short view its words are the title's tooltip.
            self.readonly_note = label(words("history", "readonly_note"), "muted")
            self.title.setAccessibleDescription(words("history", "readonly_note"))
            layout.addWidget(self.readonly_note)
        # Pauses that could not be read are never left out without a word.
        self.missing_note = label("", "muted")
        self.missing_note.setAccessibleName(words("accessible", "notice"))
        self.missing_note.hide()
        layout.addWidget(self.missing_note)

        self.ranges = Choice([(key, words("history", f"range_{key}")) for key in stats.RANGES],
                             words("history", "range_label"))
        self.ranges.set_value(self._range)
        self.ranges.chosen.connect(self._range_chosen)
        self.summary = SummaryLine()
        self.range_label = label(words("history", "range_label"), "muted", wrap=False)
        self.range_row = QWidget()
        shown = QHBoxLayout(self.range_row)
        shown.setContentsMargins(0, 0, 0, 0)
        shown.addWidget(self.range_label)
        shown.addWidget(self.ranges)
        # Folded, the summary's line stands beside the ranges; whole, it takes the
        # width of the view and the ranges go below it.
        self.top = QGridLayout()
        self.top.setHorizontalSpacing(16)
        self.top.setColumnStretch(0, 1)
        layout.addLayout(self.top)
        self.summary.folded_changed.connect(self._place_summary)
        self._place_summary(self.summary.folded())

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
        self.chart_tab = ChartTab()
        self.chart_tab.redraw.connect(self._render_range)
        self.log_scale = self.chart_tab.log_scale
        self.figures = self.chart_tab.figures
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
        # As wide for "Show notes" as for "Hide notes": the buttons beside it never move.
        self.notes_button.setMinimumWidth(max(self._hint_width(self.notes_button, key)
                                              for key in ("show_notes", "hide_notes")))
        # Opens the pause's note in full: to edit it, or to read it in a read-only view.
        self.edit_button = button(words("history", "read" if read_only else "edit"))
        self.delete_button = button(words("history", "delete"))
        self.undo_button = button(words("history", "undo"))
        self.undo_button.setEnabled(False)
        for widget in (self.delete_button, self.undo_button):
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
        self.episodes_table.opened.connect(lambda _row: self.edit_selected())  # Enter, Return, a double click
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
        if dict(names) != self._names:
            self.episodes_table.reset_widths()
        self._names = dict(names)

    def set_loading(self) -> None:
        self.message.setText(words("history", "loading"))
        self.pages.setCurrentWidget(self.message)
        self._show_tools(True)

    def figures_from(self, figures_for: Callable[[str, int], RangeView]) -> None:
        """Where the figures of a range come from: ``figures_for(range, version)`` (the
        presenter's cache, worked out ahead on the reader thread)."""
        self._figures_for = figures_for

    def show_locked(self):
        """The passphrase field instead of the history, which is forgotten here."""
        from couplepause.ui.lock_panel import UnlockPanel

        if self.lock_panel is None:
            self.lock_panel = UnlockPanel()
            self.lock_panel.unlock_requested.connect(self.unlock_requested)
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

    def _place_summary(self, folded: bool) -> None:
        for widget in (self.summary, self.range_row):
            self.top.removeWidget(widget)
        self.top.addWidget(self.summary, 0, 0, 1, 1 if folded else 2)
        self.top.addWidget(self.range_row, 0 if folded else 1, 1, Qt.AlignmentFlag.AlignTop)

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
        if key != self._range:
            for table in (self.episodes_table, self.points_table, self.weeks_table):
                table.reset_widths()  # other rows: their own widths (a delete keeps them)
        self._range = key
        self._render_range()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._set_compact(self.height() < COMPACT_BELOW)

    def _set_compact(self, compact: bool) -> None:
        """On a short view (a small laptop): smaller margins and title, smaller
        figures, the summary folded to a line, so the chart keeps its height."""
        if compact == self._compact:
            return
        self._compact = compact
        self.layout().setContentsMargins(*MARGINS[compact])
        self.layout().setSpacing(SPACING[compact])
        self.top.setVerticalSpacing(SPACING[compact])
        role = "title" if compact else "heading"
        self.title.setProperty("role", role)
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
        self.chart_tab.set_compact(compact)
        self.summary.set_folded(compact)
        if self.readonly_note is not None:
            self.readonly_note.setVisible(not compact)
            self.title.setToolTip(self.readonly_note.text() if compact else "")

    def plot_height(self) -> int:
        """The height of the chart's plot on show (0 when no chart is): the
        geometry tests hold it to charts.PLOT_MIN_PX."""
        return self.chart_tab.plot_height()

    @property
    def repair_chart(self):
        return self.chart_tab.repair_chart

    @property
    def weekly_chart(self):
        return self.chart_tab.weekly_chart

    def _render_range(self) -> None:
        if self._figures_for is None:
            return
        figures = self._figures_for(self._range, self._version)
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
        self.chart_tab.show_tiny(tiny)
        if not tiny:
            self.chart_tab.show_charts(figures)
        self.points_model.set_rows(figures.points)
        self.weeks_model.set_rows(list(reversed(figures.weeks)))
        self.patterns_tab.set_text(figures.patterns)
        self.cycles_tab.set_text(figures.patterns)
        self.chart_tab.show_figures(figures.overview)

    # ----------------------------------------------------- list and edits
    def _toggle_notes(self, shown: bool) -> None:
        self.episodes_table.reset_widths()  # the notes' column measured afresh
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
        """The selected pause's note in full: to edit, or only to read in a read-only view."""
        episode = self.selected_episode()
        if episode is None:
            return None
        self.dialog = NoteDialog(episode, self, read_only=self.read_only)
        if not self.read_only:
            self.dialog.saved.connect(
                lambda reflection, i=episode.id: self.edit_requested.emit(NoteEdit(i, reflection)))
        show_beside(self.dialog)
        return self.dialog

    @staticmethod
    def _hint_width(widget, key: str) -> int:
        """How wide ``widget`` would like to be with the words of ``key`` ([history])."""
        shown = widget.text()
        widget.setText(words("history", key))
        width = widget.sizeHint().width()
        widget.setText(shown)
        return width

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
        box.buttonClicked.connect(
            lambda clicked, i=episode.id: clicked is yes and self.delete_requested.emit(Deletion(i)))
        show_beside(box)
        self.dialog = box
        return box
