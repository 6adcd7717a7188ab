"""Fixtures for the store tests: realistic episodes and an opened repository (no Qt)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from couplepause.core.episode import Episode, Turn
from couplepause.store.repository import Repository

BERLIN_WINTER = timezone(timedelta(hours=1))
MakeEpisode = Callable[..., Episode]


def episode(
    paused_at: datetime | str = "2025-03-14T21:04:05.123+01:00",
    *,
    repair_minutes: float | None = 9.5,
    closed: bool | None = None,
    note: str | None = None,
    episode_id: str | None = None,
) -> Episode:
    """A plausible episode: who paused, activation, breathing, two turns, optional repair."""
    if isinstance(paused_at, str):
        paused_at = datetime.fromisoformat(paused_at)
    made = Episode.start(paused_at, episode_id or str(uuid.uuid4())).with_changes(
        paused_by="a",
        activation={"a": 7, "b": 5},
        breathing_pattern="slow-6",
        breathing_seconds=120.0,
        first_turn_seconds=150.0,
        turns=(Turn("a", 95.5), Turn("b", 80.25)),
        note=note,
    )
    if repair_minutes is not None:
        made = made.repaired(wall_now=paused_at, monotonic_seconds=repair_minutes * 60)
    is_closed = repair_minutes is not None if closed is None else closed
    return made.with_changes(closed=is_closed)


@pytest.fixture
def make_episode() -> MakeEpisode:
    return episode


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store"


@pytest.fixture
def repo(store_dir: Path) -> Repository:
    repository = Repository(store_dir)
    repository.open()
    return repository


def _snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file's bytes under ``folder``, to check that something changed nothing."""
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def snapshot() -> Callable[[Path], dict[Path, bytes]]:
    return _snapshot


class Results:
    """The writer's results, as they come (on the writer thread)."""

    def __init__(self) -> None:
        self.items = []
        self._cond = threading.Condition()

    def __call__(self, result) -> None:
        with self._cond:
            self.items.append(result)
            self._cond.notify_all()

    def last(self, timeout: float = 5.0):
        with self._cond:
            assert self._cond.wait_for(lambda: self.items, timeout)
            return self.items[-1]
