"""A crash-safe TinyDB storage, a drop-in for ``tinydb.storages.JSONStorage``, and
the one atomic-write helper that the storage, the backups and the exporters share.

Why not JSONStorage: it rewrites the file in place, so a crash or power loss in
the middle of a write leaves a truncated, unreadable file. Here every write goes
to a temporary file in the same folder, is flushed and fsync'ed, and then takes
the target's name with ``os.replace``; the folder is fsync'ed too, so that the
rename itself survives a power cut. At any moment the file on disk is either the
complete old version or the complete new one.

Qt-free on purpose (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tinydb.storages import Storage

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
DEFAULT_ENCODING = "utf-8"
# Temporary files are hidden and carry this suffix so that they are easy to
# recognise (and never mistaken for a store file) if a crash leaves one behind.
TEMP_SUFFIX = ".tmp"
_TEMP_TOKEN_BYTES = 6
# ".<target name>.<12 hex digits>.tmp", as made by _open_temp_file.
_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
_WRITE_MODE_CHARS = ("+", "w", "a")


# ------------------------------------------------------------ folders and files
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


def _open_temp_file(target: Path) -> tuple[Path, int]:
    """A new, private temp file next to ``target`` (O_EXCL: never reuses one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = f".{target.name}.{secrets.token_hex(_TEMP_TOKEN_BYTES)}{TEMP_SUFFIX}"
        temp_path = target.parent / name
        try:
            fd = os.open(temp_path, flags, PRIVATE_FILE_MODE)
        except FileExistsError:
            continue
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have removed bits
        return temp_path, fd


@contextlib.contextmanager
def atomic_file(target: Path, *, overwrite: bool = True) -> Iterator[BinaryIO]:
    """A binary stream whose bytes take ``target``'s place all at once, or not at all.

    The bytes go to a private temp file in the same folder, are fsync'ed, then
    renamed over ``target`` and the folder is fsync'ed. With ``overwrite=False``
    an existing ``target`` is never replaced (``FileExistsError``), not even one
    that appeared while writing: the name is taken with a hard link, which fails
    instead of replacing (file systems without hard links fall back to a check
    and a rename). On any failure the temp file is removed and ``target`` is
    untouched.
    """
    target = Path(target)
    temp_path, fd = _open_temp_file(target)
    try:
        with open(fd, "wb", closefd=True) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temp_path, target)
        else:
            _link_without_overwrite(temp_path, target)
        fsync_dir(target.parent)
    finally:
        temp_path.unlink(missing_ok=True)


def _link_without_overwrite(temp_path: Path, target: Path) -> None:
    try:
        os.link(temp_path, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(17, "File exists", str(target)) from None
        os.replace(temp_path, target)


def atomic_write(target: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``target`` crash-safely (see :func:`atomic_file`)."""
    with atomic_file(target, overwrite=overwrite) as stream:
        stream.write(data)


# ------------------------------------------------------ temp files left by a crash
def is_temp_name(name: str) -> bool:
    """Whether a file name is one of our temporary files (a crashed write leaves one)."""
    return _TEMP_NAME.match(name) is not None


def temp_files_in(folder: Path) -> list[Path]:
    """Temporary files that crashed writes left behind in ``folder`` (one listing)."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(Path(folder) / name for name in names if is_temp_name(name))


def remove_stale_temp_files(candidates: Iterable[Path], *, older_than: float = 60.0) -> list[Path]:
    """Remove the temporary files among ``candidates`` older than ``older_than`` s.

    A younger one may belong to a write in progress in another process, so it is
    left alone. A temp file never became the real file, so it holds nothing that
    the real file does not.
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

    @staticmethod
    def write_new(path: Path, data: dict[str, Any], encoding: str = DEFAULT_ENCODING) -> None:
        """Write a whole database to ``path`` in one atomic write, as ``write`` does, without
        first creating an empty file (so a crash never leaves a half-made database)."""
        atomic_write(Path(path), json.dumps(data).encode(encoding))

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
