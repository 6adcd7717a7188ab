"""A new field of a pause is one path (docs/ARCHITECTURE.md, "Adding a field to a
pause"): every field of core/episode.py's Episode is in the JSON export and its schema
(or is the store's alone), changes what the CSV and the report say (or is in their
LEFT_OUT, with the reason), and the files written from the definitions are current."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from couplepause.common.texts import section
from couplepause.core.clock import Timing
from couplepause.core.episode import FIELDS, KINDS, STORE_ONLY, Break, Episode, Field, Turn
from couplepause.export import csv_format, json_format, published
from couplepause.export.base import ExportOptions
from couplepause.export.pdf import content

from ..factory import make_episode

EXPORTED = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
OPTIONS = ExportOptions(include_notes=True, include_names=True, include_practice=True,
                        partner_names=("Robin", "Sam"), exported_at=EXPORTED)


def base() -> Episode:
    return make_episode("2026-03-01T21:04:05.123+01:00", repair_seconds=2700.0, note="the dishes",
                        episode_id="5f1d7a9e-0000-4000-8000-00000000000a")


def _later(e: Episode) -> Episode:
    return e.repaired_after(e.repair_seconds + 600)


# How a pause can differ in each one field (the others as they are): a new field
# needs a line here, and then the CSV and the report must show it or say why not.
DIFFERENT = {
    "id": lambda e: e.with_changes(id="00000000-0000-4000-8000-000000000001"),
    "paused_at": lambda e: e.with_changes(paused_at=e.paused_at - timedelta(hours=2)).repaired_after(
        e.repair_seconds + 7200),
    "paused_by": lambda e: e.with_changes(paused_by="b"),
    "activation": lambda e: e.with_changes(activation={"a": 3, "b": 9}),
    "breathing_pattern": lambda e: e.with_changes(breathing_pattern="box"),
    "breathing_seconds": lambda e: e.with_changes(breathing_seconds=300.0),
    "first_turn_seconds": lambda e: e.with_changes(first_turn_seconds=90.0),
    "turns": lambda e: e.with_changes(turns=(*e.turns, Turn("a", 240.0))),
    "breaks": lambda e: e.with_changes(breaks=(Break(e.paused_at + timedelta(minutes=3),
                                                     e.paused_at + timedelta(minutes=23),
                                                     e.paused_at + timedelta(minutes=25)),)),
    "repair_answers": lambda e: e.with_changes(repair_answers={"a": "yes", "b": "yes"}),
    "repaired_at": _later,  # repaired_at and repair_seconds are one fact: they always agree
    "repair_seconds": _later,
    "wall_timed": lambda e: e.with_changes(wall_timed=not e.wall_timed),
    "note": lambda e: e.with_changes(note="money, again"),
    "cycle": lambda e: e.with_changes(cycle="other"),
    "closed": lambda e: e.with_changes(closed=not e.closed),
    "practice": lambda e: e.with_changes(practice=not e.practice),
    "timing": lambda e: e.with_changes(timing=Timing("boot-1", 12.5)),
}
NAMES = [f.name for f in dataclasses.fields(Episode)]


def test_every_field_of_a_pause_is_described_here_and_in_the_record():
    assert sorted(DIFFERENT) == sorted(NAMES), "say in DIFFERENT how a pause can differ in the new field"
    assert [f.name for f in FIELDS] + list(STORE_ONLY) == NAMES
    assert list(base().to_dict()) == [f.name for f in FIELDS]
    assert set(base().to_record()) == set(NAMES)


def test_every_exported_field_is_in_the_schema_as_the_record_defines_it():
    episode = json_format.schema()["$defs"]["episode"]
    assert list(episode["properties"]) == [f.name for f in FIELDS]
    assert episode["required"] == [f.name for f in FIELDS if f.required]
    for name in STORE_ONLY:
        assert name not in episode["properties"]


@pytest.mark.parametrize("name", NAMES)
def test_the_field_reads_back_from_the_store_and_the_export(name):
    changed = DIFFERENT[name](base())
    assert Episode.from_dict(changed.to_record()) == changed
    if name not in STORE_ONLY:
        assert Episode.from_dict(changed.to_dict()) == changed.with_changes(timing=None)


@pytest.mark.parametrize("name", NAMES)
def test_the_csv_shows_the_field_or_says_why_not(name):
    before, after = base(), DIFFERENT[name](base())
    shown = csv_format.row(before, OPTIONS) != csv_format.row(after, OPTIONS)
    assert shown == (name not in csv_format.LEFT_OUT), (
        f"{name}: a column in csv_format.TABLE, or a reason in csv_format.LEFT_OUT")


def _said(episode: Episode) -> tuple:
    """What the report says of one pause: its row, figures and summary."""
    made = content.build_content([episode], OPTIONS)
    return made.rows, made.figures, made.figures_line, made.summary


@pytest.mark.parametrize("name", NAMES)
def test_the_report_shows_the_field_or_says_why_not(name):
    before, after = _said(base()), _said(DIFFERENT[name](base()))
    assert (before != after) == (name not in content.LEFT_OUT), (
        f"{name}: shown in pdf/content.py build_content, or a reason in content.LEFT_OUT")


def test_the_left_out_lists_name_fields_of_a_pause():
    assert set(csv_format.LEFT_OUT) <= set(NAMES) and set(content.LEFT_OUT) <= set(NAMES)
    assert all(csv_format.LEFT_OUT.values()) and all(content.LEFT_OUT.values())


def test_the_published_schema_and_the_csv_columns_doc_are_current():
    assert published.schema_path().read_text("utf-8") == published.schema_text(), (
        "run: python -m couplepause.export.published")
    if published.CSV_DOC.is_file():  # in a checkout
        text = published.CSV_DOC.read_text("utf-8")
        assert published.csv_doc_text(text) == text, "run: python -m couplepause.export.published"


def test_every_kind_is_described_in_the_schema():
    for kind in KINDS:
        assert published.field_schema(Field("x", kind, options=("a",)))


def test_every_field_problem_has_words_that_take_its_values():
    problems = section("problems")
    for item in FIELDS:
        if item.problem:
            text = problems[item.problem]
            assert ("{options}" in text) == (item.kind == "choice"), item.name


def test_every_csv_column_has_words_and_says_what_it_holds():
    csv_words = section("csv")
    for column in csv_format.TABLE:
        assert column.about
        assert column.key == csv_format.ID_COLUMN or column.key in csv_words
