"""What the saved history is missing, on the command line: ``export`` refuses with advice
that fits (a backup holds it, or none does), ``couplepause missing`` lists it, and
``missing --accept`` records once that the couple go on without it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from couplepause.common import paths
from couplepause.store.repository import Repository
from tests.cli.conftest import assert_one_error_line
from tests.store.conftest import episode

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
PASS = "kettle on the windowsill"


def seeded(data_dir, *, backup: bool) -> Repository:
    repo = Repository(paths.store_dir(data_dir), backups_dir=paths.backups_dir(data_dir))
    repo.open()
    repo.merge([episode(f"2025-{m:02d}-10T20:00:00.000+01:00", note=f"note {m}") for m in (1, 2, 3)], now=NOW)
    if backup:
        repo.backup("daily", NOW + timedelta(hours=1))
    return repo


def month(data_dir, name: str):
    return paths.store_dir(data_dir) / "episodes" / f"{name}.json"


def test_a_gone_month_that_a_backup_holds_stops_the_export_and_says_where_it_is(run, data_dir, tmp_path):
    [backup] = seeded(data_dir, backup=True).backups.list()
    month(data_dir, "2025-02").unlink()
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json")
    line = assert_one_error_line(result)
    assert result.code == 1 and "2025-02.json (missing)" in line and "bring them back from a backup" in line
    assert not (tmp_path / "out.json").exists()
    listed = run("--data-dir", data_dir, "missing")
    assert listed.code == 0 and listed.out.splitlines() == [f"2025-02\t2025-02.json\tgone\t{backup.id}"]


def test_a_loss_no_backup_holds_can_be_let_go_once(run, data_dir, tmp_path):
    seeded(data_dir, backup=False)
    month(data_dir, "2025-02").write_bytes(b"\0" * 50)
    refused = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json")
    line = assert_one_error_line(refused)
    assert "no backup holds them" in line and "couplepause missing --accept" in line
    assert run("--data-dir", data_dir, "missing").out.splitlines() == ["2025-02\t2025-02.json\tdamaged\t-"]  # a read-only look leaves it
    accepted = run("--data-dir", data_dir, "missing", "--accept")
    assert accepted.code == 0 and "2025-02.json" in accepted.out
    assert run("--data-dir", data_dir, "missing").err.strip() == "couplepause: nothing is missing"
    exported = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json")
    assert exported.code == 0, exported.err
    assert len(json.loads((tmp_path / "out.json").read_text())["episodes"]) == 2
    kept = [path.name for path in month(data_dir, "2025-02").parent.iterdir() if "unreadable" in path.name]
    assert len(kept) == 1 and kept[0].endswith(".accepted")  # the damaged file stays, marked


def test_a_flipped_bit_in_a_note_is_found(run, data_dir, tmp_path):
    seeded(data_dir, backup=True)
    path = month(data_dir, "2025-03")
    data = bytearray(path.read_bytes())
    at = data.index(b"note 3")
    data[at] ^= 0x01  # "note 3" becomes "ogte 3": still valid JSON, still a valid record
    path.write_bytes(bytes(data))
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json")
    assert result.code == 1 and "2025-03.json" in assert_one_error_line(result)


def test_an_export_of_a_protected_history_with_a_changed_header_is_refused(run, data_dir, tmp_path, monkeypatch):
    repo = seeded(data_dir, backup=False)
    repo.protect(PASS)
    repo.backup("daily", NOW + timedelta(days=1))
    store = paths.store_dir(data_dir)
    (store / "meta.json").unlink()
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", PASS)
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json")
    line = assert_one_error_line(result)
    assert result.code == 1 and "changed outside couplepause" in line
    assert not (tmp_path / "out.json").exists()
    skipped = run("--data-dir", data_dir, "export", "--output", tmp_path / "out.json", "--skip-unreadable")
    assert skipped.code == 0 and len(json.loads((tmp_path / "out.json").read_text())["episodes"]) == 3


def test_rotation_keeps_the_newest_backup_that_holds_what_the_store_lacks(data_dir):
    repo = seeded(data_dir, backup=True)
    [holding] = repo.backups.list()
    month(data_dir, "2025-02").unlink()
    repo.reopen()
    later = NOW + timedelta(days=60)  # long after: every rule of to_keep would let it go
    for day in range(4):
        repo.backup("daily", later + timedelta(days=day))
    assert holding.id not in repo.rotate_backups(later + timedelta(days=4))
    assert holding.folder.exists()
    assert [part.part for part in repo.missing()] == ["2025-02"]
