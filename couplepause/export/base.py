"""What every export format shares: options, the date filter, privacy, and a
writer that never leaves a half-written file behind.

Qt-free. A format plugs in by subclassing :class:`Exporter` and writing its
bytes to the stream it is handed; choosing the episodes, leaving out notes and
names, and putting the file in place safely happen here, once for all formats.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, ClassVar

from couplepause.common.problems import Problem
from couplepause.common.texts import default_names
from couplepause.core.episode import Episode, now_local
from couplepause.core.plan import Plan
from couplepause.store.atomic import atomic_file


def default_partner_names() -> tuple[str, str]:
    """"Partner A", "Partner B" in the language spoken now."""
    names = default_names()
    return names["a"], names["b"]


class ExportError(Problem):
    """An export that could not be made: what went wrong and what to do (the window
    and the command line each say it their way: a file name, or ``--output``)."""


@dataclass(frozen=True)
class ExportOptions:
    """What goes into an export. Dates are inclusive and in local time."""

    since: date | None = None
    until: date | None = None
    include_notes: bool = False
    include_names: bool = False
    # Practice pauses are left out of every export unless asked for.
    include_practice: bool = False
    # The plan for hard moments (JSON), like notes: only when the couple opts in.
    include_plan: bool = False
    # The plan itself (the app's to add, like the names); only written with include_plan.
    plan: Plan | None = None
    # The patterns section of the PDF report: only when the couple opts in.
    include_patterns: bool = False
    # The partners' own names; only written when include_names is set (None: the
    # words for "Partner A" and "Partner B" in the language spoken when it is written).
    partner_names: tuple[str, str] | None = None
    force: bool = False
    # When the export was made; None means "now" (tests pass a fixed time).
    exported_at: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ExportError("export_dates_swapped", since=self.since.isoformat(), until=self.until.isoformat())

    @property
    def names(self) -> tuple[str, str]:
        """The partner names as they may appear in the export."""
        fallback = default_partner_names()
        if not self.include_names or self.partner_names is None:
            return fallback
        a, b = self.partner_names
        return (a or fallback[0], b or fallback[1])

    def moment(self) -> datetime:
        return self.exported_at if self.exported_at is not None else now_local()


def local_date(moment: datetime) -> date:
    """The calendar date of an aware time on this computer's clock."""
    return moment.astimezone().date()


def in_range(episode: Episode, since: date | None, until: date | None) -> bool:
    """True when the episode was paused between since and until (inclusive, local time)."""
    if since is None and until is None:
        return True
    day = local_date(episode.paused_at)
    return (since is None or day >= since) and (until is None or day <= until)


def private(episode: Episode, options: ExportOptions) -> Episode:
    """The episode as the export may show it: no note unless the couple opted in."""
    if options.include_notes or episode.note is None:
        return episode
    return episode.with_changes(note=None)


def select(episodes: Iterable[Episode], options: ExportOptions) -> list[Episode]:
    """The episodes in the chosen range (practice pauses only when asked for),
    privacy applied, sorted by pause time."""
    chosen = [
        private(e, options)
        for e in episodes
        if in_range(e, options.since, options.until) and (options.include_practice or not e.practice)
    ]
    chosen.sort(key=lambda e: (e.paused_at, e.id))
    return chosen


@contextlib.contextmanager
def atomic_output(target: Path, *, force: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary stream whose bytes end up at ``target`` all at once or not at all
    (the store's atomic-write helper, with export wording for what can go wrong).

    An existing file is replaced only with ``force``; without it even a file
    that appeared while writing is never overwritten. The file is private (0600).
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError("export_target_is_folder", target=target)
    if not folder.exists():
        raise ExportError("export_no_folder", folder=folder)
    if not folder.is_dir():
        raise ExportError("export_not_a_folder", folder=folder)
    if target.exists() and not force:
        raise _exists(target)
    try:
        with atomic_file(target, overwrite=force) as stream:
            yield stream
    except FileExistsError:
        raise _exists(target) from None
    except PermissionError as exc:
        raise ExportError("export_not_allowed", folder=folder, detail=_reason(exc)) from None
    except OSError as exc:
        raise ExportError("export_not_written", target=target, detail=_reason(exc)) from None


def _exists(target: Path) -> ExportError:
    return ExportError("export_exists", target=target)


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


class Exporter:
    """One export format. Subclasses set ``name`` and ``suffix`` and implement
    :meth:`write`; :meth:`export` does the rest."""

    name: ClassVar[str] = ""
    suffix: ClassVar[str] = ""

    def export(self, episodes: Iterable[Episode], options: ExportOptions, out: Path) -> int:
        """Write the chosen episodes to ``out``; returns how many were written."""
        chosen = select(episodes, options)
        with atomic_output(Path(out), force=options.force) as stream:
            self.write(chosen, options, stream)
        return len(chosen)

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        """Write ``episodes`` (already filtered, private and sorted) to ``stream``."""
        raise NotImplementedError
