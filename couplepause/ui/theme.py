"""Colours, type sizes and the style sheet, from resources/theme.toml and style.qss.

One scheme is in use at a time: light, dark or high contrast. The couple picks one
in Settings, or follows the system (the default). ``apply`` gives the application
the scheme's style sheet and a palette made from the same colours, so what the
style draws itself (menus, tables, date pickers) matches; widgets that paint by
hand read ``color()`` when they paint.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

from PySide6.QtGui import QColor, QPalette

from couplepause.common.texts import resource_data, resource_folder

# Each scheme's table in theme.toml ([colors] is the light one, which the PDF uses).
TABLES = {"light": "colors", "dark": "dark", "high_contrast": "high_contrast"}

# The scheme in use, and what the desktop said about light or dark: its portal (asked
# once the window shows), Qt's platform theme, the palette it handed over at start.
_current: dict = {"scheme": "light", "portal_said": None, "qt_said": None, "palette_dark": False}


@lru_cache(maxsize=1)
def _theme() -> dict:
    return resource_data("theme")


def colors(scheme: str | None = None) -> dict[str, str]:
    """The colours of ``scheme`` (default: the one in use), by name."""
    return _theme()[TABLES[scheme or _current["scheme"]]]


def scheme() -> str:
    """The scheme in use: "light", "dark" or "high_contrast"."""
    return _current["scheme"]


def choose(choice: str, system_dark: bool) -> str:
    """The scheme for a choice from Settings (an unknown one follows the system)."""
    if choice in TABLES:
        return choice
    return "dark" if system_dark else "light"


def followed() -> tuple[str, bool]:
    """What the setting "system" follows now: ("dark" or "light", whether the desktop
    said so). A desktop that says nothing gets light."""
    for said in (_current["portal_said"], _current["qt_said"]):
        if said is not None:
            return said, True
    if _current["palette_dark"]:  # a dark palette is the desktop's word too
        return "dark", True
    return "light", False


def system_dark() -> bool:
    return followed()[0] == "dark"


def icon():
    """The app's icon (set once the window shows: PySide's QIcon costs start-up)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(Path(str(resource_folder())) / "icon.svg"))


def color(name: str) -> QColor:
    return QColor(colors()[name])


def size(name: str) -> int:
    return int(_theme()["sizes"][name])


def luminance(colour: str) -> float:
    """A colour's relative luminance (WCAG 2.2), from "#RRGGBB"."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours (1 to 21), as WCAG 2.2 counts it."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The ticks of a ticked box, drawn on the accent: a white one and a black one.
TICKS = {"tick-white.svg": "#FFFFFF", "tick-black.svg": "#000000"}


def tick(scheme_: str) -> str:
    """The tick that stands out most on the scheme's accent (the ticked box's fill)."""
    accent = colors(scheme_)["accent"]
    return max(TICKS, key=lambda name: contrast(TICKS[name], accent))


@lru_cache(maxsize=len(TABLES))
def stylesheet(scheme_: str = "light") -> str:
    template = resource_folder().joinpath("style.qss").read_text("utf-8")
    values = {**colors(scheme_), **{k: str(v) for k, v in _theme()["sizes"].items()}}
    # Icons are files of the installed package; the style sheet names them by path.
    values["icons"] = Path(str(resource_folder())).as_posix()
    values["tick"] = tick(scheme_)
    return Template(template).substitute(values)


# Palette roles and the theme colour each takes.
_ROLES = {
    QPalette.ColorRole.Window: "background",
    QPalette.ColorRole.WindowText: "text",
    QPalette.ColorRole.Base: "field",
    QPalette.ColorRole.AlternateBase: "surface",
    QPalette.ColorRole.Text: "text",
    QPalette.ColorRole.PlaceholderText: "muted",
    QPalette.ColorRole.Button: "soft",
    QPalette.ColorRole.ButtonText: "text",
    QPalette.ColorRole.BrightText: "text",
    QPalette.ColorRole.Highlight: "accent",
    QPalette.ColorRole.HighlightedText: "accent_text",
    QPalette.ColorRole.ToolTipBase: "surface",
    QPalette.ColorRole.ToolTipText: "text",
    QPalette.ColorRole.Link: "accent",
    QPalette.ColorRole.LinkVisited: "accent",
    QPalette.ColorRole.Light: "surface",
    QPalette.ColorRole.Midlight: "line",
    QPalette.ColorRole.Mid: "edge",
    QPalette.ColorRole.Dark: "edge",
    QPalette.ColorRole.Shadow: "edge",
}


def palette(scheme_: str) -> QPalette:
    """A palette in the scheme's colours; disabled words in the disabled colour."""
    table = colors(scheme_)
    result = QPalette()
    for role, name in _ROLES.items():
        result.setColor(role, QColor(table[name]))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(table["disabled"]))
    return result


def looks_dark(current: QPalette) -> bool:
    """Whether a palette is a dark one: its window darker than its text."""
    window = current.color(QPalette.ColorRole.Window).lightness()
    return window < current.color(QPalette.ColorRole.WindowText).lightness()


def apply(app, scheme_: str) -> None:
    """Use ``scheme_`` from now on, in every window."""
    _current["scheme"] = scheme_
    app.setPalette(palette(scheme_))
    app.setStyleSheet(stylesheet(scheme_))


def start(app, choice: str) -> None:
    """The first scheme, before the first window. The desktop's palette says
    whether it is dark; ``follow`` asks the desktop itself once the window is up
    (its answer comes as a ``Qt`` enum, which the first window does without)."""
    _current["palette_dark"] = looks_dark(app.palette())
    apply(app, choose(choice, system_dark()))


def set_style(app, choice: str = "system") -> None:
    """The look before the first window: ``choice`` is the theme setting."""
    if app is not None and not app.styleSheet():
        start(app, choice)


def set_icon(app) -> None:
    """The window icon; run_gui sets it just after the window first shows,
    so the Pause button does not wait for the SVG engine."""
    if app is not None and app.windowIcon().isNull():
        app.setWindowIcon(icon())


def follow(app, choice) -> None:
    """From now on, follow the desktop's light or dark as it changes, when
    ``choice()`` (the setting) is "system"."""
    from PySide6.QtCore import Qt

    hints = app.styleHints()

    def changed(*_args) -> None:
        said = hints.colorScheme()
        known = {Qt.ColorScheme.Dark: "dark", Qt.ColorScheme.Light: "light"}
        _current["qt_said"] = known.get(said)
        refresh(app, choice())

    hints.colorSchemeChanged.connect(changed)
    changed()


def desktop_said(app, choice: str, said: str | None) -> None:
    """The desktop's portal said "dark", "light" or nothing (None): follow it when
    ``choice`` (the setting) is "system"."""
    _current["portal_said"] = said
    refresh(app, choice)


def refresh(app, choice: str) -> None:
    """After the setting or the desktop changed: the scheme they ask for."""
    wanted = choose(choice, system_dark())
    if wanted != scheme() or not app.styleSheet():
        apply(app, wanted)
