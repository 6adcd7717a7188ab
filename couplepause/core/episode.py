"""The episode record: one rupture (the pause) and, if it came, its repair.

Qt-free. Times are aware datetimes (UTC offset kept, milliseconds kept).
Durations are measured by the rule in core/clock.py: a clock that counts time
asleep while the computer has not restarted, the wall clock (never going
backwards) after a restart. Every time after the pause is the pause's time
plus a measured duration, so an episode's times agree with its durations.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from couplepause.common.problems import Problem
from couplepause.core.clock import Timing
from couplepause.core.limits import NAME_MAX, NOT_IN_A_NAME, NOTE_MAX  # noqa: F401 - part of the record's rules

PARTNERS = ("a", "b")
PAUSED_BY = ("a", "b", "both")
REPAIR_ANSWERS = ("yes", "partly", "not_yet")
CYCLES = ("pursue_withdraw", "both_withdraw", "both_pursue", "other")
ACTIVATION_RANGE = (0, 10)
# How far an episode's own figures may disagree (rounding to milliseconds, and
# the few milliseconds between reading the clock and the wall clock).
TOLERANCE_SECONDS = 1.0
# No pause is repaired this long after it began (a pause is picked up again only
# within RESUME_WITHIN_SECONDS; after that it is let rest).
MAX_EPISODE_SECONDS = 366 * 24 * 3600.0
RESUME_WITHIN_SECONDS = 30 * 24 * 3600.0


class EpisodeError(Problem, ValueError):
    """A record that does not describe a possible episode (its words are a clause:
    they go inside another problem's sentence, such as a file that cannot be imported)."""


def _shown(value: Any) -> str:
    """A value of a record as a problem shows it: its repr, one short line."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def parse_instant(value: object) -> datetime:
    """Parse an ISO 8601 instant that carries a UTC offset. Naive times are rejected."""
    if not isinstance(value, str):
        raise EpisodeError("time_not_text", kind=type(value).__name__)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise EpisodeError("time_not_iso", value=_shown(value)) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EpisodeError("time_no_offset", value=_shown(value))
    return moment


def format_instant(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the UTC offset, e.g. 2026-11-23T21:04:05.123+01:00."""
    if moment.tzinfo is None:
        raise EpisodeError("time_not_written")
    return moment.isoformat(timespec="milliseconds")


def round_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond precision so that a stored time reads back identical."""
    return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)


def now_local() -> datetime:
    """The current wall-clock time, aware, in the machine's local offset."""
    return round_ms(datetime.now(UTC).astimezone())


@dataclass(frozen=True)
class Turn:
    speaker: str  # "a" or "b"
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "seconds": round(self.seconds, 3)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        if not isinstance(data, dict):
            raise EpisodeError("turn_not_object")
        speaker = data.get("speaker")
        seconds = data.get("seconds")
        if speaker not in PARTNERS:
            raise EpisodeError("turn_speaker", value=_shown(speaker))
        if not _is_number(seconds) or seconds < 0:
            raise EpisodeError("turn_seconds")
        return cls(speaker, float(seconds))


@dataclass(frozen=True)
class Break:
    started_at: datetime
    return_at: datetime
    ended_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": format_instant(self.started_at),
            "return_at": format_instant(self.return_at),
            "ended_at": format_instant(self.ended_at) if self.ended_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Break:
        if not isinstance(data, dict):
            raise EpisodeError("break_not_object")
        started = parse_instant(data.get("started_at"))
        back = parse_instant(data.get("return_at"))
        ended = data.get("ended_at")
        return cls(started, back, parse_instant(ended) if ended is not None else None)


@dataclass(frozen=True)
class Reflection:
    """What the couple write about a pause afterwards: on the after screen (the Finish
    event's value) or later in the history's note editor (a ``NoteEdit``). Its fields
    are the Episode's fields of the same names."""

    note: str | None = None
    cycle: str | None = None

    @classmethod
    def written(cls, note: str | None, cycle: str | None) -> Reflection:
        """As a field gives it: the note without its outer blanks, at most NOTE_MAX
        characters, None when nothing is left."""
        return cls(note=(note or "").strip()[:NOTE_MAX] or None, cycle=cycle)

    def applied_to(self, episode: Episode) -> Episode:
        tidy = Reflection.written(self.note, self.cycle)
        return episode.with_changes(**{f.name: getattr(tidy, f.name) for f in fields(tidy)})


@dataclass(frozen=True)
class Episode:
    """One pause and what followed. Immutable: changes make a new record."""

    id: str
    paused_at: datetime
    paused_by: str | None = None
    activation: dict[str, int | None] = field(default_factory=lambda: {"a": None, "b": None})
    breathing_pattern: str | None = None
    breathing_seconds: float = 0.0
    first_turn_seconds: float | None = None
    turns: tuple[Turn, ...] = ()
    breaks: tuple[Break, ...] = ()
    repair_answers: dict[str, str | None] = field(default_factory=lambda: {"a": None, "b": None})
    repaired_at: datetime | None = None
    repair_seconds: float | None = None
    # True once a duration of this episode came from the wall clock alone (the
    # computer restarted during it: rule 3 of core/clock.py).
    wall_timed: bool = False
    note: str | None = None
    cycle: str | None = None
    closed: bool = False
    # A practice pause on a calm evening: kept, shown as practice, never counted
    # in the charts, the summary, the patterns or an export unless asked.
    practice: bool = False
    # The clock readings behind the durations; kept in the store, never exported.
    timing: Timing | None = None

    # ----------------------------------------------------------------- derived
    @property
    def is_repaired(self) -> bool:
        return self.repaired_at is not None

    @property
    def on_break(self) -> bool:
        return bool(self.breaks) and self.breaks[-1].ended_at is None

    @property
    def had_break(self) -> bool:
        return bool(self.breaks)

    @property
    def break_seconds(self) -> float | None:
        """Seconds spent on longer breaks (a break still running counts its
        agreed length), or None when there was none."""
        if not self.breaks:
            return None
        total = 0.0
        for item in self.breaks:
            end = item.ended_at if item.ended_at is not None else item.return_at
            total += max(0.0, (end - item.started_at).total_seconds())
        return total

    @property
    def repair_minutes(self) -> float | None:
        return None if self.repair_seconds is None else self.repair_seconds / 60.0

    # ----------------------------------------------------------- construction
    @classmethod
    def start(cls, paused_at: datetime, episode_id: str | None = None) -> Episode:
        if paused_at.tzinfo is None:
            raise EpisodeError("paused_at_no_offset")
        return cls(id=episode_id or str(uuid.uuid4()), paused_at=round_ms(paused_at))

    def with_changes(self, **changes: Any) -> Episode:
        return replace(self, **changes)

    def repaired(self, *, wall_now: datetime, monotonic_seconds: float | None) -> Episode:
        """Record the repair from a measured duration, or else from the wall clock
        (for callers without a clock of their own, such as tests and demo data)."""
        if monotonic_seconds is not None and not self.wall_timed:
            return self.repaired_after(monotonic_seconds)
        return self.repaired_after((wall_now - self.paused_at).total_seconds())

    def repaired_after(self, seconds: float, *, wall_timed: bool | None = None) -> Episode:
        """Repaired ``seconds`` after the pause: ``repaired_at`` is the pause plus
        those seconds, so the two always agree and the repair never comes first."""
        seconds = round(max(0.0, float(seconds)), 3)
        repaired_at = round_ms(self.paused_at + timedelta(seconds=seconds))
        flag = self.wall_timed if wall_timed is None else wall_timed
        return replace(self, repaired_at=repaired_at, repair_seconds=seconds, wall_timed=flag)

    # ---------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "paused_at": format_instant(self.paused_at),
            "paused_by": self.paused_by,
            "activation": dict(self.activation),
            "breathing_pattern": self.breathing_pattern,
            "breathing_seconds": round(self.breathing_seconds, 3),
            "first_turn_seconds": (
                None if self.first_turn_seconds is None else round(self.first_turn_seconds, 3)
            ),
            "turns": [t.to_dict() for t in self.turns],
            "breaks": [b.to_dict() for b in self.breaks],
            "repair_answers": dict(self.repair_answers),
            "repaired_at": format_instant(self.repaired_at) if self.repaired_at else None,
            "repair_seconds": self.repair_seconds,
            "wall_timed": self.wall_timed,
            "note": self.note,
            "cycle": self.cycle,
            "closed": self.closed,
            "practice": self.practice,
        }

    def to_record(self) -> dict[str, Any]:
        """What the store keeps: the exported fields plus the clock readings."""
        record = self.to_dict()
        record["timing"] = None if self.timing is None else self.timing.to_dict()
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Episode:
        """Build and validate an episode, each field as FIELDS says; raises EpisodeError
        with a plain reason."""
        if not isinstance(data, dict):
            raise EpisodeError("episode_not_object")
        # When it is and how long it took come first: a record whose own times
        # disagree is named by that (an import may leave it out), whatever else it holds.
        values = {name: _read(FIELD[name], data) for name in ("id", "paused_at", "repaired_at", "repair_seconds")}
        paused_at, repaired_at, repair_seconds = values["paused_at"], values["repaired_at"], values["repair_seconds"]
        if repaired_at is not None and repaired_at < paused_at:
            raise EpisodeError("repaired_before_paused", id=data["id"])
        if repaired_at is None and repair_seconds is not None:
            raise EpisodeError("repair_seconds_alone", id=data["id"])
        if repaired_at is not None and repair_seconds is None:
            values["repair_seconds"] = round((repaired_at - paused_at).total_seconds(), 3)
        for item in FIELDS:
            if item.name not in values:
                values[item.name] = _read(item, data)
        if "closed" not in data:
            values["closed"] = repaired_at is not None
        return cls(**values, timing=Timing.from_dict(data.get("timing")))


