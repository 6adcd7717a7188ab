"""The therapist's view: an exported JSON file, read-only, one window per file.

Nothing here can edit, delete or write: the window holds only what the file
holds, and knows no store at all.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from couplepause.common.texts import words
from couplepause.export import ImportRejected, read_export_file
from couplepause.export.import_rules import mending_text
from couplepause.ui.background import in_background
from couplepause.ui.basics import fitting
from couplepause.ui.history import HistoryView
from couplepause.ui.history_presenter import HistoryPresenter
from couplepause.ui.main_window import MINIMUM_SIZE
from couplepause.ui.widgets import show_beside

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1200, 800)  # when the screen has room; else the screen's free area
_open_windows: list[ReadOnlyWindow] = []  # keeps each window alive until closed


class ReadOnlyWindow(QMainWindow):
    def __init__(self, path: Path, export_file, parent=None):
        super().__init__(parent)
        self.path = path
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(words("history", "window_readonly", file=path.name))
        # Inside the screen's free area (less a window frame), and as small as the main window can be.
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(*fitting(DEFAULT_SIZE))
        exported = export_file.exported_at
        self.view = HistoryView(read_only=True, source=path.name)
        # No writer: this presenter can only compute figures, never save.
        self.presenter = HistoryPresenter(self.view, now=lambda: exported, parent=self)
        a, b = export_file.partners
        self._names = (a, b)
        self.view.set_names({"a": a, "b": b})
        self.view.set_range("all")
        self.presenter.show_episodes(export_file.episodes)
        self.setCentralWidget(self.view)
        self.view.tabs.setFocus()  # the first stop that says where one is (not the summary's "More")
        menu = self.menuBar().addMenu(words("menu", "file"))
        open_action = QAction(words("menu", "open_export"), self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(lambda: choose_and_open(self))
        close_action = QAction(words("menu", "close"), self)  # this window only: the app goes on
        close_action.setShortcut(QKeySequence.StandardKey.Close)
        close_action.triggered.connect(self.close)
        menu.addAction(open_action)
        self.plan = export_file.plan  # the couple's plan, when they chose to share it
        if self.plan is not None:
            plan_action = QAction(words("menu", "plan_in_file"), self)
            plan_action.triggered.connect(self.open_plan)
            menu.addAction(plan_action)
        menu.addAction(close_action)
        self.chooser: QFileDialog | None = None
        mended = mending_text(export_file.mended)  # a 0.1 file, brought up to date as its data folder would be
        if mended:
            self.show_notice(mended)

    def open_plan(self):
        """The plan as the couple wrote it, read-only."""
        from couplepause.ui.plan_dialog import PlanDialog

        a, b = self._names
        return show_beside(PlanDialog(self.plan, {"a": a, "b": b}, self, read_only=True))

    # The same passing line as the main window has, here in the status bar.
    def show_notice(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def hide_notice(self) -> None:
        self.statusBar().clearMessage()

    def notice_shown(self) -> str | None:
        return self.statusBar().currentMessage() or None

    def closeEvent(self, event) -> None:
        if self in _open_windows:
            _open_windows.remove(self)
        super().closeEvent(event)


def open_window(path: Path, export_file=None) -> ReadOnlyWindow:
    """Open ``path`` (a JSON export) in a new read-only window. Raises
    ImportRejected with a plain message for a bad file."""
    export_file = export_file or read_export_file(path)
    window = ReadOnlyWindow(Path(path), export_file)
    _open_windows.append(window)
    window.show()
    return window


def choose_and_open(parent) -> QFileDialog:
    """File → Open an export: pick a file, open it in its own window."""
    chooser = QFileDialog(parent, words("menu", "open_export").replace("&", ""))
    chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
    chooser.setNameFilter(words("accessible", "export_filter"))

    def chosen(name: str) -> None:
        # Checking a big export takes seconds (every episode against the
        # schema): on a worker thread, so the Pause button stays alive.
        path = Path(name)
        opening = words("menu", "opening", name=path.name)
        parent.show_notice(opening)

        def read(export_file, error) -> None:
            if parent.notice_shown() == opening:  # unless something else is said by now
                parent.hide_notice()
            if error is None:
                open_window(path, export_file)
                return
            if isinstance(error, ImportRejected):
                reason = str(error)
            else:  # not a bad file: a fault of ours, said calmly and logged
                log.error("opening an export failed", exc_info=error)
                reason = words("menu", "open_unexpected")
            box = QMessageBox(QMessageBox.Icon.Information, words("app", "title"),
                              words("menu", "open_failed", reason=reason), parent=parent)
            show_beside(box)

        in_background(lambda: read_export_file(path), read, parent=parent)

    chooser.fileSelected.connect(chosen)
    show_beside(chooser)
    parent.chooser = chooser
    return chooser


def open_windows() -> list[ReadOnlyWindow]:
    return list(_open_windows)
