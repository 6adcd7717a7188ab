"""Honest durations: the rule of core/clock.py, driven through the live flow with
injected clocks (a clock that counts sleep, the wall clock, and which boot it is)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core import clock
from couplepause.core.episode import Episode, inconsistencies
from couplepause.core.flow import Ev, Flow, FlowConfig, State, can_repair
from couplepause.core.resuming import ClockRun

T0 = datetime(2026, 11, 23, 21, 4, 5, 123000, tzinfo=timezone(timedelta(hours=1)))


class Machine:
    """A laptop: a clock that counts sleep (CLOCK_BOOTTIME), a wall clock that the
    user or NTP may set, and a boot that changes when it restarts."""

    def __init__(self, wall: datetime = T0, counts_sleep: bool = True) -> None:
        self.boottime = 5000.0
        self.wall_time = wall
        self.boot = "boot:one"
        self.counts_sleep = counts_sleep

    def awake(self, seconds: float) -> None:
        self.boottime += seconds
        self.wall_time += timedelta(seconds=seconds)

    def asleep(self, seconds: float) -> None:
        """Lid closed: the wall clock moves on; a clock that counts sleep does too."""
        if self.counts_sleep:
            self.boottime += seconds
        self.wall_time += timedelta(seconds=seconds)

    def set_wall(self, delta: timedelta) -> None:
        self.wall_time += delta

    def restart(self, downtime: float) -> None:
        self.boot = "boot:two"
        self.boottime = 12.0  # a fresh boot starts its clock near zero
        self.wall_time += timedelta(seconds=downtime)

    def flow(self) -> Flow:
        return Flow(
            clock=lambda: self.boottime,
            wall=lambda: self.wall_time,
            config=FlowConfig(breathing_seconds=60.0),
            run=ClockRun(self.boot, self.counts_sleep),
        )


def through_turns(flow: Flow) -> None:
    if flow.state is State.BREATHING:
        flow.handle(Ev.END_BREATHING)
    flow.handle(Ev.SWAP)
    flow.handle(Ev.TO_REPAIR)


def repair(flow: Flow) -> Episode:
    flow.handle(Ev.ANSWER, "a", "yes")
    flow.handle(Ev.ANSWER, "b", "yes")
    assert flow.state is State.AFTER
    return flow.episode


def test_an_hour_asleep_in_a_thirty_minute_break_counts() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(60)
    flow.handle(Ev.START_BREAK, value=30)
    m.awake(240)
    m.asleep(3600)  # lid closed for an hour
    flow.handle(Ev.END_BREAK)
    through_turns(flow)
    m.awake(120)
    done = repair(flow)
    assert done.repair_seconds == 60 + 240 + 3600 + 120
    assert not done.wall_timed
    assert done.breaks[0].ended_at - done.breaks[0].started_at == timedelta(seconds=3840)
    assert inconsistencies(done) == []


def test_wall_clock_set_back_two_hours_during_a_break() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(30)
    flow.handle(Ev.START_BREAK, value=30)
    m.awake(600)
    m.set_wall(-timedelta(hours=2))
    m.awake(1200)
    flow.handle(Ev.END_BREAK)
    through_turns(flow)
    m.awake(60)
    done = repair(flow)
    assert done.repair_seconds == 30 + 600 + 1200 + 60
    assert done.repaired_at == T0 + timedelta(seconds=1890)  # not the clock's wrong time
    assert done.breaks[0].ended_at > done.breaks[0].started_at
    assert inconsistencies(done) == []


def test_wall_clock_set_forward_changes_nothing() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(100)
    m.set_wall(timedelta(days=3))
    through_turns(flow)
    m.awake(200)
    assert repair(flow).repair_seconds == 300


def test_a_dst_change_during_a_pause_is_just_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-10-25 03:00 CEST becomes 02:00 CET: an hour repeats on the wall.
    start = datetime(2026, 10, 25, 2, 40, tzinfo=berlin).astimezone(berlin)
    m = Machine(wall=start)
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(45 * 60)
    m.wall_time = m.wall_time.astimezone(berlin)
    through_turns(flow)
    done = repair(flow)
    assert done.repair_seconds == 45 * 60
    assert done.paused_at.utcoffset() == timedelta(hours=2)
    assert (done.repaired_at - done.paused_at) == timedelta(minutes=45)


def test_restart_in_the_same_boot_keeps_measuring() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(90)
    flow.handle(Ev.START_BREAK, value=20)
    stored = flow.episode
    m.set_wall(-timedelta(hours=2))  # and the app was closed meanwhile
    m.awake(1800)
    again = m.flow()
    again.handle(Ev.RESUME, value=stored)
    assert not again.episode.wall_timed
    again.handle(Ev.END_BREAK)
    through_turns(again)
    assert repair(again).repair_seconds == 1890


def test_after_a_reboot_the_wall_clock_counts_but_never_backwards() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(300)
    flow.handle(Ev.START_BREAK, value=30)  # saved: 300 s are known to have passed
    stored = flow.episode
    assert stored.timing.seen == 300
    m.restart(downtime=600)
    m.set_wall(-timedelta(hours=2))  # the new boot came up with a wrong clock
    again = m.flow()
    again.handle(Ev.RESUME, value=stored)
    assert again.episode.wall_timed
    again.handle(Ev.END_BREAK)
    m.awake(120)
    through_turns(again)
    done = repair(again)
    assert done.repair_seconds == 300 + 120  # what is known, never zero or negative
    assert inconsistencies(done) == []


def test_after_a_reboot_with_a_right_wall_clock_the_downtime_counts() -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(300)
    flow.handle(Ev.START_BREAK, value=30)
    stored = flow.episode
    m.restart(downtime=1500)
    again = m.flow()
    again.handle(Ev.RESUME, value=stored)
    again.handle(Ev.END_BREAK)
    through_turns(again)
    assert repair(again).repair_seconds == 1800


def test_a_clock_that_may_skip_sleep_is_cross_checked_with_the_wall_clock() -> None:
    m = Machine(counts_sleep=False)
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    m.awake(60)
    flow.handle(Ev.START_BREAK, value=30)
    m.asleep(3600)
    flow.handle(Ev.END_BREAK)
    through_turns(flow)
    assert repair(flow).repair_seconds == 3660


def test_cross_check_caps_a_wall_clock_set_far_forward() -> None:
    paused_at = T0
    timing = clock.Timing("run:x", 100.0)
    seconds, wall_only = clock.elapsed(
        timing, boot="run:x", now=160.0, counts_sleep=False,
        paused_at=paused_at, wall_now=paused_at + timedelta(days=365),
    )
    assert not wall_only
    assert seconds == 60 * (1 + clock.WALL_SLACK_FACTOR) + clock.WALL_SLACK_SECONDS


@pytest.mark.parametrize("system, counts", [("linux", True), ("macos", True), ("windows", True), ("posix", False)])
def test_the_system_clock_says_whether_it_counts_sleep(system: str, counts: bool) -> None:
    chosen = clock.system_clock(system)
    assert chosen.counts_sleep is counts
    assert chosen() >= 0


def test_boot_id_is_stable_and_falls_back_to_this_run(tmp_path) -> None:
    source = tmp_path / "boot_id"
    source.write_text("3c9f\n")
    assert clock.boot_id(source) == "boot:3c9f"
    assert clock.boot_id(tmp_path / "missing") == clock.boot_id(tmp_path / "missing")
    assert clock.boot_id(tmp_path / "missing").startswith("run:")


def test_timing_is_read_leniently() -> None:
    assert clock.Timing.from_dict({"boot": "b", "paused": 1.5, "seen": 2}) == clock.Timing("b", 1.5, 2.0)
    for bad in (None, "x", {"boot": 1, "paused": 1}, {"boot": "b", "paused": float("nan")}, {"boot": "b"}):
        assert clock.Timing.from_dict(bad) is None


EVENTS = st.sampled_from(["awake", "asleep", "wall_back", "wall_forward", "restart", "break", "end_break", "swap"])


@given(st.lists(st.tuples(EVENTS, st.floats(min_value=1, max_value=7200)), max_size=12))
def test_whatever_the_clocks_do_a_repaired_episode_agrees_with_itself(steps) -> None:
    m = Machine()
    flow = m.flow()
    flow.handle(Ev.PAUSE)
    episode = flow.episode
    lived, restarted = 0.0, False
    for kind, amount in steps:
        if kind == "awake":
            m.awake(amount)
            lived += amount
        elif kind == "asleep":
            m.asleep(amount)
            lived += amount
        elif kind == "wall_back":
            m.set_wall(-timedelta(seconds=amount))
        elif kind == "wall_forward":
            m.set_wall(timedelta(seconds=amount))
        elif kind == "restart":
            m.restart(amount)
            restarted = True
            episode = flow.episode
            flow = m.flow()
            flow.handle(Ev.RESUME, value=episode)
        elif kind == "break" and flow.accepts(Ev.START_BREAK):
            flow.handle(Ev.START_BREAK, value=20)
        elif kind == "end_break" and flow.state is State.BREAK:
            flow.handle(Ev.END_BREAK)
        elif kind == "swap" and flow.state in (State.BREATHING, State.TURNS):
            if flow.state is State.BREATHING:
                flow.handle(Ev.END_BREATHING)
            flow.handle(Ev.SWAP)
    if flow.state is State.BREAK:
        flow.handle(Ev.END_BREAK)
    if flow.state is State.BREATHING:
        flow.handle(Ev.END_BREATHING)
    if flow.state is State.TURNS:
        while not can_repair(flow.model, m.boottime):
            flow.handle(Ev.SWAP)
        flow.handle(Ev.TO_REPAIR)
    done = repair(flow)
    if not restarted:
        assert done.repair_seconds == pytest.approx(lived, abs=0.01)
    assert inconsistencies(done) == []
