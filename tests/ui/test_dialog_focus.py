"""Every dialog walked with Tab alone: each stop shows one focus mark (the ring in
the focus colour), on that stop and nowhere else, in every scheme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBitmap, QColor, QImage, QRegion
from PySide6.QtWidgets import QApplication

from couplepause.ui import theme
from couplepause.ui.widgets import show_beside
from tests.tiers import everyday

SCHEMES = tuple(theme.TABLES)


def where(image: QImage, colour: str) -> QRect:
    """The box around the pixels of exactly ``colour`` (empty when there are none)."""
    mask = image.createMaskFromColor(QColor(colour).rgb(), Qt.MaskMode.MaskOutColor)
    return QRegion(QBitmap.fromImage(mask)).boundingRect()


def _backups():
    when = datetime(2026, 3, 2, 21, 4, tzinfo=UTC)
    return [SimpleNamespace(id=f"b{i}", created_at=when - timedelta(days=i), pauses=300 - i, reason="daily")
            for i in range(3)]


def _restore(app):
    from couplepause.ui.restore_dialog import RestoreDialog

    return show_beside(RestoreDialog(_backups(), app.window))


def _note(app):
    from couplepause.core.episode import Episode
    from couplepause.ui.note_dialog import NoteDialog

    data = {"id": "5f1d7a9e-0000-4000-8000-000000000001", "paused_at": "2026-03-02T21:04:05.250+01:00",
            "repaired_at": None, "note": "We talked about the holidays."}
    return show_beside(NoteDialog(Episode.from_dict(data), app.window))


def _settings_protected(app):
    from couplepause.ui.dialogs import SettingsDialog

    return show_beside(SettingsDialog(app.settings, app.window, protected=True))


def _passphrase(mode):
    def open_it(app):
        app.privacy.open_passphrase(mode)
        return app.privacy.dialog

    open_it.__name__ = f"passphrase_{mode}"
    return open_it


def _by_the_app(path):
    def open_it(app):
        target = app
        for part in path.split("."):
            target = getattr(target, part)
        return target()

    open_it.__name__ = path
    return open_it


OPENERS = [
    _by_the_app("open_settings"), _settings_protected, _by_the_app("open_safety"), _restore,
    _by_the_app("privacy.open_delete_all"), _passphrase("set"), _passphrase("change"), _passphrase("remove"),
    _note, _by_the_app("planning.open"), _by_the_app("open_export"),
]


def shown_dialog(app, qtbot, opener):
    from tests.ui.conftest import shown_dialogs

    dialog = opener(app)
    qtbot.waitUntil(lambda: len(shown_dialogs()) == 1, timeout=5000)
    dialog = shown_dialogs()[0]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


@pytest.fixture
def scheme(request, app, qapp):
    """The scheme chosen in Settings (so the window's own following of the desktop keeps it)."""
    app.settings.update({"theme": request.param})
    app.apply_theme()
    yield request.param
    theme.apply(qapp, "light")


@pytest.mark.parametrize("scheme", everyday(SCHEMES, "dark"), indirect=True)
@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__.strip("_"))
def test_every_tab_stop_shows_one_focus_mark(app, qtbot, opener, scheme):
    qtbot.waitUntil(lambda: app.desktop_scheme is not None)  # following the desktop: the choice stands
    assert theme.scheme() == scheme
    focus = theme.colors()["focus"]
    dialog = shown_dialog(app, qtbot, opener)
    first = QApplication.focusWidget()
    assert first is not None and dialog.isAncestorOf(first), "the dialog opens with its focus inside"
    seen = []
    for _ in range(40):
        widget = QApplication.focusWidget()
        seen.append(widget)
        marks = where(dialog.grab().toImage(), focus)
        stop = QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())
        name = widget.accessibleName() or getattr(widget, "text", lambda: "")() or type(widget).__name__
        assert not marks.isEmpty(), f"{scheme}: no focus mark on {name!r}"
        assert stop.contains(marks), f"{scheme}: a focus mark outside {name!r}: {marks} not in {stop}"
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is first:
            break
    else:
        raise AssertionError("Tab never came back to where it started")
    dialog.close()
