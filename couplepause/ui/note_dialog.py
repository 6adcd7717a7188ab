"""The note-edit dialog of the history: an episode's note and cycle tag."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QPlainTextEdit

from couplepause.core.episode import CYCLES, Episode
from couplepause.core.flow import NOTE_MAX
from couplepause.formatting import when
from couplepause.texts import words
from couplepause.ui.widgets import button, dialog_frame, label, row


class NoteDialog(QDialog):
    """Edit an episode's note and cycle tag; hands them back, stores nothing."""

    saved = Signal(object, object)  # note (str | None), cycle (str | None)

    def __init__(self, episode: Episode, parent=None):
        super().__init__(parent)
        layout = dialog_frame(self, words("history", "edit_title"), 520, margins=(24, 20, 24, 20), spacing=10)
        layout.addWidget(label(when(episode.paused_at), "muted"))
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
        self.save_button.setDefault(True)
        self.note.setFocus()

    def _save(self) -> None:
        note = self.note.toPlainText().strip()[:NOTE_MAX] or None
        self.saved.emit(note, self.cycle.currentData())
        self.accept()
