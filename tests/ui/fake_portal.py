"""A fake XDG desktop portal (its Settings interface) on a private D-Bus session bus,
for the tests of what the desktop says (reduced motion, light or dark)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusVariant, QDBusVirtualObject

from couplepause.ui.portal import PORTAL

SERVICE, PATH, INTERFACE = PORTAL


class FakePortal(QDBusVirtualObject):
    """The Settings interface of a portal that knows ``values`` ({(namespace, key): value})."""

    def __init__(self, values: dict):
        super().__init__()
        self.values = values

    def introspect(self, path: str) -> str:
        return ""

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        if message.interface() != INTERFACE or message.member() != "ReadOne":
            return False
        key = tuple(message.arguments())
        if key in self.values:
            reply = message.createReply()
            reply.setArguments([QDBusVariant(self.values[key])])
        else:
            reply = message.createErrorReply("org.freedesktop.portal.Error.NotFound", "Requested setting not found")
        connection.send(reply)
        return True

    def change(self, connection: QDBusConnection, key: tuple[str, str], value) -> None:
        self.values[key] = value
        signal = QDBusMessage.createSignal(PATH, INTERFACE, "SettingChanged")
        signal.setArguments([key[0], key[1], QDBusVariant(value)])
        connection.send(signal)


def private_bus(qapp):
    """A private session bus: the app's connection, the portal's, the portals served.
    A test module takes it as its fixture ``bus``: ``_bus = pytest.fixture(name="bus")(private_bus)``."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("needs dbus-daemon (apt package dbus-daemon)")
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = daemon.stdout.readline().strip()
    # Qt keeps a connection by its name: a name of its own for each daemon.
    names = [f"couplepause-test-{side}-{daemon.pid}" for side in ("app", "portal")]
    app_side, portal_side = (QDBusConnection.connectToBus(address, name) for name in names)
    assert app_side.isConnected() and portal_side.isConnected()
    served: list[FakePortal] = []
    yield app_side, portal_side, served
    if served:
        portal_side.unregisterObject(PATH)  # before the portal object goes
    for name in names:
        QDBusConnection.disconnectFromBus(name)
    daemon.terminate()
    daemon.wait(5)
    daemon.stdout.close()


def serve(bus, values: dict) -> FakePortal:
    _, portal_side, served = bus
    portal = FakePortal(values)
    assert portal_side.registerVirtualObject(PATH, portal)
    assert portal_side.registerService(SERVICE)
    served.append(portal)  # Qt does not own it: kept until the bus goes
    return portal
