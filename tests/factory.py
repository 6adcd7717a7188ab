"""Realistic episodes for the export tests (plain data, no store, no Qt)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from couplepause.core.episode import Episode, format_instant, parse_instant
from couplepause.core.plan import PartnerPlan, Plan

NOTE = "ZEBRA-NOTE-7f3a: we argued about the dishes again, Łódź, 😊"
PLAN_SECRET = "Quinlan needs to hear: I am not leaving"


def episode_dict(
    paused_at: str,
    *,
    repair_seconds: float | None = 532.125,
    note: str | None = None,
    episode_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An episode as Episode.to_dict() would write it, with every field set."""
    start = parse_instant(paused_at)
    repaired = None
    if repair_seconds is not None:
        repaired = format_instant(start + timedelta(seconds=repair_seconds))
    data = {
        "id": episode_id or str(uuid.uuid4()),
        "paused_at": format_instant(start),
        "paused_by": "a",
        "activation": {"a": 7, "b": None},
        "breathing_pattern": "slow",
        "breathing_seconds": 120.5,
        "first_turn_seconds": 61.25,
        "turns": [{"speaker": "a", "seconds": 61.25}, {"speaker": "b", "seconds": 58.0}],
        "breaks": [],
        "repair_answers": {"a": "yes", "b": "partly"},
        "repaired_at": repaired,
        "repair_seconds": repair_seconds,
        "wall_timed": False,
        "note": note,
        "cycle": "pursue_withdraw",
        "closed": repaired is not None,
    }
    data.update(extra)
    return data


def make_episode(paused_at: str, **kwargs: Any) -> Episode:
    return Episode.from_dict(episode_dict(paused_at, **kwargs))


def with_break(paused_at: str) -> Episode:
    start = parse_instant(paused_at)
    brk = {
        "started_at": format_instant(start + timedelta(minutes=3)),
        "return_at": format_instant(start + timedelta(minutes=33)),
        "ended_at": format_instant(start + timedelta(minutes=35, milliseconds=7)),
    }
    return make_episode(
        paused_at, repair_seconds=2700.004, breaks=[brk], wall_timed=True, paused_by="both"
    )


def sample() -> list[Episode]:
    """A few episodes across offsets, with milliseconds, a break and an open one."""
    return [
        make_episode("2026-03-01T21:04:05.123+01:00", note=NOTE),
        make_episode("2026-02-27T08:15:00.001-08:00", repair_seconds=None, paused_by=None),
        with_break("2026-03-02T23:59:59.999+05:30"),
        make_episode("2026-01-15T12:00:00.500+00:00", repair_seconds=0.0),
    ]


def at(text: str) -> datetime:
    return parse_instant(text)


def a_plan(need: str = PLAN_SECRET) -> Plan:
    """A plan as a couple might write it (one pulls back, one reaches out); ``need``: the
    first partner's words to hear, distinctive enough to look for in files."""
    return Plan(
        partners={
            "a": PartnerPlan("pull_back", "my jaw tightens", "a walk round the block", need),
            "b": PartnerPlan("reach_out", "I talk faster", "a glass of water", "we are a team"),
        },
        pause_signal="a hand on the heart",
        way_back="we sit side by side and start with one kind thing",
        updated_at=datetime(2026, 11, 20, 19, 30, tzinfo=UTC),
    )
