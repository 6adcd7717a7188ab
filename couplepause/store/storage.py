"""A crash-safe TinyDB storage, a drop-in for ``tinydb.storages.JSONStorage``.

Why not JSONStorage: it rewrites the file in place, so a crash or power loss in
the middle of a write leaves a truncated, unreadable file. Here every write goes
through :func:`~couplepause.store.atomic.atomic_write` (temp file, fsync, rename,
fsync of the folder): the file on disk is always the complete old version or the
complete new one.

Qt-free on purpose (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from couplepause.common.folders import make_private_dirs
from couplepause.store.atomic import PRIVATE_FILE_MODE, atomic_write

DEFAULT_ENCODING = "utf-8"
_WRITE_MODE_CHARS = ("+", "w", "a")


# ------------------------------------------------------------------- the Storage
class CrashSafeStorage(Storage):
    """TinyDB storage that never leaves a half-written file.

    Same constructor and behaviour as ``JSONStorage``: a missing file is created
    (private, 0600) unless ``access_mode`` is read-only (``"r"``/``"rb"``), where a
    missing file raises ``FileNotFoundError`` and writes raise ``PermissionError``.
    Any mode containing ``+``, ``w`` or ``a`` is writable; the mode only says
    *whether* we may write, as the file is never opened for in-place writing
    (``"w"`` does not truncate). ``encoding`` is used both ways (None: UTF-8);
    extra keyword arguments go to ``json.dumps`` (e.g. ``indent``). Reading
    raises what ``json`` raises for a damaged file.

    No file handle is kept open between calls, so ``close()`` has nothing to
    release and a Windows user can still copy the file while the app runs.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        create_dirs: bool = False,
        encoding: str | None = None,
        access_mode: str = "r+",
        **json_kwargs: Any,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.encoding = encoding or DEFAULT_ENCODING
        self.access_mode = access_mode
        self.json_kwargs = json_kwargs
        self.read_only = not any(char in access_mode for char in _WRITE_MODE_CHARS)
        if self.read_only:
            if not self.path.exists():
                raise FileNotFoundError(2, "No such file or directory", str(self.path))
        else:
            self._create_if_missing(create_dirs)

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The whole database, or None when the file is empty (or gone since)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        text = raw.decode(self.encoding)
        if not text.strip():
            return None
        return json.loads(text)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file atomically with ``data`` serialised as JSON."""
        if self.read_only:
            raise PermissionError(f'Cannot write to the database: it is open read-only ("{self.access_mode}")')
        atomic_write(self.path, json.dumps(data, **self.json_kwargs).encode(self.encoding))

    def close(self) -> None:
        """Nothing to release: no handle is held between reads and writes."""

    def _create_if_missing(self, create_dirs: bool) -> None:
        """Like JSONStorage's ``touch``, but private (0600) and never truncating."""
        if create_dirs:
            make_private_dirs(self.path.parent)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except FileExistsError:
            return
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have removed bits
        finally:
            os.close(fd)
