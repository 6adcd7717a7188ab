"""Export for the therapist: format, date range, privacy, file.

The dialog only collects the choices. When they are complete it emits
``requested``; the app writes the file (off the UI thread) and tells the
dialog how it went with :meth:`ExportDialog.finished`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.formatting import date_pattern
from couplepause.common.texts import words
from couplepause.export import EXPORTERS, ExportError, ExportOptions
from couplepause.ui.widgets import button, dialog_frame, label, message_and_buttons, say_in, show_beside

log = logging.getLogger(__name__)


class ExportDialog(QDialog):
    requested = Signal(str, object, object)  # format, ExportOptions, target Path
    exported = Signal(str)  # what was written, in words

    def __init__(
        self,
        first_day: date,
        folder: Path,
        today: Callable[[], date] = date.today,
        parent=None,
    ):
        super().__init__(parent)
        self._folder = folder
        layout = dialog_frame(self, words("export", "title"), 640, margins=(24, 16, 24, 16), spacing=8)
        layout.addWidget(label(words("export", "title"), "heading"))
        layout.addWidget(label(words("export", "intro"), "muted"))

        self.formats = QButtonGroup(self)
        format_box = QVBoxLayout()
        format_box.setContentsMargins(0, 0, 0, 0)
        format_box.setSpacing(4)
        self.format_buttons: dict[str, QRadioButton] = {}
        for key in EXPORTERS:
            radio = QRadioButton(words("export", f"format_{key}"))
            radio.setAccessibleName(words("export", f"format_{key}"))
            self.formats.addButton(radio)
            self.format_buttons[key] = radio
            format_box.addWidget(radio)
        self.format_buttons["pdf"].setChecked(True)
        formats = QWidget()
        formats.setLayout(format_box)

        self.all_time = QCheckBox(words("export", "all_time"))
        self.all_time.setAccessibleName(words("export", "all_time"))
        self.all_time.setChecked(True)
        self.since = self._date_edit(first_day, words("export", "since"))
        self.until = self._date_edit(today(), words("export", "until"))
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.all_time)
        dates.addWidget(label(words("export", "since"), "muted", wrap=False))
        dates.addWidget(self.since)
        dates.addWidget(label(words("export", "until"), "muted", wrap=False))
        dates.addWidget(self.until)
        dates.addStretch(1)
        date_row = QWidget()
        date_row.setLayout(dates)

        self.notes = QCheckBox(words("export", "include_notes"))
        self.notes.setAccessibleName(words("export", "include_notes"))
        self.names = QCheckBox(words("export", "include_names"))
        self.names.setAccessibleName(words("export", "include_names"))
        self.practice = QCheckBox(words("export", "include_practice"))
        self.practice.setAccessibleName(words("export", "include_practice"))
        # What only one format holds is offered while that format is chosen: the
        # patterns in the PDF report, our plan in the JSON file (none for CSV).
        self.patterns = QCheckBox(words("export", "include_patterns"))
        self.patterns.setAccessibleName(words("export", "include_patterns"))
        self.plan = QCheckBox(words("export", "include_plan"))
        self.plan.setAccessibleName(words("export", "include_plan"))
        self.only_for = {"pdf": self.patterns, "json": self.plan}
        include = QHBoxLayout()
        include.setContentsMargins(0, 0, 0, 0)
        include.setSpacing(24)
        for box in (self.notes, self.practice, self.patterns, self.plan):
            include.addWidget(box)
        include.addStretch(1)
        include_row = QWidget()
        include_row.setLayout(include)

        self.path = QLineEdit()
        self.path.setAccessibleName(words("export", "file"))
        self.choose = button(words("export", "choose"))
        path_row = QHBoxLayout()
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.choose)
        path_widget = QWidget()
        path_widget.setLayout(path_row)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow(words("export", "format"), formats)
        form.addRow(words("export", "range"), date_row)
        form.addRow(words("export", "privacy"), include_row)
        form.addRow("", self.names)
        form.addRow(words("export", "file"), path_widget)
        layout.addLayout(form)

        self.error = label("", "small")
        self.error.hide()
        self.export_button = button(words("export", "export"), "primary")
        self.cancel_button = button(words("export", "cancel"))
        layout.addLayout(message_and_buttons(self.error, self.cancel_button, self.export_button))

        self.formats.buttonToggled.connect(lambda *_: self._suggest_path())
        self.formats.buttonToggled.connect(lambda *_: self._sync_format_choices())
        self.all_time.toggled.connect(self._sync_dates)
        self.choose.clicked.connect(self._choose_file)
        self.export_button.clicked.connect(self.export)
        self.cancel_button.clicked.connect(self.reject)
        self._sync_dates(True)
        self._sync_format_choices()
        self._suggest_path()
        self.export_button.setDefault(True)
        self.format_buttons["pdf"].setFocus()
        self.confirm: QMessageBox | None = None
        self.chooser: QFileDialog | None = None

    def _date_edit(self, value: date, accessible: str) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_pattern())
        edit.setAccessibleName(accessible)
        return edit

    def format(self) -> str:
        return next(key for key, radio in self.format_buttons.items() if radio.isChecked())

    def _sync_dates(self, all_time: bool) -> None:
        editable = not all_time and not getattr(self, "_writing", False)
        self.since.setEnabled(editable)
        self.until.setEnabled(editable)

    def _sync_format_choices(self) -> None:
        """The plan only goes into the JSON file, the patterns only into the PDF: each
        box is there while its format is chosen."""
        writing = getattr(self, "_writing", False)
        for only, box in self.only_for.items():
            box.setVisible(self.format() == only)
            box.setEnabled(not writing)

    def _suggest_path(self) -> None:
        suffix = EXPORTERS[self.format()].suffix
        current = self.path.text().strip()
        if current:
            self.path.setText(str(Path(current).with_suffix(suffix)))
        else:
            self.path.setText(str(self._folder / f"couplepause-{date.today().isoformat()}{suffix}"))

    def _choose_file(self) -> None:
        self.chooser = QFileDialog(self, words("export", "choose"), self.path.text())
        self.chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.chooser.fileSelected.connect(self.path.setText)
        show_beside(self.chooser)

    def options(self, force: bool = False) -> ExportOptions:
        """The choices made; the partners' names are the app's to add."""
        since = until = None
        if not self.all_time.isChecked():
            since = self.since.date().toPython()
            until = self.until.date().toPython()
        return ExportOptions(
            since=since,
            until=until,
            include_notes=self.notes.isChecked(),
            include_names=self.names.isChecked(),
            include_practice=self.practice.isChecked(),
            include_plan=self.plan.isChecked() and self.format() == "json",
            include_patterns=self.patterns.isChecked() and self.format() == "pdf",
            force=force,
        )

    def export(self, force: bool = False) -> None:
        target = Path(self.path.text().strip()).expanduser()
        if not self.path.text().strip():
            self._fail(words("export", "no_file"))
            return
        if target.exists() and not force:
            self._ask_overwrite(target)
            return
        self._target = target
        self._set_writing(True)
        self.requested.emit(self.format(), self.options(force), target)

    def _set_writing(self, writing: bool) -> None:
        """While the file is written (on a worker thread: the Pause button
        stays alive), the dialog says so and waits; nothing can be changed."""
        self._writing = writing
        for widget in (self.export_button, self.cancel_button, self.choose, self.path, self.notes, self.names,
                       self.practice, self.all_time, *self.format_buttons.values()):
            widget.setEnabled(not writing)
        self._sync_dates(self.all_time.isChecked())
        self._sync_format_choices()
        if writing:
            say_in(self, self.error, words("export", "writing"), problem=False)

    def finished(self, written: int | None, error: BaseException | None) -> None:
        """The app wrote the file (``written`` pauses) or could not (``error``)."""
        self._set_writing(False)
        if isinstance(error, ExportError):
            self._fail(str(error))
            return
        if error is not None:  # a fault of ours, not of the file or the disk
            log.error("an export failed", exc_info=error)
            self._fail(words("export", "unexpected"))
            return
        self.error.hide()
        self.exported.emit(words("export", "done", n=written, path=str(self._target)))
        self.accept()

    def reject(self) -> None:
        if not getattr(self, "_writing", False):  # the file is half written: wait for it
            super().reject()

    def _ask_overwrite(self, target: Path) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(words("app", "title"))
        box.setText(words("export", "overwrite", name=target.name))
        yes = box.addButton(words("export", "overwrite_yes"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(words("export", "overwrite_no"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(lambda clicked: clicked is yes and self.export(force=True))
        show_beside(box)
        self.confirm = box

    def _fail(self, message: str) -> None:
        """The line above the buttons: what is happening, or what went wrong."""
        say_in(self, self.error, message)

