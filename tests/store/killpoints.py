"""Kill an operation just before each one of its file-system changes, every one of them.

The same kill points as ``/work/shared/tools/crashpoint.py`` (which does it to the real
command line): an audit hook counts the changes under the data folder (a file opened for
writing, a rename or replace, an unlink, a link, a new or removed folder, a chmod, a
truncate, a symlink, a tree removed) and the process ends at once (``os._exit``: no
clean-up, no flush, as after a power cut or ``kill -9``) just before the K-th one. The
removals inside a tree removal are counted one by one too (the hook follows their
``dir_fd``), so a tree half removed is a kill point of its own.

* :func:`changes` runs the operation to its end and says which changes it made (K = 0);
* :func:`kill_before` runs it and ends it just before change K (1-based);
* :func:`sweep` does both on fresh copies of one starting data folder, for every K from 1
  to N (or the ones asked for), and hands each killed copy to a check.

Each run is a forked child of the test process (no new interpreter: a point costs a fork
and a copy), so Linux/POSIX only. Used by tests/store/test_killpoints.py and
benchmarks/bench_killpoints.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

KILLED = 86  # the child's exit status when it ended itself at its kill point
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# audit event -> (index of the path it changes, index of that path's dir_fd or None)
_CHANGES: dict[str, tuple[int, int | None]] = {
    "os.rename": (0, 2),  # os.rename and os.replace
    "os.remove": (0, 1),  # os.remove and os.unlink
    "os.link": (0, 2),
    "os.mkdir": (0, 2),
    "os.rmdir": (0, 1),
    "os.chmod": (0, 2),
    "os.truncate": (0, None),
    "os.symlink": (1, 2),
    "shutil.rmtree": (0, 1),
}


def changed_path(event: str, args: tuple) -> str | None:
    """The absolute path a file-system change touches, or None if ``event`` changes nothing
    (a read, or a change through a file descriptor)."""
    if event == "open":
        path, _mode, flags = args
        if not isinstance(flags, int) or not flags & _WRITE_FLAGS:
            return None
        dir_fd = None
    elif event in _CHANGES:
        index, fd_index = _CHANGES[event]
        path = args[index]
        dir_fd = args[fd_index] if fd_index is not None and fd_index < len(args) else None
    else:
        return None
    if not isinstance(path, (str, bytes, os.PathLike)):
        return None
    text = os.fsdecode(path)
    if not os.path.isabs(text):
        base = os.readlink(f"/proc/self/fd/{dir_fd}") if isinstance(dir_fd, int) and dir_fd >= 0 else os.getcwd()
        text = os.path.join(base, text)
    return os.path.normpath(text)


class _Hook:
    """The child's audit hook: logs each change under ``root``, ends the process before the K-th."""

    def __init__(self, root: Path, kill_at: int) -> None:
        self.roots = {os.path.abspath(root), os.path.realpath(root)}  # as given, and as /proc says it
        self.kill_at = kill_at
        self.log: list[str] = []

    def __call__(self, event: str, args: tuple) -> None:
        path = changed_path(event, args)
        root = next((r for r in self.roots if path is not None and (path == r or path.startswith(r + os.sep))), None)
        if root is None:
            return
        if len(self.log) + 1 == self.kill_at:
            os._exit(KILLED)
        self.log.append(f"{event} {os.path.relpath(path, root)}")


class ChildFailed(AssertionError):
    """The operation raised in the child (its traceback is the message)."""


def _run(action: Callable[[], object], root: Path, kill_at: int) -> list[str] | None:
    """Run ``action`` in a forked child with the hook; the changes it made, or None if it was killed."""
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() beside threads; the child only does file I/O.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(reader)
            hook = _Hook(root, kill_at)
            sys.addaudithook(hook)
            action()
            message, status = json.dumps(hook.log).encode(), 0
        except BaseException:  # noqa: BLE001 - everything goes back to the parent
            message = traceback.format_exc().encode()
        try:
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        said = pipe.read()
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    if code == KILLED:
        return None
    if code != 0:
        raise ChildFailed(said.decode(errors="replace") or f"the child ended with {code}")
    return json.loads(said)


def changes(action: Callable[[], object], root: Path) -> list[str]:
    """Every file-system change ``action`` makes under ``root`` ("event relative/path"), in order."""
    log = _run(action, root, 0)
    assert log is not None
    return log


