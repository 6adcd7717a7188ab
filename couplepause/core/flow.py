"""The live flow as a state machine (its table: docs/ARCHITECTURE.md, "The live flow").

Qt-free and pure: ``step(model, event, now, wall, config, run)`` returns a new
model and never reads a clock itself. ``now`` is a reading of the clock of
core/clock.py in seconds (only differences matter; ``run`` says which run of
that clock it comes from), ``wall`` an aware datetime. Durations follow the
rule written in core/clock.py. ``Flow`` wraps the model with injected clocks for the app.

An event that the current state does not accept raises ``InvalidTransition``;
the model is never changed silently.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from couplepause.core import breathing, clock
from couplepause.core.episode import (
    ACTIVATION_RANGE,
    CYCLES,
    PARTNERS,
    PAUSED_BY,
    REPAIR_ANSWERS,
    Break,
    Episode,
    Reflection,
    Turn,
    round_ms,
)
from couplepause.core.limits import BREAK_CHOICES, DEFAULT_BREAK_MINUTES, MIN_BREAK_MINUTES, NOTE_MAX  # noqa: F401 - the flow's names too
from couplepause.core.resuming import ClockRun, can_resume, since_pause

EXTEND_SECONDS = 60.0


class State(enum.Enum):
    TALKING = "talking"
    BREATHING = "breathing"
    TURNS = "turns"
    REPAIR = "repair"
    BREAK = "break"
    AFTER = "after"


class Ev(enum.Enum):
    PAUSE = "pause"  # the shared Pause button: a new rupture
    RESUME = "resume"  # pick up an open episode after a restart
    SET_PAUSED_BY = "set_paused_by"  # value: "a" | "b" | "both" | None
    SET_ACTIVATION = "set_activation"  # partner, value: 0..10 | None
    EXTEND = "extend"  # one more minute of breathing
    END_BREATHING = "end_breathing"  # finished or skipped
    CHOOSE_SPEAKER = "choose_speaker"  # partner: who starts this round
    SWAP = "swap"  # the floor passes to the other partner
    TO_REPAIR = "to_repair"
    ANSWER = "answer"  # partner, value: "yes" | "partly" | "not_yet"
    MORE_TURNS = "more_turns"
    START_BREAK = "start_break"  # value: minutes (>= 20)
    END_BREAK = "end_break"  # coming back
    FINISH = "finish"  # leave the after screen; value: a Reflection (empty: skipped)


# The explicit transition table: which events each state accepts, and the
# states it may lead to (some events have a guard that picks the target).
TRANSITIONS: dict[tuple[State, Ev], frozenset[State]] = {
    (State.TALKING, Ev.PAUSE): frozenset({State.BREATHING}),
    (State.TALKING, Ev.RESUME): frozenset({State.BREATHING, State.BREAK, State.AFTER}),
    (State.BREATHING, Ev.SET_PAUSED_BY): frozenset({State.BREATHING}),
    (State.BREATHING, Ev.SET_ACTIVATION): frozenset({State.BREATHING}),
    (State.BREATHING, Ev.EXTEND): frozenset({State.BREATHING}),
    (State.BREATHING, Ev.END_BREATHING): frozenset({State.TURNS}),
    (State.BREATHING, Ev.START_BREAK): frozenset({State.BREAK}),
    (State.TURNS, Ev.CHOOSE_SPEAKER): frozenset({State.TURNS}),
    (State.TURNS, Ev.SWAP): frozenset({State.TURNS}),
    (State.TURNS, Ev.TO_REPAIR): frozenset({State.REPAIR}),
    (State.TURNS, Ev.START_BREAK): frozenset({State.BREAK}),
    (State.REPAIR, Ev.ANSWER): frozenset({State.REPAIR, State.AFTER}),
    (State.REPAIR, Ev.MORE_TURNS): frozenset({State.TURNS}),
    (State.REPAIR, Ev.START_BREAK): frozenset({State.BREAK}),
    (State.BREAK, Ev.END_BREAK): frozenset({State.BREATHING}),
    (State.AFTER, Ev.FINISH): frozenset({State.TALKING}),
}


class InvalidTransition(RuntimeError):
    """An event the flow cannot take in its current state."""


@dataclass(frozen=True)
class Event:
    kind: Ev
    partner: str | None = None
    value: Any = None


@dataclass(frozen=True)
class FlowConfig:
    pattern: breathing.Pattern = breathing.PATTERNS[breathing.DEFAULT_PATTERN]
    breathing_seconds: float = 120.0
    turn_seconds: float | None = 120.0  # None: no turn timer
    resume_breathing_seconds: float = 60.0  # a soft start after a break or restart
    began_last_time: str | None = None  # who spoke first the last time: the other one starts now
    practice: bool = False  # a practice pause: kept, marked, never counted


@dataclass(frozen=True)
class Model:
    """Everything the flow knows. Clock readings (``*_started``) are from this run of the app."""

    state: State = State.TALKING
    episode: Episode | None = None
    breathing_started: float | None = None
    breathing_length: float = 0.0
    speaker: str | None = None  # who holds the floor
    turn_started: float | None = None
    turns_this_round: int = 0  # turns completed since entering TURNS

    @property
    def current(self) -> Episode:
        """The open pause, which every state but talking has."""
        if self.episode is None:
            raise InvalidTransition(f"no pause is open while {self.state.value}")
        return self.episode


# --------------------------------------------------------------------- queries
def breathing_elapsed(model: Model, now: float) -> float:
    if model.state is not State.BREATHING or model.breathing_started is None:
        return 0.0
    return max(0.0, now - model.breathing_started)


def breathing_remaining(model: Model, now: float) -> float:
    return max(0.0, model.breathing_length - breathing_elapsed(model, now))


def turn_elapsed(model: Model, now: float) -> float:
    if model.state is not State.TURNS or model.turn_started is None:
        return 0.0
    return max(0.0, now - model.turn_started)


def turns_with_current(model: Model, now: float) -> tuple[Turn, ...]:
    """The turns recorded so far plus the one in progress, if any."""
    episode = model.current
    if model.state is State.TURNS and model.speaker is not None:
        return (*episode.turns, Turn(model.speaker, turn_elapsed(model, now)))
    return episode.turns


def can_repair(model: Model, now: float) -> bool:
    """Repair is offered once each partner has had the floor at least once."""
    if model.state is not State.TURNS or model.episode is None:
        return False
    speakers = {t.speaker for t in turns_with_current(model, now)}
    return speakers >= set(PARTNERS)


def can_choose_speaker(model: Model) -> bool:
    """Who starts may be chosen at the start of each round of turns, before the first swap."""
    return model.state is State.TURNS and model.turns_this_round == 0


def other(partner: str | None) -> str:
    return "b" if partner == "a" else "a"


# ------------------------------------------------------------------ transition
@dataclass(frozen=True)
class _Ctx:
    """What one step knows besides the model and the event."""

    now: float
    wall: datetime
    config: FlowConfig
    run: ClockRun


def step(
    model: Model,
    event: Event,
    now: float,
    wall: datetime,
    config: FlowConfig,
    run: ClockRun = ClockRun(),
) -> Model:
    """Apply one event. Pure: returns a new Model or raises InvalidTransition."""
    key = (model.state, event.kind)
    if key not in TRANSITIONS:
        raise InvalidTransition(
            f"'{event.kind.value}' is not possible while {model.state.value}"
        )
    if wall.tzinfo is None:
        raise InvalidTransition("the wall clock must carry a UTC offset")
    ctx = _Ctx(now, round_ms(wall), config, run)
    result = _HANDLERS[event.kind](model, event, ctx)
    if result.state not in TRANSITIONS[key]:  # pragma: no cover - a bug in a handler
        raise AssertionError(f"{key} led to {result.state}")
    return _with_time_seen(result, ctx)


def _elapsed(episode: Episode, ctx: _Ctx) -> float:
    return round(since_pause(episode, ctx.now, ctx.wall, ctx.run)[0], 3)


def _instant(episode: Episode, ctx: _Ctx) -> datetime:
    """Now, as the pause's time plus the measured time since: never before the pause."""
    return round_ms(episode.paused_at + timedelta(seconds=_elapsed(episode, ctx)))


