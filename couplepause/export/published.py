"""What the exports publish about a pause, made from the record's own definitions.

- The JSON Schema's ``episode`` (with ``activation_level`` and ``repair_answer``) is
  written from ``core/episode.py``'s ``FIELDS`` (each field's kind, its choices) and
  ``import_rules.FIELD_LIMITS``: the schema and ``Episode.from_dict`` read the same
  definitions, so they never disagree. The rest of the schema (the file around the
  pauses, the plan, a turn, a break) is written by hand in the resource.
- docs/CSV.md, the spreadsheet's columns, is written from ``csv_format.TABLE``.

After changing either, run ``python -m couplepause.export.published`` in a checkout
(it rewrites ``resources/couplepause-export.schema.json`` and ``docs/CSV.md``);
tests/export/test_fields.py fails while they are out of date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from couplepause.common.texts import resource_folder
from couplepause.core.episode import ACTIVATION_RANGE, FIELDS, PARTNERS, REPAIR_ANSWERS, Field
from couplepause.export import csv_format, json_format
from couplepause.export.import_rules import FIELD_LIMITS

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
CSV_DOC = Path(__file__).resolve().parents[2] / "docs" / "CSV.md"  # in a checkout
CSV_TABLE_START = "<!-- the columns: written by python -m couplepause.export.published -->"
CSV_TABLE_END = "<!-- end of the columns -->"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _per_partner(each: str) -> dict[str, Any]:
    return {"type": ["object", "null"], "properties": {p: _ref(each) for p in PARTNERS}, "additionalProperties": False}


def field_schema(item: Field) -> dict[str, Any]:
    """What the schema says of one field, from its kind (core/episode.py KINDS)."""
    limit = FIELD_LIMITS.get(item.name)
    by_kind: dict[str, Callable[[], dict[str, Any]]] = {
        "uuid": lambda: {"type": "string", "pattern": UUID_PATTERN},
        "instant": lambda: _ref("instant"),
        "instant_or_null": lambda: _ref("instant_or_null"),
        "choice": lambda: {"enum": [*item.options, None]},
        "levels": lambda: _per_partner("activation_level"),
        "answers": lambda: _per_partner("repair_answer"),
        "text": lambda: {"type": ["string", "null"]},
        "seconds": lambda: _ref("seconds_or_null"),
        "turns": lambda: {"type": ["array", "null"], "items": _ref("turn")},
        "breaks": lambda: {"type": ["array", "null"], "items": _ref("break")},
        "flag": lambda: {"type": "boolean"},
    }
    made = by_kind[item.kind]()
    if limit is not None:
        made["maxLength" if item.kind == "text" else "maxItems"] = limit
    if item.about:
        made["description"] = item.about
    return made


def episode_definitions() -> dict[str, Any]:
    """The schema's definitions made from the record: a pause and what its fields hold."""
    low, high = ACTIVATION_RANGE
    return {
        "activation_level": {"type": ["integer", "null"], "minimum": low, "maximum": high},
        "repair_answer": {"enum": [*REPAIR_ANSWERS, None]},
        "episode": {
            "type": "object",
            "required": [item.name for item in FIELDS if item.required],
            "properties": {item.name: field_schema(item) for item in FIELDS},
        },
    }


def schema_path() -> Path:
    return Path(str(resource_folder().joinpath(json_format.SCHEMA_RESOURCE)))


def schema_document() -> dict[str, Any]:
    """The published schema with its pause's definitions made afresh."""
    document = json.loads(schema_path().read_text("utf-8"))
    document["$defs"].update(episode_definitions())
    return document


def schema_text() -> str:
    return json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"


def csv_table() -> str:
    """The spreadsheet's columns as a Markdown table, from csv_format.TABLE."""
    lines = ["| column | what it holds |", "|---|---|"]
    for column in csv_format.TABLE:
        needs = f" **Only with `--{column.only_with.replace('_', '-')}`.**" if column.only_with else ""
        lines.append(f"| `{column.key}` | {column.about}{needs} |")
    return "\n".join(lines)


def csv_doc_text(current: str) -> str:
    """docs/CSV.md with its table made afresh (what stands around it is kept)."""
    head, rest = current.split(CSV_TABLE_START, 1)
    _old, tail = rest.split(CSV_TABLE_END, 1)
    return f"{head}{CSV_TABLE_START}\n{csv_table()}\n{CSV_TABLE_END}{tail}"


def main() -> None:
    """Write both where a checkout keeps them."""
    schema_path().write_text(schema_text(), "utf-8")
    CSV_DOC.write_text(csv_doc_text(CSV_DOC.read_text("utf-8")), "utf-8")
    print(f"wrote {schema_path()} and {CSV_DOC}")


if __name__ == "__main__":
    main()
