"""The desktop's own settings, as the XDG desktop portal tells them over D-Bus.

Linux and the BSDs keep the couple's desktop choices (reduce motion, light or dark)
in the portal's ``org.freedesktop.portal.Settings``; older portals pass on GNOME's
own keys instead. ``DesktopSetting`` asks for its keys in order (the first one the
portal knows counts), without waiting for the answer (the window never waits for
it), and follows the key as it changes. Only the session bus is asked: nothing
leaves the computer. Where there is no desktop (the offscreen platform) nothing is
asked.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication

from couplepause.common import platform_support

log = logging.getLogger(__name__)

PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Settings")
PORTAL_TIMEOUT_MS = 5000
# The systems whose desktops speak through the XDG portal (POSIX: the BSDs).
PORTAL_SYSTEMS = (platform_support.LINUX, platform_support.POSIX)


class DesktopSetting(QObject):
    """One thing the desktop says, from the first of ``KEYS`` its portal knows;
    ``changed`` when that is learnt or changes (``heard`` decides what counts)."""

    changed = Signal()
    KEYS: tuple[tuple[str, str], ...] = ()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._bus = None
        self._asked: list[QObject] = []  # the calls' watchers: they go with this object

    def start(self, bus=None) -> None:
        """Ask the desktop; the answer comes later. ``bus``: the D-Bus connection
        its portal is on (default: the session's)."""
        if bus is None and QGuiApplication.platformName() in ("offscreen", "minimal"):
            return  # no desktop to ask
        if platform_support.system() in PORTAL_SYSTEMS:
            self._ask_portal(bus)

    def heard(self, key: tuple[str, str], value: object) -> None:
        """What the desktop said for ``key`` (a plain value); each kind of setting
        knows what its values mean."""
        raise NotImplementedError

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
        self._read(0)

    def _read(self, index: int) -> None:
        from PySide6.QtDBus import QDBusMessage, QDBusPendingCallWatcher

        service, path, interface = PORTAL
        message = QDBusMessage.createMethodCall(service, path, interface, "ReadOne")
        message.setArguments(list(self.KEYS[index]))
        watcher = QDBusPendingCallWatcher(self._bus.asyncCall(message, PORTAL_TIMEOUT_MS), self)
        self._asked.append(watcher)
        watcher.finished.connect(lambda _=None, i=index, w=watcher: self._answered(w, i))

    def _answered(self, watcher, index: int) -> None:
        if watcher.isError():
            if index + 1 < len(self.KEYS):  # an older portal: the next key
                self._read(index + 1)
            else:
                log.info("the desktop does not say %s", "/".join(self.KEYS[0]))
            return
        arguments = watcher.reply().arguments()
        if arguments:
            self.heard(self.KEYS[index], plain(arguments[0]))

    @Slot("QDBusMessage")
    def _setting_changed(self, message) -> None:
        arguments = message.arguments()
        if len(arguments) == 3 and (arguments[0], arguments[1]) in self.KEYS:
            self.heard((arguments[0], arguments[1]), plain(arguments[2]))


def plain(value: object) -> object:
    """A D-Bus variant's value (QtDBus hands them over wrapped, sometimes twice)."""
    for _ in range(3):
        unwrap = getattr(value, "variant", None)
        if unwrap is None:
            break
        value = unwrap()
    return value
