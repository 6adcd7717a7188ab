"""Writer: order, coalescing, flush, failure + retry, close. No sleeps: events and flush()."""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from couplepause.common.problems import Problem
from couplepause.core.episode import Episode
from couplepause.store.errors import StoreUnavailable, cause
from couplepause.store.repository import Repository, StoreReadOnly
from couplepause.store.writer import Writer, WriteResult

WAIT = 10.0  # generous upper bound for anything that should happen at once


class Results:
    """Collects WriteResults from the writer thread and lets a test wait for one."""

    def __init__(self) -> None:
        self.items: list[WriteResult] = []
        self._cond = threading.Condition()

    def __call__(self, result: WriteResult) -> None:
        with self._cond:
            self.items.append(result)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list[WriteResult]], bool]) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.items), WAIT), self.items


@pytest.fixture
def results() -> Results:
    return Results()


@pytest.fixture
def writers() -> Iterator[list[Writer]]:
    made: list[Writer] = []
    yield made
    for writer in made:
        writer.close(timeout=1.0)


@pytest.fixture
def make_writer(repo: Repository, results: Results, writers: list[Writer]) -> Callable[..., Writer]:
    def make(**kwargs: Any) -> Writer:
        writer = Writer(repo, results, **kwargs)
        writers.append(writer)
        return writer

    return make


def gate(writer: Writer) -> threading.Event:
    """Hold the writer thread inside a call until the returned event is set."""
    release = threading.Event()
    entered = threading.Event()

    def hold(repo: Repository) -> None:
        entered.set()
        assert release.wait(WAIT)

    writer.call(hold, lambda result, error: None)
    assert entered.wait(WAIT)
    return release


def record_calls(repo: Repository, name: str, monkeypatch: pytest.MonkeyPatch) -> list[Episode]:
    """Wrap a repository method so the test sees every snapshot actually written."""
    seen: list[Episode] = []
    real = getattr(repo, name)

    def recording(episode: Episode) -> None:
        real(episode)
        seen.append(episode)

    monkeypatch.setattr(repo, name, recording)
    return seen


