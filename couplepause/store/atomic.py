"""Writing files crash-safely: the one atomic-write helper that the store's Storage,
the backups and the exporters share, private folders, and the temp files a crash
may leave behind.

Every write goes to a temporary file in the same folder, is flushed and fsync'ed,
then takes the target's name with ``os.replace``; the folder is fsync'ed too, so
that the rename itself survives a power cut. At any moment the file on disk is
either the complete old version or the complete new one. What the systems do
differently (macOS' full sync, Windows' folders that cannot be synced and files an
antivirus holds a moment) is in :mod:`couplepause.common.platform_support`.

Qt-free, and light to import (the window's start-up makes its data folder with it).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from couplepause.common import platform_support

PRIVATE_FILE_MODE = 0o600
# Temporary files are hidden and carry this suffix so that they are easy to
# recognise (and never mistaken for a store file) if a crash leaves one behind.
TEMP_SUFFIX = ".tmp"
_TEMP_TOKEN_BYTES = 6
# ".<target name>.<12 hex digits>.tmp", as made by _open_temp_file.
_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
# The temp files this process is writing now: a sweep for what a crash left behind
# (remove_temp_file, at the next open) never takes one of them.
_in_flight: set[str] = set()  # absolute paths
_in_flight_lock = threading.Lock()


def _in_flight_key(path: Path) -> str:
    return os.path.abspath(path)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (Linux and macOS).

    Windows cannot open a folder for fsync; there ``os.replace`` is as durable
    as the platform allows.
    """
    if not platform_support.folders_sync():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        platform_support.fsync(fd)
    finally:
        os.close(fd)


def _open_temp_file(target: Path) -> tuple[Path, int]:
    """A new, private temp file next to ``target`` (O_EXCL: never reuses one), known to be
    in flight from before it exists until :func:`atomic_file` is done with it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = f".{target.name}.{os.urandom(_TEMP_TOKEN_BYTES).hex()}{TEMP_SUFFIX}"
        temp_path = target.parent / name
        with _in_flight_lock:
            _in_flight.add(_in_flight_key(temp_path))
        try:
            fd = os.open(temp_path, flags, PRIVATE_FILE_MODE)
        except FileExistsError:
            _forget(temp_path)  # another one's: never touched
            continue
        except BaseException:
            _forget(temp_path)
            raise
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have removed bits
        except BaseException:
            os.close(fd)
            _done_with(temp_path)
            raise
        return temp_path, fd


def _done_with(temp_path: Path) -> None:
    """The temp file removed (if it did not become the target) and no longer in flight."""
    temp_path.unlink(missing_ok=True)
    _forget(temp_path)


def _forget(temp_path: Path) -> None:
    with _in_flight_lock:
        _in_flight.discard(_in_flight_key(temp_path))


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
            platform_support.fsync(stream.fileno())
        if overwrite:
            platform_support.replace(temp_path, target)
        else:
            _link_without_overwrite(temp_path, target)
        fsync_dir(target.parent)
    finally:
        _done_with(temp_path)


def _link_without_overwrite(temp_path: Path, target: Path) -> None:
    try:
        os.link(temp_path, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(17, "File exists", str(target)) from None
        platform_support.replace(temp_path, target)


def write_durably(target: Path, data: bytes) -> None:
    """Write ``data`` to a new private file ``target`` (replacing one there) and fsync it;
    its folder is not fsync'ed (the caller does that once for many files). Not atomic:
    for files that count only once something else commits them (a journal's staged files)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
    with open(fd, "wb", closefd=True) as stream:
        if hasattr(os, "fchmod"):
            os.fchmod(stream.fileno(), PRIVATE_FILE_MODE)  # the umask may have removed bits
        stream.write(data)
        stream.flush()
        platform_support.fsync(stream.fileno())


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


def remove_temp_file(path: Path) -> bool:
    """Remove one temporary file a crashed write left, unless a write of this process is
    using it; True if it was removed. Only in a folder this process holds the
    single-instance lock of, so that no other process writes there."""
    with _in_flight_lock:
        if _in_flight_key(path) in _in_flight:
            return False
        try:
            Path(path).unlink()
        except FileNotFoundError:
            return False
    return True
