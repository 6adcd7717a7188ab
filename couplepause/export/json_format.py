"""The full-fidelity JSON export, and the reader that import and the
therapist's read-only view use.

The file is one object::

    {"format": "couplepause-export", "schema_version": 2,
     "exported_at": "2026-11-23T21:04:05.123+01:00",
     "range": {"since": "2026-01-01" | null, "until": ... | null},
     "partners": {"a": "Partner A", "b": "Partner B"},
     "plan": Plan.to_dict(),          (only with include_plan, and a plan made)
     "episodes": [Episode.to_dict(), ...]}

It is described by ``resources/couplepause-export.schema.json`` (JSON Schema
Draft 2020-12). The reader checks everything before it returns anything, so a
caller that gets episodes back can write them without a second thought.

Versions: 1 is couplepause 0.1 (no ``practice`` on an episode, no ``plan``);
2 adds both. The reader takes either: a version 1 record goes through the same
steps as a 0.1 data folder's (store/migrations.py ``upgrade``), so it comes in
exactly as it would have been migrated, mended where a wall clock set back had
left it contradicting itself (``ExportFile.mended``, told by
``import_rules.mending_text``).

A record that contradicts itself in a way nothing mends refuses the file, naming
it by its id; with ``skip_contradictions`` it is left out instead
(``ExportFile.left_out``) and the rest is read. What one file may bring at all is
in import_rules.py (limits on pauses, notes, names, lists).
"""

from __future__ import annotations

import functools
import json
import math
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from couplepause.common.problems import Problem
from couplepause.common.texts import resource_folder, words
from couplepause.core.episode import Episode, EpisodeError, format_instant, inconsistencies, parse_instant
from couplepause.core.plan import Plan
from couplepause.export.base import Exporter, ExportOptions, default_partner_names
from couplepause.export.import_rules import ImportRejected, LeftOut, check_limits, check_months

FORMAT = "couplepause-export"
SCHEMA_VERSION = 2
SCHEMA_RESOURCE = "couplepause-export.schema.json"
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
# Times outside these years are refused: no couple paused before 1970, and
# near the ends of the calendar converting between offsets overflows.
YEARS = (1970, 9998)
_MESSAGE_MAX = 160


@dataclass(frozen=True)
class ExportFile:
    """A checked export: its episodes plus what the file says about itself."""

    episodes: list[Episode]
    exported_at: datetime
    partners: tuple[str, str]
    since: str | None
    until: str | None
    schema_version: int
    plan: Plan | None = None  # our plan for hard moments, when the file holds one
    mended: Counter[str] = field(default_factory=Counter)  # kind (migrations.MENDINGS) -> how many
    left_out: tuple[LeftOut, ...] = ()  # contradicting records left out (skip_contradictions)


# ------------------------------------------------------------------- writing
class JsonExporter(Exporter):
    name = "json"
    suffix = ".json"

    def document(self, episodes: list[Episode], options: ExportOptions) -> dict[str, Any]:
        a, b = options.names
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "exported_at": format_instant(options.moment()),
            "range": {
                "since": options.since.isoformat() if options.since else None,
                "until": options.until.isoformat() if options.until else None,
            },
            "partners": {"a": a, "b": b},
            **({"plan": options.plan.to_dict()} if options.plan is not None and _with_plan(options) else {}),
            "episodes": [e.to_dict() for e in episodes],
        }

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        doc = self.document(episodes, options)
        # One episode per line: readable, diff-friendly, and written by the
        # fast C encoder (an indented dump of the whole document is not).
        encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        items = doc.pop("episodes")
        head = encode(doc)[:-1]  # the header object without its closing brace
        parts = [head, ', "episodes": [']
        parts.append(",".join("\n  " + encode(item) for item in items))
        parts.append("\n]}\n" if items else "]}\n")
        stream.write("".join(parts).encode("utf-8"))


def _with_plan(options: ExportOptions) -> bool:
    """The plan goes in only when asked for and there is one (its texts are the couple's own words)."""
    return options.include_plan and options.plan is not None and not options.plan.is_empty


# ------------------------------------------------------------------- reading
@functools.cache
def schema() -> dict[str, Any]:
    """The published JSON Schema, loaded from the package resources."""
    text = resource_folder().joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    return json.loads(text)


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    # Same rules as the published schema, with its local "$ref"s written out
    # in place: jsonschema then validates about twice as fast.
    return Draft202012Validator(_inline_refs(schema()))


def _inline_refs(document: dict[str, Any]) -> dict[str, Any]:
    defs = document.get("$defs", {})

    def inline(node: Any, seen: tuple[str, ...] = ()) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/"):
                name = ref[len("#/$defs/"):]
                if name in defs and name not in seen:
                    return inline(defs[name], (*seen, name))
                return node
            return {key: inline(value, seen) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value, seen) for value in node]
        return node

    return inline(document)


def read_export(path: os.PathLike[str] | str) -> list[Episode]:
    """The episodes of a JSON export, sorted by pause time; raises ImportRejected."""
    return read_export_file(path).episodes


