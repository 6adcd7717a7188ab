"""The settings dialog and the safety note. Both open without blocking:
nothing ever stands between the couple and the Pause button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from couplepause.core import breathing
from couplepause.core.flow import BREAK_CHOICES
from couplepause.settings import KEYS, LANGUAGES, THEMES, SettingError, Settings
from couplepause.texts import SYSTEM, language_name, words
from couplepause.ui import sound
from couplepause.ui.basics import scroller
from couplepause.ui.widgets import button, dialog_frame, label, row, say_in, size_to_contents


COMBO_LETTERS = 12  # the width of the drop-downs in Settings, in letters


class SettingsDialog(QDialog):
    """Collects settings and hands them back; refuses invalid values."""

    saved = Signal(dict)
    restore_requested = Signal()
    passphrase_requested = Signal(str)  # "set", "change" or "remove"
    delete_all_requested = Signal()

    def __init__(self, settings: Settings, parent=None, *, protected: bool = False, desktop_still: bool = False):
        """``desktop_still``: the desktop already asks for less motion (then nothing
        moves whatever the box says, and the hint says so)."""
        super().__init__(parent)
        self._settings = settings
        layout = dialog_frame(self, words("settings", "title"), 620, margins=(24, 16, 24, 16), spacing=8)
        # Two columns, so the dialog fits a small laptop's screen (1024x600); on a
        # smaller one (or with large text) they scroll, and Save stays in reach.
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(28)
        left, right = QVBoxLayout(), QVBoxLayout()
        for column in (left, right):
            column.setSpacing(4)
            columns.addLayout(column, 1)
        scroll = scroller(content)
        layout.addWidget(scroll, 1)
        values = settings.values()

        self.partner_a = self._line(values["partner_a"], words("app", "partner_a"), words("settings", "partner_a"))
        self.partner_b = self._line(values["partner_b"], words("app", "partner_b"), words("settings", "partner_b"))
        names_rows = [
            (words("settings", "partner_a"), self.partner_a),
            (words("settings", "partner_b"), self.partner_b),
        ]
        if settings.names_protected():
            for edit in (self.partner_a, self.partner_b):
                edit.setEnabled(False)
            names_rows.append(("", label(words("protect", "names_protected"), "small")))
        left.addWidget(self._group(words("settings", "names"), names_rows))

        self.pattern = self._combo(words("settings", "pattern"))
        for key in breathing.PATTERN_KEYS:
            self.pattern.addItem(words("patterns", key), key)
        self.pattern.setCurrentIndex(max(0, self.pattern.findData(values["breathing_pattern"])))
        self.custom = self._line(values["custom_pattern"], breathing.CUSTOM_DEFAULT, words("settings", "custom_pattern"))
        self.custom.setAccessibleDescription(words("settings", "custom_pattern_hint"))
        self.custom.setToolTip(words("settings", "custom_pattern_hint"))
        self.breathing_minutes = self._minutes(KEYS["breathing_minutes"], values["breathing_minutes"], words("settings", "breathing_minutes"))
        self.reduced_motion = QCheckBox(words("settings", "reduced_motion"))
        self.reduced_motion.setAccessibleName(words("settings", "reduced_motion"))
        self.reduced_motion.setAccessibleDescription(words("settings", "reduced_motion_hint"))
        self.reduced_motion.setToolTip(words("settings", "reduced_motion_hint"))
        self.reduced_motion.setChecked(values["reduced_motion"])
        right.addWidget(self._group(words("settings", "breathing"), [
            (words("settings", "pattern"), self.pattern),
            (words("settings", "custom_pattern"), self.custom),
            (words("settings", "breathing_minutes"), self.breathing_minutes),
        ]))
        looks_rows = []  # filled below; the tone sits with them (the shorter column)
        self.sound: QCheckBox | None = None  # offered only where a tone can be played
        if sound.available():
            self.sound = QCheckBox(words("settings", "sound"))
            self.sound.setAccessibleName(words("settings", "sound"))
            self.sound.setChecked(values["sound"])
            looks_rows.append(("", self.sound))
        self.theme = self._combo(words("settings", "theme"))
        for key in THEMES:
            self.theme.addItem(words("themes", key), key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(values["theme"])))
        self.language = self._combo(words("settings", "language"))
        for key in LANGUAGES:  # each language by its own name
            self.language.addItem(words("languages", "system") if key == SYSTEM else language_name(key), key)
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        left.addWidget(self._group(words("settings", "looks"), [
            (words("settings", "theme"), self.theme),
            (words("settings", "language"), self.language),
            ("", self.reduced_motion),
            ("", label(words("settings", "reduced_motion_desktop" if desktop_still else "reduced_motion_hint"),
                       "small")),
            *looks_rows,
        ]))

        self.turn_timer = QCheckBox(words("settings", "turn_timer"))
        self.turn_timer.setAccessibleName(words("settings", "turn_timer"))
        self.turn_timer.setChecked(values["turn_timer"])
        self.turn_minutes = self._minutes(KEYS["turn_minutes"], values["turn_minutes"], words("settings", "turn_minutes"))
        self.break_minutes = self._combo(words("settings", "break_minutes"))
        for minutes in BREAK_CHOICES:
            self.break_minutes.addItem(words("break", "minutes_choice", n=minutes), minutes)
        self.break_minutes.setCurrentIndex(max(0, self.break_minutes.findData(values["break_minutes"])))
        right.addWidget(self._group(words("settings", "turns"), [
            ("", self.turn_timer),
            (words("settings", "turn_minutes"), self.turn_minutes),
            (words("settings", "break_minutes"), self.break_minutes),
        ]))

        left.addStretch(1)
        right.addStretch(1)

        # Privacy and backups: a row of links (each opens its own dialog).
        self.restore_button = button(words("settings", "restore"), "link")
        self.restore_button.clicked.connect(self.restore_requested)
        links = [self.restore_button]
        if protected:
            self.change_button = button(words("settings", "change_passphrase"), "link")
            self.remove_button = button(words("settings", "remove_passphrase"), "link")
            self.change_button.clicked.connect(lambda: self.passphrase_requested.emit("change"))
            self.remove_button.clicked.connect(lambda: self.passphrase_requested.emit("remove"))
            links += [self.change_button, self.remove_button]
        else:
            self.protect_button = button(words("settings", "protect"), "link")
            self.protect_button.clicked.connect(lambda: self.passphrase_requested.emit("set"))
            links.append(self.protect_button)
        self.delete_all_button = button(words("settings", "delete_all"), "link")
        self.delete_all_button.clicked.connect(self.delete_all_requested)
        links.append(self.delete_all_button)
        privacy = QGroupBox(words("settings", "privacy"))
        privacy.setLayout(row(*links, None, spacing=4, center=False))
        layout.addWidget(privacy)

        self.error = label("", "small")
        self.error.setAccessibleName(words("accessible", "problem"))
        self.error.hide()
        layout.addWidget(self.error)
        self.save_button = button(words("settings", "save"), "primary")
        self.cancel_button = button(words("settings", "cancel"))
        layout.addLayout(row(None, self.cancel_button, self.save_button, center=False))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.pattern.currentIndexChanged.connect(self._sync)
        self.turn_timer.toggled.connect(self._sync)
        self._sync()
        size_to_contents(self, scroll)
        self.save_button.setDefault(True)  # Enter in a field saves
        (self.partner_a if self.partner_a.isEnabled() else self.pattern).setFocus()

    @staticmethod
    def _combo(accessible: str) -> QComboBox:
        """A drop-down as wide as a short choice; its list shows the long ones whole."""
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_LETTERS)
        return combo

    def _line(self, value: str, placeholder: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(accessible)
        return edit

    def _minutes(self, key, value: int, accessible: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*key.bounds)
        spin.setValue(value)
        spin.setSuffix(words("settings", "minutes_suffix"))
        spin.setAccessibleName(accessible)
        return spin

    def _group(self, title: str, rows: list[tuple[str, Any]]) -> QGroupBox:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        for text, widget in rows:
            if text:
                form.addRow(text, widget)
            else:
                form.addRow(widget)
        return group

    def _sync(self) -> None:
        self.custom.setEnabled(self.pattern.currentData() == breathing.CUSTOM)
        self.turn_minutes.setEnabled(self.turn_timer.isChecked())

    def changes(self) -> dict[str, Any]:
        names = {} if self._settings.names_protected() else {
            "partner_a": self.partner_a.text(),
            "partner_b": self.partner_b.text(),
        }
        return {
            **names,
            "breathing_pattern": self.pattern.currentData(),
            "custom_pattern": self.custom.text(),
            "breathing_minutes": self.breathing_minutes.value(),
            "reduced_motion": self.reduced_motion.isChecked(),
            "theme": self.theme.currentData(),
            **({"sound": self.sound.isChecked()} if self.sound is not None else {}),
            "language": self.language.currentData(),
            "turn_timer": self.turn_timer.isChecked(),
            "turn_minutes": self.turn_minutes.value(),
            "break_minutes": self.break_minutes.currentData(),
        }

    def save(self) -> None:
        changes = self.changes()
        if changes["breathing_pattern"] != breathing.CUSTOM and not changes["custom_pattern"].strip():
            changes["custom_pattern"] = breathing.CUSTOM_DEFAULT
        try:
            self._settings.update(changes)
        except SettingError as exc:
            say_in(self, self.error, words("settings", "invalid", reason=str(exc)))
            return
        self.error.hide()
        self.saved.emit(self._settings.values())
        self.accept()


class SafetyDialog(QDialog):
    """What this app is and is not. Shown on request, never in the way."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = dialog_frame(self, words("safety", "title"), 560, margins=(32, 28, 32, 24), spacing=16)
        layout.addWidget(label(words("safety", "title"), "heading"))
        text = label(words("safety", "text"))
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        close = button(words("safety", "close"), "primary")
        close.clicked.connect(self.accept)
        layout.addLayout(row(None, close, center=False))
        close.setFocus()
