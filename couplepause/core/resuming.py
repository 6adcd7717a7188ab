"""Picking a pause up again after the app was closed, the computer restarted or its lid
shut: how long ago it was (by the rule in core/clock.py), whether it may still be
picked up, and what becomes of the pauses still open when the app starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from couplepause.core import clock
from couplepause.core.episode import RESUME_WITHIN_SECONDS, Episode


@dataclass(frozen=True)
class ClockRun:
    """Which run of the clock ``now`` readings come from (see core/clock.py)."""

    boot: str = "run:this"
    counts_sleep: bool = True



def since_pause(episode: Episode, now: float, wall: datetime, run: ClockRun) -> tuple[float, bool]:
    """Seconds since the episode's pause by the rule in core/clock.py, and whether
    they come from the wall clock alone."""
    return clock.elapsed(
        episode.timing,
        boot=run.boot,
        now=now,
        counts_sleep=run.counts_sleep,
        paused_at=episode.paused_at,
        wall_now=wall,
    )


def can_resume(episode: Episode, now: float, wall: datetime, run: ClockRun) -> bool:
    """Whether an open episode from before may still be picked up (else it is let rest)."""
    if episode.closed:
        return False
    return since_pause(episode, now, wall, run)[0] <= RESUME_WITHIN_SECONDS


@dataclass(frozen=True)
class Settled:
    """What becomes of the pauses still open when the app starts."""

    let_rest: tuple[Episode, ...]  # closed as they are (kept in the history)
    offered: Episode | None  # the one to offer to pick up, if any


def settle_open(
    active: list[Episode], *, current: Episode | None, now: float, wall: datetime, run: ClockRun
) -> Settled:
    """The pauses open at start-up: one repaired but not yet closed is closed; of the
    unfinished ones, the newest that can still be picked up is offered (never a practice
    pause), the rest let rest; when a pause has begun meanwhile (``current``), all others are."""
    others = [e for e in active if current is None or e.id != current.id]
    if current is not None:
        return Settled(tuple(e.with_changes(closed=True) for e in others), None)
    unfinished = sorted((e for e in others if not (e.is_repaired or e.practice)), key=lambda e: e.paused_at)
    offered = unfinished[-1] if unfinished and can_resume(unfinished[-1], now, wall, run) else None
    rest = [e for e in others if e is not offered]
    return Settled(tuple(e.with_changes(closed=True) for e in rest), offered)
