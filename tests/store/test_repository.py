"""Repository: layout, set-aside rule, migrations, and every public operation."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from couplepause.store import envelope as envelope_module
from couplepause.store import files
from couplepause.store.envelope import Format
from couplepause.store.repository import (
    SCHEMA_VERSION,
    EpisodeNotFound,
    InvalidEpisode,
    Repository,
    StoreError,
    StoreReadOnly,
    StoreTooNew,
)
from couplepause.store.storage import CrashSafeStorage

SET_ASIDE = re.compile(r"^(?P<name>.+)\.unreadable-\d{8}T\d{6}(-\d+)?$")


def set_aside_as(path: Path, name: str) -> bool:
    """Whether ``path`` is ``name`` set aside (with its time stamp)."""
    match = SET_ASIDE.match(path.name)
    return match is not None and match["name"] == name




def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tinydb_docs(path: Path, table: str = "episodes") -> list[dict]:
    with TinyDB(path, storage=CrashSafeStorage, access_mode="r") as db:
        return db.table(table).all()


def reopened(folder: Path, **kwargs: bool) -> Repository:
    repo = Repository(folder, **kwargs)
    repo.open()
    return repo


# ------------------------------------------------------------------ layout
def test_constructor_does_no_io(store_dir: Path) -> None:
    Repository(store_dir)
    assert not store_dir.parent.exists()


def test_open_creates_private_folder_and_meta(repo: Repository, store_dir: Path) -> None:
    assert mode_of(store_dir) == 0o700
    assert tinydb_docs(store_dir / "meta.json", "meta") == [{"schema_version": SCHEMA_VERSION}]
    assert mode_of(store_dir / "meta.json") == 0o600


def test_files_are_private_and_plain_tinydb(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    open_one = make_episode(repair_minutes=None)
    done = make_episode("2025-01-10T08:00:00.000+01:00")
    repo.save_active(open_one)
    repo.archive(done)
    month = store_dir / "episodes" / "2025-01.json"
    assert tinydb_docs(store_dir / "active.json") == [open_one.to_record()]
    assert tinydb_docs(month) == [done.to_record()]
    assert mode_of(store_dir / "episodes") == 0o700
    assert all(mode_of(path) == 0o600 for path in repo.files())
    assert set(repo.files()) == {store_dir / "meta.json", store_dir / "active.json", month}


def test_files_are_byte_for_byte_what_json_dumps_writes(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    month = store_dir / "episodes" / "2025-03.json"
    month.parent.mkdir()
    files.write_tables(month, {"notes": [{"x": "ü"}]})
    march = [make_episode(f"2025-03-{day:02d}T20:00:00.000+01:00") for day in range(1, 8)]
    repo.merge(march[:4])
    for episode in march[4:]:
        repo.archive(episode)
    repo.update(march[0].with_changes(note="Łódź 😊"))
    repo.delete(march[2].id)
    repo.save_active(make_episode(repair_minutes=None))
    for path in repo.files():
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text)), path.name
    assert len(tinydb_docs(month)) == 6


def test_month_is_the_utc_month_of_the_pause(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    late_evening = make_episode("2024-03-31T23:30:00.000-02:00")  # 2024-04-01 01:30 UTC
    repo.archive(late_evening)
    assert (store_dir / "episodes" / "2024-04.json").exists()
    assert not (store_dir / "episodes" / "2024-03.json").exists()


def test_first_use_opens_a_store_that_was_not_opened(store_dir: Path, make_episode) -> None:
    repo = Repository(store_dir)
    assert repo.active() == []
    repo.save_active(make_episode(repair_minutes=None))
    assert len(reopened(store_dir).active()) == 1
    blocked = Repository(store_dir.parent / "meta.json" / "store", read_only=True)
    assert blocked.active() == []
    with pytest.raises(StoreReadOnly):
        Repository(store_dir, read_only=True).save_active(make_episode())


def test_store_is_qt_free() -> None:
    code = (
        "import sys\n"
        "import couplepause.store.repository, couplepause.store.writer, couplepause.store.storage\n"
        "qt = ('PySide6', 'shiboken6', 'pyqtgraph')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in qt]\n"
        "bad += [m for m in ('couplepause.common.paths', 'couplepause.settings') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------- active episodes
def test_save_active_inserts_replaces_and_sorts(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    later = make_episode("2025-05-02T10:00:00.000+02:00", repair_minutes=None)
    earlier = make_episode("2025-05-01T10:00:00.000+02:00", repair_minutes=None)
    repo.save_active(later)
    repo.save_active(earlier)
    on_break = later.with_changes(note="back at nine")
    repo.save_active(on_break)
    assert repo.active() == [earlier, on_break]
    assert reopened(store_dir).active() == [earlier, on_break]
    assert len(tinydb_docs(store_dir / "active.json")) == 2


def test_archive_moves_episode_out_of_active(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    ongoing = make_episode(repair_minutes=None)
    repo.save_active(ongoing)
    done = ongoing.repaired(wall_now=ongoing.paused_at, monotonic_seconds=300).with_changes(
        closed=True
    )
    repo.archive(done)
    assert repo.active() == []
    assert repo.get(done.id) == done
    fresh = reopened(store_dir)
    assert fresh.active() == []
    assert fresh.load_all() == [done]


def test_crash_inside_archive_keeps_the_month_copy(
    repo: Repository, store_dir: Path, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    ongoing = make_episode(repair_minutes=None)
    repo.save_active(ongoing)
    done = ongoing.with_changes(note="done", closed=True)
    real_write = envelope_module.atomic_write

    def crash_on_active(path: Path, data: bytes, **kwargs) -> None:
        if Path(path).name == "active.json":
            raise KeyboardInterrupt("power cut")  # stands in for the process dying here
        real_write(path, data, **kwargs)

    monkeypatch.setattr(envelope_module, "atomic_write", crash_on_active)
    with pytest.raises(KeyboardInterrupt):
        repo.archive(done)
    monkeypatch.undo()
    assert tinydb_docs(store_dir / "active.json") == [ongoing.to_record()]

    fresh = reopened(store_dir)
    assert fresh.active() == []
    assert tinydb_docs(store_dir / "active.json") == []
    assert fresh.load_all() == [done]
    assert fresh.count() == 1


def test_read_only_open_hides_the_duplicate_without_writing(
    repo: Repository, store_dir: Path, make_episode, snapshot
) -> None:
    done = make_episode()
    repo.archive(done)
    repo.save_active(done.with_changes(closed=False))  # as if archive had crashed
    before = snapshot(store_dir)
    view = reopened(store_dir, read_only=True)
    assert view.active() == []
    assert view.load_all() == [done]
    assert snapshot(store_dir) == before


def test_open_reads_only_meta_and_active(
    repo: Repository, store_dir: Path, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.merge(
        [make_episode(f"20{y}-0{m}-10T20:00:00.000+01:00") for y in (23, 24) for m in (1, 5)]
    )
    repo.save_active(make_episode("2025-06-01T20:00:00.000+02:00", repair_minutes=None))
    read: list[str] = []
    real_decode = Format.decode

    def recording_decode(self: Format, raw: bytes, part: str):
        read.append(part.rsplit("/", 1)[-1] + ".json")
        return real_decode(self, raw, part)

    monkeypatch.setattr(Format, "decode", recording_decode)
    reopened(store_dir)
    assert set(read) == {"active.json", "meta.json"}


# ------------------------------------------------------------------ set aside
@pytest.mark.parametrize(
    "content",
    [
        b'{"episodes": {"1": {"id"',
        b'{"episodes": []}',
        b'{"episodes": {"x": {}}}',
        b'{"episodes": {"1": {"id": "not-a-uuid", "paused_at": "2025-01-01T10:00:00+01:00"}}}',
        (b'{"episodes": {"1": {"id": "0b6f2a52-1f4e-4a57-9a0b-1b8f2b0d3c11", '
        b'"paused_at": "2025-01-01T10:00:00+01:00", "turns": [1]}}}'),
    ],
)
def test_unreadable_active_is_set_aside_and_store_starts_empty(
    store_dir: Path, content: bytes, make_episode
) -> None:
    store_dir.mkdir(parents=True)
    (store_dir / "active.json").write_bytes(content)
    repo = Repository(store_dir)
    report = repo.open()
    [moved] = report.set_aside
    assert set_aside_as(moved, "active.json")
    assert moved.read_bytes() == content
    assert repo.active() == []
    repo.save_active(make_episode(repair_minutes=None))
    assert moved.read_bytes() == content
    assert repo.set_aside == [moved]


def test_set_aside_never_overwrites_an_earlier_one(store_dir: Path) -> None:
    store_dir.mkdir(parents=True)
    names = []
    for attempt in range(3):
        (store_dir / "active.json").write_text(f"broken {attempt}", encoding="utf-8")
        names += [path.name for path in Repository(store_dir).open().set_aside]
    assert len(set(names)) == 3 and all(set_aside_as(Path(name), "active.json") for name in names)
    assert [(store_dir / name).read_text(encoding="utf-8") for name in names] == [
        "broken 0",
        "broken 1",
        "broken 2",
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"{{{",
        b'{"meta": {}}',
        b'{"meta": {"1": {"schema_version": "one"}}}',
        b'{"meta": {"1": {}}}',
    ],
)
def test_unreadable_meta_is_set_aside_and_rewritten(store_dir: Path, content: bytes) -> None:
    store_dir.mkdir(parents=True)
    (store_dir / "meta.json").write_bytes(content)
    report = Repository(store_dir).open()
    [moved] = report.set_aside
    assert set_aside_as(moved, "meta.json") and moved.read_bytes() == content
    assert tinydb_docs(store_dir / "meta.json", "meta") == [{"schema_version": SCHEMA_VERSION}]


def test_unreadable_month_is_set_aside_by_load_all(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    kept = make_episode("2025-02-10T20:00:00.000+01:00")
    repo.archive(kept)
    broken = store_dir / "episodes" / "2025-01.json"
    broken.write_bytes(b'{"episodes": {"1": ')
    assert repo.load_all() == [kept]
    [moved] = repo.set_aside
    assert moved.parent == store_dir / "episodes" and set_aside_as(moved, "2025-01.json")
    assert not broken.exists()
    assert repo.load_all() == [kept]  # the set-aside file is not a month file any more


def test_archive_into_unreadable_month_sets_it_aside_first(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    month = store_dir / "episodes" / "2025-03.json"
    month.parent.mkdir()
    month.write_bytes(b"not json")
    episode = make_episode("2025-03-14T21:04:05.123+01:00")
    repo.archive(episode)
    [moved] = repo.set_aside
    assert set_aside_as(moved, "2025-03.json") and moved.read_bytes() == b"not json"
    assert tinydb_docs(month) == [episode.to_record()]


def test_read_only_never_sets_aside_and_reports_unreadable(store_dir: Path, snapshot) -> None:
    (store_dir / "episodes").mkdir(parents=True)
    (store_dir / "active.json").write_bytes(b"garbage")
    (store_dir / "episodes" / "2025-01.json").write_bytes(b"garbage")
    before = snapshot(store_dir)
    repo = Repository(store_dir, read_only=True)
    report = repo.open()
    assert report.set_aside == []
    assert report.unreadable == [store_dir / "active.json"]
    assert repo.load_all() == []
    assert repo.unreadable == [store_dir / "active.json", store_dir / "episodes" / "2025-01.json"]
    assert snapshot(store_dir) == before


def test_read_only_on_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "none" / "store", read_only=True)
    assert repo.open().set_aside == []
    assert repo.active() == [] and repo.load_all() == [] and repo.count() == 0
    assert repo.latest_repaired() is None
    assert not (tmp_path / "none").exists()


def test_other_tables_in_a_file_are_kept(repo: Repository, store_dir: Path, make_episode) -> None:
    month = store_dir / "episodes" / "2025-03.json"
    month.parent.mkdir()
    files.write_tables(month, {"notes": [{"x": 1}], "episodes": []})
    repo.archive(make_episode("2025-03-14T21:04:05.123+01:00"))
    assert tinydb_docs(month, "notes") == [{"x": 1}]


def test_temp_files_left_anywhere_are_cleaned_at_open(repo: Repository, store_dir: Path, make_episode) -> None:
    repo.archive(make_episode())
    repo.backup("daily")
    left = [store_dir / ".active.json.0123456789ab.tmp",
            store_dir / "episodes" / ".2025-03.json.staged.0123456789ab.tmp",
            next(store_dir.parent.glob("backups/*")) / ".meta.json.0123456789ab.tmp"]
    for leftover in left:
        leftover.write_text("{", encoding="utf-8")  # as young as can be: ours, under the lock
    reopened(store_dir)
    assert not any(leftover.exists() for leftover in left)


def test_stale_temp_files_among_months_are_cleaned_by_load_all(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    repo.archive(make_episode())
    leftover = store_dir / "episodes" / ".2025-03.json.0123456789ab.tmp"
    leftover.write_text("{", encoding="utf-8")
    os.utime(leftover, (1_000_000_000, 1_000_000_000))
    assert len(repo.load_all()) == 1
    assert not leftover.exists()


def test_a_read_only_look_sees_the_last_committed_change(
    repo: Repository, store_dir: Path, make_episode, monkeypatch: pytest.MonkeyPatch, snapshot
) -> None:
    """A kill right after an import committed (its journal written) and before a file took
    its new name: ``export`` and ``backups`` already see the import, and write nothing."""
    from couplepause.store import journal

    first = make_episode("2025-03-14T21:04:05.123+01:00")
    repo.archive(first)
    new = [make_episode("2025-03-20T20:00:00.000+01:00"), make_episode("2025-06-01T20:00:00.000+02:00")]

    class Killed(BaseException):
        pass

    def killed(_root, _steps):
        raise Killed()

    monkeypatch.setattr(journal, "_apply", killed)
    with pytest.raises(Killed):
        repo.merge(new)
    monkeypatch.undo()
    before = snapshot(store_dir.parent)
    look = Repository(store_dir, read_only=True)
    look.open()
    wanted = sorted([first.id, *(e.id for e in new)])
    assert sorted(e.id for e in look.load_all()) == wanted
    assert look.count() == 3 and look.get(new[1].id) == new[1]
    assert [b.pauses for b in look.backups.list()] == [1]  # the import's backup first
    assert snapshot(store_dir.parent) == before
    writable = Repository(store_dir)
    writable.open()  # finishes the import
    assert sorted(e.id for e in writable.load_all()) == wanted
    assert not list(store_dir.parent.rglob("*.staged")) and not (store_dir.parent / "journal.json").exists()


def test_a_read_only_look_ignores_what_never_committed(repo: Repository, store_dir: Path, make_episode) -> None:
    from couplepause.store.files import write_tables

    repo.archive(make_episode("2025-03-14T21:04:05.123+01:00"))
    staged = make_episode("2025-04-01T20:00:00.000+02:00").to_record()
    write_tables(store_dir / "episodes" / "2025-04.json.staged", {"episodes": [staged]})  # no journal: not committed
    look = Repository(store_dir, read_only=True)
    look.open()
    assert len(look.load_all()) == 1


def test_a_database_whose_table_is_not_one_is_unreadable_not_an_error(store_dir: Path) -> None:
    """The AttributeError that a staged temp file left in a backup folder gave a passphrase
    change (an encrypted file read as a plain one): damage, said as such."""
    from couplepause.store.files import Unreadable, read_tables

    store_dir.mkdir(parents=True)
    odd = store_dir / "odd.json"
    odd.write_text('{"episodes": {}, "nonce": "not a table"}', encoding="utf-8")
    with pytest.raises(Unreadable):
        read_tables(odd)


# ------------------------------------------------------------------ versions
def write_meta(store_dir: Path, version: int) -> None:
    CrashSafeStorage(store_dir / "meta.json").write({"meta": {"1": {"schema_version": version}}})


def test_newer_store_is_refused_and_untouched(
    repo: Repository, store_dir: Path, make_episode, snapshot
) -> None:
    repo.save_active(make_episode(repair_minutes=None))
    (store_dir / "active.json").write_bytes(b"format of the future")
    write_meta(store_dir, 7)
    before = snapshot(store_dir.parent)
    for read_only in (False, True):
        with pytest.raises(StoreTooNew, match="newer version"):
            Repository(store_dir, read_only=read_only).open()
    assert snapshot(store_dir.parent) == before


def test_newer_meta_with_an_unknown_shape_is_still_refused(store_dir: Path, snapshot) -> None:
    store_dir.mkdir(parents=True)
    CrashSafeStorage(store_dir / "meta.json").write(
        {"meta": {"1": {"schema_version": SCHEMA_VERSION + 1}, "2": {"codec": "zstd"}}}
    )
    before = snapshot(store_dir)
    with pytest.raises(StoreTooNew):
        Repository(store_dir).open()
    assert snapshot(store_dir) == before


# ------------------------------------------------------------------- queries
def test_latest_repaired_is_newest_by_pause(repo: Repository, make_episode) -> None:
    assert repo.latest_repaired() is None
    old = make_episode("2024-11-03T20:00:00.000+01:00", repair_minutes=30)
    newer = make_episode("2025-01-05T20:00:00.000+01:00", repair_minutes=12)
    unrepaired = make_episode("2025-01-20T20:00:00.000+01:00", repair_minutes=None, closed=True)
    repo.merge([old, newer, unrepaired])
    assert repo.latest_repaired() == newer
    in_progress = make_episode("2025-02-01T20:00:00.000+01:00", repair_minutes=4, closed=False)
    repo.save_active(in_progress)
    assert repo.latest_repaired() == in_progress


def test_latest_repaired_stops_early_and_respects_limit(
    repo: Repository, store_dir: Path, make_episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    months = [f"2023-{m:02d}-10T20:00:00.000+01:00" for m in range(1, 13)]
    repo.merge(
        [make_episode(months[0])]
        + [make_episode(m, repair_minutes=None, closed=True) for m in months[1:]]
    )
    repo.merge([make_episode("2024-01-10T20:00:00.000+01:00")])
    read: list[str] = []
    real_decode = Format.decode

    def recording_decode(self: Format, raw: bytes, part: str):
        read.append(part.rsplit("/", 1)[-1] + ".json")
        return real_decode(self, raw, part)

    monkeypatch.setattr(Format, "decode", recording_decode)
    fresh = reopened(store_dir)  # nothing cached yet
    read.clear()
    assert fresh.latest_repaired().paused_at.year == 2024
    assert set(read) == {"2024-01.json"}
    fresh.delete(fresh.latest_repaired().id)
    fresh = reopened(store_dir)
    read.clear()
    assert fresh.latest_repaired(limit_files=5) is None
    assert len(set(read)) == 5
    assert fresh.latest_repaired(limit_files=24).paused_at.month == 1


def test_load_all_sorted_with_active(repo: Repository, make_episode) -> None:
    a = make_episode("2025-03-01T10:00:00.000+01:00")
    b = make_episode("2024-12-01T10:00:00.000+01:00")
    c = make_episode("2025-04-01T10:00:00.000+02:00", repair_minutes=None)
    repo.merge([a, b])
    repo.save_active(c)
    assert repo.load_all() == [b, a, c]
    assert repo.count() == 3


def test_get_finds_active_and_archived(repo: Repository, store_dir: Path, make_episode) -> None:
    archived = make_episode("2024-12-01T10:00:00.000+01:00")
    ongoing = make_episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    assert repo.get(ongoing.id) == ongoing
    assert reopened(store_dir).get(archived.id.upper()) == archived
    assert repo.get("0b6f2a52-1f4e-4a57-9a0b-1b8f2b0d3c11") is None


def test_update_replaces_wherever_it_lives(repo: Repository, store_dir: Path, make_episode) -> None:
    archived = make_episode("2024-12-01T10:00:00.000+01:00")
    ongoing = make_episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    repo.update(archived.with_changes(note="we laughed after"))
    repo.update(ongoing.with_changes(cycle="pursue_withdraw"))
    fresh = reopened(store_dir)
    assert fresh.get(archived.id).note == "we laughed after"
    assert fresh.active()[0].cycle == "pursue_withdraw"
    assert fresh.count() == 2


def test_update_moves_an_episode_whose_month_changed(
    repo: Repository, store_dir: Path, make_episode
) -> None:
    archived = make_episode("2024-12-01T10:00:00.000+01:00")
    repo.merge([archived])
    shift = timedelta(days=40)
    moved = archived.with_changes(
        paused_at=archived.paused_at + shift, repaired_at=archived.repaired_at + shift
    )
    repo.update(moved)
    assert tinydb_docs(store_dir / "episodes" / "2024-12.json") == []
    assert tinydb_docs(store_dir / "episodes" / "2025-01.json") == [moved.to_record()]
    assert repo.load_all() == [moved]


def test_an_episode_that_would_not_read_back_is_refused(
    repo: Repository, store_dir: Path, make_episode, snapshot
) -> None:
    good = make_episode("2024-12-01T10:00:00.000+01:00")
    repo.merge([good])
    repo.save_active(make_episode(repair_minutes=None))
    before = snapshot(store_dir)
    impossible = good.with_changes(repaired_at=good.paused_at - timedelta(minutes=1))
    for write in (repo.save_active, repo.archive, repo.update):
        with pytest.raises(InvalidEpisode, match="not valid"):
            write(impossible)
    assert snapshot(store_dir) == before


def test_update_of_an_unknown_episode_raises(repo: Repository, make_episode) -> None:
    with pytest.raises(EpisodeNotFound):
        repo.update(make_episode())


def test_delete_removes_everywhere(repo: Repository, store_dir: Path, make_episode) -> None:
    archived = make_episode("2024-12-01T10:00:00.000+01:00")
    ongoing = make_episode(repair_minutes=None)
    repo.merge([archived])
    repo.save_active(ongoing)
    assert repo.delete(archived.id) == archived
    assert repo.delete(ongoing.id) == ongoing
    assert repo.delete(ongoing.id) is None
    assert reopened(store_dir).load_all() == []


# --------------------------------------------------------------------- merge
def test_merge_adds_counts_and_reports_conflicts(
    repo: Repository, store_dir: Path, make_episode, monkeypatch: pytest.MonkeyPatch, snapshot
) -> None:
    stored = make_episode("2025-01-10T20:00:00.000+01:00", note="ours")
    repo.merge([stored])
    incoming = [
        stored,
        stored.with_changes(note="theirs"),
        make_episode("2025-01-11T20:00:00.000+01:00"),
        make_episode("2025-01-12T20:00:00.000+01:00"),
        make_episode("2025-03-12T20:00:00.000+01:00"),
    ]
    report = repo.merge(incoming)
    assert (report.added, report.unchanged, report.conflicts) == (3, 1, [stored.id])
    assert repo.get(stored.id).note == "ours"
    assert repo.count() == 4

    before = snapshot(store_dir.parent)
    again = repo.merge(incoming)
    assert (again.added, again.unchanged, again.conflicts) == (0, 4, [stored.id])
    assert snapshot(store_dir.parent) == before  # not even a backup


def test_merge_compares_with_active_episodes_too(repo: Repository, make_episode) -> None:
    ongoing = make_episode(repair_minutes=None)
    repo.save_active(ongoing)
    report = repo.merge([ongoing])
    assert (report.added, report.unchanged) == (0, 1)
    assert repo.count() == 1


def test_merge_is_refused_read_only(repo: Repository, store_dir: Path, make_episode) -> None:
    view = reopened(store_dir, read_only=True)
    with pytest.raises(StoreReadOnly, match="read-only"):
        view.merge([make_episode()])


def test_merge_keeps_tinydb_doc_ids_unique(repo: Repository, store_dir: Path, make_episode) -> None:
    repo.merge([make_episode(f"2025-01-{day:02d}T20:00:00.000+01:00") for day in range(1, 11)])
    repo.merge([make_episode("2025-01-20T20:00:00.000+01:00")])
    raw = json.loads((store_dir / "episodes" / "2025-01.json").read_text(encoding="utf-8"))
    assert sorted(raw["episodes"], key=int) == [str(n) for n in range(1, 12)]


def test_open_wraps_os_errors_in_a_plain_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot use its data folder"):
        Repository(blocker / "store").open()


def test_aware_times_survive_a_round_trip(repo: Repository, store_dir: Path, make_episode) -> None:
    episode = make_episode(datetime.fromisoformat("2025-07-01T06:30:00.987+09:30"))
    repo.archive(episode)
    assert (
        reopened(store_dir).get(episode.id).paused_at.isoformat()
        == "2025-07-01T06:30:00.987000+09:30"
    )


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_killed_at_any_step_of_the_first_open_nothing_is_set_aside(tmp_path: Path) -> None:
    from tests.store.killpoints import crash_at, steps_of

    (tmp_path / "count").mkdir()
    steps = steps_of(lambda: Repository(tmp_path / "count" / "store").open(), tmp_path / "count")
    assert steps >= 4
    for step in range(steps):
        store = tmp_path / f"trial-{step}" / "store"
        store.parent.mkdir()
        crash_at(lambda store=store: Repository(store).open(), store.parent, step)
        report = Repository(store).open()
        assert report.set_aside == [], f"a crash before step {step} left a damaged-looking file"


def test_latest_repaired_leaves_practice_pauses_out(repo: Repository, make_episode) -> None:
    real = make_episode("2025-01-05T20:00:00.000+01:00", repair_minutes=12)
    practice = make_episode("2025-01-20T20:00:00.000+01:00", repair_minutes=3).with_changes(practice=True)
    repo.merge([real, practice])
    assert repo.latest_repaired() == real
    later = make_episode("2025-03-01T20:00:00.000+01:00", repair_minutes=2, closed=False).with_changes(practice=True)
    repo.save_active(later)  # in progress, and practice: still not "last time"
    assert repo.latest_repaired() == real
    only = make_episode("2025-04-01T20:00:00.000+01:00", repair_minutes=2).with_changes(practice=True)
    repo.delete(real.id)
    repo.merge([only])
    assert repo.latest_repaired() is None
    assert repo.get(practice.id).practice  # kept, and marked
