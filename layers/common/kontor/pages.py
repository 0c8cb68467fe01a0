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


def decode(
    cursor: str | None,
    *,
    partition_key: str,
    partition: str,
    sk_prefix: str = "",
    sk_from: str | None = None,
    sk_to: str | None = None,
    table_partition: str | None = None,
) -> dict[str, Any] | None:
    """The ExclusiveStartKey behind `cursor`, if it continues this very listing.

    Real DynamoDB refuses a start key with missing or extra attributes, and one outside the
    Query's key condition (moto accepts both): the key must hold exactly the table's keys and, on
    an index, the index's (named `<x>pk` / `<x>sk` throughout the table); its partition must be
    the listing's; its sort key must lie in the listing's range (`sk_prefix`, and `sk_from` ≤ sk ≤
    `sk_to` for a `between`); and on an index whose items all live in one tenant, the item's own
    partition must be that tenant's (`table_partition`), so a cursor never points elsewhere.
    """
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise _invalid() from None
    sort_key = partition_key.removesuffix("pk") + "sk"
    attributes = {"pk", "sk", partition_key, sort_key}
    valid = (
        isinstance(key, dict)
        and set(key) == attributes
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
    )
    if not valid:
        raise _invalid()
    values = {name: value["S"] for name, value in key.items()}
    sk = values[sort_key]
    in_range = (
        values[partition_key] == partition
        and sk.startswith(sk_prefix)
        and (sk_from is None or sk >= sk_from)
        and (sk_to is None or sk <= sk_to)
        and (table_partition is None or values["pk"] == table_partition)
    )
    if not in_range:
        raise _invalid()
    return key


def _invalid() -> BadRequest:
    return BadRequest("This cursor is not valid; start again without it.", code="invalid_cursor")
