"""The commands that change or read a data folder's store: import, backups, restore,
protect and unprotect, with the data folder's lock and the passphrase.

Part of the command line (``cli.py`` parses and reports errors); every refusal is
a :class:`cli.Refused`, worded in ``[problems_cli]``; what a command did is worded
in ``[cli]``.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from couplepause.cli.shared import PASSPHRASE_ENV, data_dir_of, episodes_count, existing_data_dir
from couplepause.common.console import EXIT_OK, Refused, say
from couplepause.common.problems import Problem, on_command_line
from couplepause.common.texts import pauses, words

if TYPE_CHECKING:
    import argparse
    from pathlib import Path


def run(command: str, args: argparse.Namespace) -> int:
    if command == "import":
        return cmd_import(args)
    if command == "backups":
        return cmd_backups(args)
    if command == "restore":
        return cmd_restore(args)
    if command == "missing":
        return cmd_missing(args)
    return cmd_protection(args)


def cmd_import(args: argparse.Namespace) -> int:
    from couplepause.common import paths
    from couplepause.export import read_export_file
    from couplepause.export.import_rules import mending_text

    # Everything about the file is checked before the data folder is touched.
    checked = read_export_file(args.file, skip_contradictions=args.skip_contradictions)
    data_dir = data_dir_of(args)
    paths.ensure_data_dir(data_dir)

    with _data_folder_locked(data_dir, "import"):
        from couplepause.store.repository import Repository

        repo = Repository(paths.store_dir(data_dir))
        opened = repo.open()
        for set_aside in opened.set_aside:
            say(Problem("set_aside", path=set_aside))
        unlock(repo)
        report = repo.merge(checked.episodes, plan=checked.plan)
    print(import_summary(report.added, report.unchanged, list(report.conflicts)))
    mended = mending_text(checked.mended)
    if mended:
        print(mended)
    for left in checked.left_out:
        print(words("cli", "import_left_out", id=left.id, where=left.where, field=left.field,
                    reason=on_command_line(left.reason)))
    from couplepause.store.recovery import PLAN_ADOPTED, PLAN_KEPT

    if report.plan == PLAN_ADOPTED:  # the same plan as ours needs no word
        print(words("cli", "import_plan_adopted"))
    elif report.plan == PLAN_KEPT:
        print(words("cli", "import_plan_kept"))
    return EXIT_OK


def cmd_backups(args: argparse.Namespace) -> int:
    from couplepause.common import paths
    from couplepause.store.backups import Backups

    data_dir = data_dir_of(args)
    existing_data_dir(data_dir)
    backups = Backups(paths.backups_dir(data_dir))
    if paths.store_dir(data_dir).is_dir():
        from couplepause.store.repository import Repository

        repo = Repository(paths.store_dir(data_dir), read_only=True)
        repo.open()
        if repo.protection.protected and backups.list():
            unlock(repo)  # the counts of a protected history's backups are sealed
        backups = repo.backups
    listed = backups.list()
    if not listed:
        say(words("cli", "no_backups_yet", folder=data_dir))  # stdout stays an empty list
    for info in listed:
        moment = info.created_at.astimezone().isoformat(timespec="seconds")
        print(f"{info.id}\t{moment}\t{info.pauses}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from couplepause.common import paths
    from couplepause.store import recovery
    from couplepause.store.backups import BackupError
    from couplepause.store.repository import Repository

    data_dir = data_dir_of(args)
    if not paths.backups_dir(data_dir).is_dir():
        raise Refused("no_backups", folder=data_dir)
    with _data_folder_locked(data_dir, "restore"):
        repo = Repository(paths.store_dir(data_dir))
        repo.open()
        unlock(repo)
        try:
            report = recovery.restore(repo, args.backup_id)
        except BackupError as exc:
            raise Refused("restore_refused", problem=exc) from None
    when = report.backup.created_at.astimezone().isoformat(timespec="seconds")
    if report.kept_as:
        print(words("cli", "restored_kept", pauses=pauses(report.restored), when=when, kept=report.kept_as.id))
    else:
        print(words("cli", "restored", pauses=pauses(report.restored), when=when))
    return EXIT_OK


def cmd_missing(args: argparse.Namespace) -> int:
    """``missing``: what the store lacks, one per line (part, file, how, the newest backup
    that holds it); with ``--accept``, the couple go on without all of it (recorded)."""
    from couplepause.common import paths
    from couplepause.store.repository import Repository

    data_dir = data_dir_of(args)
    if not paths.store_dir(data_dir).is_dir():
        raise Refused("no_store", folder=data_dir)
    if not args.accept:
        repo = Repository(paths.store_dir(data_dir), read_only=True)
        repo.open()
        unlock(repo)
        repo.load_all()  # a damaged file is found by reading it
        return _list_missing(repo)
    with _data_folder_locked(data_dir, "missing"):
        repo = Repository(paths.store_dir(data_dir))
        repo.open()
        unlock(repo)
        repo.load_all()  # a damaged file is found (and set aside) by reading it
        parts = repo.missing()
        if not parts:
            say(words("cli", "nothing_missing"))
            return EXIT_OK
        repo.accept_loss(parts)
    print(words("cli", "missing_accepted", parts=", ".join(described_parts(parts))))
    return EXIT_OK


def _list_missing(repo) -> int:
    parts = repo.missing()
    if not parts:
        say(words("cli", "nothing_missing"))
        return EXIT_OK
    for part in parts:
        info = repo.backups.newest_with(part.part) if part.part != "all" else next(iter(repo.backups.list()), None)
        held = info.id if info is not None else "-"
        how = {"gone": words("cli", "missing_gone"), "set_aside": words("cli", "missing_set_aside"),
               "damaged": words("cli", "missing_damaged")}[_how(part)]
        print(f"{part.part}\t{part.path.name}\t{how}\t{held}")
    return EXIT_OK


def _how(part) -> str:
    """gone, set_aside, or damaged (found damaged by a read-only look, left in place)."""
    from couplepause.store.files import UNREADABLE_MARK

    return "gone" if part.gone else "set_aside" if UNREADABLE_MARK in part.path.name else "damaged"


def described_parts(parts) -> list[str]:
    """Each missing part as the command line names it: its file, and whether it is set aside or gone."""
    return [_described(part) for part in parts]


def _described(part) -> str:
    how = _how(part)
    if how == "gone":
        return on_command_line(Problem("gone_part", name=part.path.name))
    if how == "set_aside":
        return on_command_line(Problem("set_aside_part", name=part.path.name))
    return part.path.name


def cmd_protection(args: argparse.Namespace) -> int:
    """``protect`` and ``unprotect``: the passphrase set or removed, all files rewritten."""
    from couplepause.common import paths
    from couplepause.settings import Settings
    from couplepause.store.repository import Repository

    data_dir = data_dir_of(args)
    with _data_folder_locked(data_dir, args.command):
        repo = Repository(paths.store_dir(data_dir))
        repo.open()
        settings = Settings.for_data_dir(data_dir)
        if args.command == "protect":
            if repo.protection.protected:
                raise Refused("protected_already")
            passphrase = _passphrase(new=True)
            names = None
            if args.names:
                a, b = settings.partner_names("", "")
                names = {"a": a, "b": b}
            repo.protect(passphrase, names)
            if names is not None:
                settings.update({"partner_a": "", "partner_b": ""})
            print(words("cli", "protected"))
            return EXIT_OK
        if not repo.protection.protected:
            raise Refused("not_protected")
        unlock(repo)
        names = repo.unprotect()
        if names:
            settings.update({"partner_a": names["a"], "partner_b": names["b"]})
        print(words("cli", "unprotected"))
        return EXIT_OK


PASSPHRASE_MIN = 8


def _passphrase(*, new: bool) -> str:
    """The passphrase: from COUPLEPAUSE_PASSPHRASE, else typed on a terminal (twice for a
    new one), else a refusal that says how to give it."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is None:
        if not sys.stdin.isatty():
            raise Refused("passphrase_needed", env=PASSPHRASE_ENV)
        import getpass

        given = getpass.getpass(words("cli", "passphrase"))
        if new and getpass.getpass(words("cli", "passphrase_again")) != given:
            raise Refused("passphrases_differ")
    if new and len(given) < PASSPHRASE_MIN:
        raise Refused("passphrase_too_short", n=PASSPHRASE_MIN)
    return given