@dataclass(frozen=True)
class Field:
    """One field of a pause as its record carries it (the JSON export, the store).

    ``kind`` says what a value may be: Episode.from_dict reads it by that, and the
    export's JSON Schema describes it by that (export/published.py), so the two never
    disagree. ``problem`` is the EpisodeError a value that does not do raises."""

    name: str
    kind: str  # one of KINDS
    problem: str = ""  # for "choice", "text" and "seconds" (the other kinds say it alike for all)
    options: tuple[str, ...] = ()  # "choice": the values it may have besides null
    required: bool = False  # in every record of an export
    default: Any = None  # a value left out (or null, for "seconds" with a default)
    about: str = ""  # said in the schema


KINDS = ("uuid", "instant", "instant_or_null", "choice", "levels", "answers", "text", "seconds", "turns",
         "breaks", "flag")

# Every field of an exported pause, in the order a record writes them (Episode.to_dict).
# The store keeps one more, ``timing``, which is never exported.
FIELDS: tuple[Field, ...] = (
    Field("id", "uuid", required=True),
    Field("paused_at", "instant", required=True),
    Field("paused_by", "choice", "paused_by", options=PAUSED_BY),
    Field("activation", "levels"),
    Field("breathing_pattern", "text", "pattern_not_text"),
    Field("breathing_seconds", "seconds", "breathing_seconds", default=0.0),
    Field("first_turn_seconds", "seconds", "first_turn_seconds"),
    Field("turns", "turns"),
    Field("breaks", "breaks"),
    Field("repair_answers", "answers"),
    Field("repaired_at", "instant_or_null", required=True),
    Field("repair_seconds", "seconds", "repair_seconds", required=True),
    Field("wall_timed", "flag", default=False),
    Field("note", "text", "note_not_text"),
    Field("cycle", "choice", "cycle", options=CYCLES),
    Field("closed", "flag", default=False),
    Field("practice", "flag", default=False,
          about="A practice pause (schema_version 2): never counted in figures."),
)
FIELD = {item.name: item for item in FIELDS}
STORE_ONLY = ("timing",)  # fields of Episode that the store keeps and no export writes


