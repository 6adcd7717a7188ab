"""Private folders: only this account may open them, at every level that is made."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700.

    ``os.makedirs(mode=...)`` only applies the mode to the last folder, so each
    missing level is created on its own.
    """
    missing: list[Path] = []
    current = Path(folder)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # created meanwhile by someone else: fine
        os.chmod(level, PRIVATE_DIR_MODE)  # the umask may have removed bits
