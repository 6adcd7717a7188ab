"""The settings dialog (and, from safety_dialog, the Safety and help dialog). Both open
without blocking: nothing ever stands between the couple and the Pause button."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from couplepause.common.texts import SYSTEM, language_name, words
from couplepause.core import breathing
from couplepause.core.flow import BREAK_CHOICES
from couplepause.settings import KEYS, THEMES, SettingError, Settings, languages
from couplepause.ui import sound, theme
from couplepause.ui.basics import fitting, scroller
from couplepause.ui.fields import Dropdown, pad_spin_box
from couplepause.ui.safety_dialog import SafetyDialog  # noqa: F401 (where it was)
from couplepause.ui.widgets import button, dialog_frame, label, message_and_buttons, say_in, size_to_contents

MARGINS = (24, 12, 24, 12)
GROUP_MARGINS = (4, 10, 0, 2)  # inside a group, under its title
COLUMN_GAP = 28


class SettingsDialog(QDialog):
    """Collects settings and hands them back; refuses invalid values.

    Two columns, read (and walked with Tab) top to bottom, the left one first: our
    names and how it looks, then breathing and turns; below them backups and privacy,
    then Cancel and Save. On a screen smaller than a small laptop's they scroll, and
    Save stays in reach."""

    saved = Signal(dict)
    restore_requested = Signal()
    passphrase_requested = Signal(str)  # "set", "change" or "remove"
    delete_all_requested = Signal()

    def __init__(self, settings: Settings, parent=None, *, protected: bool = False, desktop_still: bool = False):
        """``protected``: the history has a passphrase (change or remove it is offered);
        ``desktop_still``: the desktop already asks for less motion (then nothing
        moves whatever the box says, and the hint says so)."""
        super().__init__(parent)
        self._settings = settings
        layout = dialog_frame(self, words("settings", "title"), 620, margins=MARGINS, spacing=8)
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(COLUMN_GAP)
        left, right = QVBoxLayout(), QVBoxLayout()
        for column in (left, right):
            column.setSpacing(4)
            columns.addLayout(column, 1)
        scroll = scroller(content)
        layout.addWidget(scroll, 1)
        values = settings.values()

        # Left: our names (each above its field, so a long name shows whole), how it looks.
        self.partner_a = self._line(values["partner_a"], words("app", "partner_a"), words("settings", "partner_a"))
        self.partner_b = self._line(values["partner_b"], words("app", "partner_b"), words("settings", "partner_b"))
        names = QGroupBox(words("settings", "names"))
        names_column = QVBoxLayout(names)
        names_column.setContentsMargins(*GROUP_MARGINS)
        names_column.setSpacing(4)
        partners = ((words("settings", "partner_a"), self.partner_a), (words("settings", "partner_b"), self.partner_b))
        for text, edit in partners:
            above = label(text, wrap=False)
            above.setBuddy(edit)
            if edit is self.partner_b:
                names_column.addSpacing(2)
            names_column.addWidget(above)
            names_column.addWidget(edit)
        if settings.names_protected():  # the fields say why they are empty
            for edit in (self.partner_a, self.partner_b):
                edit.setEnabled(False)
                edit.setPlaceholderText(words("protect", "names_protected"))
                edit.setAccessibleDescription(words("protect", "names_protected"))
        left.addWidget(names)

        self.theme = Dropdown(words("settings", "theme"))
        for key in THEMES:  # "system" is named by what it follows (follow_desktop)
            self.theme.addItem("" if key == "system" else words("themes", key), key)
        self.follow_desktop()
        self.theme.setCurrentIndex(max(0, self.theme.findData(values["theme"])))
        self.language = Dropdown(words("settings", "language"))
        for key in languages():  # each language by its own name
            self.language.addItem(words("languages", "system") if key == SYSTEM else language_name(key), key)
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self.reduced_motion = QCheckBox(words("settings", "reduced_motion"))
        self.reduced_motion.setAccessibleName(words("settings", "reduced_motion"))
        self.reduced_motion.setAccessibleDescription(words("settings", "reduced_motion_hint"))
        self.reduced_motion.setToolTip(words("settings", "reduced_motion_hint"))
        self.reduced_motion.setChecked(values["reduced_motion"])
        left.addWidget(self._group(words("settings", "looks"), [
            (words("settings", "theme"), self.theme),
            (words("settings", "language"), self.language),
            ("", self.reduced_motion),
            ("", label(words("settings", "reduced_motion_desktop" if desktop_still else "reduced_motion_hint"),
                       "small")),
        ]))

        # Right: breathing (its pattern above its box: the longest words here), turns.
        self.pattern = Dropdown(words("settings", "pattern"))
        for key in breathing.PATTERN_KEYS:
            self.pattern.addItem(words("patterns", key), key)
        self.pattern.setCurrentIndex(max(0, self.pattern.findData(values["breathing_pattern"])))
        self.custom = self._line(
            values["custom_pattern"], breathing.CUSTOM_DEFAULT, words("settings", "custom_pattern")
        )
        self.custom.setAccessibleDescription(words("settings", "custom_pattern_hint"))
        self.custom.setToolTip(words("settings", "custom_pattern_hint"))
        self.breathing_minutes = self._minutes(
            KEYS["breathing_minutes"], values["breathing_minutes"], words("settings", "breathing_minutes")
        )
        self.sound: QCheckBox | None = None  # offered only where a tone can be played
        breathing_rows = [
            (words("settings", "custom_pattern"), self.custom),
            (words("settings", "breathing_minutes"), self.breathing_minutes),
        ]
        if sound.available():
            self.sound = QCheckBox(words("settings", "sound"))
            self.sound.setAccessibleName(words("settings", "sound"))
            self.sound.setChecked(values["sound"])
            breathing_rows.append(("", self.sound))
        breathing_group = self._group(words("settings", "breathing"), breathing_rows)
        pattern_label = label(words("settings", "pattern"), wrap=False)
        pattern_label.setBuddy(self.pattern)
        form = breathing_group.layout()
        form.insertRow(0, self.pattern)
        form.insertRow(0, pattern_label)
        right.addWidget(breathing_group)

        self.turn_timer = QCheckBox(words("settings", "turn_timer"))
        self.turn_timer.setAccessibleName(words("settings", "turn_timer"))
        self.turn_timer.setChecked(values["turn_timer"])
        self.turn_minutes = self._minutes(
            KEYS["turn_minutes"], values["turn_minutes"], words("settings", "turn_minutes")
        )
        self.break_minutes = Dropdown(words("settings", "break_minutes"))
        for minutes in BREAK_CHOICES:
            self.break_minutes.addItem(words("break", "minutes_choice", n=minutes), minutes)
        self.break_minutes.setCurrentIndex(max(0, self.break_minutes.findData(values["break_minutes"])))
        turns = self._group(words("settings", "turns"), [
            (words("settings", "break_minutes"), self.break_minutes),
        ])
        turns.layout().insertRow(0, self.turn_timer, self.turn_minutes)  # the box names the length beside it
        right.addWidget(turns)
        left.addStretch(1)
        right.addStretch(1)

        # Backups and privacy: links, each opening its own dialog; the passphrase's
        # follow whether the history is protected, also while this is open.
        self.restore_button = button(words("settings", "restore"), "link")
        self.protect_button = button(words("settings", "protect"), "link")
        self.change_button = button(words("settings", "change_passphrase"), "link")
        self.remove_button = button(words("settings", "remove_passphrase"), "link")
        self.delete_all_button = button(words("settings", "delete_all"), "link")
        self.restore_button.clicked.connect(self.restore_requested)
        self.protect_button.clicked.connect(lambda: self.passphrase_requested.emit("set"))
        self.change_button.clicked.connect(lambda: self.passphrase_requested.emit("change"))
        self.remove_button.clicked.connect(lambda: self.passphrase_requested.emit("remove"))
        self.delete_all_button.clicked.connect(self.delete_all_requested)
        privacy = QGroupBox(words("settings", "privacy"))
        self._links = QGridLayout(privacy)
        self._links.setContentsMargins(*GROUP_MARGINS)
        self._links.setHorizontalSpacing(4)
        self._links.setVerticalSpacing(0)
        layout.addWidget(privacy)

        self.error = label("", "small")
        self.error.hide()
        self.save_button = button(words("settings", "save"), "primary")
        self.cancel_button = button(words("settings", "cancel"))
        layout.addLayout(message_and_buttons(self.error, self.cancel_button, self.save_button))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.pattern.currentIndexChanged.connect(self._sync)
        self.turn_timer.toggled.connect(self._sync)
        for spin in (self.breathing_minutes, self.turn_minutes):
            pad_spin_box(spin)
        for edit in (self.partner_a, self.partner_b):
            edit.setCursorPosition(0)  # a long name shows its beginning
        self._sync()
        self.set_protected(protected)
        size_to_contents(self, scroll)
        self.save_button.setDefault(True)  # Enter in a field saves
        (self.partner_a if self.partner_a.isEnabled() else self.theme).setFocus()

    def tab_stops(self) -> list[QWidget]:
        """The controls in reading order: the left column, the right one, the links, the buttons."""
        links = [self.restore_button, *self._passphrase_links(), self.delete_all_button]
        return [
            self.partner_a, self.partner_b, self.theme, self.language, self.reduced_motion,
            self.pattern, self.custom, self.breathing_minutes, *([self.sound] if self.sound else []),
            self.turn_timer, self.turn_minutes, self.break_minutes,
            *links, self.cancel_button, self.save_button,
        ]

    def _passphrase_links(self) -> list[QWidget]:
        return [self.change_button, self.remove_button] if self._protected else [self.protect_button]

    def set_protected(self, protected: bool) -> None:
        """Offer setting the passphrase, or changing and removing it."""
        self._protected = protected
        links = [self.restore_button, *self._passphrase_links(), self.delete_all_button]
        every = (
            self.restore_button, self.protect_button, self.change_button, self.remove_button, self.delete_all_button
        )
        for link in every:
            self._links.removeWidget(link)
        # One row where they fit the screen, else two.
        room = fitting((1 << 16, 0))[0] - MARGINS[0] - MARGINS[2]
        needed = sum(link.sizeHint().width() for link in links) + self._links.horizontalSpacing() * len(links)
        per_row = len(links) if needed <= room else (len(links) + 1) // 2
        for index, link in enumerate(links):
            self._links.addWidget(link, index // per_row, index % per_row, Qt.AlignmentFlag.AlignLeft)
        for column in range(len(every) + 1):
            self._links.setColumnStretch(column, 1 if column == per_row else 0)
        for link in every:  # after the layout took them: it would hide them again
            link.setVisible(link in links)
        ordered = self.tab_stops()
        for before, after in itertools.pairwise(ordered):
            QWidget.setTabOrder(before, after)

    def follow_desktop(self) -> None:
        """Say what "like the desktop" follows now: its dark, its light, or light
        where it says nothing."""
        scheme, said = theme.followed()
        index = self.theme.findData("system")
        self.theme.setItemText(index, words("themes", f"system_{scheme}"))
        hint = words("themes", "system_said" if said else "system_unsaid")
        self.theme.setItemData(index, hint, Qt.ItemDataRole.ToolTipRole)
        self.theme.setToolTip(hint)
        self.theme.setAccessibleDescription(hint)

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
        form.setContentsMargins(*GROUP_MARGINS)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        for text, widget in rows:
            if text:
                form.addRow(text, widget)
            else:
                form.addRow(widget)
        return group

    def _sync(self) -> None:
        self.custom.setEnabled(self.pattern.currentData() == breathing.CUSTOM)
        self.turn_minutes.setEnabled(self.turn_timer.isChecked())

    def _fields(self) -> dict[str, QWidget]:
        """Each setting's control, to show where a refused value is."""
        return {
            "partner_a": self.partner_a, "partner_b": self.partner_b, "custom_pattern": self.custom,
            "breathing_minutes": self.breathing_minutes, "turn_minutes": self.turn_minutes,
        }

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
            say_in(self, self.error, str(exc))  # the problem's own words, said once
            self._show_where(changes)
            return
        self.error.hide()
        self.saved.emit(self._settings.values())
        self.accept()

    def _show_where(self, changes: dict[str, Any]) -> None:
        """Put the focus on the first field whose value was refused."""
        for key, field in self._fields().items():
            if key in changes and field.isEnabled():
                try:
                    KEYS[key].check(changes[key])
                except SettingError:
                    field.setFocus(Qt.FocusReason.OtherFocusReason)
                    if isinstance(field, QLineEdit):
                        field.selectAll()
                    return
