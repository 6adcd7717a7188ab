"""What can go wrong with the saved data, and the real cause of a failed write in plain words.

Qt-free. Every error is a :class:`~couplepause.common.problems.Problem`: a key into
``[problems]`` of resources/words.toml and its values; the window and the
command line word it each for their reader.
"""

from __future__ import annotations

from couplepause.common.problems import Problem, in_window, reason_of


class StoreError(Problem):
    """Something went wrong with the saved data."""


class StoreTooNew(StoreError):
    """The data was written by a newer couplepause: we never write to it nor set it aside."""

    key = "store_too_new"


class StoreReadOnly(StoreError):
    """A write was asked of a repository opened read-only."""

    key = "read_only"


class StoreNotOpen(StoreError):
    """The saved data could not be opened (yet)."""

    key = "store_not_open"


class StoreUnavailable(StoreError):
    """The data folder cannot be used right now (gone, replaced, or held by another
    couplepause); writes wait in memory until it can be used again."""


class EpisodeNotFound(StoreError):
    """``update`` was given an episode that is not in the store."""

    key = "episode_gone"


class InvalidEpisode(StoreError):
    """An episode that would not read back (e.g. repaired before it was paused): never written."""

    key = "invalid_episode"


def cause(exc: BaseException) -> str:
    """Why something could not be written or read, in one plain sentence for the window.

    A problem that carries its own cause (the value ``reason``, such as "The disk
    is full." for a data folder that cannot be used) is told by that cause alone:
    the window's sentence around it already says what could not be done.
    """
    problem = reason_of(exc)
    while isinstance(problem.values.get("reason"), Problem):
        problem = problem.values["reason"]
    return in_window(problem)
