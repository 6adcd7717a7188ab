"""Open every dialog on a screen of a given size and say what a person would not see.

Run by tests/ui/test_dialog_geometry.py in a process of its own, on Qt's offscreen
platform given that screen (``QT_QPA_PLATFORM=offscreen:configfile=...``, with window
frames): ``python dialog_geometry.py DATA_DIR LANGUAGE``. Prints one JSON list of
problems (empty: every dialog whole). A dialog is whole when its frame lies inside the
screen's free area, nothing in it needs scrolling, every word fits where it is
written, and no two controls side by side overlap.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

LONG_NAMES = {"partner_a": "Maximiliane Oberhausen-Kleist", "partner_b": "Jean-Baptiste Vandenbroucke"}


def main(data_dir: Path, language: str) -> list[str]:
    from PySide6.QtWidgets import QApplication

    from couplepause.common import texts
    from couplepause.settings import Settings

    Settings.for_data_dir(data_dir).update({**LONG_NAMES, "language": language, "welcome_seen": True})
    texts.set_language(language)
    qt = QApplication([])
    from couplepause.app.application import build
    from couplepause.ui.basics import fitting

    app = build(data_dir)
    app.window.resize(*fitting((5000, 5000)))
    app.window.show()
    qt.processEvents()
    problems: list[str] = []
    for name, opener in openers(app).items():
        dialog = opener()
        for _ in range(3):
            qt.processEvents()
        problems += [f"{name}: {p}" for p in look(dialog)]
        dialog.close()
        qt.processEvents()
    app.shutdown()
    return problems


def openers(app) -> dict:
    from couplepause.common.texts import words
    from couplepause.core.episode import Episode
    from couplepause.ui.dialogs import SafetyDialog, SettingsDialog
    from couplepause.ui.export_dialog import ExportDialog
    from couplepause.ui.note_dialog import NoteDialog
    from couplepause.ui.plan_dialog import PlanDialog
    from couplepause.ui.privacy_dialogs import DeleteAllDialog, PassphraseDialog
    from couplepause.ui.restore_dialog import RestoreDialog
    from couplepause.ui.widgets import show_beside

    window = app.window
    when = datetime(2026, 11, 23, 21, 4, tzinfo=UTC)
    backups = [SimpleNamespace(id=f"b{i}", created_at=when - timedelta(days=i), pauses=300 - i, reason=reason)
               for i, reason in enumerate(("daily", "before-import", "before-restore", "before-migration"))]
    episode = Episode.from_dict({"id": "5f1d7a9e-0000-4000-8000-000000000001",
                                 "paused_at": "2026-11-23T21:04:05.250+01:00", "repaired_at": None,
                                 "note": "Wir haben über die Ferien bei ihren Eltern gesprochen."})
    names = app.controller.names()

    def settings_with_a_problem():
        dialog = show_beside(SettingsDialog(app.settings, window))
        dialog.pattern.setCurrentIndex(dialog.pattern.findData("custom"))
        dialog.custom.setText("4,0,0,0")
        dialog.save()
        return dialog

    def passphrase(mode, problem=False):
        def open_it():
            dialog = show_beside(PassphraseDialog(mode, window))
            if problem:
                dialog.new.setText("a passphrase")
                dialog.again.setText("another one")
                dialog.go()
            return dialog

        return open_it

    def restored():
        dialog = show_beside(RestoreDialog(backups, window))
        dialog.show_result(words("restore", "failed", reason=words("problems", "disk_full")), ok=False)
        return dialog

    return {
        "settings": lambda: show_beside(SettingsDialog(app.settings, window)),
        "settings protected": lambda: show_beside(SettingsDialog(app.settings, window, protected=True,
                                                                 desktop_still=True)),
        "settings with a problem": settings_with_a_problem,
        "about": lambda: show_beside(SafetyDialog(window)),
        "export": lambda: show_beside(ExportDialog(when.date() - timedelta(days=365), Path.home(), parent=window)),
        "restore": lambda: show_beside(RestoreDialog(backups, window)),
        "restore, none yet": lambda: show_beside(RestoreDialog([], window)),
        "restore failed": restored,
        "delete all": lambda: show_beside(DeleteAllDialog(window)),
        "passphrase set": passphrase("set"),
        "passphrase set, not the same": passphrase("set", problem=True),
        "passphrase change": passphrase("change"),
        "passphrase remove": passphrase("remove"),
        "note": lambda: show_beside(NoteDialog(episode, window)),
        "plan": lambda: show_beside(PlanDialog(None, names, window)),
    }


def look(dialog) -> list[str]:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractScrollArea,
        QComboBox,
        QLabel,
        QLineEdit,
        QScrollArea,
        QWidget,
    )

    problems = []
    area = dialog.screen().availableGeometry()
    if not area.contains(dialog.frameGeometry()):
        problems.append(f"its frame {rect(dialog.frameGeometry())} is not inside the screen {rect(area)}")
    problems += [f"it scrolls ({scroll.horizontalScrollBar().maximum()} px across, "
                 f"{scroll.verticalScrollBar().maximum()} px down)"
                 for scroll in dialog.findChildren(QScrollArea)
                 if scroll.isVisibleTo(dialog)
                 and (scroll.verticalScrollBar().maximum() or scroll.horizontalScrollBar().maximum())]
    shown = [w for w in dialog.findChildren(QWidget) if w.isVisibleTo(dialog) and not w.isWindow()]
    inside = dialog.rect()
    for widget in shown:
        if isinstance(widget.parentWidget(), QAbstractScrollArea) and not isinstance(widget.parentWidget(), QScrollArea):
            continue  # a scroll bar or corner of a list or text field
        where = widget.geometry().translated(widget.parentWidget().mapTo(dialog, widget.parentWidget().rect().topLeft()))
        if not inside.contains(where):
            problems.append(f"{name_of(widget)} lies outside it: {rect(where)}")
        problems += [f"{name_of(widget)}: {p}" for p in words_fit(widget)]
    for parent in {w.parentWidget() for w in shown}:
        controls = [w for w in shown if w.parentWidget() is parent
                    and isinstance(w, (QLabel, QAbstractButton, QLineEdit, QComboBox))]
        for i, a in enumerate(controls):
            for b in controls[i + 1:]:
                if a.geometry().intersects(b.geometry()):
                    problems.append(f"{name_of(a)} overlaps {name_of(b)}")
    return problems


def words_fit(widget) -> list[str]:
    """Where the words of ``widget`` do not fit it."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit

    metrics = widget.fontMetrics()
    if isinstance(widget, QLabel) and widget.text():
        room = widget.contentsRect()
        if widget.wordWrap():
            if widget.heightForWidth(widget.width()) > widget.height():
                return [f"its lines need {widget.heightForWidth(widget.width())} px, it has {widget.height()}"]
        elif max(metrics.horizontalAdvance(line) for line in widget.text().splitlines()) > room.width():
            return [f"its words need {metrics.horizontalAdvance(widget.text())} px, it has {room.width()}"]
    elif isinstance(widget, QAbstractButton) and widget.text():
        if widget.sizeHint().width() > widget.width() or widget.minimumSizeHint().height() > widget.height():
            return [(f"needs {widget.sizeHint().width()}x{widget.minimumSizeHint().height()} px, "
                    f"has {widget.width()}x{widget.height()}")]
    elif isinstance(widget, QComboBox):
        widest = max((metrics.horizontalAdvance(widget.itemText(i)) for i in range(widget.count())), default=0)
        if widest > widget.width():
            return [f"its longest choice needs {widest} px, it has {widget.width()}"]
    elif (isinstance(widget, QLineEdit) and widget.text() and widget.echoMode() == QLineEdit.EchoMode.Normal
          and widget.objectName() != "qt_spinbox_lineedit"
          and metrics.horizontalAdvance(widget.text()) > widget.width()):
        return [f"shows only part of {widget.text()!r}"]
    return []


def name_of(widget) -> str:
    text = getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__} {(widget.accessibleName() or text)[:40]!r}"


def rect(r) -> str:
    return f"{r.x()},{r.y()} {r.width()}x{r.height()}"


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2])))
