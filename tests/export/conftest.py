from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from jsonschema import Draft202012Validator

from couplepause.export import json_format


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set this process's local time zone (a POSIX TZ string needs no tz database)."""

    def set_tz(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def validator() -> Draft202012Validator:
    schema = json_format.schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load(path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8"))
