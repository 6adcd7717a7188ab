"""What can go wrong with the saved data, and the real cause of a failed write in plain words.

Qt-free. Every message is one sentence for the couple (the command line adds
what to do on its own).
"""

from __future__ import annotations

import errno

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FORBIDDEN = {errno.EACCES, errno.EPERM}


class StoreError(Exception):
    """Something went wrong with the saved data; the message is a plain sentence for a person."""


class StoreTooNew(StoreError):
    """The data was written by a newer couplepause: we never write to it nor set it aside."""


class StoreReadOnly(StoreError):
    """A write was asked of a repository opened read-only."""


class StoreNotOpen(StoreError):
    """The saved data could not be opened (yet)."""


class StoreUnavailable(StoreError):
    """The data folder cannot be used right now (gone, replaced, or held by another
    couplepause); writes wait in memory until it can be used again."""


class EpisodeNotFound(StoreError):
    """``update`` was given an episode that is not in the store."""


class InvalidEpisode(StoreError):
    """An episode that would not read back (e.g. repaired before it was paused): never written."""


def cause(exc: BaseException) -> str:
    """Why something could not be written or read, in one plain sentence."""
    if isinstance(exc, StoreError):
        return getattr(exc, "reason", None) or str(exc)
    if isinstance(exc, OSError):
        number = exc.errno
        if number in _DISK_FULL:
            return "The disk is full."
        if number == errno.EROFS:
            return "The disk that holds the data folder is read-only."
        if number in _FORBIDDEN or isinstance(exc, PermissionError):
            return "couplepause is not allowed to write in its data folder."
        if number == errno.EIO:
            return "The disk reported an error while saving (an input/output error)."
        if number == errno.ENOENT:
            return "The data folder is no longer there."
        if number == errno.ENOTDIR:
            return "A file stands where the data folder should be."
        return f"The data could not be written ({exc.strerror or exc})."
    return f"The data could not be written ({exc})."
