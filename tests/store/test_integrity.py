"""Every kind of store file x deleted / truncated / zeroed / bit-flipped / garbage:
restored, told, or shown harmless; never a silent loss (tests/store/damage.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from couplepause.store import vault

from .damage import BACKUP_FILES, DAMAGES, PROTECTED_FILES, SILENT, STORE_FILES, make_folder, outcome

PLAIN_CASES = [(name, target, damage) for name, target in {**STORE_FILES, **BACKUP_FILES}.items() for damage in DAMAGES]
PROTECTED_CASES = [(name, target, damage) for name, target in PROTECTED_FILES.items() for damage in DAMAGES]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("damage")
    with pytest.MonkeyPatch.context() as patch:  # as the autouse fixture in tests/conftest.py
        patch.setattr(vault, "SCRYPT", {**vault.SCRYPT, "n": 2**10})
        for protect in (False, True):
            make_folder(root / f"template-{protect}", protect=protect)
    return {protect: root / f"template-{protect}" for protect in (False, True)}


@pytest.mark.parametrize(("name", "target", "damage"), PLAIN_CASES, ids=[f"{n}-{d}" for n, _t, d in PLAIN_CASES])
def test_a_damaged_file_of_a_plain_store_is_never_a_silent_loss(templates, tmp_path, name, target, damage):
    found = outcome(templates[False], tmp_path / "work", target, damage, protect=False)
    assert not found.startswith(SILENT), found
    if target in STORE_FILES.values() and name != "meta.json":
        assert found == "told, restored"  # every part of the history is told, and comes back


@pytest.mark.parametrize(("name", "target", "damage"), PROTECTED_CASES, ids=[f"{n}-{d}" for n, _t, d in PROTECTED_CASES])
def test_a_damaged_file_of_a_protected_store_is_never_a_silent_loss(templates, tmp_path, name, target, damage):
    found = outcome(templates[True], tmp_path / "work", target, damage, protect=True)
    assert not found.startswith(SILENT), found
