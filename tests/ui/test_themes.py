"""Light, dark and high contrast: every pair of text and background is readable
(WCAG 2.2 AA: 4.5:1), every edge and focus mark can be seen (3:1), and the app
follows the choice in Settings and the desktop's own light or dark."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from couplepause.common.texts import resource_folder
from couplepause.ui import theme

SCHEMES = tuple(theme.TABLES)

# Where each kind of text is written (a label on a card, a word on a button, ...).
TEXT_ON = {
    "text": ("background", "surface", "field", "soft", "soft_hover", "notice", "heat_1", "heat_2", "heat_3"),
    "muted": ("background", "surface", "field", "notice"),
    "accent_text": ("accent", "accent_hover"),
    "pause_text": ("pause", "pause_hover", "pause_pressed"),
    "error": ("error_back",),  # a problem's words on its band
}
# The marks that show a control (its edge, or its fill where it has no edge)
# and the focus ring, against what is around them.
MARKS_ON = {
    "edge": ("background", "surface", "field", "notice"),
    "focus": ("background", "surface", "field", "soft", "notice"),
    "accent": ("background", "surface", "field"),
    "pause": ("background",),
    "error_edge": ("background", "surface", "error_back"),  # a problem's band stands out
}
# A control that cannot be used now: its words still readable (3:1, as large text
# needs; WCAG asks nothing of a disabled control), yet plainly unlike an enabled one's.
DISABLED_ON = {"disabled": ("background", "surface", "field")}
# Colours that only decorate (the cards' hairline, the breathing shape): no
# one has to read them or find a control by them.
DECORATION = {"line", "notice_line", "pacer_in", "pacer_out", "pacer_glow"}


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def restore_light(qapp):
    yield qapp
    theme.apply(qapp, "light")


def test_contrast_arithmetic_matches_the_standard():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_every_scheme_names_the_same_colours():
    names = set(theme.colors("light"))
    for scheme in SCHEMES:
        assert set(theme.colors(scheme)) == names, scheme


def below(scheme: str, pairs: dict[str, tuple[str, ...]], least: float) -> list[tuple[str, str, float]]:
    """The pairs of ``scheme`` whose contrast is under ``least``, with their ratio."""
    table = theme.colors(scheme)
    ratios = ((fore, back, contrast(table[fore], table[back])) for fore, backs in pairs.items() for back in backs)
    return [(fore, back, round(ratio, 2)) for fore, back, ratio in ratios if ratio < least]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_text_is_readable_on_what_it_sits_on(scheme):
    assert below(scheme, TEXT_ON, 4.5) == [], f"{scheme}: text below 4.5:1"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_edge_and_focus_mark_can_be_seen(scheme):
    assert below(scheme, MARKS_ON, 3.0) == [], f"{scheme}: marks below 3:1"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_disabled_control_looks_unlike_an_enabled_one(scheme):
    table = theme.colors(scheme)
    assert below(scheme, DISABLED_ON, 3.0) == [], f"{scheme}: disabled words below 3:1"
    assert contrast(table["disabled"], table["text"]) >= 2.0  # dimmer words
    assert contrast(table["disabled"], table["muted"]) >= 1.5  # unlike a hint's too
    assert contrast(table["disabled_edge"], table["edge"]) >= 1.5  # a dimmer, dashed edge
    assert min(contrast(table["disabled_edge"], table[back]) for back in ("surface", "field")) >= 1.5


def test_the_contrast_of_the_theme_module_is_this_one():
    for a, b in (("#000000", "#FFFFFF"), ("#777777", "#FFFFFF"), ("#4F7475", "#FBF8F4")):
        assert theme.contrast(a, b) == pytest.approx(contrast(a, b))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_tick_stands_out_on_the_accent_it_is_drawn_on(scheme):
    name = theme.tick(scheme)
    stroke = re.search(r'stroke="(#[0-9A-Fa-f]{6})"', resource_folder().joinpath(name).read_text())
    assert stroke.group(1).upper() == theme.TICKS[name]
    assert contrast(theme.TICKS[name], theme.colors(scheme)["accent"]) >= 4.5
    assert f"{name}" in theme.stylesheet(scheme)


def test_every_colour_the_style_uses_is_checked():
    used = set(re.findall(r"\$(\w+)", resource_folder().joinpath("style.qss").read_text("utf-8")))
    colours = used & set(theme.colors("light"))
    pairs = (TEXT_ON, MARKS_ON, DISABLED_ON)
    checked = {c for table in pairs for c in table} | {b for table in pairs for backs in table.values() for b in backs}
    checked.add("disabled_edge")  # test_a_disabled_control_looks_unlike_an_enabled_one
    assert colours - checked - DECORATION == set()


def test_the_chevrons_can_be_seen_in_every_scheme():
    stroke = re.search(r'stroke="(#[0-9A-Fa-f]{6})"', resource_folder().joinpath("chevron-down.svg").read_text())
    for scheme in SCHEMES:
        assert contrast(stroke.group(1), theme.colors(scheme)["field"]) >= 3.0, scheme


def test_the_palette_carries_the_scheme(restore_light):
    theme.apply(restore_light, "dark")
    palette = restore_light.palette()
    dark = theme.colors("dark")
    assert palette.color(QPalette.ColorRole.Window).name().upper() == dark["background"]
    assert palette.color(QPalette.ColorRole.Base).name().upper() == dark["field"]
    assert palette.color(QPalette.ColorRole.Text).name().upper() == dark["text"]
    assert dark["background"] in restore_light.styleSheet()
    assert theme.color("text").name().upper() == dark["text"]


def test_choices():
    assert theme.choose("system", system_dark=True) == "dark"
    assert theme.choose("system", system_dark=False) == "light"
    assert theme.choose("high_contrast", system_dark=False) == "high_contrast"
    assert theme.choose("light", system_dark=True) == "light"
    assert theme.choose("something else", system_dark=True) == "dark"


def test_a_dark_desktop_starts_dark(restore_light):
    app = restore_light
    app.setStyleSheet("")
    app.setPalette(theme.palette("dark"))  # what a dark desktop hands Qt
    theme.start(app, "system")
    assert theme.scheme() == "dark"
    app.setStyleSheet("")
    app.setPalette(theme.palette("dark"))
    theme.start(app, "light")
    assert theme.scheme() == "light"


def test_choosing_high_contrast_in_settings_changes_every_window(app, qtbot, restore_light):
    from couplepause.ui.dialogs import SettingsDialog

    dialog = SettingsDialog(app.settings, app.window)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("high_contrast"))
    dialog.saved.connect(lambda _values: app.apply_theme())
    dialog.save()
    assert app.settings.get("theme") == "high_contrast"
    assert theme.scheme() == "high_contrast"
    window_colour = app.window.palette().color(QPalette.ColorRole.Window).name().upper()
    assert window_colour == theme.colors("high_contrast")["background"]
    # The hand-drawn Pause button takes the new colours too.
    button = app.window.talking.pause_button
    image = button.grab().toImage()
    middle = image.pixelColor(image.width() // 2, image.height() // 4).name().upper()
    assert middle == theme.colors("high_contrast")["pause"]
    assert QApplication.instance().styleSheet() == theme.stylesheet("high_contrast")
