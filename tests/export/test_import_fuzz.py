"""Fuzzing of import: whatever the file holds, it is imported or refused in one line,
and a refused file changes nothing.

Hypothesis builds export documents around the real format: valid ones, and
valid ones with a few mutations (wrong types, missing or unknown fields, strange
times and offsets, huge numbers, NaN and Infinity, nested junk, fields that
contradict each other, duplicated ids, the bytes cut or damaged). Each file goes
through ``read_export``; about half of them also through ``couplepause import``
(``cli.main`` in this process) into a copy of a data folder that already holds
pauses. The properties:

* ``read_export`` returns checked episodes or raises ImportRejected with one line;
  nothing else ever comes out (a "crash");
* a refused import exits 1 with exactly one ``couplepause: ...`` line on stderr,
  no traceback, and leaves every file of the data folder byte-identical;
* an accepted file imported twice adds nothing the second time.

``COUPLEPAUSE_FUZZ_EXAMPLES`` sets the number of examples (default 40; CI runs 400);
``benchmarks/bench_faults.py`` runs 10,000 and reads :data:`STATS`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import shutil
import tempfile
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from couplepause.cli import commands as cli
from couplepause.common import paths
from couplepause.core.episode import CYCLES, MAX_EPISODE_SECONDS, PAUSED_BY, REPAIR_ANSWERS, Episode, inconsistencies
from couplepause.core.plan import MAX_TEXT, MOVES
from couplepause.export import ImportRejected, read_export, read_export_file
from couplepause.store.repository import Repository

from ..cli.conftest import Result, assert_one_error_line, snapshot
from ..factory import episode_dict

EXAMPLES = int(os.environ.get("COUPLEPAUSE_FUZZ_EXAMPLES", "40"))
FORMAT = "couplepause-export"
STATS: Counter[str] = Counter()  # what the examples did, for the benchmark


class Crash(AssertionError):
    """Import let out something other than ImportRejected (or the CLI said more than one line)."""


class StoreChanged(AssertionError):
    """A refused import changed a file of the data folder."""


# ------------------------------------------------------ the pre-seeded folder
# Pauses already in the data folder; the fuzzer also offers their records,
# unchanged (already here) or changed (a conflict).
SEEDED = [
    episode_dict("2026-01-15T12:00:00.500+00:00", episode_id="0b0e6a43-8cbe-4a53-9d3e-8d4b2b1a5f01", repair_seconds=0.0),
    episode_dict("2026-02-27T08:15:00.001-08:00", episode_id="5d9c3f0e-2f4e-4b7a-8a51-0c6e7d9b1a02", repair_seconds=None),
    episode_dict("2026-03-01T21:04:05.123+01:00", episode_id="9a1f5c2d-6b3e-4f8a-b7c9-1d2e3f4a5b03", note="Łódź 😊"),
]


def seed_data_folder(data_dir: Path) -> Path:
    """A data folder holding the SEEDED pauses (and the backup their import made)."""
    paths.ensure_data_dir(data_dir)
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge([Episode.from_dict(record) for record in SEEDED])
    return data_dir


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_data_folder(tmp_path_factory.mktemp("fuzz") / "data")


# --------------------------------------------------------------- strategies
OFFSET_LIMIT = timedelta(hours=23, minutes=59, seconds=59)
offsets = st.one_of(
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timedelta(minutes=minutes)),
    st.timedeltas(-OFFSET_LIMIT, OFFSET_LIMIT),  # offsets with seconds and microseconds
).map(timezone)
moments = st.one_of(
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=offsets),
    # Near the ends too; a year of repair and breaks after the last one still fits in a datetime.
    st.datetimes(datetime(1970, 1, 1), datetime(9998, 1, 1), timezones=offsets),
)


def instant(moment: datetime, style: int = 0) -> str:
    """An ISO time as an exporter might write it (milliseconds, microseconds, seconds, Z)."""
    text = moment.isoformat(timespec=("milliseconds", "microseconds", "seconds")[style % 3])
    return text.replace("+00:00", "Z") if style >= 3 and text.endswith("+00:00") else text


seconds = st.floats(0, 10_000, allow_nan=False).map(lambda value: round(value, 3))


def partner_pair(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({"a": values, "b": values})


OPTIONAL = {  # the fields a record may have, besides its breaks and closed
    "paused_by": st.sampled_from([*PAUSED_BY, None]),
    "activation": st.none() | partner_pair(st.none() | st.integers(0, 10)),
    "breathing_pattern": st.none() | st.sampled_from(["slow", "box-4", ""]),
    "breathing_seconds": st.none() | seconds,
    "first_turn_seconds": st.none() | seconds,
    "turns": st.lists(st.fixed_dictionaries({"speaker": st.sampled_from("ab"), "seconds": seconds}), max_size=3),
    "repair_answers": st.none() | partner_pair(st.sampled_from([*REPAIR_ANSWERS, None])),
    "wall_timed": st.booleans(),
    "note": st.none() | st.text(max_size=30),
    "cycle": st.sampled_from([*CYCLES, None]),
}


@st.composite
def episode_records(draw: st.DrawFn) -> dict[str, Any]:
    """A record that agrees with itself most of the time (the mutations break it)."""
    paused = draw(moments)
    style = draw(st.integers(0, 5))
    episode_id = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4))
    record: dict[str, Any] = {
        "id": episode_id.upper() if draw(st.booleans()) and style == 5 else episode_id,
        "paused_at": instant(paused, style),
        "repaired_at": None,
        "repair_seconds": None,
    }
    repair = draw(st.none() | seconds | st.floats(0, MAX_EPISODE_SECONDS + 10, allow_nan=False))
    breaks = []
    start = paused
    for _ in range(draw(st.integers(0, 2))):
        started = start + timedelta(seconds=draw(seconds))
        back = started + timedelta(seconds=draw(seconds))
        ended = draw(st.none() | st.just(back) | st.just(started + timedelta(seconds=draw(seconds))))
        breaks.append({"started_at": instant(started, style), "return_at": instant(back, style),
                       "ended_at": None if ended is None else instant(ended, style)})
        start = ended or started
    if repair is not None:
        repair = max(repair, (start - paused).total_seconds())
        record["repaired_at"] = instant(paused + timedelta(seconds=repair), style)
        record["repair_seconds"] = round(repair, 3) if draw(st.booleans()) else None
    optional = {
        **OPTIONAL,
        "breaks": st.just(breaks),
        "closed": st.just(repair is not None) | st.booleans(),
    }
    for key, values in optional.items():
        if draw(st.integers(0, 4)):  # most fields present, each may be left out
            record[key] = draw(values)
    return record


seeded_records = st.sampled_from(SEEDED).flatmap(
    lambda record: st.just(dict(record)) | st.just({**record, "note": "changed since"})
)


plan_texts = st.none() | st.text(max_size=30) | st.text(min_size=MAX_TEXT - 2, max_size=MAX_TEXT + 2)
partner_plans = st.none() | st.fixed_dictionaries({}, optional={
    "move": st.sampled_from([*MOVES, None]), "signs": plan_texts, "helps": plan_texts, "need_to_hear": plan_texts,
})
plans = st.fixed_dictionaries({}, optional={
    "partners": st.fixed_dictionaries({}, optional={"a": partner_plans, "b": partner_plans}),
    "pause_signal": plan_texts,
    "way_back": plan_texts,
    "updated_at": st.none() | moments.map(instant),
})


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from([1, 2]))  # 0.1's files still import
    doc: dict[str, Any] = {
        "format": FORMAT,
        "schema_version": version,
        "exported_at": instant(draw(moments), draw(st.integers(0, 5))),
        "episodes": draw(st.lists(episode_records() | seeded_records, max_size=4, unique_by=lambda r: r["id"].lower())),
    }
    if version >= 2:
        for record in doc["episodes"]:
            if draw(st.booleans()):
                record["practice"] = draw(st.booleans())
        if draw(st.booleans()):
            doc["plan"] = draw(plans)
    if draw(st.booleans()):
        day = st.none() | st.dates().map(lambda d: d.isoformat())
        doc["range"] = draw(st.fixed_dictionaries({"since": day, "until": day}))
    if draw(st.booleans()):
        doc["partners"] = draw(partner_pair(st.none() | st.text(max_size=12)))
    return doc


STRANGE_TIMES = [
    "2026-02-30T10:00:00.000+01:00", "2026-03-04T24:00:00+00:00", "2026-03-04T10:00:60Z",
    "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999-23:59",
    "1969-12-31T23:59:59.999Z", "2026-03-04T10:00:00+24:00", "2026-03-04T10:00:00+01:60",
    "2026-03-04T10:00:00-00:00", "2026-03-04T10:00:00.1234567+01:00", "２０２６-03-04T10:00:00+01:00",  # noqa: RUF001 - full-width digits on purpose
    "2026-03-04t10:00:00z", "2026-03-04T10:00:00 +01:00", "2026-03-04T10:00:00+0100",
    "2026-W10-3T10:00:00+01:00", "2026-03-04T10:00:00", "2026-03-04", "", " ", "now",
    "2026-03-04T10:00:00+01:00:59.999999", "2026-03-04T10:00:00-23:59:59.999999",
]
INSTANT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)$"
)
strange_times = st.sampled_from(STRANGE_TIMES) | st.from_regex(INSTANT_PATTERN, fullmatch=True)
strange_numbers = st.sampled_from([
    10**20, 10**21, -(10**30), 2**63, 1e308, -1e308, 5e-324, -0.0, 1.0, math.nan, math.inf, -math.inf,
    True, False, MAX_EPISODE_SECONDS, MAX_EPISODE_SECONDS + 1.5, -1, "NaN", "Infinity", "-Infinity",
    "nan", "1e999", "0x10", "12", "",
])
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | strange_numbers | strange_times
junk = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def places(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every value inside a document (the document itself too)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


def at(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def put(doc: Any, path: tuple, value: Any) -> Any:
    """The document with the value at ``path`` replaced (in place; the root is returned)."""
    if not path:
        return value
    at(doc, path[:-1])[path[-1]] = value
    return doc


def contradiction(draw: st.DrawFn, record: dict[str, Any]) -> None:
    """Make one episode record contradict itself (or the format's rules)."""
    paused = record.get("paused_at")
    kind = draw(st.integers(0, 9))

    def later(text: str, by: float) -> str:
        return (datetime.fromisoformat(text) + timedelta(seconds=by)).isoformat()

    try:
        if kind == 0:  # repair_seconds far from repaired_at - paused_at
            record["repair_seconds"] = draw(st.floats(0, 1e9, allow_nan=False))
            record.setdefault("repaired_at", paused)
            record["repaired_at"] = record["repaired_at"] or paused
        elif kind == 1:  # repaired before paused
            record["repaired_at"] = later(paused, -draw(st.floats(0.001, 1e6)))
        elif kind == 2:  # repair_seconds without repaired_at
            record["repaired_at"], record["repair_seconds"] = None, draw(seconds)
        elif kind == 3:  # a break before its pause
            start = later(paused, -draw(st.floats(1.5, 1e6)))
            record["breaks"] = [{"started_at": start, "return_at": later(start, 60), "ended_at": None}]
        elif kind == 4:  # a break that ends before it starts, or comes back before it starts
            start = later(paused, 10)
            back = later(start, -draw(st.floats(0.001, 1e5)))
            record["breaks"] = [{"started_at": start, "return_at": draw(st.sampled_from([back, later(start, 60)])),
                                 "ended_at": back}]
        elif kind == 5:  # overlapping breaks
            start = later(paused, 10)
            record["breaks"] = [{"started_at": start, "return_at": later(start, 600), "ended_at": later(start, 600)},
                                {"started_at": later(start, 5), "return_at": later(start, 60), "ended_at": None}]
        elif kind == 6:  # a break after the repair
            record["repaired_at"], record["repair_seconds"] = later(paused, 60), 60
            record["breaks"] = [{"started_at": later(paused, 120), "return_at": later(paused, 180), "ended_at": None}]
        elif kind == 7:  # more than a year, consistently
            span = MAX_EPISODE_SECONDS + draw(st.floats(1, 1e9))
            record["repaired_at"], record["repair_seconds"] = later(paused, span), span
        elif kind == 8:  # a break that would last more than a year
            record["breaks"] = [{"started_at": paused, "return_at": later(paused, MAX_EPISODE_SECONDS + 5), "ended_at": None}]
        else:  # closed without a repair, a repair without closing
            record["closed"] = record.get("repaired_at") is None
    except (TypeError, ValueError, AttributeError, OverflowError):
        pass  # paused_at was already junk: leave the record as it is


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A valid document with up to four mutations."""
    doc: Any = copy.deepcopy(draw(valid_documents()))  # mutated in place: never a shared record
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.sampled_from(places(doc)))
        kind = draw(st.integers(0, 7))
        target = at(doc, where)
        if kind == 0:
            doc = put(doc, where, draw(junk))
        elif kind == 1 and where:  # a field or an item left out
            del at(doc, where[:-1])[where[-1]]
        elif kind == 2 and isinstance(target, dict):
            target[draw(st.text(max_size=10) | st.sampled_from(["id", "timing", "episodes", "__proto__"]))] = draw(junk)
        elif kind == 3 and isinstance(target, str):
            doc = put(doc, where, draw(strange_times))
        elif kind == 4 and isinstance(target, (int, float)):
            doc = put(doc, where, draw(strange_numbers))
        elif kind == 5 and isinstance(doc, dict) and isinstance(doc.get("episodes"), list) and doc["episodes"]:
            record = draw(st.sampled_from(doc["episodes"]))
            if isinstance(record, dict) and isinstance(record.get("paused_at"), str):
                contradiction(draw, record)
        elif kind == 6 and isinstance(doc, dict) and isinstance(doc.get("episodes"), list) and doc["episodes"]:
            twin = json.loads(json.dumps(draw(st.sampled_from(doc["episodes"]))))  # a duplicated id
            if isinstance(twin, dict) and isinstance(twin.get("id"), str) and draw(st.booleans()):
                twin["id"] = twin["id"].upper()
            doc["episodes"].append(twin)
        elif kind == 7:  # lists in lists, deeper than any export
            nested: Any = 1
            for _ in range(draw(st.integers(20, 40))):
                nested = [nested]
            doc = put(doc, where, nested)
    return doc


def encoded(draw: st.DrawFn, doc: Any) -> bytes:
    """The document as file bytes, sometimes damaged on the way."""
    raw = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True).encode("utf-8", "surrogatepass")
    kind = draw(st.integers(0, 19))
    if kind == 0:  # cut short
        return raw[: draw(st.integers(0, len(raw)))]
    if kind == 1:  # some bytes overwritten
        spot = draw(st.integers(0, len(raw)))
        patch = draw(st.binary(min_size=1, max_size=4))
        return raw[:spot] + patch + raw[spot + len(patch):]
    if kind == 2:
        return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"   \n", b"\x00"])) + raw
    if kind == 3:
        return doc_in_another_encoding(draw, doc)
    if kind == 4:  # nested far deeper than the limit
        depth = draw(st.integers(30, 5000))
        return b'{"format": "couplepause-export", "episodes": ' + b"[" * depth + b"]" * depth + b"}"
    return raw


def doc_in_another_encoding(draw: st.DrawFn, doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    return text.encode(draw(st.sampled_from(["utf-16", "utf-32", "latin-1"])), "replace")


@st.composite
def export_files(draw: st.DrawFn) -> bytes:
    """The bytes of a file handed to import."""
    kind = draw(st.integers(0, 9))
    if kind <= 1:
        return encoded(draw, draw(valid_documents()))
    if kind == 2:  # not an export at all
        return encoded(draw, draw(junk))
    return encoded(draw, draw(mutated_documents()))


# ------------------------------------------------------------------ checking
def run_cli(*args: str | Path) -> Result:
    """``couplepause ARGS`` in this process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(arg) for arg in args])
    return Result(code, out.getvalue(), err.getvalue())


