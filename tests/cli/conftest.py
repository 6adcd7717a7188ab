from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from couplepause.cli import commands as cli
from couplepause.common import paths

IGNORED = {"couplepause.lock"}  # the single-instance lock (logs/ too) may come and go


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def assert_one_error_line(result: Result, *, hint: bool = True) -> str:
    """Exactly one line on stderr, in the house form, and no traceback."""
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("couplepause: "), line
    if hint:  # "<what was wrong>; <what to do>"
        assert ";" in line, line
    assert "Traceback" not in result.err
    return line


@pytest.fixture
def run(capsys) -> Callable[..., Result]:
    """Run the command line in this process."""

    def run_cli(*args: str | Path) -> Result:
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run_cli


def subprocess_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(COUPLEPAUSE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    env.pop("COUPLEPAUSE_DEBUG", None)
    env.update(extra)
    return env


def run_subprocess(data_dir: Path, *args: str | Path, **env: str) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "couplepause", *map(str, args)],
        env=subprocess_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def seed(data_dir: Path, episodes) -> None:
    from couplepause.store.repository import Repository

    paths.ensure_data_dir(data_dir)
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge(list(episodes))


def stored(data_dir: Path) -> list:
    from couplepause.store.repository import Repository

    repo = Repository(paths.store_dir(data_dir), read_only=True)
    repo.open()
    return repo.load_all()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its hash (lock and log files aside)."""
    if not folder.exists():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] == "logs" or rel.name in IGNORED:
            continue
        found[str(rel)] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def load(path: Path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8"))
