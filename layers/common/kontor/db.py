"""Transactions over the table, and which of their conditions failed when one is cancelled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from kontor.aws import client
from kontor.models import Item
from kontor.settings import settings

Key = tuple[str, str]
_connection: Connection | None = None


class Cancelled(Exception):
    """A transaction that wrote nothing; `failed` holds the keys whose condition did not hold."""

    def __init__(self, failed: set[Key], reasons: list[str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.failed = failed


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection()
    return _connection


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    """All writes added inside the block commit together, or none does (then: `Cancelled`)."""
    tx = TransactWrite(connection=_shared_connection())
    try:
        with tx:
            yield tx
    except TransactWriteError as error:
        raise _cancelled(tx, error) from error


def _cancelled(tx: TransactWrite, error: TransactWriteError) -> Cancelled:
    # PynamoDB sends condition checks, deletes, puts, then updates: reasons come in that order.
    sent: list[dict[str, Any]] = [
        *tx._condition_check_items,
        *tx._delete_items,
        *tx._put_items,
        *tx._update_items,
    ]
    reasons = error.cancellation_reasons or []
    failed = {
        _key(request)
        for request, reason in zip(sent, reasons, strict=False)
        if reason is not None and reason.code == "ConditionalCheckFailed"
    }
    return Cancelled(failed, [reason.code if reason else "None" for reason in reasons])


def _key(request: dict[str, Any]) -> Key:
    attributes = request.get("Key") or request["Item"]
    return attributes["pk"]["S"], attributes["sk"]["S"]


def batch_get(wanted: list[Key], model_for: Callable[[Key], type[Item]]) -> list[Item]:
    """Items of several kinds in one BatchGetItem (up to 100 keys), strongly consistent.

    `model_for` names the model of each key; keys that hold nothing are simply absent.
    """
    if not wanted:
        return []
    if len(wanted) > 100:
        raise ValueError("a batch reads at most 100 keys")
    table = settings().table_name
    request: dict[str, Any] | None = {
        table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted],
            "ConsistentRead": True,
        }
    }
    found: list[Item] = []
    while request:
        response = client("dynamodb").batch_get_item(RequestItems=request)
        for raw in response.get("Responses", {}).get(table, []):
            found.append(model_for((raw["pk"]["S"], raw["sk"]["S"])).from_raw_data(raw))
        request = response.get("UnprocessedKeys") or None  # throttled keys come back: ask again
    return found
