"""A small error log in the data folder, for when something goes wrong.

``logs/couplepause.log``, at most three files of 256 KiB, private (0600). It keeps
what went wrong and where in the code, never what the couple wrote: a line is the
level, the part of the app and a message that names causes (a full disk, a damaged
file), not notes, names, ids or times; a failure's traceback is reduced to the
kind of error.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from couplepause.common import paths

MAX_BYTES = 256 * 1024
KEEP = 2
LEVEL = logging.WARNING


class _Plain(logging.Formatter):
    """Level, logger, message; for a failure only the kind of error, never its text. No
    time: when something went wrong could tell when the couple paused (the file's own
    time says when it was last written)."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" ({record.exc_info[0].__name__})"
        return line


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    def _open(self):  # the file handler's own opener: the log is private (0600)
        stream = super()._open()
        if hasattr(os, "fchmod"):
            os.fchmod(stream.fileno(), 0o600)
        return stream

    def handleError(self, record: logging.LogRecord) -> None:
        """A line the disk does not take (full, read-only) is left out: the window says
        what matters, and logging's own traceback must not reach the terminal."""


def start(data_dir: Path) -> Path | None:
    """Log warnings and errors to the data folder; the log's path (None if it cannot be made)."""
    from couplepause.common.folders import make_private_dirs

    folder = paths.logs_dir(data_dir)
    try:
        make_private_dirs(folder)
        handler = _PrivateRotatingFile(folder / "couplepause.log", maxBytes=MAX_BYTES, backupCount=KEEP,
                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(LEVEL)
    handler.setFormatter(_Plain())
    root = logging.getLogger("couplepause")
    root.addHandler(handler)
    root.setLevel(min(root.level or LEVEL, LEVEL) if root.level else LEVEL)
    return folder / "couplepause.log"


def stop() -> None:
    root = logging.getLogger("couplepause")
    for handler in list(root.handlers):
        if isinstance(handler, _PrivateRotatingFile):
            root.removeHandler(handler)
            handler.close()
