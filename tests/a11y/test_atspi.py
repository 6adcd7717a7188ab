"""The app as a screen reader meets it: through the real AT-SPI bus, from outside.

Every step finds its control by role and name, as a screen reader user's commands
do, and presses it through the accessible Action interface; nothing here reaches
into the app. The screen is 1024x600 (a 1366x768 laptop at 125 %). See conftest.py
for what it needs; .ci/run installs it and runs these with everything else.
"""

from __future__ import annotations

import itertools
import time

import pytest

from couplepause.common.texts import default_names, words

pytestmark = pytest.mark.atspi

CONTROLS = {"push button", "radio button", "check box", "toggle button", "text", "entry", "password text",
            "combo box", "spin button", "slider"}
WAIT_S = 30


class Reader:
    """What a screen reader sees of the app, and what it can do there."""

    def __init__(self, desktop):
        self.driver = desktop.driver
        self.width, self.height = desktop.screen

    def look(self) -> list[dict]:
        return self.driver.ask("tree")["tree"]

    def showing(self, nodes: list[dict] | None = None) -> list[dict]:
        nodes = self.look() if nodes is None else nodes
        return [n for n in nodes if n["depth"] == 0 or "showing" in n["states"]]

    def find(self, role: str, name: str, nodes: list[dict] | None = None) -> dict | None:
        for node in self.showing(nodes):
            if node["role"] == role and node["name"] == name:
                return node
        return None

    def wait_for(self, role: str, name: str, *, enabled: bool = False) -> dict:
        end = time.monotonic() + WAIT_S
        while True:
            node = self.find(role, name)
            if node is not None and (not enabled or "enabled" in node["states"]):
                return node
            if time.monotonic() > end:
                shown = [(n["role"], n["name"]) for n in self.showing() if n["role"] in CONTROLS]
                raise AssertionError(f"no showing {role} named {name!r}; the controls showing: {shown}")
            self.driver.ask("listen_for", seconds=0.2)

    def press(self, node: dict) -> None:
        """What a screen reader's "activate" does: a button's Press, a radio button's Toggle."""
        action = next((a for a in ("Press", "Toggle") if a in node["actions"]), None)
        assert action, f"{node['role']} {node['name']!r} cannot be pressed: {node['actions']}"
        assert self.driver.ask("do", path=node["path"], action=action)["ok"]

    def press_named(self, role: str, name: str) -> None:
        self.press(self.wait_for(role, name, enabled=True))

    def members(self, group: dict, nodes: list[dict]) -> list[dict]:
        """The objects directly inside ``group``."""
        depth, path = group["depth"], group["path"]
        return [n for n in nodes if n["depth"] == depth + 1 and n["path"][:len(path)] == path]


@pytest.fixture
def reader(desktop, start_app):
    start_app()
    return Reader(desktop)


NAMES = default_names()
SWAP_NAMES = [words("turns", "swap_accessible", listener=NAMES[p]) for p in ("a", "b")]


def to_breathing(reader: Reader) -> None:
    reader.press_named("push button", words("talking", "pause_accessible"))
    reader.wait_for("push button", words("breathing", "skip"))


def to_turns(reader: Reader) -> None:
    to_breathing(reader)
    reader.press_named("push button", words("breathing", "skip"))
    reader.wait_for("push button", words("turns", "repair"))


def to_repair(reader: Reader) -> None:
    to_turns(reader)
    swap = next(n for n in reader.showing() if n["role"] == "push button" and n["name"] in SWAP_NAMES)
    reader.press(swap)  # the floor passes: each has had a turn
    reader.press_named("push button", words("turns", "repair"))
    reader.wait_for("push button", words("repair", "more_turns"))


def answer_yes(reader: Reader) -> None:
    nodes = reader.look()
    for partner in ("a", "b"):
        group = reader.find("panel", words("repair", "question", name=NAMES[partner]), nodes)
        assert group is not None, f"no group named {words('repair', 'question', name=NAMES[partner])!r}"
        yes = next(n for n in reader.members(group, nodes) if n["name"] == words("repair", "yes"))
        reader.press(yes)
        nodes = reader.look()


def to_after(reader: Reader) -> None:
    to_repair(reader)
    answer_yes(reader)
    reader.wait_for("push button", words("after", "save"))


def test_the_pause_is_found_by_role_and_name_and_pressed(reader):
    pause = reader.wait_for("push button", words("talking", "pause_accessible"))
    assert {"enabled", "focusable"} <= set(pause["states"])
    reader.press(pause)
    assert reader.wait_for("label", words("breathing", "heading"))


