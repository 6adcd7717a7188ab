"""Crash a store operation at every step it takes, as a power cut or kill -9 would.

``steps_of(action)`` counts the file-system steps an action takes (renames,
links, unlinks, fsyncs). ``crash_at(action, n)`` runs the action in a forked
child that dies (``os._exit``, no clean-up of any kind) just before step ``n``;
the parent then looks at what is left on disk. Linux/POSIX only (fork).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

STEP_CALLS = ("replace", "rename", "link", "unlink", "fsync", "rmdir")


def _run_in_child(action: Callable[[], None], die_before: int | None) -> int:
    """Run ``action`` in a child; returns how many steps it took (or -1 if it died)."""
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() beside threads; the child only does file I/O.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        taken = 0
        for name in STEP_CALLS:
            real = getattr(os, name)

            def counted(*args, _real=real, **kwargs):
                nonlocal taken
                if die_before is not None and taken == die_before:
                    os._exit(0)
                taken += 1
                return _real(*args, **kwargs)

            setattr(os, name, counted)
        try:
            action()
        except BaseException:  # noqa: BLE001 - report as a failure to the parent
            os.write(writer, b"error")
            os._exit(1)
        os.write(writer, str(taken).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        said = pipe.read()
    _, status = os.waitpid(pid, 0)
    if said == b"error" or os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError("the action failed in the child process")
    return int(said) if said else -1


def steps_of(action: Callable[[], None]) -> int:
    """How many file-system steps ``action`` takes when nothing goes wrong."""
    return _run_in_child(action, None)


def crash_at(action: Callable[[], None], step: int) -> None:
    """Run ``action`` and die just before its step number ``step`` (0-based)."""
    _run_in_child(action, step)
