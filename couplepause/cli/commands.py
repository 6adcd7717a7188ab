"""Command line: the GUI is the default command; export, import and open.

Exit codes: 0 ok, 2 usage error, 1 bad file or anything else. Every error is
one line on stderr, ``couplepause: <what was wrong>; <what to do>``, never a
traceback: a :class:`~couplepause.common.problems.Problem` in the command line's words
(``[problems_cli]`` of resources/words.toml, else ``[problems]``). Its other
words (``--help``, what a command did) are in ``[cli]``; flag names, metavars and
choices are syntax and stay here; argparse's own words (usage, its headings and
errors) are in ``[argparse]``. The language is the system's, or the one chosen in
Settings for the data folder a command uses (read by couplepause.settings, which loads
only Qt's core library for it). Heavy modules (Qt's GUI, the export package, jsonschema)
are imported only by the command that needs them, so ``--version`` and ``export`` stay
fast and need no display.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import argparse
    from datetime import date

from couplepause import APP_NAME, __version__
from couplepause.cli.shared import PASSPHRASE_ENV, data_dir_of, episodes_count, existing_data_dir
from couplepause.common.console import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    Refused,
    capture_unheard,
    say,
    show_unheard,
)
from couplepause.common.problems import Problem
from couplepause.common.texts import words

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DEBUG_ENV = "COUPLEPAUSE_DEBUG"


def _iso_date(text: str) -> date:
    import argparse
    from datetime import date

    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(str(Refused("not_a_date", text=text))) from None


def _argparse_in_our_words() -> None:
    """argparse says its own words ("usage:", "options", its usage errors) through its
    module's ``_``, as gettext would fill it: here from ``[argparse]``, where each
    text is argparse's English one, in every language (English too: gettext would look
    for an argparse catalogue on disk at each of its words)."""
    import argparse

    from couplepause.common import texts

    keys = {english: key for key, english in texts.source_words("argparse").items()}
    argparse._ = lambda message: words("argparse", keys[message]) if message in keys else message


def _speak_as_chosen(args: argparse.Namespace) -> None:
    """The language chosen in Settings for the data folder this command uses."""
    from couplepause.common import paths, texts
    from couplepause.settings import language_of

    texts.set_language(language_of(paths.settings_file(data_dir_of(args))))


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from couplepause.common.paths import ENV_DATA_DIR

    _argparse_in_our_words()

    class _Parser(argparse.ArgumentParser):
        """argparse that reports a usage error as one line and exits 2, and says
        "--help" in the command line's words (subcommands' parsers are of this class too)."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, add_help=False, allow_abbrev=False, **kwargs)
            self.add_argument("-h", "--help", action="help", help=words("cli", "help"))

        def error(self, message: str) -> NoReturn:
            say(Refused("usage", message=message, prog=self.prog))
            raise SystemExit(EXIT_USAGE)

    parser = _Parser(prog=APP_NAME, description=words("cli", "description"))
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}",
                        help=words("cli", "version"))
    parser.add_argument("--data-dir", metavar="PATH", help=words("cli", "data_dir", env=ENV_DATA_DIR))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help=words("cli", "gui"))

    export = commands.add_parser(
        "export", help=words("cli", "export"), description=words("cli", "export_description")
    )
    # The format is checked against the exporter registry by the export command
    # itself: the window's start does not wait for the registry to load.
    export.add_argument("--format", metavar="FORMAT", help=words("cli", "export_format"))
    export.add_argument("--output", required=True, metavar="FILE", type=Path)
    export.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD", help=words("cli", "export_since"))
    export.add_argument("--until", type=_iso_date, metavar="YYYY-MM-DD", help=words("cli", "export_until"))
    export.add_argument("--include-notes", action="store_true", help=words("cli", "export_include_notes"))
    export.add_argument("--include-names", action="store_true", help=words("cli", "export_include_names"))
    export.add_argument("--include-practice", action="store_true", help=words("cli", "export_include_practice"))
    export.add_argument("--include-plan", action="store_true", help=words("cli", "export_include_plan"))
    export.add_argument("--include-patterns", action="store_true", help=words("cli", "export_include_patterns"))
    export.add_argument("--force", action="store_true", help=words("cli", "export_force"))
    export.add_argument("--skip-unreadable", action="store_true", help=words("cli", "export_skip_unreadable"))

    imp = commands.add_parser(
        "import", help=words("cli", "import"), description=words("cli", "import_description")
    )
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.add_argument("--skip-contradictions", action="store_true", help=words("cli", "import_skip_contradictions"))

    commands.add_parser("backups", help=words("cli", "backups"))
    missing = commands.add_parser(
        "missing", help=words("cli", "missing"), description=words("cli", "missing_description")
    )
    missing.add_argument("--accept", action="store_true", help=words("cli", "missing_accept"))
    restorer = commands.add_parser("restore", help=words("cli", "restore"))
    restorer.add_argument("backup_id", metavar="ID", help=words("cli", "restore_id"))

    protector = commands.add_parser(
        "protect",
        help=words("cli", "protect", env=PASSPHRASE_ENV),
        description=words("cli", "protect_description"),
    )
    protector.add_argument("--names", action="store_true", help=words("cli", "protect_names"))
    commands.add_parser("unprotect", help=words("cli", "unprotect"))

    opener = commands.add_parser("open", help=words("cli", "open"))
    opener.add_argument("file", metavar="FILE", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return _code(exc.code)
    try:
        return _run(args)
    except SystemExit as exc:
        return _code(exc.code)
    except KeyboardInterrupt:
        say(Refused("interrupted"))
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into a line
        return _report(exc)


def window_main(argv: Sequence[str] | None = None) -> int:
    """The windowed launcher (``couplepause-window``: Windows' Start menu, no console;
    elsewhere the same as :func:`main`). Where there is no stderr to say a failure
    on (Windows' pythonw), its line is shown in a message box instead."""
    from couplepause.common import platform_support

    if platform_support.has_console():
        return main(argv)
    with capture_unheard():
        code = main(argv)
    show_unheard(code)
    return code


def _run(args: argparse.Namespace) -> int:
    command = args.command or "gui"
    if command not in ("gui", "open"):  # the window reads its settings itself; open has none
        _speak_as_chosen(args)
    if command == "export":
        if args.since and args.until and args.since > args.until:
            raise Refused(
                "since_after_until", since=args.since.isoformat(), until=args.until.isoformat(), exit_code=EXIT_USAGE
            )
        if args.format is None:
            # A folder given as --output gets its own message from the exporter.
            args.format = "json" if args.output.is_dir() else _format_from_name(args.output)
            if args.format is None:
                raise Refused("format_unknown", name=args.output.name, exit_code=EXIT_USAGE)
        elif args.format not in _formats():
            raise Refused("format_not_known", name=args.format, formats=", ".join(_formats()), exit_code=EXIT_USAGE)
        return cmd_export(args)
    if command in ("import", "backups", "restore", "protect", "unprotect", "missing"):
        from couplepause.cli import data as cli_data

        return cli_data.run(command, args)
    if command == "open":
        return cmd_open(args)
    return cmd_gui(args)


def _format_from_name(output: Path) -> str | None:
    suffix = output.suffix.lower().lstrip(".")
    return suffix if suffix in _formats() else None


def _formats() -> tuple[str, ...]:
    """The export formats: the exporter registry's names (json, csv, pdf)."""
    from couplepause.export import EXPORTERS

    return tuple(EXPORTERS)


# ------------------------------------------------------------------ commands
def cmd_gui(args: argparse.Namespace) -> int:
    from couplepause.common import paths

    data_dir = data_dir_of(args)
    chosen = bool(args.data_dir or os.environ.get(paths.ENV_DATA_DIR))
    from couplepause.app.launch import run_gui

    return int(run_gui(data_dir, chosen=chosen) or 0)


def cmd_export(args: argparse.Namespace) -> int:
    from couplepause.export import EXPORTERS, ExportOptions

    if args.format == "pdf":
        # The report is drawn with Qt, which needs a QGuiApplication but never a
        # window: choose the offscreen platform (where a display is optional)
        # before the exporter creates the application.
        from couplepause.export.pdf import prefer_offscreen_platform

        prefer_offscreen_platform()

    # A flag for another format is said once and changes nothing (the file is still written).
    for flag, name, only in (("--include-plan", "include_plan", "json"),
                             ("--include-patterns", "include_patterns", "pdf")):
        if getattr(args, name) and args.format != only:
            say(Refused("flag_for_another_format", flag=flag, format=only.upper()))
            setattr(args, name, False)
    data_dir = data_dir_of(args)
    episodes, plan = _load_read_only(data_dir, skip_unreadable=args.skip_unreadable, plan=args.include_plan)
    names = _partner_names(data_dir) if args.include_names else None
    options = ExportOptions(
        since=args.since,
        until=args.until,
        include_notes=args.include_notes,
        include_names=args.include_names,
        include_practice=args.include_practice,
        include_plan=args.include_plan,
        include_patterns=args.include_patterns,
        plan=plan,
        partner_names=names,
        force=args.force,
    )
    count = EXPORTERS[args.format].export(episodes, options, args.output)
    print(words("cli", "exported", episodes=episodes_count(count), path=args.output))
    return EXIT_OK


def _load_read_only(data_dir: Path, *, skip_unreadable: bool = False, plan: bool = False) -> tuple[list, object]:
    """Every stored episode (and with ``plan``, the plan, or None), without creating or changing any file.

    Pauses that cannot be read (a damaged file, or one set aside earlier and not
    brought back) stop the export unless ``skip_unreadable``: an export must not
    look complete when it is not.
    """
    from couplepause.common import paths

    existing_data_dir(data_dir)
    folder = paths.store_dir(data_dir)
    if not folder.is_dir():
        return [], None  # nothing stored yet: an empty export, not an error
    from couplepause.store.repository import Repository

    repo = Repository(folder, read_only=True)
    repo.open()
    from couplepause.cli.data import described_parts, unlock

    unlock(repo)
    if repo.protection.changed and not skip_unreadable:
        raise Refused("header_changed_export")
    episodes = repo.load_all()
    missing = [part for part in repo.missing() if part.part != "plan"]  # no pause is missing without the plan
    lost = described_parts(missing)
    if lost and not skip_unreadable:
        if any(repo.backups.newest_with(part.part) for part in missing):
            raise Refused("unreadable_pauses", files=", ".join(lost), folder=folder)
        raise Refused("unreadable_pauses_no_backup", files=", ".join(lost), folder=folder)
    for name in lost:
        say(Problem("left_out", name=name))
    return episodes, repo.plan() if plan else None


def _partner_names(data_dir: Path) -> tuple[str, str] | None:
    from couplepause.common import paths

    if not paths.settings_file(data_dir).is_file():
        return None  # reading settings must not create the file
    from couplepause.export import default_partner_names
    from couplepause.settings import Settings

    return Settings.for_data_dir(data_dir).partner_names(*default_partner_names())


def cmd_open(args: argparse.Namespace) -> int:
    from couplepause.export import read_export_file

    checked = read_export_file(args.file)  # a bad file is reported here, before any window
    from couplepause.app.launch import run_readonly

    return int(run_readonly(Path(args.file), checked) or 0)


# ------------------------------------------------------------------- errors
def _report(exc: Exception) -> int:
    """Turn an exception into one line on stderr and an exit code."""
    if isinstance(exc, Problem):  # the data folder, the store, a backup, an export, a file to import
        say(exc)
        return getattr(exc, "exit_code", EXIT_FAILURE)
    from couplepause.app.desktop import library_problem

    if isinstance(exc, ImportError) and (problem := library_problem(exc)) is not None:
        say(problem)
        return EXIT_FAILURE
    if isinstance(exc, OSError):
        what = (exc.strerror or str(exc) or type(exc).__name__).lower()
        if exc.filename:
            say(Refused("os_error_at", what=what, path=exc.filename))
        else:
            say(Refused("os_error", what=what))
        return EXIT_FAILURE
    if os.environ.get(_DEBUG_ENV):
        import traceback

        traceback.print_exception(exc)
    say(Refused("unexpected_error", kind=type(exc).__name__, detail=exc, env=_DEBUG_ENV))
    return EXIT_FAILURE


def _code(code: object) -> int:
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    say(str(code))
    return EXIT_FAILURE
