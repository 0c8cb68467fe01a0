"""A tenant's whole key range in the table, raw: read for an export, rewritten by a restore.

Raw DynamoDB attribute values (not models), so every item — whichever context owns it — round-trips
exactly. Reads are one consistent Query per page; writes are BatchWriteItem of 25, retried with
back-off for what DynamoDB leaves unprocessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from kontor import keys
from kontor.aws import client
from kontor.settings import settings

BATCH = 25
# Items a Query page holds at most (besides DynamoDB's 1 MB).
PAGE_ITEMS = 1000
MAX_BACKOFF_SECONDS = 5.0


def kept_modules(tenant_id: str) -> frozenset[str]:
    """The licensed modules whose data the tenant keeps now (licence active or locked): a restore
    brings back module items only of these, never of a module whose data was purged."""
    from pynamodb.exceptions import DoesNotExist

    from kontor import clock, licences
    from kontor.models import TenantItem

    try:
        row = TenantItem.get(
            keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True, attributes_to_get=["licences"]
        )
    except DoesNotExist:
        return frozenset()
    now = clock.now()
    kept = {licences.State.ACTIVE, licences.State.LOCKED}
    return frozenset(m for m, licence in licences.of_row(row.licences).items() if licence.state(now) in kept)


def items(
    tenant_id: str, after: str | None = None, page_items: Callable[[], int] | None = None
) -> Iterator[dict[str, Any]]:
    """Every item under `TENANT#<tenant_id>` (after sort key `after`, for a step that resumes), in
    key order, one page in memory at a time; `page_items` sizes each next page (a step that has
    little time left asks for a small one, rather than pay for a page it cannot use)."""
    dynamodb = client("dynamodb")
    pk = {"S": keys.tenant_pk(tenant_id)}
    request: dict[str, Any] = {
        "TableName": settings().table_name,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": pk},
        "ConsistentRead": True,
        "Limit": PAGE_ITEMS,
    }
    if after is not None:
        request["ExclusiveStartKey"] = {"pk": pk, "sk": {"S": after}}
    while True:
        if page_items is not None:
            request["Limit"] = max(1, min(PAGE_ITEMS, page_items()))
        page = dynamodb.query(**request)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class Writer:
    """Buffers puts and deletes into BatchWriteItem calls; `flush()` at the end."""

    def __init__(self) -> None:
        self._requests: list[dict[str, Any]] = []
        self.puts = 0
        self.deletes = 0

    def put(self, item: dict[str, Any]) -> None:
        self._requests.append({"PutRequest": {"Item": item}})
        self.puts += 1
        if len(self._requests) == BATCH:
            self.flush()

    def delete(self, item: dict[str, Any]) -> None:
        self._requests.append({"DeleteRequest": {"Key": {"pk": item["pk"], "sk": item["sk"]}}})
        self.deletes += 1
        if len(self._requests) == BATCH:
            self.flush()

    def flush(self) -> None:
        table = settings().table_name
        pending = self._requests
        self._requests = []
        delay = 0.05
        while pending:
            result = client("dynamodb").batch_write_item(RequestItems={table: pending})
            pending = result.get("UnprocessedItems", {}).get(table, [])
            if pending:  # throttled: a large tenant's restore is paced by DynamoDB itself
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