def _read(item: Field, data: dict[str, Any]) -> Any:
    """The value of one field of a record, as its kind allows; raises EpisodeError."""
    value = data.get(item.name)
    kind = item.kind
    if kind == "uuid":
        try:
            if not isinstance(value, str) or str(uuid.UUID(value)) != value.lower():
                raise ValueError
        except ValueError:
            raise EpisodeError("episode_id", value=_shown(value)) from None
        return value.lower()
    if kind == "instant":
        return parse_instant(value)
    if kind == "instant_or_null":
        return None if value is None else parse_instant(value)
    if kind == "choice":
        if value is not None and value not in item.options:
            raise EpisodeError(item.problem, options=", ".join(item.options))
        return value
    if kind in ("levels", "answers"):
        return _partner_map(value, item.name, _valid_activation if kind == "levels" else _valid_answer)
    if kind == "text":
        if value is not None and not isinstance(value, str):
            raise EpisodeError(item.problem)
        return value
    if kind == "seconds":
        if value is None:
            return item.default
        if not _is_number(value) or value < 0:
            raise EpisodeError(item.problem)
        return float(value)
    if kind in ("turns", "breaks"):
        value = value or []
        if not isinstance(value, list):
            raise EpisodeError("not_lists")
        return tuple((Turn if kind == "turns" else Break).from_dict(each) for each in value)
    if kind == "flag":
        value = data.get(item.name, item.default)
        if not isinstance(value, bool):
            raise EpisodeError("not_true_or_false", flag=item.name)
        return value
    raise AssertionError(f"no kind {kind!r}")  # pragma: no cover - a field's kind is one of KINDS


