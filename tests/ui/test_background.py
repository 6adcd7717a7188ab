"""Answers from other threads reach the UI thread through the application's one relay."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from couplepause.ui.background import Answers, in_background, main_thread


def test_there_is_one_relay_and_the_application_owns_it(qapp):
    assert main_thread() is main_thread()
    assert main_thread().parent() is QApplication.instance()


def test_a_job_answers_on_the_ui_thread(qtbot):
    parent = QObject()
    heard = []
    in_background(lambda: threading.current_thread().name,
                  lambda result, error: heard.append((result, error, threading.current_thread())), parent=parent)
    qtbot.waitUntil(lambda: bool(heard))
    assert heard == [("couplepause-file", None, threading.main_thread())]


def test_an_error_is_handed_over_too(qtbot):
    parent = QObject()
    heard = []

    def job():
        raise OSError("the disk is gone")

    in_background(job, lambda result, error: heard.append(error), parent=parent)
    qtbot.waitUntil(lambda: bool(heard))
    assert isinstance(heard[0], OSError)


def test_an_answer_for_a_window_closed_meanwhile_is_dropped(qtbot):
    parent = QObject()
    go = threading.Event()
    heard = []
    thread = in_background(go.wait, lambda result, error: heard.append(result), parent=parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    go.set()
    thread.join(5)
    delivered = []
    main_thread().post(lambda: delivered.append(True))  # queued after the job's answer
    qtbot.waitUntil(lambda: bool(delivered))
    assert heard == []


def test_answers_stop_when_asked(qtbot):
    answers = Answers()
    heard = []
    answers.post(lambda: heard.append("before"))
    qtbot.waitUntil(lambda: bool(heard))
    answers.stop()
    answers.post(lambda: heard.append("after"))
    done = []
    main_thread().post(lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done))
    assert heard == ["before"]


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
