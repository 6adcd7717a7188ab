"""Our plan for hard moments: made together on a calm evening, changed whenever
they like, never required. The two partners' parts are the same, side by side;
what they share comes below. The dialog collects; the app saves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from couplepause.common.texts import words
from couplepause.core.episode import PARTNERS
from couplepause.core.plan import MAX_TEXT, MOVES, PartnerPlan, Plan
from couplepause.ui.basics import scroller
from couplepause.ui.widgets import Choice, button, dialog_frame, label, message_and_buttons, say_in, size_to_contents

WIDTH = 980  # as wide as it likes to be (a small laptop has 1008); narrower screens scroll
MIN_WIDTH = 600


class PartnerPart(QGroupBox):
    """One partner's part of the plan, titled with their name."""

    def __init__(self, name: str, part: PartnerPlan, parent=None):
        super().__init__(name, parent)
        self.setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(3)
        layout.addWidget(label(words("plan", "move"), "small"))
        self.move = Choice([(m, words("plan", f"move_{m}")) for m in MOVES], f"{name}: {words('plan', 'move')}")
        self.move.set_value(part.move)
        layout.addWidget(self.move)
        self.fields: dict[str, QLineEdit] = {}
        for key in ("signs", "helps", "need_to_hear"):
            layout.addSpacing(2)
            layout.addWidget(label(words("plan", key), "small"))
            edit = text_field(getattr(part, key), words("plan", f"{key}_hint"), f"{name}: {words('plan', key)}")
            layout.addWidget(edit)
            self.fields[key] = edit

    def value(self) -> PartnerPlan:
        return PartnerPlan(self.move.value(), **{key: edit.text() for key, edit in self.fields.items()})


def text_field(value: str, hint: str, accessible: str) -> QLineEdit:
    edit = QLineEdit(value)
    edit.setPlaceholderText(hint)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(MAX_TEXT)
    edit.setCursorPosition(0)  # a long text shows its beginning
    return edit


class PlanDialog(QDialog):
    """Emits ``saved`` with the plan as written (cleaned); the app keeps it and then
    calls :meth:`kept`, or :meth:`not_kept` with the reason."""

    saved = Signal(object)

    def __init__(self, plan: Plan | None, names: dict[str, str], parent=None, *, read_only: bool = False):
        """``read_only``: a plan carried in an exported file, shown as it is (nothing saves)."""
        super().__init__(parent)
        plan = plan or Plan()
        self._plan = plan
        layout = dialog_frame(self, words("plan", "title"), MIN_WIDTH, margins=(24, 14, 24, 14), spacing=8)
        # The window's title names it; the first line says how it is meant.
        layout.addWidget(label(words("plan", "intro"), "small"))
        # On a screen smaller still than a small laptop's, the parts scroll and Save stays in reach.
        content = QWidget()
        inside = QVBoxLayout(content)
        inside.setContentsMargins(0, 0, 0, 0)
        inside.setSpacing(8)
        scroll = scroller(content)
        layout.addWidget(scroll, 1)

        parts = QHBoxLayout()
        parts.setSpacing(20)
        self.parts = {p: PartnerPart(names[p], plan.of(p)) for p in PARTNERS}
        for part in self.parts.values():
            parts.addWidget(part, 1)  # the same width for both
        inside.addLayout(parts)

        together = QGroupBox(words("plan", "together"))
        together.setAccessibleName(words("plan", "together"))
        shared = QHBoxLayout(together)
        shared.setContentsMargins(8, 4, 8, 4)
        shared.setSpacing(20)
        self.pause_signal = text_field(
            plan.pause_signal, words("plan", "pause_signal_hint"), words("plan", "pause_signal")
        )
        self.way_back = text_field(plan.way_back, words("plan", "way_back_hint"), words("plan", "way_back"))
        for key, edit in (("pause_signal", self.pause_signal), ("way_back", self.way_back)):
            column = QWidget()
            lines = QVBoxLayout(column)
            lines.setContentsMargins(0, 0, 0, 0)
            lines.setSpacing(4)
            lines.addWidget(label(words("plan", key), "small"))
            lines.addWidget(edit)
            shared.addWidget(column, 1)
        inside.addWidget(together)

        self.error = label("", "small")
        self.error.hide()
        self.save_button = button(words("plan", "save"), "primary")
        self.cancel_button = button(words("plan", "cancel"))
        layout.addLayout(message_and_buttons(self.error, self.cancel_button, self.save_button))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.setDefault(True)  # Enter in a field saves
        if read_only:
            for edit in self.findChildren(QLineEdit):
                edit.setReadOnly(True)
            for part in self.parts.values():
                part.move.setEnabled(False)
            self.save_button.hide()
            self.cancel_button.setText(words("plan", "close"))
        size_to_contents(self, scroll, min_width=WIDTH)
        self.parts["a"].move.button_for(MOVES[0]).setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> Plan:
        """The plan as written now, cleaned (texts trimmed, a few words each)."""
        return self._plan.with_changes(
            partners={p: part.value() for p, part in self.parts.items()},
            pause_signal=self.pause_signal.text(),
            way_back=self.way_back.text(),
        ).cleaned()

    def save(self) -> None:
        self.error.hide()
        self.save_button.setEnabled(False)  # until the plan is kept, or not
        self.saved.emit(self.value())

    def kept(self) -> None:
        self.accept()

    def not_kept(self, reason: str) -> None:
        self.save_button.setEnabled(True)
        say_in(self, self.error, words("plan", "not_saved", reason=reason))
