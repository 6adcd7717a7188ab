"""What the commands share: the data folder the command line names, the passphrase's
variable, counts in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from couplepause.common import paths
from couplepause.common.console import Refused
from couplepause.common.texts import words

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

PASSPHRASE_ENV = "COUPLEPAUSE_PASSPHRASE"  # protect and unprotect read the passphrase here, if set


def data_dir_of(args: argparse.Namespace) -> Path:
    return paths.resolve_data_dir(args.data_dir)


def existing_data_dir(data_dir: Path) -> None:
    """Commands that only read stop where there is no data folder (a mistyped --data-dir
    must not look like an empty history); they never create it."""
    if data_dir.exists() and not data_dir.is_dir():
        raise paths.DataDirError("data_dir_is_file", folder=data_dir)
    if not data_dir.exists():
        raise Refused("data_dir_missing", folder=data_dir, env=paths.ENV_DATA_DIR)


def episodes_count(n: int) -> str:
    """ "1 pause", "12 pauses"."""
    return words("cli", "episodes", n=n)
