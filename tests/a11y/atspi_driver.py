"""A screen reader's view of one application, over the AT-SPI bus, for the tests.

Run by a Python that has pyatspi (Debian's python3-pyatspi is built for the system
python3, not for the project's virtual environment), on the session bus named by
DBUS_SESSION_BUS_ADDRESS. It reads one JSON request a line on stdin and answers
each with one JSON line on stdout:

  {"op": "wait_app", "name": N, "pid": P, "timeout": S}
                                   the application named N (process P) shows a window
  {"op": "tree"}                   every showing object of that application, in order:
                                   path (child indexes from the application), depth,
                                   role, name, states, extents (x, y, w, h on the
                                   screen), actions, and text for text fields
  {"op": "do", "path": P, "action": A}   that object's action A (e.g. "Press")
  {"op": "listen", "events": [...]}  start recording these events (e.g.
                                   "object:announcement")
  {"op": "events"}                 the events recorded since, then forgets them:
                                   type, time (monotonic), detail1, data, and the
                                   source's role, name and path
  {"op": "listen_for", "seconds": S}  let S seconds of events come in
  {"op": "quit"}

Every answer has "ok"; a failure has "error" too. It only reads the tree and presses
what it is asked to, as a screen reader does: nothing here knows the app.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import traceback

import pyatspi
from gi.repository import Atspi, GLib

CONTROLS_WITH_TEXT = {pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT}
app = None
recorded: list[dict] = []
listening: set[str] = set()


def path_of(obj) -> list[int] | None:
    """Child indexes from the application down to ``obj`` (None when not ours)."""
    path = []
    node = obj
    for _ in range(100):
        if node is None:
            return None
        if app is not None and node == app:
            return list(reversed(path))
        index = node.getIndexInParent()
        if index < 0:
            return None
        path.append(index)
        node = node.parent
    return None


def node_at(path: list[int]):
    node = app
    for index in path:
        node = node.getChildAtIndex(index)
    return node


def describe(node, path: list[int], depth: int) -> dict:
    states = node.getState()
    entry = {
        "path": path,
        "depth": depth,
        "role": node.getRoleName(),
        "name": node.name or "",
        "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
        "extents": None,
        "actions": [],
    }
    try:
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        entry["extents"] = [box.x, box.y, box.width, box.height]
    except NotImplementedError:
        pass
    try:
        action = node.queryAction()
        entry["actions"] = [action.getName(i) for i in range(action.nActions)]
    except NotImplementedError:
        pass
    if node.getRole() in CONTROLS_WITH_TEXT:
        with contextlib.suppress(NotImplementedError):
            entry["text"] = node.queryText().getText(0, -1)
    return entry


def tree() -> list[dict]:
    """The showing part of the application, as a screen reader walks it."""
    app.clear_cache()  # ask the application afresh: what was shown a moment ago may be gone
    found = []

    def walk(node, path, depth):
        try:
            entry = describe(node, path, depth)
            count = node.childCount
        except Exception:  # noqa: BLE001 (libatspi's errors: GLib's, or its own)
            return  # gone while it was read (a dialog closing): nothing to see there
        found.append(entry)
        if depth and "showing" not in entry["states"]:
            return  # nothing inside a hidden object is shown
        for index in range(count):
            try:
                child = node.getChildAtIndex(index)
            except Exception:  # noqa: BLE001 - libatspi's errors: a child gone meanwhile is skipped
                continue
            if child is not None:
                walk(child, [*path, index], depth + 1)

    walk(app, [], 0)
    return found


def on_event(event) -> None:
    source = event.source
    try:
        recorded.append({
            "type": event.type,
            "time": time.monotonic(),
            "detail1": event.detail1,
            "data": event.any_data if isinstance(event.any_data, (str, int, float, bool)) else str(event.any_data),
            "role": source.getRoleName() if source is not None else "",
            "name": (source.name or "") if source is not None else "",
            "path": path_of(source) if source is not None else None,
        })
    except Exception:  # noqa: BLE001 - an object gone by the time it is read: the event still counts
        recorded.append({"type": event.type, "time": time.monotonic(), "detail1": event.detail1,
                         "data": str(event.any_data), "role": "", "name": "", "path": None})


def pump(seconds: float) -> None:
    """Listen for ``seconds``: GLib's loop runs and the events that come in are
    recorded, as a screen reader hears them meanwhile."""
    over: list[bool] = []

    def end() -> bool:
        over.append(True)
        return False  # once

    GLib.timeout_add(max(1, int(seconds * 1000)), end)
    context = GLib.MainContext.default()
    while not over:
        context.iteration(True)


def wait_app(name: str, pid: int | None, timeout: float) -> bool:
    """Wait for the application ``name`` (of process ``pid``) to show a window."""
    global app
    app = None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            try:
                candidate = desktop.getChildAtIndex(index)
                if candidate is None or candidate.name != name:
                    continue
                if pid is not None and candidate.get_process_id() != pid:
                    continue  # one that has just quit, still listed
                if candidate.childCount > 0:
                    app = candidate
                    # Every question goes to the application: a cached answer may be stale.
                    app.set_cache_mask(Atspi.Cache.NONE)
                    return True
            except Exception:  # noqa: BLE001 - libatspi's errors: an application gone while asked
                continue
        pump(0.1)
    return False


def handle(request: dict) -> dict:
    op = request["op"]
    if op == "wait_app":
        return {"ok": wait_app(request["name"], request.get("pid"), request.get("timeout", 30))}
    if op == "tree":
        return {"ok": True, "tree": tree()}
    if op == "do":
        node = node_at(request["path"])
        action = node.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        if request["action"] not in names:
            return {"ok": False, "error": f"no action {request['action']!r} among {names}"}
        done = bool(action.doAction(names.index(request["action"])))
        return {"ok": done, "role": node.getRoleName(), "name": node.name or ""}
    if op == "listen":
        for kind in request["events"]:
            if kind not in listening:
                pyatspi.Registry.registerEventListener(on_event, kind)
                listening.add(kind)
        return {"ok": True}
    if op == "events":
        events = list(recorded)
        recorded.clear()
        return {"ok": True, "events": events}
    if op == "listen_for":
        pump(request["seconds"])
        return {"ok": True}
    if op == "quit":
        pyatspi.Registry.stop()
        return {"ok": True}
    return {"ok": False, "error": f"unknown op {op!r}"}


def on_request(channel, condition) -> bool:
    line = sys.stdin.readline()
    if not line:
        pyatspi.Registry.stop()
        return False
    try:
        answer = handle(json.loads(line))
    except Exception as exc:  # noqa: BLE001 - say what went wrong and carry on: the test decides
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    return True


def main() -> None:
    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                      GLib.IOCondition.IN | GLib.IOCondition.HUP, on_request)
    sys.stdout.write(json.dumps({"ok": True, "ready": True}) + "\n")
    sys.stdout.flush()
    pyatspi.Registry.start()


if __name__ == "__main__":
    main()
