"""`couplepause protect` / `unprotect`, and every command that reads a protected history:
the passphrase from COUPLEPAUSE_PASSPHRASE, else a terminal, else exit 1 with a line."""

from __future__ import annotations

import json

import pytest

from couplepause.common import paths
from couplepause.store.repository import Repository

from ..factory import NOTE, sample
from .conftest import assert_one_error_line, seed, snapshot

PASS = "kettle on the windowsill"


@pytest.fixture
def protected_dir(run, data_dir, monkeypatch):
    seed(data_dir, sample())
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", PASS)
    result = run("--data-dir", data_dir, "protect")
    assert result.code == 0, result.err
    assert "cannot be recovered" in result.out
    monkeypatch.delenv("COUPLEPAUSE_PASSPHRASE")
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.unlock(PASS)
    repo.backup("daily")
    return data_dir


def test_protect_encrypts_and_every_reader_needs_the_passphrase(run, protected_dir, tmp_path, monkeypatch):
    files = b"".join(p.read_bytes() for p in protected_dir.rglob("*") if p.is_file())
    assert NOTE.encode() not in files
    for args in (["export", "--output", tmp_path / "o.json"], ["backups"], ["restore", "X"]):
        before = snapshot(protected_dir)
        result = run("--data-dir", protected_dir, *args)
        assert result.code == 1, args
        assert "COUPLEPAUSE_PASSPHRASE" in assert_one_error_line(result)
        assert snapshot(protected_dir) == before
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", "not the one at all")
    result = run("--data-dir", protected_dir, "export", "--output", tmp_path / "o.json")
    assert result.code == 1 and "doesn’t open" in assert_one_error_line(result)
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", PASS)
    result = run("--data-dir", protected_dir, "export", "--output", tmp_path / "o.json", "--include-notes")
    assert result.code == 0, result.err
    assert len(json.loads((tmp_path / "o.json").read_text("utf-8"))["episodes"]) == len(sample())
    listed = run("--data-dir", protected_dir, "backups")
    assert listed.code == 0 and listed.out.split("\t")[2].strip() == str(len(sample()))


def test_unprotect_gives_the_history_back_in_the_clear(run, protected_dir, monkeypatch):
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", PASS)
    result = run("--data-dir", protected_dir, "unprotect")
    assert result.code == 0, result.err
    repo = Repository(paths.store_dir(protected_dir), read_only=True)
    repo.open()
    assert not repo.locked and len(repo.load_all()) == len(sample())
    assert run("--data-dir", protected_dir, "unprotect").code == 1  # not protected any more


def test_a_short_or_missing_passphrase_changes_nothing(run, data_dir, monkeypatch):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    monkeypatch.setenv("COUPLEPAUSE_PASSPHRASE", "short")
    result = run("--data-dir", data_dir, "protect")
    assert result.code == 1 and "at least 8 characters" in assert_one_error_line(result)
    monkeypatch.delenv("COUPLEPAUSE_PASSPHRASE")
    result = run("--data-dir", data_dir, "protect")  # no terminal here, no variable
    assert result.code == 1 and "COUPLEPAUSE_PASSPHRASE" in assert_one_error_line(result)
    assert snapshot(data_dir) == before


def test_a_forgotten_passphrase_opens_nothing_but_a_pause_is_still_saved(protected_dir):
    from couplepause.store.vault import Locked, WrongPassphrase

    from ..store.conftest import episode

    repo = Repository(paths.store_dir(protected_dir))
    repo.open()
    for guess in ("kettle", "Kettle on the windowsill", "", PASS + " "):
        with pytest.raises(WrongPassphrase):
            repo.unlock(guess)
    with pytest.raises(Locked):
        repo.load_all()
    repo.save_active(episode(repair_minutes=None))  # never needs the passphrase
    assert repo.erase()  # and all can still be deleted, without it
    assert repo.load_all() == []
