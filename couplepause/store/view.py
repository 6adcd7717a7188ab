"""Where the store's reads look.

A :class:`View` reads the files as they are, leaving out what is no part of the store: a
staged file (the next version of a file, written before a journaled change commits) and
the temp file of a write. A read-only look at a store whose journaled change is
committed but not applied yet sees the files as that change leaves them instead
(``journal.Pending``), so that read-only commands see the last committed state.

Qt-free, and light: ``files.py`` and ``journal.py`` build on it.
"""

from __future__ import annotations

import os
from pathlib import Path

from couplepause.store.atomic import is_temp_name

STAGED_SUFFIX = ".staged"  # a file's next version, written before a journaled change commits (journal.py)


def is_scratch(name: str) -> bool:
    """A file that is no part of the store: a staged version or a temp file."""
    return name.endswith(STAGED_SUFFIX) or is_temp_name(name)


class View:
    """The files as they are (what a crash left half-written is not there)."""

    def source(self, path: Path) -> Path | None:
        """The file that holds ``path``'s content (None: it is gone)."""
        return Path(path)

    def exists(self, path: Path) -> bool:
        """Whether there is a file (or folder) at ``path``."""
        source = self.source(path)
        return source is not None and source.exists()

    def names(self, folder: Path) -> list[str]:
        """The names in ``folder`` (raises as ``os.listdir`` does), staged and temp files left out."""
        return [name for name in os.listdir(folder) if not is_scratch(name)]

    def files_under(self, folder: Path) -> list[Path]:
        """Every file under ``folder`` (all its subfolders), sorted, staged and temp files left out."""
        return sorted(
            Path(top, name)
            for top, _dirs, names in os.walk(folder)
            for name in names
            if not is_scratch(name)
        )


DIRECT = View()
