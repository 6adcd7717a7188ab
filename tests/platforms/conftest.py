"""Tests of what Linux, Windows and macOS do differently."""

import pytest

from couplepause.common import platform_support


@pytest.fixture
def on(monkeypatch):
    """Make platform_support answer for a system (for this test only)."""
    return lambda name: monkeypatch.setattr(platform_support, "_system", name)
