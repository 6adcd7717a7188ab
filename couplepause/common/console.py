"""What the process says where a person reads it, outside the window: one line on
stderr, ``couplepause: <what was wrong>; <what to do>`` (a Problem in the command line's
words), or, where there is no console (Windows' windowed launcher), that line in a
message box. Shared by the command line and the launch of the window."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import NoReturn

from couplepause import APP_NAME
from couplepause.common.problems import Problem, on_command_line

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class Refused(Problem):
    """A command that stops with a one-line reason (exit 1, or ``exit_code``). Only the
    command line says it: its words are in ``[problems_cli]``."""

    def __init__(self, key: str, /, *, exit_code: int = EXIT_FAILURE, **values: object) -> None:
        super().__init__(key, **values)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return on_command_line(self)


def say(message: str | Problem) -> None:
    """Write one line to stderr, prefixed with the program name (a Problem in the
    command line's words)."""
    if isinstance(message, Problem):
        message = on_command_line(message)
    text = " ".join(str(message).split())  # never more than one line
    if not text.startswith(f"{APP_NAME}:"):
        text = f"{APP_NAME}: {text}"
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no stderr at all (a windowed launcher)
        print(text, file=sys.stderr, flush=True)


class _Unheard:
    lines: io.StringIO | None = None  # what was said where no one could read it


@contextlib.contextmanager
def capture_unheard() -> Iterator[None]:
    """Where there is no console: keep what is said, for :func:`show_unheard`."""
    _Unheard.lines = sys.stderr = io.StringIO()
    try:
        yield
    finally:
        sys.stderr = None  # as it was: nothing to print on


def show_unheard(code: int) -> None:
    """A failure's line, said where there is no console, shown in a message box."""
    from couplepause.common import platform_support

    said = [line for line in (_Unheard.lines.getvalue() if _Unheard.lines else "").splitlines() if line.strip()]
    _Unheard.lines = None
    if code != EXIT_OK and said:
        platform_support.tell_without_console(said[-1], APP_NAME)


def end_now(code: int) -> NoReturn:
    """End the process at once (Qt would abort it), what was said shown first."""
    show_unheard(code)
    if sys.stderr is not None:
        sys.stderr.flush()
    os._exit(code)
