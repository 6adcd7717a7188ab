"""Light or dark, as the desktop says it: what the theme "system" follows.

Qt knows the desktop's light or dark only where its platform theme reads it (GNOME,
KDE, Windows, macOS); on other desktops it says nothing, and the palette it hands
over is light. So :class:`DesktopScheme` also asks the XDG desktop portal itself:
``org.freedesktop.appearance color-scheme`` (1: dark, 2: light, 0: no preference),
or, where a portal does not know that key yet, GNOME's ``org.gnome.desktop.interface
color-scheme`` ("prefer-dark", "prefer-light", "default"), which GNOME's portal
passes on. Asked after the window shows, over the session bus, never waited for.
"""

from __future__ import annotations

from couplepause.ui.portal import DesktopSetting

COLOR_SCHEME = ("org.freedesktop.appearance", "color-scheme")
GNOME_COLOR_SCHEME = ("org.gnome.desktop.interface", "color-scheme")

DARK, LIGHT = "dark", "light"


def scheme_said(key: tuple[str, str], value: object) -> str | None:
    """What one of the desktop's settings says: "dark", "light", or None (no preference,
    or a value that means nothing known)."""
    if key == COLOR_SCHEME and isinstance(value, int) and not isinstance(value, bool):
        return {1: DARK, 2: LIGHT}.get(value)
    if key == GNOME_COLOR_SCHEME and isinstance(value, str):
        return {"prefer-dark": DARK, "prefer-light": LIGHT}.get(value)
    return None


class DesktopScheme(DesktopSetting):
    """The desktop's light or dark; ``changed`` when it is learnt or changes."""

    KEYS = (COLOR_SCHEME, GNOME_COLOR_SCHEME)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._said: str | None = None

    def said(self) -> str | None:
        """"dark" or "light" as the desktop's portal said it; None until it says one."""
        return self._said

    def heard(self, key: tuple[str, str], value: object) -> None:
        said = scheme_said(key, value)
        if said != self._said:
            self._said = said
            self.changed.emit()
