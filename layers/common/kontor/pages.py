"""Cursor pagination over one DynamoDB Query: `?limit=&cursor=` in, `{items, next_cursor}` out.

A cursor is the Query's LastEvaluatedKey, base64url-encoded. It is opaque to clients; a cursor
that does not belong to the listing it is sent to is refused, so it can never point elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor.errors import BadRequest

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page (1-100).")]
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page.")]
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, *, partition_key: str, partition: str) -> dict[str, Any] | None:
    """The ExclusiveStartKey behind `cursor`, if it continues a listing of `partition`."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise BadRequest("This cursor is not valid; start again without it.", code="invalid_cursor") from None
    # Real DynamoDB refuses a start key with missing or extra attributes (moto does not): exactly the
    # table's keys and, on an index, the index's (named `<x>pk` / `<x>sk` throughout the table).
    attributes = {"pk", "sk", partition_key, partition_key.removesuffix("pk") + "sk"}
    valid = (
        isinstance(key, dict)
        and set(key) == attributes
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
        and key.get(partition_key, {}).get("S") == partition
    )
    if not valid:
        raise BadRequest("This cursor is not valid; start again without it.", code="invalid_cursor")
    return key
