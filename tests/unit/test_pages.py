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


# Real DynamoDB refuses a start key outside the Query's key condition ("outside query boundaries");
# moto accepts it, and on an index it could point into another tenant's items.
CONTACTS = {"partition_key": "gsi1pk", "partition": "TENANT#a#CONTACTS", "table_partition": "TENANT#a"}


def _contact_cursor(pk: str = "TENANT#a", name: str = "erika#c1") -> str:
    return (
        pages.encode(
            {
                "pk": {"S": pk},
                "sk": {"S": "CONTACT#c1"},
                "gsi1pk": {"S": "TENANT#a#CONTACTS"},
                "gsi1sk": {"S": name},
            }
        )
        or ""
    )


def test_a_cursor_inside_the_listings_range_continues_it() -> None:
    assert pages.decode(_contact_cursor(), sk_prefix="eri", **CONTACTS) is not None
    appointment = pages.encode(
        {
            "pk": {"S": "TENANT#a"},
            "sk": {"S": "APPOINTMENT#x"},
            "gsi1pk": {"S": "P"},
            "gsi1sk": {"S": "2026-05#x"},
        }
    )
    assert pages.decode(
        appointment, partition_key="gsi1pk", partition="P", sk_from="2026-01#", sk_to="2027-01#"
    )


@pytest.mark.parametrize(
    ("cursor", "listing"),
    [
        (_contact_cursor(name="zora#c1"), {**CONTACTS, "sk_prefix": "eri"}),  # outside the name prefix
        (_contact_cursor(pk="TENANT#b"), CONTACTS),  # an item of another tenant on the shared index
        (
            _raw({"pk": {"S": "TENANT#a"}, "sk": {"S": "AUDIT#2026#x"}}),
            {"partition_key": "pk", "partition": "TENANT#a", "sk_prefix": "MEMBER#"},
        ),
    ],
)
def test_a_cursor_outside_the_listings_range_is_refused(cursor: str, listing: dict) -> None:
    with pytest.raises(BadRequest) as refused:
        pages.decode(cursor, **listing)
    assert refused.value.code == "invalid_cursor"


@pytest.mark.parametrize("start", ["2025-12-31T23:59:59Z#x", "2027-01-01T00:00:01Z#x"])
def test_an_appointment_cursor_outside_from_and_to_is_refused(start: str) -> None:
    cursor = pages.encode(
        {"pk": {"S": "TENANT#a"}, "sk": {"S": "APPOINTMENT#x"}, "gsi1pk": {"S": "P"}, "gsi1sk": {"S": start}}
    )
    with pytest.raises(BadRequest):
        pages.decode(
            cursor,
            partition_key="gsi1pk",
            partition="P",
            sk_from="2026-01-01T00:00:00Z#",
            sk_to="2027-01-01T00:00:00Z#",
        )
