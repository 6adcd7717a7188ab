""""Follows the desktop": light or dark as the desktop's XDG portal says it (on a
private D-Bus), light where the desktop says nothing, and Settings says which."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QApplication

from couplepause.common.texts import words
from couplepause.ui import desktop_scheme, theme
from couplepause.ui.desktop_scheme import COLOR_SCHEME, GNOME_COLOR_SCHEME, DesktopScheme, scheme_said
from tests.ui.fake_portal import private_bus, serve

_bus = pytest.fixture(name="bus")(private_bus)


@pytest.fixture(autouse=True)
def desktop_forgotten(qapp):
    """Each test starts where the desktop has said nothing, and leaves it so."""
    saved = dict(theme._current)
    theme._current.update(portal_said=None, qt_said=None, palette_dark=False)
    yield
    theme._current.update(saved)
    theme.apply(qapp, "light")


@pytest.mark.parametrize(("key", "value", "said"), [
    (COLOR_SCHEME, 1, "dark"), (COLOR_SCHEME, 2, "light"), (COLOR_SCHEME, 0, None), (COLOR_SCHEME, 7, None),
    (COLOR_SCHEME, True, None), (COLOR_SCHEME, "1", None),
    (GNOME_COLOR_SCHEME, "prefer-dark", "dark"), (GNOME_COLOR_SCHEME, "prefer-light", "light"),
    (GNOME_COLOR_SCHEME, "default", None), (GNOME_COLOR_SCHEME, 1, None),
    (("org.gnome.desktop.interface", "gtk-theme"), "Adwaita-dark", None),
])
def test_what_each_value_says(key, value, said):
    assert scheme_said(key, value) == said


def test_a_desktop_that_says_nothing_gets_light():
    assert theme.followed() == ("light", False)
    assert theme.choose("system", theme.system_dark()) == "light"


def test_the_portals_dark_is_followed_and_its_change_too(bus, qtbot):
    app_side, portal_side, _ = bus
    portal = serve(bus, {COLOR_SCHEME: 1})
    desktop = DesktopScheme()
    with qtbot.waitSignal(desktop.changed):
        desktop.start(app_side)
    assert desktop.said() == "dark"
    with qtbot.waitSignal(desktop.changed):
        portal.change(portal_side, COLOR_SCHEME, 0)  # no preference any more
    assert desktop.said() is None


def test_an_older_portal_passes_on_gnomes_color_scheme(bus, qtbot):
    serve(bus, {GNOME_COLOR_SCHEME: "prefer-dark"})
    desktop = DesktopScheme()
    with qtbot.waitSignal(desktop.changed):
        desktop.start(bus[0])
    assert desktop.said() == "dark"


def test_no_portal_no_answer(bus, qtbot, caplog):
    desktop = DesktopScheme()
    desktop.start(bus[0])
    caplog.set_level(logging.INFO, logger="couplepause.ui.portal")
    with qtbot.assertNotEmitted(desktop.changed):
        qtbot.waitUntil(lambda: "does not say" in caplog.text)  # every key asked, none answered
    assert desktop.said() is None


def test_nothing_is_asked_where_there_is_no_desktop(qtbot):
    desktop = DesktopScheme()
    desktop.start()  # the offscreen platform: no session bus is even looked for
    assert desktop._bus is None


def test_the_window_follows_the_portal_and_settings_says_so(app, bus, qtbot):
    app_side, portal_side, _ = bus
    portal = serve(bus, {COLOR_SCHEME: 1})
    assert app.settings.get("theme") == "system"
    qtbot.waitUntil(lambda: app.desktop_scheme is not None)  # asked once the window showed
    dialog = app.open_settings()
    system = dialog.theme.findData("system")
    assert dialog.theme.itemText(system) == words("themes", "system_light")
    assert dialog.theme.toolTip() == words("themes", "system_unsaid")
    with qtbot.waitSignal(app.desktop_scheme.changed):
        app.desktop_scheme.start(app_side)
    assert theme.scheme() == "dark" and theme.followed() == ("dark", True)
    assert QApplication.instance().styleSheet() == theme.stylesheet("dark")
    assert dialog.theme.itemText(system) == words("themes", "system_dark")  # the open dialog says it
    assert dialog.theme.toolTip() == words("themes", "system_said")
    with qtbot.waitSignal(app.desktop_scheme.changed):
        portal.change(portal_side, COLOR_SCHEME, 2)
    assert theme.scheme() == "light" and dialog.theme.itemText(system) == words("themes", "system_light")
    # A scheme chosen in Settings stands, whatever the desktop says.
    app.settings.update({"theme": "high_contrast"})
    app.apply_theme()
    with qtbot.waitSignal(app.desktop_scheme.changed):
        portal.change(portal_side, COLOR_SCHEME, 1)
    assert theme.scheme() == "high_contrast"
    dialog.close()


def test_the_portal_comes_before_what_qt_heard_and_the_palette():
    theme._current.update(qt_said="light", palette_dark=True)
    assert theme.followed() == ("light", True)
    theme._current.update(portal_said="dark")
    assert theme.followed() == ("dark", True)
    theme._current.update(portal_said=None, qt_said=None)
    assert theme.followed() == ("dark", True)  # a dark palette is the desktop's word too
    assert desktop_scheme.DARK == "dark"