def test_the_whole_flow_and_every_control_named(reader):
    unnamed = {}

    def check(screen: str) -> None:
        nameless = [n["role"] for n in reader.showing() if n["role"] in CONTROLS and not n["name"].strip()]
        if nameless:
            unnamed[screen] = nameless

    check("talking")
    reader.press_named("push button", words("talking", "settings"))
    reader.wait_for("push button", words("settings", "save"))
    check("settings")
    reader.press_named("push button", words("settings", "cancel"))
    to_breathing(reader)
    check("breathing")
    reader.press_named("push button", words("breathing", "break"))
    reader.wait_for("push button", words("break", "start"))
    check("break_choice")
    reader.press_named("push button", words("break", "cancel"))
    reader.press_named("push button", words("breathing", "skip"))
    reader.wait_for("push button", words("turns", "repair"))
    check("turns")
    swap = next(n for n in reader.showing() if n["role"] == "push button" and n["name"] in SWAP_NAMES)
    reader.press(swap)
    reader.press_named("push button", words("turns", "repair"))
    reader.wait_for("push button", words("repair", "more_turns"))
    check("repair")
    answer_yes(reader)
    reader.wait_for("push button", words("after", "save"))
    check("after")
    nodes = reader.look()
    patterns = reader.find("panel", words("after", "cycle_label"), nodes)
    assert patterns is not None and {m["role"] for m in reader.members(patterns, nodes)} == {"radio button"}
    reader.press_named("push button", words("after", "save"))
    reader.wait_for("push button", words("talking", "pause_accessible"))
    assert unnamed == {}


def test_one_of_n_choices_are_named_radio_groups(reader):
    to_breathing(reader)
    nodes = reader.look()
    groups = [(words("breathing", "who_paused"), [NAMES["a"], NAMES["b"], words("app", "both")])]
    groups += [(words("breathing", "activation_accessible", name=NAMES[p]), None) for p in ("a", "b")]
    for name, options in groups:
        group = reader.find("panel", name, nodes)
        assert group is not None, f"no group named {name!r}"
        members = reader.members(group, nodes)
        assert members and {m["role"] for m in members} == {"radio button"}, members
        assert all("checkable" in m["states"] and "checked" not in m["states"] for m in members)
        if options is not None:
            assert [m["name"] for m in members] == options
    activation = reader.members(reader.find("panel", groups[1][0], nodes), nodes)
    assert len(activation) == 11  # 0 to 10
    seven = activation[7]
    reader.press(seven)
    nodes = reader.look()
    activation = reader.members(reader.find("panel", groups[1][0], nodes), nodes)
    assert [("checked" in m["states"]) for m in activation] == [i == 7 for i in range(11)]


def test_the_pacers_phases_are_announced_politely_and_the_seconds_never(reader, start_app, desktop):
    # The screen reader listens first (Qt sends only what someone listens to).
    desktop.driver.ask("listen", events=["object:announcement", "object:property-change:accessible-name"])
    to_breathing(reader)
    desktop.driver.ask("events")  # from here on
    started = time.monotonic()
    desktop.driver.ask("listen_for", seconds=11)  # the usual pattern, 4 s in and 6 s out: in, out, in
    events = desktop.driver.ask("events")["events"]
    seconds = time.monotonic() - started
    said = [e for e in events if e["type"] == "object:announcement"]
    phrases = {words("accessible", f"phase_{kind}") for kind in ("in", "top_up", "hold", "out", "rest")}
    assert said, "no phase change was announced"
    assert all(e["data"] in phrases for e in said), said
    assert all(e["detail1"] == 1 for e in said), "announcements must be polite (1), not assertive (2)"
    assert 2 <= len(said) <= 4 and len(said) < seconds / 2, [e["data"] for e in said]
    kinds = [e["data"] for e in said]
    assert all(a != b for a, b in itertools.pairwise(kinds)), "only a change of phase is said"
    gaps = [b["time"] - a["time"] for a, b in itertools.pairwise(said)]
    assert all(gap > 3 for gap in gaps), gaps
    # The time left changes every second and can be read, but is never announced.
    before, after = words("breathing", "time_left", time="\0").split("\0")
    ticking = [e for e in events if e["type"] != "object:announcement" and e["role"] == "label"
               and e["data"].startswith(before) and e["data"].endswith(after)]
    assert len(ticking) >= seconds - 2  # it does change every second ...
    assert not any(e["data"] == t["data"] for e in said for t in ticking)  # ... and is not said


@pytest.mark.parametrize("screen", ["breathing", "turns", "repair", "after"])
def test_nothing_lies_off_a_1024x600_screen(reader, screen):
    {"breathing": to_breathing, "turns": to_turns, "repair": to_repair, "after": to_after}[screen](reader)
    outside = []
    for node in reader.showing():
        if node["role"] not in CONTROLS or node["extents"] is None:
            continue
        x, y, w, h = node["extents"]
        if x + w > reader.width or y + h > reader.height:
            outside.append(f"{node['role']} {node['name']!r} at {node['extents']}")
    assert outside == [], f"{len(outside)} controls lie off the {reader.width}x{reader.height} screen"
