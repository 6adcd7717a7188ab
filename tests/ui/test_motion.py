"""The desktop's "reduce motion", as the XDG desktop portal says it, on a private D-Bus."""

from __future__ import annotations

import logging

import pytest

from couplepause.ui import motion
from tests.ui.fake_portal import private_bus, serve

_bus = pytest.fixture(name="bus")(private_bus)


def test_the_portals_reduced_motion_is_followed(bus, qtbot):
    app_side, portal_side, _ = bus
    portal = serve(bus, {motion.REDUCED_MOTION: 1})
    desktop = motion.DesktopMotion()
    with qtbot.waitSignal(desktop.changed):
        desktop.start(app_side)
    assert desktop.reduces_motion()
    with qtbot.waitSignal(desktop.changed):  # changed in the desktop's settings while running
        portal.change(portal_side, motion.REDUCED_MOTION, 0)
    assert not desktop.reduces_motion()


def test_an_older_portal_passes_on_gnomes_animations_switch(bus, qtbot):
    app_side = bus[0]
    serve(bus, {motion.GNOME_ANIMATIONS: False})
    desktop = motion.DesktopMotion()
    with qtbot.waitSignal(desktop.changed):
        desktop.start(app_side)
    assert desktop.reduces_motion()


def test_no_portal_no_answer(bus, qtbot, caplog):
    app_side = bus[0]
    desktop = motion.DesktopMotion()
    desktop.start(app_side)
    caplog.set_level(logging.INFO, logger="couplepause.ui.portal")
    with qtbot.assertNotEmitted(desktop.changed):
        qtbot.waitUntil(lambda: "does not say" in caplog.text)  # every key asked, none answered
    assert not desktop.reduces_motion()


def test_settings_says_when_the_desktop_already_asks_for_less_motion(app, qtbot, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from couplepause.common.texts import words

    def hints(dialog):
        return [label.text() for label in dialog.findChildren(QLabel)]

    dialog = app.open_settings()
    assert words("settings", "reduced_motion_hint") in hints(dialog)
    dialog.close()
    monkeypatch.setattr(app.controller.desktop_motion, "reduces_motion", lambda: True)
    dialog = app.open_settings()
    assert words("settings", "reduced_motion_desktop") in hints(dialog)
    assert not dialog.reduced_motion.isChecked()  # the couple's own choice is still theirs
    dialog.close()
