"""Transactions over the table, and which of their conditions failed when one is cancelled.

Every transaction carries a `ClientRequestToken`: when botocore resends a commit whose reply was
lost, DynamoDB recognises it (for ten minutes) and answers success instead of evaluating the
conditions again against what the first send already wrote. A transaction that DynamoDB cancels
because another one touched the same item at the same moment (`TransactionConflict`) is sent
again a few times after a jittered pause, with a new token: it wrote nothing.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from kontor.aws import client
from kontor.errors import Conflict
from kontor.models import Item
from kontor.settings import settings

Key = tuple[str, str]
_connection: Connection | None = None
CONFLICT_ATTEMPTS = 4
CONFLICT_PAUSE = 0.05  # seconds, doubled on each attempt, with full jitter


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, CONFLICT_PAUSE * 2**attempt))  # noqa: S311 - jitter, not a secret


class Cancelled(Conflict):
    """A transaction that wrote nothing; `failed` holds the keys whose condition did not hold.

    Storage turns the failures it expects into domain errors; one it did not expect (or conflicts
    that outlasted the retries) reaches the caller as `409 concurrent_change`: try again.
    """

    def __init__(self, failed: set[Key], reasons: list[str]) -> None:
        super().__init__(
            "Someone changed the same data at the same moment; nothing was saved. Try again.",
            code="concurrent_change",
        )
        self.failed = failed
        self.reasons = reasons

    @property
    def conflicted(self) -> bool:
        """Cancelled because a concurrent transaction touched one of its items, not by a condition."""
        return "TransactionConflict" in self.reasons and not self.failed


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection()
    return _connection


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    """All writes added inside the block commit together, or none does (then: `Cancelled`)."""
    tx = TransactWrite(connection=_shared_connection(), client_request_token=str(uuid.uuid4()))
    yield tx
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            tx._commit()
            return
        except TransactWriteError as error:
            if getattr(error, "cause_response_code", None) != "TransactionCanceledException":
                # No answer (the request never arrived, or its reply was lost) or another error:
                # whether it committed is unknown, so it is not reported as "nothing was saved".
                raise
            cancelled = _cancelled(tx, error)
            if not cancelled.conflicted or attempt == CONFLICT_ATTEMPTS - 1:
                raise cancelled from error
        _pause(attempt)
        # Cancelled means nothing was written: the next send is a new request with a token of its own.
        tx._client_request_token = str(uuid.uuid4())


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


def delete_partition(pk: str) -> int:
    """Delete every item under one partition key: a Query of its keys, BatchWriteItem by 25.

    For small partitions only (an abandoned signup's tenant); what a restore or purge of a large
    tenant needs is paced by its own job. Returns how many items were deleted.
    """
    table = settings().table_name
    dynamodb = client("dynamodb")
    deleted = 0
    start: dict[str, Any] | None = None
    while True:
        query: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ProjectionExpression": "pk, sk",
            "ConsistentRead": True,
        }
        if start:
            query["ExclusiveStartKey"] = start
        page = dynamodb.query(**query)
        found = page.get("Items", [])
        for offset in range(0, len(found), 25):
            request: dict[str, Any] | None = {
                table: [{"DeleteRequest": {"Key": key}} for key in found[offset : offset + 25]]
            }
            while request:
                request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or None
        deleted += len(found)
        start = page.get("LastEvaluatedKey")
        if not start:
            return deleted
