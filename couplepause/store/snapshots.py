"""A copy of the store kept as a backup: the bytes of its files, taken under the
repository's lock, then written into a backup off it (``Repository.backup``, and the
migration's backup first). Explicit inputs, nothing of the repository. Qt-free.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from couplepause.store.backups import BackupInfo, Backups
from couplepause.store.files import EpisodeFiles
from couplepause.store.layout import Layout


def take(layout: Layout, months: list[Path]) -> dict[str, bytes]:
    """The bytes of every store file (relative name -> bytes); ``months``: the month files.
    Call it under the repository's lock, so that the files are of one moment."""
    taken: dict[str, bytes] = {}
    extra = [layout.sealed_path, layout.names_path, layout.plan_path]
    for path in [layout.meta_path, layout.active_path, *months, *extra]:
        try:
            taken[path.relative_to(layout.folder).as_posix()] = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue
    return taken


def keep_copy(
    backups: Backups,
    episode_files: EpisodeFiles,
    taken: dict[str, bytes],
    reason: str,
    now: datetime | None,
    version: int,
) -> BackupInfo:
    """Back up the store files ``taken`` (of schema ``version``); a damaged one is left
    out, and its original is set aside (and told) if it is still the same."""
    info, left_out = backups.make(taken, reason, now or datetime.now(UTC).astimezone(), version)
    for relative in left_out:
        path = episode_files.root / relative
        try:
            if path.read_bytes() == taken[relative]:
                episode_files.episodes(path)  # read: a damaged file is set aside and reported
        except (FileNotFoundError, IsADirectoryError):
            continue
    return info
