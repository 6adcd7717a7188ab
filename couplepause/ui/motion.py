"""Reduced motion: the couple's own setting, or the desktop's.

Qt 6.11 has no property for the desktop's "reduce motion": QStyleHints and
QAccessibilityHints say nothing of it (QAccessibilityHints has the contrast alone),
and the UI-effects flag (``QApplication.isEffectEnabled``) is off on most Linux
desktops whatever was chosen there. So :class:`DesktopMotion` asks the desktop itself:

- Linux and the BSDs: the XDG desktop portal's setting ``org.freedesktop.appearance
  reduced-motion`` (1: reduce), or where a portal does not know it yet, GNOME's
  ``org.gnome.desktop.interface enable-animations`` (false: reduce), which the GNOME
  and GTK portals pass on. Asked over D-Bus without waiting for the answer (the window
  never waits for it) and followed when it changes.
- Windows: "Animation effects" (``SystemParametersInfo(SPI_GETCLIENTAREAANIMATION)``),
  read once when the window shows.
- macOS: Accessibility's "Reduce motion"
  (``NSWorkspace.accessibilityDisplayShouldReduceMotion``), read once when the
  window shows.
  Both through :func:`couplepause.platform_support.desktop_reduces_motion`.
- Where there is no desktop (the offscreen platform): no answer. The option in
  Settings is there for everyone.

When motion is reduced, :func:`still_effects` also turns off Qt's own effects (menus,
combo boxes and tooltips that slide or fade in), and the pacer keeps its size
(``widgets.Pacer``): nothing on screen moves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from couplepause.common import platform_support
from couplepause.ui.portal import PORTAL, DesktopSetting

__all__ = ["GNOME_ANIMATIONS", "PORTAL", "REDUCED_MOTION", "DesktopMotion", "reduces", "still_effects"]

REDUCED_MOTION = ("org.freedesktop.appearance", "reduced-motion")
GNOME_ANIMATIONS = ("org.gnome.desktop.interface", "enable-animations")
# Where the desktop says it without a message bus: asked once, as the window shows.
READ_ONCE_SYSTEMS = (platform_support.WINDOWS, platform_support.MACOS)


def reduces(key: tuple[str, str], value: object) -> bool | None:
    """What one of the desktop's settings says: True when it asks for less motion,
    False when not, None when the value means nothing known."""
    if key == REDUCED_MOTION and isinstance(value, int) and not isinstance(value, bool):
        return value == 1  # 0: no preference; any other value: treated as none
    if key == GNOME_ANIMATIONS and isinstance(value, bool):
        return not value
    return None


class DesktopMotion(DesktopSetting):
    """Whether the desktop asks for less motion; ``changed`` when that is learnt or changes."""

    KEYS = (REDUCED_MOTION, GNOME_ANIMATIONS)  # an older portal passes on GNOME's switch

    def __init__(self, parent=None):
        super().__init__(parent)
        self._reduces = False

    def reduces_motion(self) -> bool:
        """True when the desktop asked for less motion (False until it said so)."""
        return self._reduces

    def start(self, bus=None) -> None:
        """Ask the desktop; the answer comes later, as ``changed``."""
        if bus is None and platform_support.system() in READ_ONCE_SYSTEMS:
            if QGuiApplication.platformName() not in ("offscreen", "minimal"):
                self.learn(platform_support.desktop_reduces_motion())
            return
        super().start(bus)

    def heard(self, key: tuple[str, str], value: object) -> None:
        said = reduces(key, value)
        if said is not None:
            self.learn(said)

    def learn(self, reduced: bool | None) -> None:
        """What the desktop said (None: nothing)."""
        reduced = bool(reduced)
        if reduced != self._reduces:
            self._reduces = reduced
            self.changed.emit()


_platform_effects: bool | None = None


def still_effects(reduced: bool) -> None:
    """Turn Qt's sliding and fading menus, combo boxes and tooltips off while motion is
    reduced; give the platform back its own choice when it is not."""
    global _platform_effects
    if QApplication.instance() is None:
        return
    if _platform_effects is None:
        _platform_effects = QApplication.isEffectEnabled(Qt.UIEffect.UI_General)
    QApplication.setEffectEnabled(Qt.UIEffect.UI_General, _platform_effects and not reduced)
