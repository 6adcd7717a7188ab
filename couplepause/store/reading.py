"""Reading pauses out of the month files: what the repository's reads are made of,
as functions over the store's files (explicit inputs, nothing of the repository), and
the month hint: which month file holds a pause, as last seen. Qt-free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from couplepause.core.episode import Episode
from couplepause.store.files import EpisodeFiles
from couplepause.store.layout import Layout, month_key


def nothing() -> None:
    pass


class MonthHints:
    """Which month file holds a pause, as last seen: noted by writes (under the store's
    lock) and by reads on the reader thread (without it), so it has a lock of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._where: dict[str, Path] = {}

    def get(self, episode_id: str) -> Path | None:
        with self._lock:
            return self._where.get(episode_id)

    def note(self, where: dict[str, Path]) -> None:
        with self._lock:
            self._where.update(where)

    def forget(self, episode_id: str | None = None) -> None:
        """Forget one pause's month (None: every one)."""
        with self._lock:
            if episode_id is None:
                self._where.clear()
            else:
                self._where.pop(episode_id, None)


def find_month(
    episode_id: str, hints: MonthHints, months: Callable[[], list[Path]], episode_files: EpisodeFiles
) -> Path | None:
    """The month file holding ``episode_id``: the one last seen, else (``months()``, listed
    only then) newest month first."""
    hint = hints.get(episode_id)
    if hint is not None and episode_id in episode_files.ids(hint):
        return hint
    for path in reversed(months()):
        if episode_id in episode_files.ids(path):
            hints.note({episode_id: path})
            return path
    return None


def by_id(
    paths: Iterable[Path], episode_files: EpisodeFiles, layout: Layout, between: Callable[[], None] = nothing
) -> tuple[dict[str, Episode], dict[str, Path]]:
    """Episodes of month files by id, and the file each was read from; a duplicate keeps
    the copy filed in its own month. ``between()`` is called before each file."""
    found: dict[str, Episode] = {}
    where: dict[str, Path] = {}
    for path in paths:
        between()
        for episode in episode_files.episodes(path):
            previous = where.get(episode.id)
            misfiled = previous is not None and previous != layout.month_path(found[episode.id].paused_at)
            if previous is None or (misfiled and path == layout.month_path(episode.paused_at)):
                found[episode.id], where[episode.id] = episode, path
    return found, where


def with_active(found: dict[str, Episode], active: dict[str, Episode]) -> list[Episode]:
    """The pauses read and those in progress, sorted by paused_at."""
    for episode in active.values():
        found.setdefault(episode.id, episode)
    return sorted(found.values(), key=lambda e: (e.paused_at, e.id))


def latest_repaired(
    active: dict[str, Episode], months: list[Path], episode_files: EpisodeFiles, limit_files: int
) -> Episode | None:
    """The repaired pause paused most recently, practice pauses aside, reading at most
    ``limit_files`` month files (newest first)."""
    best = max((e for e in active.values() if e.is_repaired and not e.practice), key=_recency, default=None)
    for path in list(reversed(months))[:limit_files]:
        if best is not None and path.stem < month_key(best.paused_at):
            break
        repaired = [e for e in episode_files.episodes(path) if e.is_repaired and not e.practice]
        if repaired:
            best = max([*repaired, *([best] if best else [])], key=_recency)
            break
    return best


def _recency(episode: Episode) -> tuple[datetime, datetime]:
    return (episode.paused_at, episode.repaired_at or episode.paused_at)
