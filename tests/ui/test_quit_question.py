"""The question asked at quit when something could not be saved: its buttons say what
they do, and the one that keeps the window open is where Enter and Escape lead."""

from __future__ import annotations

import errno
import tempfile

import pytest
from PySide6.QtWidgets import QMessageBox

from couplepause.common.texts import words
from couplepause.store import envelope as storage


@pytest.fixture
def unsaved(make_app, data_dir, qtbot, monkeypatch, tmp_path):
    """A window whose pause cannot be written (a full disk), the question not shown."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    bundle = make_app()
    bundle.writer.retry_delays = (3600,)
    real = storage.atomic_write

    def full(path, data, **kwargs):
        if str(path).startswith(str(data_dir)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(storage, "atomic_write", full)
    monkeypatch.setattr(QMessageBox, "open", lambda box: None)
    bundle.controller.pause()
    qtbot.waitUntil(lambda: bundle.controller.unsaved_reason == "The disk is full.", timeout=5000)
    return bundle


def answers(box: QMessageBox) -> list[str]:
    return sorted(b.text() for b in box.buttons())


@pytest.mark.parametrize("rescued", [True, False])
def test_the_buttons_say_what_they_do_and_staying_is_the_default(unsaved, monkeypatch, rescued):
    if not rescued:
        monkeypatch.setattr(unsaved.care, "rescue", lambda: None)  # no copy could be kept anywhere
    assert unsaved.close_guard() is False
    box = unsaved.leave_question
    close = words("notices", "quit_rescued_close" if rescued else "quit_unsaved_close")
    assert answers(box) == sorted([close, words("notices", "quit_keep_open")])
    stay = box.defaultButton()
    assert stay.text() == words("notices", "quit_keep_open") and box.escapeButton() is stay
    stay.click()
    assert unsaved.writer.is_alive()  # still open, still trying to save


def test_closing_from_the_question_shuts_down(unsaved):
    assert unsaved.close_guard() is False
    box = unsaved.leave_question
    [close] = [b for b in box.buttons() if b is not box.defaultButton()]
    close.click()
    assert not unsaved.writer.is_alive()
