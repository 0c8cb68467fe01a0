"""Cursors continue only the listing they came from."""

from __future__ import annotations

import base64
import json

import pytest

from kontor import pages
from kontor.errors import BadRequest

KEY = {"pk": {"S": "TENANT#a"}, "sk": {"S": "CONTACT#b"}}


def test_a_cursor_round_trips() -> None:
    cursor = pages.encode(KEY)
    assert cursor is not None
    assert "=" not in cursor
    assert pages.decode(cursor, partition_key="pk", partition="TENANT#a") == KEY


def test_no_more_pages_is_no_cursor() -> None:
    assert pages.encode(None) is None
    assert pages.encode({}) is None
    assert pages.decode(None, partition_key="pk", partition="TENANT#a") is None


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%not-base64",
        _raw("a string"),
        _raw({"pk": {"S": "TENANT#other"}, "sk": {"S": "CONTACT#b"}}),
        _raw({"pk": {"N": "1"}}),
        _raw({"sk": {"S": "CONTACT#b"}}),
        # Real DynamoDB refuses start keys with missing or extra attributes; moto accepts them.
        _raw({"pk": {"S": "TENANT#a"}}),
        _raw({"pk": {"S": "TENANT#a"}, "sk": {"S": "CONTACT#b"}, "name": {"S": "x"}}),
        _raw({"pk": {"S": "TENANT#a"}, "sk": {"S": "CONTACT#b"}, "gsi1pk": {"S": "TENANT#a"}}),
    ],
)
def test_a_foreign_or_broken_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(BadRequest) as refused:
        pages.decode(cursor, partition_key="pk", partition="TENANT#a")
    assert refused.value.code == "invalid_cursor"


def test_an_index_cursor_holds_the_table_and_the_index_keys() -> None:
    key = {**KEY, "gsi2pk": {"S": "TENANTS"}, "gsi2sk": {"S": "2026-11-23T09:00:00Z#b"}}
    cursor = pages.encode(key)

    assert pages.decode(cursor, partition_key="gsi2pk", partition="TENANTS") == key
    with pytest.raises(BadRequest):
        pages.decode(pages.encode(KEY), partition_key="gsi2pk", partition="TENANTS")