def _with_time_seen(model: Model, ctx: _Ctx) -> Model:
    """Remember in the episode how long it has been known to last (rule 3 of core/clock.py)."""
    episode = model.episode
    if episode is None or episode.timing is None or episode.closed:
        return model
    seen = _elapsed(episode, ctx)
    if seen <= episode.timing.seen:
        return model
    return replace(model, episode=episode.with_changes(timing=episode.timing._replace(seen=seen)))


def _start_breathing(model: Model, now: float, seconds: float, config: FlowConfig) -> Model:
    return replace(
        model,
        state=State.BREATHING,
        breathing_started=now,
        breathing_length=config.pattern.session_seconds(seconds),
    )


def _pause(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = Episode.start(ctx.wall).with_changes(
        breathing_pattern=ctx.config.pattern.key, practice=ctx.config.practice,
        timing=clock.Timing(ctx.run.boot, ctx.now),
    )
    return _start_breathing(Model(episode=episode), ctx.now, ctx.config.breathing_seconds, ctx.config)


def _resume(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = event.value
    if not isinstance(episode, Episode):
        raise InvalidTransition("resume needs the episode to pick up")
    if episode.closed:
        raise InvalidTransition("that episode is already closed")
    seconds, wall_only = since_pause(episode, ctx.now, ctx.wall, ctx.run)
    if not can_resume(episode, ctx.now, ctx.wall, ctx.run):
        raise InvalidTransition("that pause began too long ago to pick up; it is let rest")
    if wall_only:
        # The computer restarted since the pause: what passed meanwhile comes from
        # the wall clock (rule 3 of core/clock.py); from here on, this run's clock
        # measures again, as if it had been running since the pause.
        timing = clock.Timing(ctx.run.boot, ctx.now - seconds, seen=round(seconds, 3))
        episode = episode.with_changes(wall_timed=True, timing=timing)
    resumed = Model(episode=episode)
    if episode.is_repaired:
        return replace(resumed, state=State.AFTER)
    if episode.on_break:
        return replace(resumed, state=State.BREAK)
    return _start_breathing(resumed, ctx.now, ctx.config.resume_breathing_seconds, ctx.config)


def _set_paused_by(model: Model, event: Event, ctx: _Ctx) -> Model:
    if event.value is not None and event.value not in PAUSED_BY:
        raise InvalidTransition(f"paused_by must be one of {PAUSED_BY}")
    return replace(model, episode=model.current.with_changes(paused_by=event.value))


def _set_activation(model: Model, event: Event, ctx: _Ctx) -> Model:
    partner = _partner_of(event)
    value = event.value
    low, high = ACTIVATION_RANGE
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
        raise InvalidTransition(f"activation must be a whole number from {low} to {high}")
    activation = {**model.current.activation, partner: value}
    return replace(model, episode=model.current.with_changes(activation=activation))


def _extend(model: Model, event: Event, ctx: _Ctx) -> Model:
    return replace(model, breathing_length=model.breathing_length + EXTEND_SECONDS)


def _with_breathing_done(model: Model, now: float) -> Episode:
    """The episode with this stretch of breathing added to what was breathed."""
    done = breathing_elapsed(model, now)
    return model.current.with_changes(breathing_seconds=round(model.current.breathing_seconds + done, 3))


def _end_breathing(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = _with_breathing_done(model, ctx.now)
    if episode.first_turn_seconds is None:
        episode = episode.with_changes(first_turn_seconds=_elapsed(episode, ctx))
    first = model.current.paused_by if model.current.paused_by in PARTNERS else other(ctx.config.began_last_time or "b")
    return replace(
        model,
        state=State.TURNS,
        episode=episode,
        breathing_started=None,
        breathing_length=0.0,
        speaker=first,
        turn_started=ctx.now,
        turns_this_round=0,
    )


def _choose_speaker(model: Model, event: Event, ctx: _Ctx) -> Model:
    partner = _partner_of(event)
    if model.turns_this_round:
        raise InvalidTransition("who starts can only be chosen before the first swap")
    return replace(model, speaker=partner, turn_started=ctx.now)


def _swap(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = model.current.with_changes(turns=turns_with_current(model, ctx.now))
    return replace(
        model,
        episode=episode,
        speaker=other(model.speaker),
        turn_started=ctx.now,
        turns_this_round=model.turns_this_round + 1,
    )


def _to_repair(model: Model, event: Event, ctx: _Ctx) -> Model:
    if not can_repair(model, ctx.now):
        raise InvalidTransition("each partner takes the floor at least once before repair")
    episode = model.current.with_changes(
        turns=turns_with_current(model, ctx.now), repair_answers={"a": None, "b": None}
    )
    return replace(model, state=State.REPAIR, episode=episode, speaker=None, turn_started=None)


def _answer(model: Model, event: Event, ctx: _Ctx) -> Model:
    partner = _partner_of(event)
    if event.value not in REPAIR_ANSWERS:
        raise InvalidTransition(f"an answer is one of {REPAIR_ANSWERS}")
    answers = {**model.current.repair_answers, partner: event.value}
    episode = model.current.with_changes(repair_answers=answers)
    if all(answers[p] == "yes" for p in PARTNERS):
        seconds, wall_only = since_pause(episode, ctx.now, ctx.wall, ctx.run)
        episode = episode.repaired_after(seconds, wall_timed=episode.wall_timed or wall_only)
        return replace(model, state=State.AFTER, episode=episode)
    return replace(model, episode=episode)


def _more_turns(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = model.current
    last = episode.turns[-1].speaker if episode.turns else "b"
    return replace(
        model,
        state=State.TURNS,
        episode=episode.with_changes(repair_answers={"a": None, "b": None}),
        speaker=other(last),
        turn_started=ctx.now,
        turns_this_round=0,
    )


def _start_break(model: Model, event: Event, ctx: _Ctx) -> Model:
    minutes = event.value
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not minutes >= MIN_BREAK_MINUTES:
        raise InvalidTransition(f"a longer break lasts at least {MIN_BREAK_MINUTES} minutes")
    episode = model.current
    if model.state is State.BREATHING:
        episode = _with_breathing_done(model, ctx.now)
    elif model.state is State.TURNS:
        episode = episode.with_changes(turns=turns_with_current(model, ctx.now))
    started = _instant(episode, ctx)
    pause = Break(started_at=started, return_at=round_ms(started + timedelta(minutes=float(minutes))))
    episode = episode.with_changes(breaks=(*episode.breaks, pause), repair_answers={"a": None, "b": None})
    return replace(
        model,
        state=State.BREAK,
        episode=episode,
        breathing_started=None,
        breathing_length=0.0,
        speaker=None,
        turn_started=None,
    )


def _end_break(model: Model, event: Event, ctx: _Ctx) -> Model:
    episode = model.current
    last = episode.breaks[-1]
    ended = replace(last, ended_at=max(_instant(episode, ctx), last.started_at))
    episode = episode.with_changes(breaks=(*episode.breaks[:-1], ended))
    return _start_breathing(replace(model, episode=episode), ctx.now, ctx.config.resume_breathing_seconds, ctx.config)


def _finish(model: Model, event: Event, ctx: _Ctx) -> Model:
    details = Reflection() if event.value is None else event.value
    if not isinstance(details, Reflection):
        raise InvalidTransition("finish takes a Reflection (or nothing)")
    if details.note is not None and not isinstance(details.note, str):
        raise InvalidTransition("a note is text")
    if details.cycle is not None and details.cycle not in CYCLES:
        raise InvalidTransition(f"cycle must be one of {CYCLES}")
    episode = details.applied_to(model.current).with_changes(closed=True)
    return Model(state=State.TALKING, episode=episode)


def _partner_of(event: Event) -> str:
    if event.partner is None or event.partner not in PARTNERS:
        raise InvalidTransition("partner must be 'a' or 'b'")
    return event.partner


_HANDLERS: dict[Ev, Callable[..., Model]] = {
    Ev.PAUSE: _pause,
    Ev.RESUME: _resume,
    Ev.SET_PAUSED_BY: _set_paused_by,
    Ev.SET_ACTIVATION: _set_activation,
    Ev.EXTEND: _extend,
    Ev.END_BREATHING: _end_breathing,
    Ev.CHOOSE_SPEAKER: _choose_speaker,
    Ev.SWAP: _swap,
    Ev.TO_REPAIR: _to_repair,
    Ev.ANSWER: _answer,
    Ev.MORE_TURNS: _more_turns,
    Ev.START_BREAK: _start_break,
    Ev.END_BREAK: _end_break,
    Ev.FINISH: _finish,
}


@dataclass
class Flow:
    """The flow with its clocks injected: what the app holds."""

    clock: Callable[[], float]
    wall: Callable[[], datetime]
    config: FlowConfig = field(default_factory=FlowConfig)
    model: Model = field(default_factory=Model)
    run: ClockRun = field(default_factory=ClockRun)

    @property
    def state(self) -> State:
        return self.model.state

    @property
    def episode(self) -> Episode | None:
        return self.model.episode

    def handle(
        self, kind: Ev, partner: str | None = None, value: Any = None, at: tuple[float, datetime] | None = None
    ) -> Model:
        """Apply an event now, or at ``at`` = (monotonic, wall) when it happened
        a moment ago (a press made while the app was still starting)."""
        now, wall = at if at is not None else (self.clock(), self.wall())
        self.model = step(self.model, Event(kind, partner, value), now, wall, self.config, self.run)
        return self.model

    def accepts(self, kind: Ev) -> bool:
        return (self.model.state, kind) in TRANSITIONS
