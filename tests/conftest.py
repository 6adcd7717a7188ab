"""Shared test set-up: Qt offscreen, every test on its own temporary data folder."""

import os

# Before any Qt import: tests never need a screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("COUPLEPAUSE_DATA_DIR", None)

import pytest  # noqa: E402


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
