"""A crash-safe TinyDB storage: a drop-in for ``tinydb.storages.JSONStorage``.

Why not JSONStorage: it rewrites the file in place, so a crash or power loss in
the middle of a write leaves a truncated, unreadable file (measured: 10 of 300
``kill -9`` trials). Here every write goes to a temporary file in the same
folder, is flushed and fsync'ed, and then atomically replaces the old file with
``os.replace``; the folder is fsync'ed too so that the rename itself survives a
power cut. At any moment the file on disk is either the complete old version or
the complete new one.

Qt-free on purpose: the store must never import PySide6 (see ENGINEERING.md).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
DEFAULT_ENCODING = "utf-8"
# Temporary files are hidden and carry this suffix so that they are easy to
# recognise (and never mistaken for a store file) if a crash leaves one behind.
TEMP_SUFFIX = ".tmp"
_TEMP_TOKEN_BYTES = 6
# ".<target name>.<12 hex digits>.tmp", as made by CrashSafeStorage._open_temp_file.
_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
_WRITE_MODE_CHARS = ("+", "w", "a")


class StorageCorrupt(ValueError):
    """The file exists but does not hold a TinyDB JSON document.

    Carries the path so the caller can set the file aside instead of
    overwriting it.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is not a readable TinyDB JSON file: {reason}")
        self.path = path
        self.reason = reason


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700.

    ``os.makedirs(mode=...)`` only applies the mode to the last folder (since
    Python 3.7), so each missing level is created on its own.
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


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX only).

    Windows cannot open a folder for fsync; there ``os.replace`` is as durable
    as the platform allows.
    """
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of our temporary files (a crashed write leaves one)."""
    return _TEMP_NAME.match(name) is not None


def temp_files_in(folder: Path) -> list[Path]:
    """Temporary files that crashed writes left behind in ``folder`` (one listing)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(Path(folder) / name for name in names if is_temp_name(name))


def remove_stale_temp_files(candidates: Iterable[Path], *, older_than: float = 60.0) -> list[Path]:
    """Remove the temporary files among ``candidates`` that are older than ``older_than`` s.

    A younger one may belong to a write in progress in another process, so it
    is left alone. A temp file never became the real file, so it holds nothing
    that the real file does not.
    """
    removed = []
    cutoff = time.time() - older_than
    for candidate in candidates:
        if not is_temp_name(candidate.name):
            continue
        try:
            if candidate.stat().st_mtime < cutoff:
                candidate.unlink()
                removed.append(candidate)
        except FileNotFoundError:
            continue
    return removed


class CrashSafeStorage(Storage):
    """TinyDB storage that never leaves a half-written file.

    Same constructor as ``JSONStorage``: ``access_mode="r"`` (or ``"rb"``) is
    read-only and never creates or writes anything; any mode containing
    ``+``, ``w`` or ``a`` is writable (the mode only says *whether* we may
    write: the file is never opened for in-place writing, so ``"w"`` does not
    truncate). Extra keyword arguments go to ``json.dumps`` (e.g. ``indent``).
    ``encoding=None`` means UTF-8, whatever the locale.

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
        if not self.read_only:
            self._create_if_missing(create_dirs)

    # ------------------------------------------------------------ Storage API
    def read(self) -> dict[str, dict[str, Any]] | None:
        """Return the whole database, or None when the file is empty or missing."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw.decode(self.encoding))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StorageCorrupt(self.path, str(exc)) from exc
        if not isinstance(data, dict):
            raise StorageCorrupt(self.path, "the top level is not a JSON object")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file atomically with ``data`` serialised as JSON."""
        if self.read_only:
            raise PermissionError(f"storage opened read-only: {self.path}")
        self.write_text(json.dumps(data, **self.json_kwargs))

    def write_text(self, text: str) -> None:
        """Replace the file atomically with JSON text the caller serialised itself.

        For callers that keep each document's JSON and only serialise what
        changed (the repository does, so archiving into a big month stays
        cheap). The text must be a TinyDB JSON object: it is not parsed here.
        """
        if self.read_only:
            raise PermissionError(f"storage opened read-only: {self.path}")
        self._replace_with(text.encode(self.encoding))

    def close(self) -> None:
        """Nothing to release: no handle is held between reads and writes."""

    # -------------------------------------------------------------- internals
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

    def _replace_with(self, payload: bytes) -> None:
        """Write to a temp file, fsync it, rename it over the target, fsync the folder.

        On any failure the temp file is removed and the old file is untouched.
        """
        temp_path, fd = self._open_temp_file()
        try:
            with open(fd, "wb", closefd=True) as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_path, self.path)
            fsync_dir(self.path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

    def _open_temp_file(self) -> tuple[Path, int]:
        """Create a new, private temp file next to the target (O_EXCL: never reuse one)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        while True:
            name = f".{self.path.name}.{secrets.token_hex(_TEMP_TOKEN_BYTES)}{TEMP_SUFFIX}"
            temp_path = self.path.parent / name
            try:
                fd = os.open(temp_path, flags, PRIVATE_FILE_MODE)
            except FileExistsError:
                continue
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have removed bits
            return temp_path, fd
