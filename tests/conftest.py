"""Shared test set-up: Qt offscreen, every test on its own temporary data folder."""

import os
import socket
import sys

# Before any Qt import: tests never need a screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("COUPLEPAUSE_DATA_DIR", None)
# Dates, times and numbers as the C locale writes them ("2 March 2026", "21:04"),
# whatever the language of the machine running the tests.
os.environ["LC_ALL"] = "C.UTF-8"
# The words in English, the source (LANGUAGE would come before LC_ALL): a test of
# another language asks for it itself.
os.environ.pop("LANGUAGE", None)

import pytest
from hypothesis import settings

# Property tests: a quick profile for the everyday run, a thorough one in CI
# (COUPLEPAUSE_HYPOTHESIS=thorough, see .ci/run).
settings.register_profile("quick", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("COUPLEPAUSE_HYPOTHESIS", "quick"))

# couplepause opens no network connection, ever: any internet socket that a
# test opens (in this process) fails that test.
_INTERNET = {socket.AF_INET, getattr(socket, "AF_INET6", socket.AF_INET)}
internet_sockets_seen: list[str] = []


class NetworkUsed(RuntimeError):
    """A test opened an internet socket."""


def _no_internet(event: str, args: tuple) -> None:
    if event == "socket.__new__" and args[1] in _INTERNET:
        internet_sockets_seen.append(f"family {args[1]}")
        raise NetworkUsed("couplepause must never open an internet socket")


sys.addaudithook(_no_internet)


@pytest.fixture(autouse=True)
def _fail_oninternet_sockets_seen():
    internet_sockets_seen.clear()
    yield
    assert not internet_sockets_seen, f"the test opened internet sockets: {internet_sockets_seen}"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder, also exported for anything that reads the environment."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COUPLEPAUSE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _away_from_the_source_tree(tmp_path, monkeypatch):
    """Child processes start in a temp folder, so they import the installed
    package rather than the checkout they happen to be started in."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def local_tz(monkeypatch):
    """Set this process's local time zone (a POSIX TZ string needs no tz database)."""
    import time

    def set_tz(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def language():
    """``language("de")`` speaks German in this test: the words, and the dates and
    numbers (QLocale's default follows them). English and the locale as they were
    come back after the test."""
    from couplepause.common import texts

    def qlocale():
        return sys.modules["PySide6.QtCore"].QLocale if "PySide6.QtCore" in sys.modules else None

    saved = qlocale()() if qlocale() else None
    yield texts.set_language
    texts.set_language("en")
    if qlocale() is not None:
        qlocale().setDefault(saved if saved is not None else qlocale().system())


@pytest.fixture(autouse=True)
def _quick_key_derivation(request, monkeypatch):
    """A passphrase costs scrypt at OWASP's cost (about half a second and 128 MiB) in the
    app; in this process's tests a small cost keeps the many protect/unlock steps quick.
    A test marked ``real_kdf`` keeps the real cost (tests/store/test_tamper.py checks it)."""
    if request.node.get_closest_marker("real_kdf") is None:
        from couplepause.store import vault

        monkeypatch.setattr(vault, "SCRYPT", {**vault.SCRYPT, "n": 2**10})


@pytest.fixture(autouse=True)
def _windows_left_behind_are_deleted(qapp):
    """The windows, dialogs and menus a test made go with it: left alive, every later
    restyle (a theme, a language) walks them all, and the suite slows as it goes.

    Asking for pytest-qt's ``qapp`` here also makes the one QApplication of each test
    process before its first test. Without it, a test that exports a PDF in this
    process, when it is the first to need Qt, would make the bare QGuiApplication the
    command line makes (export/pdf), and every widget test after it in the same process
    would fail. Which tests share a process depends on the machine's cores."""
    before = {id(widget) for widget in qapp.topLevelWidgets()}
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        if id(widget) not in before:
            widget.close()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