def read_export_file(path: os.PathLike[str] | str, *, skip_contradictions: bool = False) -> ExportFile:
    """Read and check a whole export file; raises ImportRejected with a plain message.
    ``skip_contradictions``: leave out the records that contradict themselves (see the
    module docstring) instead of refusing the file."""
    path = Path(path)
    return read_export_data(_read_bytes(path), path, skip_contradictions=skip_contradictions)


def read_export_data(data: bytes, path: Path, *, skip_contradictions: bool = False) -> ExportFile:
    """Check an export's bytes (``path`` names it in messages); raises ImportRejected."""
    doc = _parse(data, path)
    return _check(doc, path, skip_contradictions)


def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ImportRejected("import_missing", path) from None
    except PermissionError:
        raise ImportRejected("import_not_allowed", path) from None
    except (OSError, ValueError) as exc:
        raise ImportRejected("import_stat_failed", path, detail=_reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportRejected("import_is_folder", path)
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected("import_not_regular", path)
    if info.st_size > MAX_BYTES:
        mib = 1024 * 1024
        raise ImportRejected("import_too_large_sized", path, size=info.st_size // mib, limit=MAX_BYTES // mib)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except PermissionError:
        raise ImportRejected("import_not_allowed", path) from None
    except OSError as exc:
        raise ImportRejected("import_unreadable", path, detail=_reason(exc)) from None
    if len(data) > MAX_BYTES:
        raise ImportRejected("import_too_large", path)
    if not data.strip():
        raise ImportRejected("import_empty", path)
    return data


class _BadNumber(ValueError):
    pass


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(text)
    return value


def _parse_int(text: str) -> int:
    if len(text) > 20:
        raise _BadNumber(text)
    return int(text)


def _parse_constant(text: str) -> Any:
    raise _BadNumber(text)


def _parse(data: bytes, path: Path) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected("import_not_utf8", path) from None
    try:
        doc = json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_parse_constant,
        )
    except RecursionError:
        raise ImportRejected("import_too_deep", path) from None
    except _BadNumber as exc:
        raise ImportRejected("import_bad_number", path, number=_clip(str(exc), 30)) from None
    except json.JSONDecodeError as exc:
        raise ImportRejected("import_not_json_at", path, line=exc.lineno, column=exc.colno, detail=exc.msg) from None
    except ValueError as exc:
        raise ImportRejected("import_not_json", path, detail=_clip(str(exc))) from None
    _check_shape(doc, path)
    return doc


def _check_shape(doc: Any, path: Path) -> None:
    """Refuse deep nesting and text that cannot be written back as UTF-8
    (lone surrogates from ``\\ud800`` escapes) before anything else looks at it."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                raise ImportRejected("import_too_deep", path)
            for key, item in value.items():
                _check_text(key, path)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                raise ImportRejected("import_too_deep", path)
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value, path)


def _check_text(text: str, path: Path) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ImportRejected("import_bad_text", path) from None


def _check(doc: Any, path: Path, skip_contradictions: bool = False) -> ExportFile:
    if not isinstance(doc, dict):
        raise ImportRejected("import_not_object", path, kind=_kind(_json_type(doc)))
    if doc.get("format") != FORMAT:
        raise ImportRejected("import_wrong_format", path, format=FORMAT)
    version = doc.get("schema_version")
    if "schema_version" not in doc:
        raise ImportRejected("import_no_version", path)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportRejected("import_version_not_whole", path, version=_clip(repr(version), 30))
    if version > SCHEMA_VERSION:
        raise ImportRejected("import_too_new", path, version=version, known=SCHEMA_VERSION)
    if version < 1:
        raise ImportRejected("import_unknown_version", path, version=version)

    check_limits(doc, path)
    error = _first_schema_error(doc)
    if error is not None:
        raise ImportRejected("import_schema", path, error=error)

    episodes: list[Episode] = []
    mended: Counter[str] = Counter()
    left_out: list[LeftOut] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(doc["episodes"]):
        where = f"episodes[{index}]"
        mending: Counter[str] = Counter()
        if version == 1:  # 0.1's record: migrated as a 0.1 data folder is
            from couplepause.store.migrations import upgrade

            raw = upgrade(dict(raw), 1, mending)
        found = _record(raw, where, path)
        if found.id in seen:
            raise ImportRejected("import_duplicate_id", path, where=where, id=found.id, first=seen[found.id])
        seen[found.id] = index
        if isinstance(found, LeftOut):
            left_out.append(found)
        else:
            episodes.append(found)
            mended.update(mending)  # what comes in is told; what is left out is named instead
    if left_out and not skip_contradictions:
        first = left_out[0]
        raise ImportRejected("import_contradiction", path, n=len(left_out), id=first.id, where=first.where,
                             field=first.field, reason=first.reason)
    check_months(episodes, path)
    episodes.sort(key=lambda e: (e.paused_at, e.id))

    try:
        exported_at = parse_instant(doc["exported_at"])
    except EpisodeError as exc:
        raise ImportRejected("import_exported_at", path, detail=exc) from None
    plan = None
    if doc.get("plan") is not None:
        try:
            plan = Plan.from_dict(doc["plan"])
        except (EpisodeError, ValueError, TypeError, OverflowError) as exc:
            raise ImportRejected("import_plan", path, detail=_detail(exc)) from None
    partners = doc.get("partners") or {}
    span = doc.get("range") or {}
    return ExportFile(
        episodes=episodes,
        exported_at=exported_at,
        partners=(partners.get("a") or default_partner_names()[0], partners.get("b") or default_partner_names()[1]),
        since=span.get("since"),
        until=span.get("until"),
        schema_version=version,
        plan=None if plan is None or plan.is_empty else plan,
        mended=mended,
        left_out=tuple(left_out),
    )


# A record whose own facts disagree, told by Episode.from_dict: the field it names.
_CONTRADICTING = {"repaired_before_paused": "repaired_at", "repair_seconds_alone": "repair_seconds"}


def _record(raw: Any, where: str, path: Path) -> Episode | LeftOut:
    """One record as the store will hold it, or, when it contradicts itself, what to
    name it by; anything else wrong with it refuses the file."""
    try:
        episode = Episode.from_dict(raw)
        # The canonical form: what the store will hold and what a later
        # export writes (ids in lower case, times to the millisecond).
        episode = Episode.from_dict(episode.to_dict())
        _check_years(episode)
    except EpisodeError as exc:
        if exc.key in _CONTRADICTING:
            return LeftOut(str(raw["id"]).lower(), where, _CONTRADICTING[exc.key], exc)
        raise ImportRejected("import_episode", path, where=where, detail=_detail(exc)) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise ImportRejected("import_episode", path, where=where, detail=_detail(exc)) from None
    problems = inconsistencies(episode)
    if problems:
        field, reason = problems[0]
        return LeftOut(episode.id, where, field, reason)
    return episode


def _check_years(episode: Episode) -> None:
    moments = [episode.paused_at, episode.repaired_at]
    for b in episode.breaks:
        moments.extend((b.started_at, b.return_at, b.ended_at))
    for moment in moments:
        if moment is not None and not YEARS[0] <= moment.year <= YEARS[1]:
            raise EpisodeError("time_implausible", time=format_instant(moment))


def _first_schema_error(doc: dict[str, Any]) -> Problem | None:
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(doc))
    if error is None:
        return None
    location = _location(error.absolute_path)
    return Problem("schema_at", place=location, detail=_describe(error)) if location else _describe(error)


def _location(parts) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(error) -> Problem:
    """A short, one-line account of a schema error."""
    kind = error.validator
    value = error.instance
    shown = _clip(json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value), 40)
    if kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        return Problem("schema_type", value=shown, kinds=_kinds(wanted))
    if kind == "pattern":
        last = error.absolute_path[-1] if error.absolute_path else ""
        if isinstance(last, str) and last.endswith("_at"):
            return Problem("schema_time", value=shown)
        if last == "id":
            return Problem("schema_uuid", value=shown)
    if kind == "required" and isinstance(value, dict):
        missing = [name for name in error.validator_value if name not in value]
        return Problem("schema_required", field=_clip(missing[0] if missing else "", 40))
    if kind == "enum":
        options = ", ".join(json.dumps(v) for v in error.validator_value)
        return Problem("schema_one_of", value=shown, options=options)
    if kind == "const":
        return Problem("schema_const", value=shown, expected=json.dumps(error.validator_value))
    if kind in ("minimum", "exclusiveMinimum"):
        return Problem("schema_at_least", value=shown, limit=error.validator_value)
    if kind in ("maximum", "exclusiveMaximum"):
        return Problem("schema_at_most", value=shown, limit=error.validator_value)
    if kind == "additionalProperties" and isinstance(value, dict):
        known = error.schema.get("properties", {})
        extra = [_clip(json.dumps(name, ensure_ascii=False), 40) for name in value if name not in known]
        if len(extra) == 1:
            return Problem("schema_extra", field=extra[0])
        return Problem("schema_extras", fields=_clip(", ".join(extra), 60))
    return Problem("schema_form", value=shown)


def _kind(name: str) -> str:
    """A JSON type ("array", "string") as the words say it ("a list", "text")."""
    return words("problem_kinds", name)


def _kinds(names: list[str]) -> str:
    text = _kind(names[0])
    for name in names[1:]:
        text = words("problem_kinds", "either", a=text, b=_kind(name))
    return text


def _detail(exc: BaseException) -> Problem | str:
    """What was wrong with a record: a Problem as it is (worded by its reader), else one clipped line."""
    return exc if isinstance(exc, Problem) else _clip(str(exc))


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null"


def _clip(text: str, limit: int = _MESSAGE_MAX) -> str:
    text = " ".join(text.split())  # one line, always
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return _clip(str(exc) or type(exc).__name__, 60)


JSON = JsonExporter()