def unlock(repo) -> None:
    """Unlock a protected repository with the passphrase (a wrong one raises WrongPassphrase,
    which the command line words in its own way)."""
    if not repo.locked:
        return
    repo.unlock(_passphrase(new=False))


class _data_folder_locked:  # noqa: N801 - used as a context manager, like a function
    """Hold the data folder's single-instance lock, or stop with the real reason."""

    def __init__(self, data_dir: Path, task: str) -> None:
        self.data_dir, self.task = data_dir, task

    def __enter__(self) -> None:
        from couplepause.common import paths

        paths.ensure_data_dir(self.data_dir)
        from PySide6.QtCore import QLockFile

        self.lock = QLockFile(str(paths.lock_file(self.data_dir)))
        self.lock.setStaleLockTime(0)
        if self.lock.tryLock(0):
            paths.private_file(paths.lock_file(self.data_dir))
            return
        held = self.lock.error() == QLockFile.LockError.LockFailedError  # a lock file is there
        if held and _app_answers(paths.instance_key(self.data_dir)):
            raise Refused("app_open", folder=self.data_dir)
        # Full, read-only or not allowed before "busy": a lock file left by an earlier
        # run cannot be replaced on such a disk, and no command can be using it.
        problem = paths.cannot_write(self.data_dir)
        if held and problem is None:
            raise Refused("busy", folder=self.data_dir)
        raise Refused("cannot_lock", folder=self.data_dir, reason=problem or Problem("lock_held_elsewhere"))

    def __exit__(self, *exc: object) -> None:
        self.lock.unlock()


def _app_answers(key: str) -> bool:
    """Whether a running couplepause window listens on its local socket (only the app does)."""
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(key)
    answered = sock.waitForConnected(500)
    sock.abort()
    return answered


def import_summary(added: int, unchanged: int, conflicts: list[str]) -> str:
    """What an import did, in plain words: one line, plus one per conflict."""
    n = len(conflicts)
    here = words("cli", "here", n=unchanged)
    differ = words("cli", "differ", n=n)
    episodes = episodes_count(added)
    if unchanged and conflicts:
        line = words("cli", "imported_here_differ", episodes=episodes, here=here, differ=differ)
    elif unchanged:
        line = words("cli", "imported_here", episodes=episodes, here=here)
    elif conflicts:
        line = words("cli", "imported_differ", episodes=episodes, differ=differ)
    else:
        line = words("cli", "imported", episodes=episodes)
    return "\n".join([line] + [words("cli", "kept_stored", id=episode_id) for episode_id in conflicts])
