"""Errors a person reads. Each carries a key and its values; the reader words it.

The words live in ``[problems]`` of resources/words.toml. Where the command
line says the same thing differently (it can name ``--output`` or
``--data-dir``), ``[problems_cli]`` holds its wording of the same key.
``str(problem)`` is the window's wording, so logs and message boxes read the
same sentence. Qt-free: every layer may raise a Problem.
"""

from __future__ import annotations

import errno
from pathlib import PurePath
from typing import Any

from couplepause.common.texts import has_words, words

WINDOW = ("problems",)
COMMAND_LINE = ("problems_cli", "problems")


class Problem(Exception):
    """An error with a key into ``[problems]`` and the values its words need."""

    key = "unexpected"

    def __init__(self, key: str | None = None, /, **values: Any) -> None:
        if key is not None:
            self.key = key
        self.values = values
        super().__init__(self.key, values)

    def __str__(self) -> str:
        return in_window(self)


def in_window(problem: Problem) -> str:
    """The sentence a window shows."""
    return _worded(problem, WINDOW)


def on_command_line(problem: Problem) -> str:
    """The sentence the command line prints (it may name flags)."""
    return _worded(problem, COMMAND_LINE)


def _worded(problem: Problem, sections: tuple[str, ...]) -> str:
    values = {name: _value(value, sections) for name, value in problem.values.items()}
    for name in sections:
        if has_words(name, problem.key):
            return words(name, problem.key, **values)
    raise KeyError(f"no words for the problem {problem.key!r}")


def _value(value: Any, sections: tuple[str, ...]) -> Any:
    if isinstance(value, Problem):
        return _worded(value, sections)
    if isinstance(value, PurePath):
        return str(value)
    return value


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FORBIDDEN = {errno.EACCES, errno.EPERM}


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
