"""A background writer, so the UI thread never waits for the disk.

The UI hands over snapshots (``save_active``, ``archive``) and returns at once;
one daemon thread writes them in order through the :class:`Repository`. When a
write fails (disk full, read-only or forbidden folder) the snapshot stays in
memory, the failure is reported in a plain sentence, and the write is retried
after a growing delay: nothing is ever dropped. ``flush``/``close`` let the app
wait, with a time limit, for everything to be durable at quit or on SIGTERM.

Qt-free: ``on_result`` is called on the writer thread; the UI wraps it in a Qt
signal to get back to its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from couplepause.core.episode import Episode
from couplepause.store.errors import cause
from couplepause.store.repository import Repository

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (0.5, 1, 2, 5, 10)
SAVE_ACTIVE = "save_active"
ARCHIVE = "archive"
CALL = "call"



@dataclass
class WriteResult:
    """The outcome of one write attempt.

    ``durable_at`` is ``time.monotonic()`` right after the data (and its
    folder) were fsync'ed; ``pending`` counts the writes still not durable.
    """

    episode_id: str
    ok: bool
    error: str | None
    durable_at: float | None
    pending: int


@dataclass(eq=False)
class _Job:
    """One queued piece of work; a waiting write's snapshot may be replaced by a newer one."""

    kind: str
    episode: Episode | None = None
    fn: Callable[[Repository], Any] | None = None
    on_done: Callable[[Any, Exception | None], None] | None = None
    in_flight: bool = False
    failures: int = 0
    retry_at: float | None = None  # monotonic time of the next attempt after a failure

    @property
    def is_write(self) -> bool:
        return self.kind != CALL


