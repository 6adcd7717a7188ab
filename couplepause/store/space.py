"""Free space on the disk: a backup never takes the room a Pause needs.

Qt-free. :func:`room_for_backup` runs before a backup writes anything; a backup that
would leave less than the reserve free is not made (:class:`BackupNoRoom`), and the
Keeper tries again at its next round.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from couplepause.store.errors import StoreError

MIB = 1024 * 1024
# The room a backup must leave free. A pause is one small write, but archiving it and
# every change of several files (import, restore, protect, a migration) first write a
# new copy of what they change beside the old one, a backup before the change included:
# twice the store covers that. The floor keeps room for the settings, the error log, a
# rescue copy and the rest of the computer while the store itself is small.
RESERVE_MIN = 64 * MIB
RESERVE_STORES = 2
BLOCK = 4096  # a file takes whole blocks of the disk


class BackupNoRoom(StoreError):
    """A backup not made: the disk would keep too little room for the pauses after it.
    ``free`` and ``needed`` are in MiB (free rounded down, needed up)."""

    key = "backup_no_room"


def room_for_backup(folder: Path, files: dict[str, bytes]) -> None:
    """Raise BackupNoRoom unless the disk that holds ``folder`` (or will) takes a copy of
    ``files`` and still keeps the reserve free after it."""
    size = sum(len(data) for data in files.values())
    copies = sum(_blocks(len(data)) for data in files.values()) + BLOCK * (len(files) + 2)  # + folders, backup.json
    needed = copies + max(RESERVE_MIN, RESERVE_STORES * size)
    there = next(path for path in (Path(folder), *Path(folder).parents) if path.exists())
    free = shutil.disk_usage(there).free
    if free < needed:
        raise BackupNoRoom(free=free // MIB, needed=-(-needed // MIB))  # never more free, nor less needed, than is


def _blocks(size: int) -> int:
    return -(-size // BLOCK) * BLOCK