def fail_times(
    repo: Repository, name: str, times: int, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Make ``repo.<name>`` raise OSError(code) ``times`` times, then work."""
    real = getattr(repo, name)
    left = [times]

    def flaky(episode: Episode) -> None:
        if left[0] > 0:
            left[0] -= 1
            raise OSError(code, "simulated")
        real(episode)

    monkeypatch.setattr(repo, name, flaky)


def test_save_is_durable_after_flush(
    make_writer, repo: Repository, results: Results, make_episode
) -> None:
    writer = make_writer()
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    assert writer.flush(WAIT)
    assert repo.active() == [episode]
    assert writer.pending() == 0
    [result] = results.items
    assert (result.episode_id, result.ok, result.error, result.pending) == (
        episode.id,
        True,
        None,
        0,
    )
    assert isinstance(result.durable_at, float)


def test_writes_keep_their_order(
    make_writer, repo: Repository, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = record_calls(repo, "save_active", monkeypatch)
    writer = make_writer()
    episodes = [make_episode(repair_minutes=None) for _ in range(5)]
    for episode in episodes:
        writer.save_active(episode)
    assert writer.flush(WAIT)
    assert saved == episodes


def test_queued_snapshots_of_one_episode_coalesce(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = record_calls(repo, "save_active", monkeypatch)
    writer = make_writer()
    release = gate(writer)
    first = make_episode(repair_minutes=None)
    other = make_episode(repair_minutes=None)
    versions = [first.with_changes(breathing_seconds=float(n)) for n in range(5)]
    writer.save_active(versions[0])
    writer.save_active(other)
    for version in versions[1:]:
        writer.save_active(version)
    assert writer.pending() == 2  # the waiting write of ``first`` now holds its newest snapshot
    release.set()
    assert writer.flush(WAIT)
    assert saved == [versions[-1], other]
    assert repo.get(first.id) == versions[-1]
    assert [r.pending for r in results.items] == [1, 0]


def test_a_running_write_is_never_overtaken_by_an_older_snapshot(
    make_writer, repo: Repository, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    written: list[Episode] = []
    real = repo.save_active

    def slow(episode: Episode) -> None:
        started.set()
        assert release.wait(WAIT)
        real(episode)
        written.append(episode)

    monkeypatch.setattr(repo, "save_active", slow)
    writer = make_writer()
    v1 = make_episode(repair_minutes=None)
    v2, v3 = v1.with_changes(note="two"), v1.with_changes(note="three")
    writer.save_active(v1)
    assert started.wait(WAIT)
    writer.save_active(v2)
    writer.save_active(v3)
    release.set()
    assert writer.flush(WAIT)
    assert written == [v1, v3]
    assert repo.active() == [v3]


def test_archive_replaces_a_waiting_save(
    make_writer, repo: Repository, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = record_calls(repo, "save_active", monkeypatch)
    archived = record_calls(repo, "archive", monkeypatch)
    writer = make_writer()
    release = gate(writer)
    ongoing = make_episode(repair_minutes=None)
    done = make_episode(episode_id=ongoing.id)
    writer.save_active(ongoing)
    writer.archive(done)
    assert writer.pending() == 1
    release.set()
    assert writer.flush(WAIT)
    assert (saved, archived) == ([], [done])
    assert repo.active() == [] and repo.get(done.id) == done


def test_disk_full_is_reported_retried_and_finally_written(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_times(repo, "save_active", 3, monkeypatch, errno.ENOSPC)
    writer = make_writer(retry_delays=(0.001, 0.002))
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    results.wait_for(lambda items: any(r.ok for r in items))
    assert [(r.ok, r.error) for r in results.items] == [(False, "The disk is full.")] * 3 + [
        (True, None)
    ]
    assert [r.pending for r in results.items] == [1, 1, 1, 0]
    assert all(r.durable_at is None for r in results.items[:3])
    assert repo.active() == [episode]


def test_nothing_is_lost_while_the_disk_is_full(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_times(repo, "save_active", 4, monkeypatch, errno.ENOSPC)
    writer = make_writer(retry_delays=(0.001,))
    release = gate(writer)
    episodes = [make_episode(repair_minutes=None) for _ in range(4)]
    for episode in episodes:
        writer.save_active(episode)
    newest = episodes[0].with_changes(note="last words")
    writer.save_active(newest)
    release.set()
    results.wait_for(lambda items: sum(r.ok for r in items) == 4)
    assert writer.flush(WAIT)
    assert sorted(repo.active(), key=lambda e: e.id) == sorted(
        [newest, *episodes[1:]], key=lambda e: e.id
    )


def test_failed_write_keeps_the_newest_snapshot(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_times(repo, "save_active", 1, monkeypatch, errno.EROFS)
    writer = make_writer(retry_delays=(3600,))
    v1 = make_episode(repair_minutes=None)
    writer.save_active(v1)
    results.wait_for(lambda items: len(items) == 1)
    assert results.items[0].error == "The disk that holds the data folder is read-only."
    v2 = v1.with_changes(note="newer")
    writer.save_active(v2)
    assert writer.pending() == 1
    assert writer.unwritten() == [v2]
    assert writer.flush(WAIT)  # flush tries again at once instead of waiting an hour
    assert repo.active() == [v2]


def test_close_interrupts_a_retry_wait(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_times(repo, "save_active", 10**6, monkeypatch, errno.EACCES)
    writer = make_writer(retry_delays=(3600,))
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    results.wait_for(lambda items: len(items) == 1)
    assert writer.close(timeout=WAIT) is False  # returns as soon as the retry is hopeless
    assert not writer.is_alive()
    assert writer.unwritten() == [episode]
    assert results.items[-1].error == "couplepause is not allowed to write in its data folder."
    with pytest.raises(RuntimeError, match="closed"):
        writer.save_active(episode)


def test_close_flushes_first(make_writer, repo: Repository, make_episode) -> None:
    writer = make_writer()
    episodes = [make_episode(repair_minutes=None) for _ in range(3)]
    for episode in episodes:
        writer.save_active(episode)
    assert writer.close(timeout=WAIT)
    assert not writer.is_alive()
    assert len(repo.active()) == 3


def test_call_runs_on_the_writer_thread(make_writer, repo: Repository, make_episode) -> None:
    writer = make_writer()
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    answers: list[tuple[Any, Exception | None, str]] = []

    def done(result: Any, error: Exception | None) -> None:
        answers.append((result, error, threading.current_thread().name))

    writer.call(lambda r: r.active(), done)
    writer.call(lambda r: 1 / 0, done)
    assert writer.flush(WAIT)
    assert answers[0][:2] == ([episode], None)
    assert answers[0][2] == "couplepause-writer"
    assert isinstance(answers[1][1], ZeroDivisionError)
    assert writer.pending() == 0


def a_save_waiting_an_hour_to_retry(make_writer, repo, results, make_episode, monkeypatch) -> Writer:
    """A writer whose one save failed on a full disk and waits an hour before trying again."""
    fail_times(repo, "save_active", 10**6, monkeypatch, errno.ENOSPC)
    writer = make_writer(retry_delays=(3600,))
    writer.save_active(make_episode(repair_minutes=None))
    results.wait_for(lambda items: len(items) == 1)
    return writer


def test_calls_do_not_wait_behind_a_failing_write(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = a_save_waiting_an_hour_to_retry(make_writer, repo, results, make_episode, monkeypatch)
    answered = threading.Event()
    writer.call(lambda r: r.count(), lambda result, error: answered.set())
    assert answered.wait(WAIT)
    assert writer.pending() == 1


def test_flush_from_the_writer_thread_is_refused(make_writer) -> None:
    writer = make_writer()
    errors: list[Exception | None] = []
    writer.call(lambda r: writer.flush(1.0), lambda result, error: errors.append(error))
    assert writer.flush(WAIT)
    assert isinstance(errors[0], RuntimeError)


def test_a_failing_callback_does_not_stop_the_writer(
    repo: Repository, writers: list[Writer], make_episode, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(result: WriteResult) -> None:
        raise ValueError("ui went away")

    writer = Writer(repo, broken)
    writers.append(writer)
    writer.save_active(make_episode(repair_minutes=None))
    writer.save_active(make_episode(repair_minutes=None))
    assert writer.flush(WAIT)
    assert len(repo.active()) == 2
    assert "on_result callback failed" in caplog.text


def test_read_only_repository_failures_are_explained(
    store_dir: Path, results: Results, writers: list[Writer], make_episode
) -> None:
    repo = Repository(store_dir, read_only=True)
    repo.open()
    writer = Writer(repo, results, retry_delays=(3600,))
    writers.append(writer)
    writer.save_active(make_episode(repair_minutes=None))
    results.wait_for(lambda items: len(items) == 1)
    assert results.items[0].error == str(StoreReadOnly()) == "This data is open read-only, so nothing can be saved."


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "The disk is full."),
        (
            PermissionError(errno.EPERM, "Operation not permitted"),
            "couplepause is not allowed to write in its data folder.",
        ),
        (
            OSError(errno.EIO, "Input/output error"),
            "The disk reported an error while saving (an input/output error).",
        ),
        (OSError(errno.EROFS, "Read-only file system"), "The disk that holds the data folder is read-only."),
        (FileNotFoundError(errno.ENOENT, "No such file"), "The data folder is no longer there."),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory"), "A file stands where the data folder should be."),
        (
            StoreUnavailable("folder_taken", folder="/data"),
            "Another couplepause now uses the data folder /data, so this one keeps its pauses here until it is closed.",
        ),
        (StoreUnavailable("cannot_lock", folder="/data", reason=Problem("disk_full")), "The disk is full."),
        (ValueError("odd"), "The data could not be written (odd)."),
    ],
)
def test_errors_are_described_in_plain_sentences(error: Exception, sentence: str) -> None:
    assert cause(error) == sentence


def test_retry_delays_must_not_be_empty(repo: Repository) -> None:
    with pytest.raises(ValueError):
        Writer(repo, lambda result: None, retry_delays=())


def test_waiting_for_writes_returns_once_the_due_save_is_on_disk(
    make_writer, repo: Repository, make_episode
) -> None:
    writer = make_writer()
    assert writer.wait_for_writes(WAIT)  # nothing due
    release = gate(writer)
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    seen: list[list[Episode]] = []
    returned = threading.Event()

    def read_step() -> None:
        assert writer.wait_for_writes(WAIT)
        seen.append(repo.active())
        returned.set()

    reader = threading.Thread(target=read_step)
    reader.start()
    assert not returned.wait(0.05)  # the save is still due
    release.set()
    assert returned.wait(WAIT)
    reader.join(WAIT)
    assert seen == [[episode]]


def test_a_save_waiting_for_its_retry_does_not_hold_up_a_reader(
    make_writer, repo: Repository, results: Results, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = a_save_waiting_an_hour_to_retry(make_writer, repo, results, make_episode, monkeypatch)
    assert writer.wait_for_writes(WAIT)


def test_a_reader_makes_way_for_the_writes_due(make_writer, repo: Repository, make_episode) -> None:
    from couplepause.store.reader import Reader

    writer = make_writer()
    release = gate(writer)
    episode = make_episode(repair_minutes=None)
    writer.save_active(episode)
    reader = Reader(repo, writer)
    loaded: list[list[Episode]] = []
    done = threading.Event()

    def load(repo_: Repository) -> list[Episode]:
        reader.make_way()
        return repo_.active()

    reader.call(load, lambda result, error: (loaded.append(result), done.set()))
    assert not done.wait(0.05)
    release.set()
    assert done.wait(WAIT)
    reader.close()
    assert loaded == [[episode]]