def kill_before(action: Callable[[], object], root: Path, k: int) -> bool:
    """Run ``action`` and end it just before its change number ``k`` (1-based) under ``root``;
    True if it was killed there, False if it ended before making that many changes."""
    if k < 1:
        raise ValueError("kill points count from 1")
    return _run(action, root, k) is None


# ---------------------------------------------------------------- older helpers
def steps_of(action: Callable[[], object], root: Path) -> int:
    """How many changes ``action`` makes under ``root``."""
    return len(changes(action, root))


def crash_at(action: Callable[[], object], root: Path, step: int) -> None:
    """Run ``action`` and end it just before its change ``step`` (0-based) under ``root``."""
    kill_before(action, root, step + 1)


# --------------------------------------------------------------------- sweeps
@dataclass
class Point:
    """What a check found at one kill point (empty lists: all well)."""

    stuck: list[str] = field(default_factory=list)  # a later command failed
    lost: list[str] = field(default_factory=list)  # pauses of neither the before nor the after state
    mixed: list[str] = field(default_factory=list)  # something else off: not before, not after, or two answers
    left: list[str] = field(default_factory=list)  # a staged, temp or journal file left after the open
    in_clear: list[str] = field(default_factory=list)  # a note or id readable in a protected store

    @property
    def ok(self) -> bool:
        return not (self.stuck or self.lost or self.mixed or self.left or self.in_clear)

    def problems(self) -> list[str]:
        kinds = ("stuck", "lost", "mixed", "left", "in_clear")
        return [f"{kind}: {what}" for kind in kinds for what in getattr(self, kind)]


@dataclass
class Tally:
    """Counts of one operation's sweep: kill points tried, and at how many each kind of trouble."""

    operation: str
    changes: list[str] = field(default_factory=list)
    points: int = 0
    stuck: int = 0
    lost: int = 0
    mixed: int = 0
    left: int = 0
    in_clear: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # "before" / "after" -> how many points
    failures: dict[int, list[str]] = field(default_factory=dict)  # kill point -> what went wrong

    def add(self, k: int, point: Point, outcome: str | None) -> None:
        self.points += 1
        for kind in ("stuck", "lost", "mixed", "left", "in_clear"):
            if getattr(point, kind):
                setattr(self, kind, getattr(self, kind) + 1)
        if outcome is not None:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if not point.ok:
            self.failures[k] = point.problems()

    @property
    def passed(self) -> bool:
        return not self.failures

    def report(self, limit: int = 6) -> str:
        """The failures, each with the change it was killed before (for an assertion message)."""
        lines = [f"{self.operation}: {len(self.failures)} of {self.points} kill points failed"]
        for k, problems in list(self.failures.items())[:limit]:
            change = self.changes[k - 1] if 0 < k <= len(self.changes) else "?"
            lines.append(f"  before change {k} ({change}):")
            lines += [f"    {problem}" for problem in problems]
        return "\n".join(lines)


def sweep(
    operation: str,
    template: Path,
    action: Callable[[Path], object],
    check: Callable[[Path], tuple[Point, str | None]],
    work: Path,
    points: Iterable[int] | None = None,
) -> Tally:
    """Kill ``action(data)`` before each of its changes, on a fresh copy of ``template`` each
    time, and ``check(data)`` what is left (a Point, and "before"/"after" or None).

    ``points``: the kill points to try (1-based), every one when None.
    """
    tally = Tally(operation)
    counting = work / "count"
    shutil.copytree(template, counting, symlinks=True)
    tally.changes = changes(lambda: action(counting), counting)
    shutil.rmtree(counting)
    chosen = range(1, len(tally.changes) + 1) if points is None else [k for k in points if 1 <= k <= len(tally.changes)]
    for k in chosen:
        trial = work / f"k{k}"
        shutil.copytree(template, trial, symlinks=True)
        killed = kill_before(lambda trial=trial: action(trial), trial, k)
        if not killed:
            tally.add(k, Point(mixed=[f"the operation made fewer than {k} changes this time"]), None)
        else:
            try:
                point, outcome = check(trial)
            except Exception:  # noqa: BLE001 - a check that cannot even run is a stuck store
                point, outcome = Point(stuck=[traceback.format_exc(limit=-3).strip()]), None
            tally.add(k, point, outcome)
        shutil.rmtree(trial, ignore_errors=True)
    return tally


def spread(total: int, count: int) -> list[int]:
    """``count`` kill points spread evenly over 1..``total`` (the first and last included)."""
    if total <= count:
        return list(range(1, total + 1))
    return sorted({1 + round(i * (total - 1) / (count - 1)) for i in range(count)})