def one_error_line(result: Result) -> str:
    """The single ``couplepause: ...`` line of a refused command (Crash if it is not that)."""
    try:
        line = assert_one_error_line(result)
    except AssertionError as exc:
        raise Crash(f"not one error line: {result.err!r}") from exc
    if "unexpected error" in line:
        raise Crash(line)
    return line


def read_checked(path: Path) -> list[Episode] | ImportRejected:
    """What ``read_export`` makes of the file: its episodes, or the ImportRejected it raised."""
    try:
        episodes = read_export(path)
    except ImportRejected as exc:
        if not str(exc) or "\n" in str(exc):
            raise Crash(f"ImportRejected is not one line: {str(exc)!r}") from exc
        return exc
    except Exception as exc:  # anything else is what we hunt for
        raise Crash(f"read_export let out {type(exc).__name__}: {exc}") from exc
    for found in episodes:  # accepted: each pause agrees with itself and reads back the same
        if inconsistencies(found) or Episode.from_dict(found.to_dict()) != found:
            raise Crash(f"accepted an episode that contradicts itself: {found.to_dict()}")
    if len({found.id for found in episodes}) != len(episodes):
        raise Crash("accepted a file with a duplicated id")
    return episodes


def stored_records(data_dir: Path) -> dict[str, dict]:
    repo = Repository(paths.store_dir(data_dir), read_only=True)
    repo.open()
    return {found.id: found.to_dict() for found in repo.load_all()}


