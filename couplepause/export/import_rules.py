"""What one file may bring into the store, and how the reader tells what it did to it.

Limits. A file beyond any of them is refused whole, naming the field and the limit
(nothing is written). They keep the live Pause as fast after the largest file the
reader accepts as before it (press -> durable <= 100 ms: benchmarks/bench_import_limits.py),
and hold imported words to what the window lets a person write:

* ``MAX_PAUSES`` in one file: ten pauses every day for 27 years. A couple pauses a
  few times a week; and 100,000 pauses as the app writes them, notes and all, already
  fill the reader's 64 MiB (``json_format.MAX_BYTES``).
* ``MAX_PAUSES_A_MONTH`` in one UTC month of the file: ten pauses every day of it. A
  month is one store file, and when the couple presses Pause while a pause from
  before is offered, the window first closes that one into its month: the Pause is
  saved after that month is read and written again (about 200 KiB at this limit).
* a note: ``NOTE_MAX`` characters (core/flow.py), what the after screen and the
  note editor keep; a partner's name: ``NAME_MAX`` characters on one line, as
  Settings keeps it; the plan's texts: ``MAX_TEXT`` characters (core/plan.py),
  as the plan editor keeps them;
* ``breathing_pattern``: ``PATTERN_MAX`` characters (the app writes a pattern's
  key: "slow", "box", "custom");
* ``MAX_TURNS`` turns in one pause (a swap every minute for eight hours) and
  ``MAX_BREAKS`` longer breaks (at least 20 minutes each: a day and a half of
  breaks). The pause left open is rewritten in active.json with every save of a
  new one, so its size is the Pause's too.

The published schema states the same limits (``maxItems``, ``maxLength``): it is
written from ``FIELD_LIMITS`` (export/published.py); tests/export/test_import_limits.py
checks that a file beyond each is refused.

Mending. A 0.1 export's records go through the data folder's own migration step
(store/migrations.py), which mends what a wall clock set back left behind;
:func:`mending_text` says what it mended, in one line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from couplepause.common.problems import Problem
from couplepause.common.texts import words
from couplepause.core.episode import NAME_MAX, NOT_IN_A_NAME, PARTNERS, Episode
from couplepause.core.flow import NOTE_MAX
from couplepause.core.plan import MAX_TEXT, PARTNER_TEXTS

MAX_PAUSES = 100_000
MAX_PAUSES_A_MONTH = 300
MAX_TURNS = 500
MAX_BREAKS = 100
PATTERN_MAX = 40
# What one record may hold of a field (maxLength of a text, maxItems of a list): the
# published schema states these too (export/published.py writes them into it).
FIELD_LIMITS = {"note": NOTE_MAX, "breathing_pattern": PATTERN_MAX, "turns": MAX_TURNS, "breaks": MAX_BREAKS}


class ImportRejected(Problem):
    """A file that cannot be read as a couplepause export: what is wrong, and what to do,
    in one line. Its values name the file twice: ``name`` as given (the command line
    says it), ``file`` its name alone (the window says it)."""

    def __init__(self, key: str, path: Path, /, *, exit_code: int = 1, **values: Any) -> None:
        super().__init__(key, name=str(path), file=Path(path).name, **values)
        self.exit_code = exit_code


@dataclass(frozen=True)
class LeftOut:
    """A pause that contradicts itself in a way nothing mends: left out when the couple asked."""

    id: str
    where: str  # "episodes[3]"
    field: str  # "breaks[0].ended_at"
    reason: Problem


# ------------------------------------------------------------------- limits
def check_limits(doc: dict[str, Any], path: Path) -> None:
    """Refuse a file beyond a limit (before its schema is checked: a count is quick to
    refuse, and 250,000 pauses are slow to validate). Values of the wrong type are left
    to the schema."""
    episodes = doc.get("episodes")
    if isinstance(episodes, list) and len(episodes) > MAX_PAUSES:
        raise ImportRejected("import_too_many_pauses", path, count=len(episodes), limit=MAX_PAUSES)
    partners = doc.get("partners")
    if isinstance(partners, dict):
        for partner in PARTNERS:
            name = partners.get(partner)
            _text(name, f"partners.{partner}", NAME_MAX, path)
            if isinstance(name, str) and any(ch in name for ch in NOT_IN_A_NAME):
                raise ImportRejected("import_name_lines", path, place=f"partners.{partner}")
    plan = doc.get("plan")
    if isinstance(plan, dict):
        for key in ("pause_signal", "way_back"):
            _text(plan.get(key), f"plan.{key}", MAX_TEXT, path)
        plan_partners = plan.get("partners")
        plan_partners = plan_partners if isinstance(plan_partners, dict) else {}
        for partner in PARTNERS:
            own = plan_partners.get(partner)
            if isinstance(own, dict):
                for key in PARTNER_TEXTS:
                    _text(own.get(key), f"plan.partners.{partner}.{key}", MAX_TEXT, path)
    for index, record in enumerate(episodes if isinstance(episodes, list) else ()):
        if not isinstance(record, dict):
            continue
        where = f"episodes[{index}]"
        for name, limit in FIELD_LIMITS.items():
            _text(record.get(name), f"{where}.{name}", limit, path)
            _items(record.get(name), f"{where}.{name}", limit, path)


def check_months(episodes: list[Episode], path: Path) -> None:
    """Refuse a file with more than MAX_PAUSES_A_MONTH pauses in one UTC month (a month
    is one store file: the UTC year-month of the pause, as layout.month_key)."""
    months = Counter(episode.paused_at.astimezone(UTC).strftime("%Y-%m") for episode in episodes)
    if not months:
        return
    month, count = months.most_common(1)[0]
    if count > MAX_PAUSES_A_MONTH:
        raise ImportRejected("import_month_too_full", path, month=month, count=count, limit=MAX_PAUSES_A_MONTH)


def _text(value: Any, place: str, limit: int, path: Path) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise ImportRejected("import_text_too_long", path, place=place, length=len(value), limit=limit)


def _items(value: Any, place: str, limit: int, path: Path) -> None:
    if isinstance(value, list) and len(value) > limit:
        raise ImportRejected("import_too_many_items", path, place=place, count=len(value), limit=limit)


# ------------------------------------------------------------------ mending
def mending_text(mended: Counter[str] | dict[str, int]) -> str | None:
    """What the migration step mended in a file's records, in one line (None: nothing)."""
    from couplepause.store.migrations import MENDINGS

    said = [words("mended", kind, n=mended[kind]) for kind in MENDINGS if mended.get(kind)]
    return " ".join(said) or None
