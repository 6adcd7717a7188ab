"""The live flow state machine, tested without Qt and with fake clocks."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core import breathing
from couplepause.core.episode import Episode, Reflection
from couplepause.core.flow import (
    TRANSITIONS,
    Ev,
    Event,
    Flow,
    FlowConfig,
    InvalidTransition,
    Model,
    State,
    can_repair,
    step,
)
from couplepause.core.limits import NOTE_MAX

T0 = datetime(2026, 11, 23, 21, 4, 5, 123000, tzinfo=timezone(timedelta(hours=1)))


class Clocks:
    """A monotonic and a wall clock that move only when the test says so."""

    def __init__(self):
        self.mono = 1000.0
        self.wall_time = T0

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall_time += timedelta(seconds=seconds)

    def flow(self, **config) -> Flow:
        return Flow(clock=lambda: self.mono, wall=lambda: self.wall_time, config=FlowConfig(**config))


def test_whole_flow_records_measured_durations():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    assert flow.state is State.BREATHING
    assert flow.episode.paused_at == T0
    flow.handle(Ev.SET_PAUSED_BY, value="b")
    flow.handle(Ev.SET_ACTIVATION, "a", 7)
    c.advance(120)
    flow.handle(Ev.END_BREATHING)
    assert flow.state is State.TURNS
    assert flow.model.speaker == "b"  # whoever paused starts
    c.advance(90)
    assert not can_repair(flow.model, c.mono)
    flow.handle(Ev.SWAP)
    c.advance(60)
    assert can_repair(flow.model, c.mono)
    flow.handle(Ev.TO_REPAIR)
    ep = flow.episode
    assert [(t.speaker, t.seconds) for t in ep.turns] == [("b", 90.0), ("a", 60.0)]
    assert ep.breathing_seconds == 120.0
    assert ep.first_turn_seconds == 120.0
    c.advance(30)
    flow.handle(Ev.ANSWER, "a", "yes")
    assert flow.state is State.REPAIR
    flow.handle(Ev.ANSWER, "b", "yes")
    assert flow.state is State.AFTER
    ep = flow.episode
    assert ep.repair_seconds == 300.0
    assert ep.repaired_at == T0 + timedelta(seconds=300)
    assert ep.activation == {"a": 7, "b": None}
    flow.handle(Ev.FINISH, value=Reflection("  money, again ", "pursue_withdraw"))
    assert flow.state is State.TALKING
    assert flow.episode.closed and flow.episode.note == "money, again"
    assert flow.episode.cycle == "pursue_withdraw"


def test_repair_time_comes_from_monotonic_clock_not_wall_jumps():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    c.advance(60)
    c.wall_time -= timedelta(hours=3)  # the wall clock is set back mid-episode
    flow.handle(Ev.END_BREATHING)
    flow.handle(Ev.SWAP)
    flow.handle(Ev.TO_REPAIR)
    flow.handle(Ev.ANSWER, "a", "yes")
    flow.handle(Ev.ANSWER, "b", "yes")
    assert flow.episode.repair_seconds == 60.0
    assert flow.episode.repaired_at == T0 + timedelta(seconds=60)


def in_repair(c: Clocks):
    """A flow at repair after one round of turns, each partner once."""
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.END_BREATHING)
    flow.handle(Ev.SWAP)
    flow.handle(Ev.TO_REPAIR)
    return flow


def test_not_yet_offers_more_turns_then_repair():
    c = Clocks()
    flow = in_repair(c)
    flow.handle(Ev.ANSWER, "a", "yes")
    flow.handle(Ev.ANSWER, "b", "not_yet")
    assert flow.state is State.REPAIR and not flow.episode.is_repaired
    flow.handle(Ev.MORE_TURNS)
    assert flow.state is State.TURNS
    assert flow.episode.repair_answers == {"a": None, "b": None}
    assert flow.model.speaker == "a"  # the floor goes on from where it was
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.FINISH)


def test_break_is_measured_and_keeps_episode_open():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    c.advance(30)
    flow.handle(Ev.START_BREAK, value=30)
    ep = flow.episode
    assert flow.state is State.BREAK and ep.on_break and not ep.is_repaired
    assert ep.breaks[0].return_at == T0 + timedelta(seconds=30, minutes=30)
    assert ep.breathing_seconds == 30.0
    c.advance(35 * 60)
    flow.handle(Ev.END_BREAK)
    assert flow.state is State.BREATHING and not flow.episode.on_break
    assert flow.episode.breaks[0].ended_at == T0 + timedelta(seconds=30 + 35 * 60)
    flow.handle(Ev.END_BREATHING)
    flow.handle(Ev.SWAP)
    flow.handle(Ev.TO_REPAIR)
    c.advance(10)
    flow.handle(Ev.ANSWER, "b", "yes")
    flow.handle(Ev.ANSWER, "a", "yes")
    assert not flow.episode.wall_timed  # the clock counts the break, asleep or awake
    assert flow.episode.repair_seconds == 30 + 35 * 60 + 10


@pytest.mark.parametrize("minutes", [0, 19, 19.9, -5, "30", True, None])
def test_break_shorter_than_twenty_minutes_is_refused(minutes):
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    before = flow.model
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.START_BREAK, value=minutes)
    assert flow.model is before


def test_resume_after_restart_is_wall_timed():
    c = Clocks()
    ep = Episode.start(T0)
    flow = c.flow()
    c.advance(600)
    flow.handle(Ev.RESUME, value=ep)
    assert flow.state is State.BREATHING and flow.episode.wall_timed
    assert flow.model.breathing_length == 60.0
    flow.handle(Ev.END_BREATHING)
    assert flow.episode.first_turn_seconds == 600.0
    flow.handle(Ev.SWAP)
    flow.handle(Ev.TO_REPAIR)
    flow.handle(Ev.ANSWER, "a", "yes")
    flow.handle(Ev.ANSWER, "b", "yes")
    assert flow.episode.repair_seconds == 600.0


def test_resume_on_break_returns_to_break():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.START_BREAK, value=25)
    saved = flow.episode
    fresh = c.flow()
    fresh.handle(Ev.RESUME, value=saved)
    assert fresh.state is State.BREAK


def test_choose_who_starts_only_before_first_swap():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.END_BREATHING)
    assert flow.model.speaker == "a"
    flow.handle(Ev.CHOOSE_SPEAKER, "b")
    assert flow.model.speaker == "b"
    flow.handle(Ev.SWAP)
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.CHOOSE_SPEAKER, "b")


def test_repair_needs_a_turn_each():
    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.END_BREATHING)
    with pytest.raises(InvalidTransition, match="at least once"):
        flow.handle(Ev.TO_REPAIR)


def test_extend_adds_a_minute_and_478_is_limited_to_four_rounds():
    c = Clocks()
    flow = c.flow(pattern=breathing.PATTERNS["478"])
    flow.handle(Ev.PAUSE)
    assert flow.model.breathing_length == 4 * 19
    flow.handle(Ev.EXTEND)
    assert flow.model.breathing_length == 4 * 19 + 60


def test_invalid_events_are_rejected_with_a_clear_message():
    c = Clocks()
    flow = c.flow()
    with pytest.raises(InvalidTransition, match="not possible while talking"):
        flow.handle(Ev.SWAP)
    flow.handle(Ev.PAUSE)
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.PAUSE)  # one press is one pause
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.SET_ACTIVATION, "a", 11)
    with pytest.raises(InvalidTransition):
        flow.handle(Ev.SET_ACTIVATION, "c", 3)


def test_naive_wall_clock_is_refused():
    with pytest.raises(InvalidTransition):
        step(Model(), Event(Ev.PAUSE), 0.0, datetime(2026, 1, 1), FlowConfig())


# ------------------------------------------------------------------ properties
partners = st.sampled_from(["a", "b", "c", None])
values = st.one_of(
    st.none(),
    st.integers(-3, 300),
    st.sampled_from(["a", "b", "both", "yes", "partly", "not_yet", "pursue_withdraw", "x"]),
    st.booleans(),
    st.dictionaries(st.sampled_from(["note", "cycle"]), st.sampled_from(["hi", "other", "bad"])),
)
events = st.builds(Event, st.sampled_from([e for e in Ev if e is not Ev.RESUME]), partners, values)
moves = st.tuples(events, st.floats(0, 4000), st.floats(-7200, 7200))


@given(st.lists(moves, max_size=60))
def test_any_sequence_of_events_leaves_a_valid_state(sequence):
    model = Model()
    now, wall = 0.0, T0
    started = []
    config = FlowConfig()
    for event, dt, wall_jump in sequence:
        now += dt
        wall += timedelta(seconds=dt + wall_jump)
        before = model
        try:
            model = step(model, event, now, wall, config)
        except InvalidTransition:
            assert model is before
            continue
        assert (before.state, event.kind) in TRANSITIONS
        if event.kind is Ev.PAUSE:
            started.append(model.episode.id)
        assert isinstance(model.state, State)
        ep = model.episode
        if model.state is not State.TALKING:
            assert ep is not None and not ep.closed
        if ep is not None:
            open_ = not ep.is_repaired and not ep.on_break
            on_break = ep.on_break and not ep.is_repaired
            repaired = ep.is_repaired and ep.repair_seconds >= 0 and ep.repaired_at >= ep.paused_at
            assert open_ or on_break or repaired
            assert all(t.seconds >= 0 for t in ep.turns)
            assert ep.breathing_seconds >= 0
            if model.state is State.AFTER:
                assert ep.is_repaired
            if model.state is State.BREAK:
                assert ep.on_break
            Episode.from_dict(ep.to_dict())  # always storable
    assert len(started) == len(set(started))


# ------------------------------------------------------------ domain rules for the app
def test_settling_at_start_up_offers_the_newest_open_pause_and_lets_the_rest_rest():
    from couplepause.core.resuming import ClockRun, settle_open

    old = Episode.start(T0 - timedelta(hours=5))
    newer = Episode.start(T0 - timedelta(hours=1))
    repaired = Episode.start(T0 - timedelta(hours=3)).repaired_after(600)
    settled = settle_open([newer, repaired, old], current=None, now=0.0, wall=T0, run=ClockRun())
    assert settled.offered == newer
    assert {e.id for e in settled.let_rest} == {old.id, repaired.id}
    assert all(e.closed for e in settled.let_rest)


def test_settling_while_a_pause_has_begun_keeps_only_that_one():
    from couplepause.core.resuming import ClockRun, settle_open

    now_pause = Episode.start(T0)
    other_pause = Episode.start(T0 - timedelta(hours=1))
    settled = settle_open([other_pause, now_pause], current=now_pause, now=0.0, wall=T0, run=ClockRun())
    assert settled.offered is None and [e.id for e in settled.let_rest] == [other_pause.id]


def test_a_pause_too_old_to_pick_up_is_let_rest():
    from couplepause.core.resuming import ClockRun, settle_open

    ancient = Episode.start(T0 - timedelta(days=40))
    settled = settle_open([ancient], current=None, now=0.0, wall=T0, run=ClockRun())
    assert settled.offered is None and settled.let_rest[0].id == ancient.id


def test_who_starts_may_be_chosen_again_after_another_round():
    from couplepause.core.flow import can_choose_speaker

    c = Clocks()
    flow = c.flow()
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.END_BREATHING)
    assert can_choose_speaker(flow.model)
    flow.handle(Ev.SWAP)
    assert not can_choose_speaker(flow.model)
    flow.handle(Ev.TO_REPAIR)
    flow.handle(Ev.ANSWER, "a", "not_yet")
    flow.handle(Ev.MORE_TURNS)
    assert can_choose_speaker(flow.model)
    flow.handle(Ev.CHOOSE_SPEAKER, "b")
    assert flow.model.speaker == "b"


@pytest.mark.parametrize(
    ("paused_by", "began_last_time", "first"),
    [(None, None, "a"), (None, "a", "b"), (None, "b", "a"), ("both", "a", "b"),
     ("a", "a", "a"), ("b", "b", "b")],
)
def test_who_speaks_first_takes_turns_between_pauses(paused_by, began_last_time, first):
    """Whoever noticed first may start; otherwise the one who did not start last time."""
    c = Clocks()
    flow = c.flow(began_last_time=began_last_time)
    flow.handle(Ev.PAUSE)
    flow.handle(Ev.SET_PAUSED_BY, value=paused_by)
    flow.handle(Ev.END_BREATHING)
    assert flow.model.speaker == first


def test_finish_takes_a_reflection_and_nothing_untyped():
    c = Clocks()
    for refused in ({"note": "x", "cycle": None}, Reflection(cycle="blame"), Reflection(note=3)):
        flow = in_repair(c)
        flow.handle(Ev.ANSWER, "a", "yes")
        flow.handle(Ev.ANSWER, "b", "yes")
        with pytest.raises(InvalidTransition):
            flow.handle(Ev.FINISH, value=refused)
        flow.handle(Ev.FINISH, value=Reflection("x" * 3000, "other"))
        assert len(flow.episode.note) == NOTE_MAX and flow.episode.cycle == "other"
