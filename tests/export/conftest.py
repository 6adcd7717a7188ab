from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from couplepause.export import json_format


@pytest.fixture(scope="session")
def validator() -> Draft202012Validator:
    schema = json_format.schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load(path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8"))
