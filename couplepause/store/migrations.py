"""The store's schema versions, and the steps that bring older data up to date.

``SCHEMA_VERSION`` is what this version writes (``meta.json``, table ``meta``,
one document ``{"schema_version": N}``). ``STEPS[n]`` turns one stored episode
record of version ``n`` into version ``n + 1``. :func:`upgraded` gives every store
file brought up to date, which ``Opening.migrate`` writes in one journaled
transaction (so it happens whole or not at all, even under ``kill -9``) after a backup.

Version history:

1. couplepause 0.1.
2. Records keep the clock readings behind their durations (``timing``), and the
   times after a pause follow from its durations (core/clock.py): ``repaired_at``
   is ``paused_at + repair_seconds``, and breaks lie inside their episode. The
   step mends what a wall clock set back had left behind, and notes each mending
   (``MENDINGS``) for whoever asks: the import of a 0.1 export tells them.
3. Every record says whether it was a practice pause (``"practice": false`` for
   each one stored before: practice pauses were not kept then). Our plan for hard
   moments may be stored beside the pauses (``plan.json``, see plan_file.py); it
   is new in this version, so no step touches it.
4. Every file names its part and generation and carries its check (plain) or has
   them as the associated data of its encryption (envelope.py); meta.json holds the
   manifest of the store's parts (meta.py). No record changes: the files are rewritten.

Qt-free.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeGuard

from tinydb.table import Document

from couplepause.core.episode import TOLERANCE_SECONDS, EpisodeError, format_instant, parse_instant, round_ms
from couplepause.store.envelope import Format
from couplepause.store.errors import StoreError
from couplepause.store.files import ACTIVE_FILE, META_TABLE, Unreadable, read_tables

SCHEMA_VERSION = 4

Mended = Counter[str]  # how many of each kind of mending (MENDINGS) a step made
Step = Callable[[dict[str, Any], Mended], dict[str, Any]]

# What the step from 0.1 mends (each by more than TOLERANCE_SECONDS, else it is
# rounding, not a mending): a repair time set from its duration; a break's start
# set to the pause, or to the repair; its end set to its start, or to the repair;
# its time to come back set to its start.
MENDINGS = (
    "repair_time",
    "break_start_before_pause",
    "break_start_after_repair",
    "break_end_before_start",
    "break_end_after_repair",
    "return_before_start",
)


class MigrationError(StoreError):
    """Older data that cannot be brought up to date (nothing was changed)."""


def version_in(meta: Any) -> int:
    """The schema_version in a parsed meta.json; raises ValueError if there is none.

    A version newer than ours is believed whatever else the file holds: a newer
    app may shape meta.json differently, and its data must not be set aside.
    """
    table = meta.get(META_TABLE) if isinstance(meta, dict) else None
    docs = list(table.values()) if isinstance(table, dict) else []
    versions = [
        doc["schema_version"]
        for doc in docs
        if isinstance(doc, dict) and _is_version(doc.get("schema_version"))
    ]
    if any(version > SCHEMA_VERSION for version in versions):
        return max(versions)
    if len(docs) != 1 or len(versions) != 1:
        raise ValueError("meta.json must hold exactly one document with a schema_version")
    return versions[0]


def meta_tables(version: int = SCHEMA_VERSION) -> dict[str, list[dict[str, Any]]]:
    return {META_TABLE: [{"schema_version": version}]}


def upgrade(record: dict[str, Any], from_version: int, mended: Mended | None = None) -> dict[str, Any]:
    """One episode record brought from ``from_version`` to ``SCHEMA_VERSION``; what the
    steps mended is counted into ``mended`` by kind (MENDINGS)."""
    mended = Counter() if mended is None else mended
    for version in range(from_version, SCHEMA_VERSION):
        step = STEPS.get(version)
        if step is None:
            raise MigrationError("cannot_migrate", version=from_version)
        record = step(dict(record), mended)
    return record


def upgraded(folder: Path, from_version: int, fmt: Format, months: list[Path]) -> dict[Path, dict[str, list]]:
    """Every episode file of the store at ``folder``, its records brought from
    ``from_version`` to ``SCHEMA_VERSION``: path -> tables, for one transaction that
    rewrites them all (``fmt`` reads the old files). A file that cannot be read is left
    as it is: it is set aside when it is next read, as at any other time.
    """
    puts: dict[Path, dict[str, list]] = {}
    for path in [folder / ACTIVE_FILE, *months]:
        try:
            tables = read_tables(path, fmt)
        except Unreadable:
            continue
        if tables is None:
            continue
        episodes = tables.get("episodes", [])
        tables["episodes"] = [Document(upgrade(dict(doc), from_version), doc.doc_id) for doc in episodes]
        puts[path] = tables
    return puts


# --------------------------------------------------------------------- steps
def _v1_to_v2(record: dict[str, Any], mended: Mended) -> dict[str, Any]:
    record.setdefault("timing", None)
    try:
        paused = parse_instant(record.get("paused_at"))
    except EpisodeError:
        return record  # reading it will say what is wrong
    repaired_at = record.get("repaired_at")
    seconds = record.get("repair_seconds")
    repaired = None
    if isinstance(repaired_at, str) and _is_number(seconds) and seconds >= 0:
        try:
            repaired = round_ms(paused + timedelta(seconds=seconds))
        except OverflowError:
            return record  # past the calendar's end: reading it will say what is wrong
        stated = _instant_or_none(repaired_at)
        if stated is not None and _moved(stated, repaired):
            mended["repair_time"] += 1
        record["repaired_at"] = format_instant(repaired)
    breaks = record.get("breaks")
    if isinstance(breaks, list):
        record["breaks"] = [_inside(item, paused, repaired, mended) for item in breaks]
    return record


def _v2_to_v3(record: dict[str, Any], mended: Mended) -> dict[str, Any]:
    record.setdefault("practice", False)
    return record


def _inside(item: Any, paused: datetime, repaired: datetime | None, mended: Mended) -> Any:
    """A break moved inside its episode, where a wall clock set back had put it outside."""
    if not isinstance(item, dict):
        return item
    try:
        was_started = parse_instant(item.get("started_at"))
        was_back = parse_instant(item.get("return_at"))
        ended_text = item.get("ended_at")
        was_ended = None if ended_text is None else parse_instant(ended_text)
    except EpisodeError:
        return item
    started = max(was_started, paused)
    back = max(was_back, started)
    ended = None if was_ended is None else max(was_ended, started)
    if repaired is not None:
        started = min(started, repaired)
        ended = None if ended is None else min(ended, repaired)
    moved = _moved(was_started, started)
    if moved:
        mended["break_start_before_pause" if moved > 0 else "break_start_after_repair"] += 1
    moved = 0 if ended is None or was_ended is None else _moved(was_ended, ended)
    if moved:
        mended["break_end_before_start" if moved > 0 else "break_end_after_repair"] += 1
    if _moved(was_back, back):
        mended["return_before_start"] += 1
    return {
        **item,
        "started_at": format_instant(started),
        "return_at": format_instant(back),
        "ended_at": None if ended is None else format_instant(ended),
    }


def _moved(before: datetime, after: datetime) -> int:
    """1 when a time was moved later, -1 earlier, 0 when it stayed within the tolerance."""
    seconds = (after - before).total_seconds()
    return 0 if abs(seconds) <= TOLERANCE_SECONDS else (1 if seconds > 0 else -1)


def _instant_or_none(value: str) -> datetime | None:
    try:
        return parse_instant(value)
    except EpisodeError:
        return None


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _is_version(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _v3_to_v4(record: dict[str, Any], mended: Mended) -> dict[str, Any]:
    return record  # the files change (their part and check), not the records


STEPS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}
