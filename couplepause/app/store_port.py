"""The one way the application's parts use the store: a read runs on the reader thread,
a write on the writer thread (in order with every save of a pause), and the answer
comes back on the UI thread as ``done(result, error)``, or not at all once the window
is closing. What the parts may know of the store between two jobs (is it protected,
is it locked, what is not written yet) is asked here too, never of the repository."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from couplepause.core.episode import Episode
    from couplepause.store.protection import Protection
    from couplepause.store.reader import Reader
    from couplepause.store.repository import Repository
    from couplepause.store.writer import Writer
    from couplepause.ui.background import Answers

T = TypeVar("T")
Job = Callable[["Repository"], T]
Done = Callable[[Any, "Exception | None"], None]


def _ignore(_result: object, _error: Exception | None) -> None:
    """A write nobody waits for (a mark on a file): its answer goes nowhere."""


class StorePort:
    def __init__(self, repository: Repository, reader: Reader, writer: Writer, answers: Answers) -> None:
        self._repository = repository
        self._reader = reader
        self._writer = writer
        self._answers = answers

    def read(self, job: Job[T], done: Done) -> None:
        """``job(repository)`` on the reader thread; ``done(result, error)`` on the UI thread."""
        self._reader.call(job, lambda result, error: self._answers.post(lambda: done(result, error)))

    def write(self, job: Job[T], done: Done = _ignore) -> None:
        """``job(repository)`` on the writer thread, after the saves before it; ``done`` on
        the UI thread."""
        self._writer.call(job, lambda result, error: self._answers.post(lambda: done(result, error)))

    def protection(self) -> Protection:
        return self._repository.protection

    def protected(self) -> bool:
        return self._repository.protection.protected

    def locked(self) -> bool:
        return self._repository.locked

    def unwritten(self) -> list[Episode]:
        """Snapshots of pauses not written yet, oldest first (for a rescue copy)."""
        return self._writer.unwritten()

    def writing(self) -> bool:
        """Whether the writer still runs (False once the window has closed it)."""
        return self._writer.is_alive()