class Writer:
    """Writes episodes on one background thread, in order, coalescing and retrying."""

    def __init__(
        self,
        repo: Repository,
        on_result: Callable[[WriteResult], None],
        *,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        if not retry_delays:
            raise ValueError("retry_delays needs at least one delay")
        self._repo = repo
        self._on_result = on_result
        self.retry_delays = tuple(float(delay) for delay in retry_delays)
        self._jobs: deque[_Job] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="couplepause-writer", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ UI side
    def save_active(self, episode: Episode) -> None:
        """Queue a snapshot of an in-progress episode; returns at once."""
        self._enqueue_write(SAVE_ACTIVE, episode)

    def archive(self, episode: Episode) -> None:
        """Queue moving a finished episode into its month file; returns at once."""
        self._enqueue_write(ARCHIVE, episode)

    def call(
        self,
        fn: Callable[[Repository], Any],
        on_done: Callable[[Any, Exception | None], None],
    ) -> None:
        """Run ``fn(repo)`` on the writer thread, then ``on_done(result, error)`` there too.

        Calls run in queue order, except that they do not wait behind a write
        that is waiting to be retried (a full disk must not freeze reading).
        """
        with self._cond:
            self._check_running()
            self._jobs.append(_Job(CALL, fn=fn, on_done=on_done))
            self._cond.notify_all()

    def pending(self) -> int:
        """How many writes are not durable yet (coalesced snapshots count once)."""
        with self._cond:
            return self._pending_locked()

    def unwritten(self) -> list[Episode]:
        """Snapshots still waiting to be written, oldest first (e.g. to log at quit)."""
        with self._cond:
            return [job.episode for job in self._jobs if job.episode is not None]

    def is_alive(self) -> bool:
        """Whether the writer thread still runs (False once close() has stopped it)."""
        return self._thread.is_alive()

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued is done; True if all of it is durable.

        Writes waiting for a retry are tried again at once: the couple may have
        freed some space before quitting. If they fail again and their next
        attempt falls after the deadline, flush returns False right away rather
        than waiting for nothing (SIGTERM must quit within 3 s).
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("flush() would wait for itself on the writer thread")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._stopping:  # closed: nobody is left to write
                return not self._jobs
            for job in self._jobs:
                job.retry_at = None
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._settled(deadline), timeout)
            return not self._jobs

    def wait_for_writes(self, timeout: float) -> bool:
        """Return once no write is due (a write waiting for its retry does not
        count), or after ``timeout``; True if none is due. Long work on another
        thread calls it between its steps, so a pause is saved without competing
        with it."""
        with self._cond:
            return self._cond.wait_for(lambda: self._stopping or self._settled(time.monotonic()), timeout)

    def close(self, timeout: float = 3.0) -> bool:
        """Flush, then stop the thread (even in a retry wait); True if everything was written."""
        deadline = time.monotonic() + timeout
        flushed = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return flushed

    # ------------------------------------------------------------- queueing
    def _check_running(self) -> None:
        if self._stopping:
            raise RuntimeError("the writer is closed")

    def _settled(self, deadline: float) -> bool:
        """Nothing left, or only writes whose next attempt is after ``deadline``."""
        return all(
            job.is_write
            and not job.in_flight
            and job.retry_at is not None
            and job.retry_at > deadline
            for job in self._jobs
        )

    def _pending_locked(self) -> int:
        return sum(1 for job in self._jobs if job.is_write)

    def _enqueue_write(self, kind: str, episode: Episode) -> None:
        """Queue a write, or put the newer snapshot into the waiting write of the same episode.

        Only a write that is not running is changed, so an older snapshot is
        never written after a newer one. An archive also replaces a waiting
        save_active (archiving removes the episode from active.json anyway).
        """
        with self._cond:
            self._check_running()
            for job in reversed(self._jobs):
                if job.episode is None or job.episode.id != episode.id:
                    continue
                if not job.in_flight and (job.kind == kind or kind == ARCHIVE):
                    job.kind, job.episode = kind, episode
                    self._cond.notify_all()
                    return
                break
            self._jobs.append(_Job(kind, episode=episode))
            self._cond.notify_all()

    def _next_ready(self, now: float) -> tuple[_Job | None, float | None]:
        """The next job to run, or (None, when a waiting write becomes due).

        Writes keep their order: once one is waiting for a retry, later writes
        wait behind it; calls may go ahead.
        """
        writes_blocked_until: float | None = None
        for job in self._jobs:
            if not job.is_write:
                return job, None
            if writes_blocked_until is not None:
                continue
            if job.retry_at is None or job.retry_at <= now:
                return job, None
            writes_blocked_until = job.retry_at
        return None, writes_blocked_until

    def _take(self) -> _Job | None:
        """Block until a job is due or the writer stops.

        The wait is on the condition (not a sleep), so close() interrupts it.
        """
        with self._cond:
            while not self._stopping:
                job, wake_at = self._next_ready(time.monotonic())
                if job is not None:
                    job.in_flight = True
                    return job
                self._cond.wait(None if wake_at is None else max(0.0, wake_at - time.monotonic()))
            return None

    # ------------------------------------------------------- writer thread
    def _run(self) -> None:
        while (job := self._take()) is not None:
            if job.is_write:
                self._run_write(job)
            else:
                self._run_call(job)

    def _run_write(self, job: _Job) -> None:
        episode = job.episode
        assert episode is not None
        write = {SAVE_ACTIVE: self._repo.save_active, ARCHIVE: self._repo.archive}[job.kind]
        try:
            write(episode)
        except Exception as exc:  # noqa: BLE001 - any failure: keep the snapshot and retry
            self._after_failure(job, exc)
            return
        durable_at = time.monotonic()
        with self._cond:
            pending = self._pending_locked() - 1
        self._report(WriteResult(episode.id, True, None, durable_at, pending))
        self._finish(job)

    def _after_failure(self, job: _Job, exc: Exception) -> None:
        with self._cond:
            job.in_flight = False
            job.failures += 1
            delay = self.retry_delays[min(job.failures, len(self.retry_delays)) - 1]
            job.retry_at = time.monotonic() + delay
            pending = self._pending_locked()
            self._cond.notify_all()
        assert job.episode is not None
        log.warning("a write failed (%s); retrying in %s s", cause(exc), delay)
        self._report(WriteResult(job.episode.id, False, cause(exc), None, pending))

    def _run_call(self, job: _Job) -> None:
        assert job.fn is not None and job.on_done is not None
        try:
            result, error = job.fn(self._repo), None
        except Exception as exc:  # noqa: BLE001 - handed to the caller, who knows what it means
            result, error = None, exc
        try:
            job.on_done(result, error)
        except Exception:
            log.exception("a writer call's on_done failed")
        self._finish(job)

    def _finish(self, job: _Job) -> None:
        """Drop a completed job; flush() waiters wake up once the queue is empty."""
        with self._cond:
            self._jobs.remove(job)
            self._cond.notify_all()

    def _report(self, result: WriteResult) -> None:
        try:
            self._on_result(result)
        except Exception:
            log.exception("the writer's on_result callback failed")
