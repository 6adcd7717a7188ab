"""Reduced motion: the couple's own setting, or the desktop's.

Qt 6.11 has no property for the desktop's "reduce motion": QStyleHints and
QAccessibilityHints say nothing of it, and the UI-effects flag
(``QApplication.isEffectEnabled``) is off on most Linux desktops whatever was chosen
there. So :class:`DesktopMotion` asks the desktop itself:

- Linux and the BSDs: the XDG desktop portal's setting ``org.freedesktop.appearance
  reduced-motion`` (1: reduce), or where a portal does not know it yet, GNOME's
  ``org.gnome.desktop.interface enable-animations`` (false: reduce), which the GNOME
  and GTK portals pass on. Asked over D-Bus without waiting for the answer (the window
  never waits for it) and followed when it changes.
- Windows: "Animation effects" (``SystemParametersInfo(SPI_GETCLIENTAREAANIMATION)``),
  read once.
- Elsewhere (macOS), and where there is no desktop (the offscreen platform): no
  answer. The option in Settings is there for everyone.

When motion is reduced, :func:`still_effects` also turns off Qt's own effects (menus,
combo boxes and tooltips that slide or fade in), and the pacer keeps its size
(``widgets.Pacer``): nothing on screen moves.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import SLOT, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Settings")
REDUCED_MOTION = ("org.freedesktop.appearance", "reduced-motion")
GNOME_ANIMATIONS = ("org.gnome.desktop.interface", "enable-animations")
PORTAL_TIMEOUT_MS = 5000
SPI_GETCLIENTAREAANIMATION = 0x1042
# The platforms whose desktops speak through the XDG portal.
_PORTAL_SYSTEMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")


def reduces(key: tuple[str, str], value: object) -> bool | None:
    """What one of the desktop's settings says: True when it asks for less motion,
    False when not, None when the value means nothing known."""
    if key == REDUCED_MOTION and isinstance(value, int) and not isinstance(value, bool):
        return value == 1  # 0: no preference; any other value: treated as none
    if key == GNOME_ANIMATIONS and isinstance(value, bool):
        return not value
    return None


class DesktopMotion(QObject):
    """Whether the desktop asks for less motion; ``changed`` when that is learnt or changes."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._reduces = False
        self._bus = None
        self._asked: list[QObject] = []  # the one or two calls' watchers: they go with this object

    def reduces_motion(self) -> bool:
        """True when the desktop asked for less motion (False until it said so)."""
        return self._reduces

    def start(self, bus=None) -> None:
        """Ask the desktop; the answer comes later, as ``changed``. ``bus``: the
        D-Bus connection its portal is on (default: the session's)."""
        if bus is None and QGuiApplication.platformName() in ("offscreen", "minimal"):
            return  # no desktop to ask
        if sys.platform == "win32":
            self.learn(_windows_reduces())
        elif sys.platform.startswith(_PORTAL_SYSTEMS):
            self._ask_portal(bus)

    def learn(self, reduced: bool | None) -> None:
        """What the desktop said (None: nothing)."""
        reduced = bool(reduced)
        if reduced != self._reduces:
            self._reduces = reduced
            self.changed.emit()

    # --------------------------------------------------------------- the portal
    def _ask_portal(self, bus) -> None:
        if bus is None:
            try:
                from PySide6.QtDBus import QDBusConnection
            except ImportError:  # a Qt without D-Bus
                return
            bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        self._bus = bus
        service, path, interface = PORTAL
        bus.connect(service, path, interface, "SettingChanged", self, SLOT("_setting_changed(QDBusMessage)"))
        self._read(REDUCED_MOTION)

    def _read(self, key: tuple[str, str]) -> None:
        from PySide6.QtDBus import QDBusMessage, QDBusPendingCallWatcher

        service, path, interface = PORTAL
        message = QDBusMessage.createMethodCall(service, path, interface, "ReadOne")
        message.setArguments(list(key))
        watcher = QDBusPendingCallWatcher(self._bus.asyncCall(message, PORTAL_TIMEOUT_MS), self)
        self._asked.append(watcher)
        watcher.finished.connect(lambda _=None, k=key, w=watcher: self._answered(w, k))

    def _answered(self, watcher, key: tuple[str, str]) -> None:
        if watcher.isError():
            if key == REDUCED_MOTION:  # an older portal: GNOME's own switch
                self._read(GNOME_ANIMATIONS)
            else:
                log.info("the desktop does not say whether to reduce motion")
            return
        arguments = watcher.reply().arguments()
        if arguments:
            self.learn(reduces(key, _plain(arguments[0])))

    @Slot("QDBusMessage")
    def _setting_changed(self, message) -> None:
        arguments = message.arguments()
        if len(arguments) == 3:
            said = reduces((arguments[0], arguments[1]), _plain(arguments[2]))
            if said is not None:
                self.learn(said)


def _plain(value: object) -> object:
    """A D-Bus variant's value (QtDBus hands them over wrapped, sometimes twice)."""
    for _ in range(3):
        unwrap = getattr(value, "variant", None)
        if unwrap is None:
            break
        value = unwrap()
    return value


def _windows_reduces() -> bool | None:
    try:
        import ctypes

        on = ctypes.c_int()
        if not ctypes.windll.user32.SystemParametersInfoW(SPI_GETCLIENTAREAANIMATION, 0, ctypes.byref(on), 0):
            return None
        return not on.value
    except (AttributeError, OSError):
        return None


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