def import_twice(data_dir: Path, path: Path, episodes: list[Episode]) -> None:
    """An accepted file: the first import adds what is new, the second adds nothing."""
    first = run_cli("--data-dir", data_dir, "import", path)
    if first.code != 0 or first.err:
        raise Crash(f"read_export accepted the file but the import said {first.code}: {first.err!r}")
    stored = stored_records(data_dir)
    assert all(found.id in stored for found in episodes), "an accepted pause is not in the store"
    plan = read_export_file(path).plan  # the seeded folder has none: the file's becomes ours
    adopted = Repository(paths.store_dir(data_dir), read_only=True).plan()
    assert (adopted and adopted.to_dict()) == (plan and plan.to_dict()), "the file's plan was not adopted"
    STATS["plan adopted"] += plan is not None
    before = snapshot(data_dir)
    second = run_cli("--data-dir", data_dir, "import", path)
    assert second.code == 0 and not second.err, second.err
    assert second.out.startswith("Imported 0 pauses"), second.out
    assert snapshot(data_dir) == before, "importing the same file again changed the data folder"
    assert stored_records(data_dir) == stored
    STATS["imported twice"] += 1


def check_import(template: Path, raw: bytes, via_cli: bool) -> str:
    """The properties of the module docstring for one file; returns "accepted" or "rejected"."""
    STATS["cases"] += 1
    STATS["via the command"] += via_cli
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "export.json"
        path.write_bytes(raw)
        outcome = read_checked(path)
        verdict = "rejected" if isinstance(outcome, ImportRejected) else "accepted"
        STATS[verdict] += 1
        if not via_cli:
            return verdict
        data_dir = Path(scratch) / "data"
        shutil.copytree(template, data_dir)
        if not isinstance(outcome, ImportRejected):
            import_twice(data_dir, path, outcome)
            return verdict
        before = snapshot(data_dir)
        result = run_cli("--data-dir", data_dir, "import", path)
        line = one_error_line(result)
        if result.code != 1 or result.out:
            raise Crash(f"a refused import exited {result.code} and printed {result.out!r}: {line}")
        if snapshot(data_dir) != before:
            raise StoreChanged(f"a refused import changed the data folder: {line}")
        STATS["refused by the command, folder unchanged"] += 1
        return verdict


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@FUZZ
@given(raw=export_files(), via_cli=st.booleans())
def test_import_accepts_or_refuses_in_one_line_and_a_refusal_changes_nothing(
    seeded_template: Path, raw: bytes, via_cli: bool
) -> None:
    check_import(seeded_template, raw, via_cli)


def test_the_checks_see_both_outcomes(seeded_template: Path) -> None:
    """A valid file (new and stored pauses) is imported twice; a newer one is refused."""
    doc = {"format": FORMAT, "schema_version": 1, "exported_at": "2026-03-05T10:00:00.000+00:00",
           "episodes": [*SEEDED, episode_dict("2026-03-04T09:00:00.000+01:00")]}
    assert check_import(seeded_template, json.dumps(doc).encode(), via_cli=True) == "accepted"
    newer = json.dumps({**doc, "schema_version": 3}).encode()
    assert check_import(seeded_template, newer, via_cli=True) == "rejected"
