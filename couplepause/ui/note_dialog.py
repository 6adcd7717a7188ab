"""A pause's note and cycle tag, opened from the history's list (Enter, a double
click, or its button): to edit them, or, in a read-only view, to read them whole."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QPlainTextEdit

from couplepause.common.formatting import when
from couplepause.common.texts import words
from couplepause.core.episode import CYCLES, Episode, Reflection
from couplepause.ui.fields import Dropdown
from couplepause.ui.widgets import button, dialog_frame, label, row

NOTE_LINES = (6, 14)  # the note's field shows its whole text within this many lines (beyond, it scrolls)


class NoteDialog(QDialog):
    """Edit an episode's note and cycle tag; hands them back, stores nothing.
    ``read_only``: the note and the cycle shown whole, nothing to change."""

    saved = Signal(object)  # a Reflection: the note and the cycle as they now are

    def __init__(self, episode: Episode, parent=None, *, read_only: bool = False):
        super().__init__(parent)
        self.read_only = read_only
        title = words("history", "read_title" if read_only else "edit_title")
        layout = dialog_frame(self, title, 520, margins=(24, 20, 24, 20), spacing=10)
        layout.addWidget(label(when(episode.paused_at), "muted"))
        layout.addWidget(label(words("after", "note_label")))
        self.note = QPlainTextEdit(episode.note or "")
        self.note.setAccessibleName(words("after", "note_label"))
        self.note.setTabChangesFocus(True)
        self.note.setReadOnly(read_only)  # read-only: still reached, read and selected with the keyboard
        if read_only and not episode.note:
            self.note.setPlaceholderText(words("history", "no_note"))
        self.note.setMinimumHeight(self._note_height(episode.note or "", 520 - 48))
        layout.addWidget(self.note, 1)
        layout.addWidget(label(words("after", "cycle_label")))
        if read_only:
            self.cycle_text = label(words("cycles", episode.cycle) if episode.cycle else words("history", "no_cycle"))
            self.cycle_text.setAccessibleName(words("after", "cycle_label"))
            layout.addWidget(self.cycle_text)
            self.close_button = button(words("history", "read_close"), "primary")
            self.close_button.clicked.connect(self.reject)
            self.close_button.setDefault(True)
            layout.addLayout(row(None, self.close_button, center=False))
            self.note.setFocus()
            return
        self.cycle = Dropdown(words("after", "cycle_label"))
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

    def _note_height(self, text: str, width: int) -> int:
        """Tall enough for the whole note at about ``width`` (the dialog's), within NOTE_LINES."""
        metrics = self.note.fontMetrics()
        inner = width - 2 * self.note.frameWidth() - self.note.verticalScrollBar().sizeHint().width() - 24
        wrapped = metrics.boundingRect(0, 0, max(1, inner), 1 << 20, int(Qt.TextFlag.TextWordWrap), text).height()
        lines = max(NOTE_LINES[0], min(NOTE_LINES[1], -(-wrapped // metrics.lineSpacing())))
        return lines * metrics.lineSpacing() + 2 * self.note.frameWidth() + 16

    def _save(self) -> None:
        self.saved.emit(Reflection.written(self.note.toPlainText(), self.cycle.currentData()))
        self.accept()
