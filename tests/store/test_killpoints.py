"""Every multi-file operation survives a kill before each one of its file-system changes:
import, restore, protect, unprotect, a new passphrase, migration, backup, rotation, delete
all, and filing what was sealed while locked. Every kill point, not a sample (the slow
sweeps; the everyday run tries a few points of some). What is checked after each kill:
tests/store/killpoint_cases.py; how the kill is made: tests/store/killpoints.py."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from couplepause.export import ExportOptions
from couplepause.export.json_format import JSON
from tests.store import killpoint_cases as cases
from tests.store.killpoints import changes, spread, sweep

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/fd").is_dir(),
                                reason="needs fork and /proc")

CRASHPOINT = Path("/work/shared/tools/crashpoint.py")
EVERYDAY = {"import": 3, "delete all": 2}  # kill points tried in the everyday run (all of them: -m slow)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(cases.CASES))
def test_every_kill_point_of(name: str, tmp_path: Path) -> None:
    with cases.faster():
        prepared = cases.prepare(cases.CASES[name], tmp_path)
        tally = sweep(name, prepared.template, prepared.case.act, prepared.check, tmp_path)
    assert tally.points == len(tally.changes) > 0
    assert tally.passed, tally.report()
    assert tally.outcomes.get("before") or tally.outcomes.get("after")


@pytest.mark.parametrize("name", list(EVERYDAY))
def test_a_few_kill_points_of(name: str, tmp_path: Path) -> None:
    with cases.faster():
        prepared = cases.prepare(cases.CASES[name], tmp_path)
        counting = tmp_path / "count"
        shutil.copytree(prepared.template, counting)
        total = len(changes(lambda: prepared.case.act(counting), counting))
        shutil.rmtree(counting)
        tally = sweep(name, prepared.template, prepared.case.act, prepared.check, tmp_path,
                      spread(total, EVERYDAY[name]))
    assert tally.points == min(total, EVERYDAY[name])
    assert tally.passed, tally.report()


# ---------------------------------------------------- the real command line agrees
def _normal(log: list[str]) -> list[str]:
    """Change lines without the temp files' random part, the backups' times and the command's lock file."""
    return sorted(
        re.sub(r"\d{8}T\d{6}Z", "ID", re.sub(r"\.[0-9a-f]{12}\.tmp$", ".X.tmp", line))
        for line in log
        if "couplepause.lock" not in line
    )


@pytest.mark.process
@pytest.mark.skipif(not CRASHPOINT.is_file(), reason="needs /work/shared/tools/crashpoint.py")
def test_the_command_line_is_killed_at_the_same_points(tmp_path: Path) -> None:
    """``couplepause import`` under crashpoint.py (a real process, killed with SIGKILL) makes
    the changes this harness counts for the same import, in the same numbers; killed at
    one of them, it leaves the store as before or as after."""
    # The command's own clock names its backup: told apart by reason and count, not by name.
    prepared = cases.prepare(dataclasses.replace(cases.CASES["import"], backup_ids=False), tmp_path)
    export = tmp_path / "import.json"
    JSON.export(cases.IMPORTED, ExportOptions(include_notes=True), export)
    from couplepause.export import read_export_file

    checked = read_export_file(export)

    def act(data: Path) -> None:
        repo = cases.Repository(cases.store_of(data))
        repo.open()
        repo.merge(checked.episodes, plan=checked.plan)  # the command's own clock: no now

    here = tmp_path / "here"
    shutil.copytree(prepared.template, here)
    ours = changes(lambda: act(here), here)

    def command(data: Path, kill_at: int, log: Path | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "CRASH_ROOT": str(data), "CRASH_AT": str(kill_at)}
        if log is not None:
            env["CRASH_LOG"] = str(log)
        return subprocess.run([sys.executable, str(CRASHPOINT), "cli", "--data-dir", str(data), "import", str(export)],
                              env=env, capture_output=True, text=True, timeout=120)

    counted = tmp_path / "counted"
    shutil.copytree(prepared.template, counted)
    log = tmp_path / "crash.log"
    done = command(counted, 0, log)
    assert done.returncode == 0, done.stderr
    theirs = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    assert _normal(theirs) == _normal(ours)
    # Killed as it commits (the journal written, nothing applied yet): the store as before,
    # to a read-only look too. The same point in the harness's count, the lock file aside.
    commit = next(i for i, line in enumerate(theirs, 1) if line.startswith("open .journal.json."))
    lock_changes = sum("couplepause.lock" in line for line in theirs[:commit])
    assert ours[commit - lock_changes - 1].startswith("open .journal.json.")
    killed = tmp_path / "killed"
    shutil.copytree(prepared.template, killed)
    assert command(killed, commit).returncode == -9
    point, outcome = prepared.check(killed)
    assert point.ok, point.problems()
    assert outcome == "before"
    # Killed once the journal has its name: committed, so the store is as after.
    assert theirs[commit].startswith("os.rename .journal.json.")
    killed_later = tmp_path / "killed-later"
    shutil.copytree(prepared.template, killed_later)
    assert command(killed_later, commit + 2).returncode == -9
    point, outcome = prepared.check(killed_later)
    assert point.ok, point.problems()
    assert outcome == "after"
