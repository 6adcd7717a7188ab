"""Faults while writing: the right cause, nothing lost, written once the fault is gone.

Faults are injected by replacing the ``os`` calls the store makes (a full disk on
write, EIO on fsync, a failed rename, the folder removed or replaced by a file).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from couplepause.store.errors import StoreError, cause
from couplepause.store.repository import Repository
from couplepause.store.writer import Writer
from tests.store.conftest import Results, episode


def failing(monkeypatch: pytest.MonkeyPatch, name: str, error: int, *, inside: Path) -> None:
    """Make ``os.<name>`` fail with ``error`` for paths under ``inside``."""
    real = getattr(os, name)

    def broken(*args, **kwargs):
        target = args[0] if args else None
        if isinstance(target, int) or str(target).startswith(str(inside)):
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, broken)


@pytest.mark.parametrize(
    ("call", "error", "sentence"),
    [
        ("open", errno.ENOSPC, "The disk is full."),
        ("fsync", errno.EIO, "The disk reported an error while saving (an input/output error)."),
        ("replace", errno.EIO, "The disk reported an error while saving (an input/output error)."),
        ("open", errno.EROFS, "The disk that holds the data folder is read-only."),
        ("open", errno.EACCES, "couplepause is not allowed to write in its data folder."),
    ],
)
def test_a_failed_write_names_its_cause_keeps_the_old_file_and_loses_nothing(
    repo: Repository, store_dir: Path, monkeypatch: pytest.MonkeyPatch, snapshot, call, error, sentence
) -> None:
    first = episode(repair_minutes=None)
    repo.save_active(first)
    before = snapshot(store_dir)
    results = Results()
    writer = Writer(repo, results, retry_delays=(3600,))
    try:
        failing(monkeypatch, call, error, inside=store_dir)
        second = episode("2025-03-14T22:00:00.000+01:00", repair_minutes=None)
        writer.save_active(second)
        assert not writer.flush(1.0)
        assert results.last().ok is False and results.last().error == sentence
        monkeypatch.undo()
        assert snapshot(store_dir) == before  # the old file is whole, no temp file left
        assert writer.unwritten() == [second]
        assert writer.flush(5.0)  # the fault is gone: written at the next try
    finally:
        writer.close()
    fresh = Repository(store_dir)
    fresh.open()
    assert {e.id for e in fresh.active()} == {first.id, second.id}


def test_a_brand_new_folder_on_a_full_disk_saves_once_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "new" / "store"
    repo = Repository(store_dir)
    failing(monkeypatch, "open", errno.ENOSPC, inside=tmp_path / "new")
    failing(monkeypatch, "mkdir", errno.ENOSPC, inside=tmp_path / "new")
    with pytest.raises(StoreError) as caught:
        repo.open()
    assert caught.value.key == "cannot_use_folder" and cause(caught.value) == "The disk is full."
    results = Results()
    writer = Writer(repo, results, retry_delays=(3600,))
    try:
        pause = episode(repair_minutes=None)
        writer.save_active(pause)
        assert not writer.flush(1.0)
        assert results.last().error.endswith("The disk is full.")
        monkeypatch.undo()  # space was freed
        assert writer.flush(5.0)
    finally:
        writer.close()
    fresh = Repository(store_dir)
    fresh.open()
    assert fresh.active() == [pause]


def test_the_folder_removed_while_running_is_reported_not_silently_made_again(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    guard_calls = []

    def guard() -> None:  # what the app's guard says when the folder is gone
        guard_calls.append(1)
        if not data.exists():
            from couplepause.store.errors import StoreUnavailable

            raise StoreUnavailable("folder_gone")

    repo = Repository(data / "store", guard=guard)
    repo.open()
    repo.save_active(episode(repair_minutes=None))
    shutil.rmtree(data)
    results = Results()
    writer = Writer(repo, results, retry_delays=(3600,))
    try:
        writer.save_active(episode("2025-04-01T20:00:00.000+02:00", repair_minutes=None))
        assert not writer.flush(1.0)
        assert results.last().error == "The data folder is no longer there."
        assert not data.exists()  # nothing made again behind the couple's back
        assert len(writer.unwritten()) == 1
    finally:
        writer.close(0.5)


def test_the_store_folder_replaced_by_a_file_is_set_aside_at_the_next_open(tmp_path: Path) -> None:
    store = tmp_path / "data" / "store"
    repo = Repository(store)
    repo.open()
    repo.save_active(episode(repair_minutes=None))
    shutil.rmtree(store)
    store.write_bytes(b"not a folder")
    report = Repository(store).open()
    assert len(report.set_aside) == 1 and report.set_aside[0].read_bytes() == b"not a folder"
    assert store.is_dir()


@pytest.mark.parametrize("what", ["active.json", "episodes/2025-03.json", "episodes"])
def test_a_folder_where_a_file_should_be_is_set_aside_and_told(store_dir: Path, what: str) -> None:
    repo = Repository(store_dir)
    repo.open()
    repo.archive(episode())
    repo.save_active(episode("2025-05-01T20:00:00.000+02:00", repair_minutes=None))
    target = store_dir / what
    if target.is_dir():
        shutil.rmtree(target)
        target.write_bytes(b"a file where the months folder should be")
    else:
        target.unlink()
        target.mkdir()
    lost = []
    again = Repository(store_dir, on_loss=lost.append)
    again.open()
    again.load_all()
    assert lost and lost == again.missing()
    assert {part.part for part in lost} == {{"active.json": "active", "episodes": "all"}.get(what, "2025-03")}


@pytest.mark.parametrize("content", [b"", b"null", b"[]", b'{"episodes": {"1": {"id": 1}}}', b"\x00" * 64])
def test_a_damaged_month_never_silently_shows_fewer_pauses(store_dir: Path, content: bytes) -> None:
    repo = Repository(store_dir)
    repo.open()
    repo.merge([episode("2025-03-14T21:04:05.123+01:00"), episode("2025-04-14T21:04:05.123+02:00")])
    (store_dir / "episodes" / "2025-03.json").write_bytes(content)
    fresh = Repository(store_dir)
    fresh.open()
    assert len(fresh.load_all()) == 1
    [missing] = fresh.missing()
    assert missing.part == "2025-03" and missing.path.read_bytes() == content


def test_errors_name_their_cause_for_every_errno_we_know() -> None:
    assert cause(OSError(errno.ENOTDIR, "x")) == "A file stands where the data folder should be."
    assert cause(OSError(errno.ENOENT, "x")) == "The data folder is no longer there."
