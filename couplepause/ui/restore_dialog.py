"""Restore from a backup: pick one (date, number of pauses, why it was made), confirm,
and see how it went. The dialog only collects the choice; the app runs the restore."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from couplepause.common.formatting import long_date_time
from couplepause.common.texts import pauses, words
from couplepause.ui.widgets import button, dialog_frame, label, row, say_in, vbox


def backup_line(info: Any) -> str:
    """One backup as the couple reads it: when, how many pauses, why it was made."""
    return words(
        "restore",
        "item",
        date=long_date_time(info.created_at),
        pauses=pauses(info.pauses),
        reason=words("restore", f"reason_{info.reason}"),
    )


class RestoreDialog(QDialog):
    """Lists the backups newest first; ``chosen(backup_id)`` once the couple confirmed."""

    chosen = Signal(str)

    def __init__(self, backups: Iterable[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backups = list(backups)
        layout = dialog_frame(self, words("restore", "title"), 640)
        layout.addWidget(label(words("restore", "title"), "heading"))
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)

        choose = QWidget()
        choose_layout = vbox(choose, (0, 0, 0, 0), 12)
        choose_layout.addWidget(label(words("restore", "intro" if self._backups else "none")))
        self.list = QListWidget()
        self.list.setAccessibleName(words("restore", "title"))
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        for info in self._backups:
            item = QListWidgetItem(backup_line(info))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.list.addItem(item)
        self.list.setVisible(bool(self._backups))
        choose_layout.addWidget(self.list, 1)
        self.choose_button = button(words("restore", "choose"), "primary")
        self.close_button = button(words("restore", "close"))
        choose_layout.addLayout(row(None, self.close_button, self.choose_button, center=False))
        self.pages.addWidget(choose)

        confirm = QWidget()
        confirm_layout = vbox(confirm, (0, 0, 0, 0), 16)
        self.question = label("")
        confirm_layout.addWidget(self.question)
        confirm_layout.addStretch(1)
        self.back_button = button(words("restore", "back"))
        self.confirm_button = button(words("restore", "confirm_button"), "primary")
        confirm_layout.addLayout(row(None, self.back_button, self.confirm_button, center=False))
        self.pages.addWidget(confirm)

        self.message = label("", "small")
        self.message.hide()
        layout.addWidget(self.message)

        self.choose_button.setEnabled(bool(self._backups))
        self.list.currentRowChanged.connect(lambda index: self.choose_button.setEnabled(index >= 0))
        self.list.itemActivated.connect(lambda _item: self.ask())
        self.choose_button.clicked.connect(self.ask)
        self.close_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.back)
        self.confirm_button.clicked.connect(self.confirm)
        if self._backups:
            self.list.setCurrentRow(0)
            self.list.setFocus()

    def selected(self) -> Any | None:
        index = self.list.currentRow()
        return self._backups[index] if 0 <= index < len(self._backups) else None

    def ask(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.question.setText(
            words("restore", "confirm", date=long_date_time(info.created_at), pauses=pauses(info.pauses))
        )
        self.message.hide()
        self.pages.setCurrentIndex(1)
        self.confirm_button.setFocus()

    def back(self) -> None:
        self.pages.setCurrentIndex(0)
        self.list.setFocus()

    def confirm(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.confirm_button.setEnabled(False)
        self.back_button.setEnabled(False)
        say_in(self, self.message, words("restore", "working"), problem=False)
        self.chosen.emit(info.id)

    def show_result(self, text: str, *, ok: bool) -> None:
        """How the restore went; the dialog stays open until the couple closes it."""
        self.pages.setCurrentIndex(0)
        self.back_button.setEnabled(True)
        self.confirm_button.setEnabled(True)
        self.choose_button.setEnabled(not ok and self.selected() is not None)
        say_in(self, self.message, text, problem=not ok)
        self.close_button.setFocus()
