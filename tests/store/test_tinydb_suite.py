"""CrashSafeStorage is a drop-in for JSONStorage: TinyDB's own test suite passes on it.

The suite ships in TinyDB's source distribution; ``.ci/run`` downloads the one
of the installed version and names its folder in COUPLEPAUSE_TINYDB_SUITE (the
tests never use the network themselves). Three of its tests are left out, on
purpose: one reads JSONStorage's private file handle, one expects a warning
where we refuse nothing (a bad access_mode), and one matches the storage's
class name in a repr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

SUITE_ENV = "COUPLEPAUSE_TINYDB_SUITE"
LEFT_OUT = (
    "tests/test_middlewares.py::test_caching_json_write",
    "tests/test_storages.py::test_json_invalid_mode_warning",
    "tests/test_tables.py::test_table_repr",
)


def suite_folder() -> Path | None:
    folder = os.environ.get(SUITE_ENV)
    return Path(folder) if folder and (Path(folder) / "tests").is_dir() else None


@pytest.mark.skipif(
    suite_folder() is None,
    reason=f"TinyDB's test suite is not here: set {SUITE_ENV} to an unpacked tinydb-"
    f"{version('tinydb')}.tar.gz (.ci/run does)",
)
def test_tinydb_s_own_suite_passes_on_crash_safe_storage() -> None:
    folder = suite_folder()
    assert folder is not None
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tinydb_as_ours", "-p", "no:cacheprovider",
               "--rootdir", str(folder), *(f"--deselect={name}" for name in LEFT_OUT), "tests"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
