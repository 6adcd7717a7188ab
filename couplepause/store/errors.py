"""What can go wrong with the saved data, and the real cause of a failed write in plain words.

Qt-free. Every error is a :class:`~couplepause.problems.Problem`: a key into
``[problems]`` of resources/words.toml and its values; the window and the
command line word it each for their reader.
"""

from __future__ import annotations

import errno

from couplepause.problems import Problem, in_window

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FORBIDDEN = {errno.EACCES, errno.EPERM}


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


def reason_of(exc: BaseException) -> Problem:
    """The problem behind ``exc``: a Problem as it is, an OS error's cause in plain words."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, OSError):
        number = exc.errno
        if number in _DISK_FULL:
            return Problem("disk_full")
        if number == errno.EROFS:
            return Problem("read_only_disk")
        if number in _FORBIDDEN or isinstance(exc, PermissionError):
            return Problem("not_allowed")
        if number == errno.EIO:
            return Problem("io_error")
        if number == errno.ENOENT:
            return Problem("folder_gone")
        if number == errno.ENOTDIR:
            return Problem("file_in_the_way")
        return Problem("could_not_write", detail=exc.strerror or exc)
    return Problem("could_not_write", detail=exc)


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