def inconsistencies(episode: Episode) -> list[tuple[str, Problem]]:
    """Where an episode contradicts itself: (field, reason) pairs, empty if none.

    The rules (stated in the export schema's description too): ``repair_seconds``
    agrees with ``repaired_at - paused_at`` within ``TOLERANCE_SECONDS`` and is at
    most ``MAX_EPISODE_SECONDS``; every break starts no earlier than the pause,
    ends no earlier than it starts, does not overlap the one before, and lies
    before the repair.
    """
    problems: list[tuple[str, Problem]] = []
    tol = TOLERANCE_SECONDS
    if episode.repaired_at is not None:
        span = (episode.repaired_at - episode.paused_at).total_seconds()
        seconds = episode.repair_seconds if episode.repair_seconds is not None else span
        if abs(seconds - span) > tol:
            problems.append(
                ("repair_seconds", Problem("repair_seconds_disagree", seconds=f"{seconds:g}", span=f"{span:g}"))
            )
        if seconds > MAX_EPISODE_SECONDS:
            problems.append(("repair_seconds", Problem("repair_over_a_year", seconds=f"{seconds:g}")))
    previous_end: datetime | None = None
    for index, item in enumerate(episode.breaks):
        where = f"breaks[{index}]"
        if (item.started_at - episode.paused_at).total_seconds() < -tol:
            problems.append((f"{where}.started_at", Problem("break_before_pause")))
        if item.return_at < item.started_at:
            problems.append((f"{where}.return_at", Problem("return_before_break")))
        if (item.return_at - item.started_at).total_seconds() > MAX_EPISODE_SECONDS:
            problems.append((f"{where}.return_at", Problem("break_over_a_year")))
        if item.ended_at is not None and item.ended_at < item.started_at:
            problems.append((f"{where}.ended_at", Problem("break_ends_before_start")))
        if previous_end is not None and (item.started_at - previous_end).total_seconds() < -tol:
            problems.append((f"{where}.started_at", Problem("break_overlaps")))
        end = item.ended_at or item.started_at
        if episode.repaired_at is not None and (end - episode.repaired_at).total_seconds() > tol:
            problems.append((f"{where}", Problem("break_after_repair")))
        previous_end = end
    return problems


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _valid_activation(value: Any) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and ACTIVATION_RANGE[0] <= value <= ACTIVATION_RANGE[1]
    )


def _valid_answer(value: Any) -> bool:
    return value in REPAIR_ANSWERS


def _partner_map(raw: Any, name: str, valid: Callable[[Any], bool]) -> dict[str, Any]:
    if raw is None:
        return {"a": None, "b": None}
    if not isinstance(raw, dict) or set(raw) - set(PARTNERS):
        raise EpisodeError("partner_map", name=name)
    result = {}
    for partner in PARTNERS:
        value = raw.get(partner)
        if value is not None and not valid(value):
            raise EpisodeError("partner_value", name=name, partner=partner, value=_shown(value))
        result[partner] = value
    return result
