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

from couplepause.texts import resource_data, resource_folder

# Each scheme's table in theme.toml ([colors] is the light one, which the PDF uses).
TABLES = {"light": "colors", "dark": "dark", "high_contrast": "high_contrast"}

_current = {"scheme": "light", "system_dark": False}


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


def icon():
    """The app's icon (set once the window shows: PySide's QIcon costs start-up)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(Path(str(resource_folder())) / "icon.svg"))


def color(name: str) -> QColor:
    return QColor(colors()[name])


def size(name: str) -> int:
    return int(_theme()["sizes"][name])


@lru_cache(maxsize=len(TABLES))
def stylesheet(scheme_: str = "light") -> str:
    template = resource_folder().joinpath("style.qss").read_text("utf-8")
    values = {**colors(scheme_), **{k: str(v) for k, v in _theme()["sizes"].items()}}
    # Icons are files of the installed package; the style sheet names them by path.
    values["icons"] = Path(str(resource_folder())).as_posix()
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
    """A palette in the scheme's colours; disabled text in the muted colour."""
    table = colors(scheme_)
    result = QPalette()
    for role, name in _ROLES.items():
        result.setColor(role, QColor(table[name]))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(table["muted"]))
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
    _current["system_dark"] = looks_dark(app.palette())
    apply(app, choose(choice, _current["system_dark"]))


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
        if said != Qt.ColorScheme.Unknown:
            _current["system_dark"] = said == Qt.ColorScheme.Dark
        refresh(app, choice())

    hints.colorSchemeChanged.connect(changed)
    changed()


def refresh(app, choice: str) -> None:
    """After the setting or the desktop changed: the scheme they ask for."""
    wanted = choose(choice, _current["system_dark"])
    if wanted != scheme() or not app.styleSheet():
        apply(app, wanted)
