"""Every file location in one place.

The data folder is QStandardPaths.AppDataLocation unless ``--data-dir`` or
COUPLEPAUSE_DATA_DIR says otherwise. The Qt-free store is handed the folders
it needs; it never asks Qt itself.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Mapping
from pathlib import Path

from couplepause import APP_NAME
from couplepause.common import platform_support
from couplepause.common.folders import make_private_dirs
from couplepause.common.problems import Problem, reason_of

ENV_DATA_DIR = "COUPLEPAUSE_DATA_DIR"


class DataDirError(Problem):
    """The data folder cannot be used (a file in its place, or it cannot be made)."""


def default_data_dir() -> Path:
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if not QCoreApplication.applicationName() or QCoreApplication.applicationName() == "python":
        QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName("")
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not location:
        location = str(Path.home() / ".local" / "share" / APP_NAME)
    return Path(location)


def resolve_data_dir(option: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: the command-line option, else the environment, else the default."""
    environ = os.environ if environ is None else environ
    chosen = option or environ.get(ENV_DATA_DIR) or None
    path = Path(chosen).expanduser() if chosen else default_data_dir()
    return path.absolute()


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder (mode 0700) if it is missing; check it is a usable folder."""
    if path.is_dir():
        return path
    if path.exists():
        raise DataDirError("data_dir_is_file", folder=path)
    try:
        make_private_dirs(path)
    except OSError as exc:
        raise DataDirError(
            "cannot_make_data_dir", folder=path, reason=making_problem(path, exc), detail=exc.strerror or exc
        ) from None
    return path


def making_problem(folder: Path, exc: OSError) -> Problem:
    """Why ``folder`` could not be made, in plain words: the file that stands where one
    of its folders should be, a place where no folder can be made, else the disk's
    answer (full, read-only, not allowed)."""
    import errno

    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        if in_the_way is not None:
            return Problem("file_in_path", path=in_the_way)
    if exc.errno == errno.ENOENT:
        nearest = next((p for p in folder.parents if p.is_dir()), folder.parent)
        return Problem("cannot_make_there", place=nearest)
    return reason_of(exc)


def private_file(path: Path) -> None:
    """Only this account may read ``path`` (e.g. the lock file Qt made, which names the host)."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def openness(path: Path) -> int:
    """The permission bits that let other accounts into ``path`` (0: only this one).
    Always 0 on Windows: its permission bits mean nothing (a folder in the account's
    profile is private by the profile's access control), so nothing is told there."""
    if not platform_support.mode_bits_matter():
        return 0
    try:
        return path.stat().st_mode & 0o077
    except OSError:
        return 0


def tighten(path: Path) -> bool:
    """Make the app's own data folder private again; True if it was open to others."""
    if not openness(path):
        return False
    try:
        os.chmod(path, 0o700)
    except OSError:
        return False
    return True


def store_dir(data_dir: Path) -> Path:
    return data_dir / "store"


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


def qt_settings_dir(data_dir: Path) -> Path:
    """Where Qt's own settings go (its file dialog's recent folders): inside the data
    folder, never in a shared file of the home folder."""
    return data_dir / "qt"


PROBE_BYTES = 4096  # one block: a full disk refuses it, though it may still make an empty file


def cannot_write(folder: Path) -> Problem | None:
    """Why nothing can be written in ``folder`` now (a full disk, a read-only one, no
    permission), found by writing a block there and syncing it; None if it can be."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(bytes(PROBE_BYTES))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return reason_of(exc)
    return None


def write_problem(folder: Path) -> Problem:
    """Why the data folder's lock cannot be taken where no couplepause holds it: the
    folder cannot be written (:func:`cannot_write`), else another program's lock file."""
    return cannot_write(folder) or Problem("lock_held_elsewhere")


def settings_file(data_dir: Path) -> Path:
    return data_dir / "settings.ini"


def lock_file(data_dir: Path) -> Path:
    return data_dir / "couplepause.lock"


def instance_key(data_dir: Path) -> str:
    """A name for the local socket of the instance that owns ``data_dir``."""
    real = os.fsencode(os.path.realpath(data_dir))  # the path's bytes as the system keeps them
    # Two checksums of the path, a short and stable name. zlib comes loaded with Qt;
    # hashlib would add about 2.5 ms to every start (docs/ARCHITECTURE.md).
    digest = f"{zlib.crc32(real):08x}{zlib.adler32(real):08x}"
    return f"{APP_NAME}-{platform_support.user_token()}-{digest}"
