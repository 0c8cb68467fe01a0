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
    ],
)
def test_a_foreign_or_broken_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(BadRequest) as refused:
        pages.decode(cursor, partition_key="pk", partition="TENANT#a")
    assert refused.value.code == "invalid_cursor"
