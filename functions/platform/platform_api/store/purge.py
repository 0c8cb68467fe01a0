"""What a closed tenant's purge reads and deletes: its key range, the partitions keyed by it
outside that range, its place in its ancestors, and its objects (every version) in both buckets.
Every step may run again: a purge that died half-way resumes where the table and buckets stand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist

from kontor import db, keys
from kontor.aws import client
from kontor.fences import Status
from kontor.models import DescendantItem, PurgeItem, TenantItem, TokenItem
from kontor.settings import settings


def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(tenant_id, due_sk) of every purge marker in `partition` due by `until`."""
    for item in PurgeItem.due.query(partition, PurgeItem.due_sk <= keys.due_until(until)):
        yield keys.tenant_id_of(item.pk), item.due_sk


@dataclass(frozen=True)
class Closed:
    """A closed tenant whose purge is due, as its row and marker say."""

    tenant_id: str
    purge_at: str
    parent_id: str | None
    ancestors: tuple[str, ...]


def closed(tenant_id: str) -> Closed | None:
    """The tenant if it is closed and has a purge marker; None if there is nothing to purge (any more)."""
    try:
        marker = PurgeItem.get(keys.tenant_pk(tenant_id), keys.PURGE_SK, consistent_read=True)
        row = TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True)
    except DoesNotExist:
        return None
    if row.status != Status.CLOSED:
        return None
    return Closed(tenant_id, marker.purge_at, row.parent_id, tuple(row.ancestors or ()))


@dataclass
class Range:
    """A pass over the tenant's key range: the keys to delete and what points outside it."""

    keys: list[tuple[str, str]] = field(default_factory=list)
    retained: list[dict[str, Any]] = field(default_factory=list)
    user_ids: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    invitees: set[str] = field(default_factory=set)


def tenant_range(tenant_id: str) -> Range:
    """Every item of the key range, page by page (the tenant row and the marker come last, apart)."""
    found = Range()
    pages = (
        client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=settings().table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.tenant_pk(tenant_id)}},
            ConsistentRead=True,
        )
    )
    for page in pages:
        for item in page["Items"]:
            sk = item["sk"]["S"]
            if sk in (keys.TENANT_SK, keys.PURGE_SK):
                continue
            found.keys.append((item["pk"]["S"], sk))
            if sk.startswith(keys.RETAINED_AFTER_PURGE):
                found.retained.append(item)
            for name in ("user_id", "actor_id", "accepted_by", "invited_by"):
                if "S" in item.get(name, {}):
                    found.user_ids.add(item[name]["S"])
            if sk.startswith(keys.INVITATION_PREFIX):
                if "S" in item.get("token", {}):
                    found.tokens.add(item["token"]["S"])
                if "S" in item.get("email", {}):
                    found.invitees.add(item["email"]["S"])
    return found


def partition_keys(pk: str) -> list[tuple[str, str]]:
    """Every key of one partition outside the tenant's range (idempotency records, counters)."""
    pages = (
        client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=settings().table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ProjectionExpression="pk, sk",
            ConsistentRead=True,
        )
    )
    return [(item["pk"]["S"], item["sk"]["S"]) for page in pages for item in page["Items"]]


def archive(tenant_id: str, items: list[dict[str, Any]]) -> None:
    """Copies of what the law keeps (invoices) below `ARCHIVE#TENANT#<id>`, before the range goes."""
    table = settings().table_name
    for item in items:
        kept = {**item, "pk": {"S": keys.archive_pk(tenant_id)}}
        client("dynamodb").put_item(TableName=table, Item=kept)


def delete_keys(found: Iterable[tuple[str, str]]) -> int:
    """Delete these items, 25 to a BatchWriteItem, until none is left unprocessed; how many."""
    wanted = list(found)
    table = settings().table_name
    dynamodb = client("dynamodb")
    for start in range(0, len(wanted), 25):
        requests = [
            {"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}}
            for pk, sk in wanted[start : start + 25]
        ]
        while requests:
            answer = dynamodb.batch_write_item(RequestItems={table: requests})
            requests = answer.get("UnprocessedItems", {}).get(table, [])
    return len(wanted)


def delete_tokens(tenant_id: str, token_pks: Iterable[str]) -> None:
    """The tenant's invitation links (long expired by now), only where they are the tenant's."""
    for pk in token_pks:
        try:
            TokenItem(pk, keys.TOKEN_SK).delete(condition=TokenItem.tenant_id == tenant_id)
        except DeleteError as error:  # gone already, or not the tenant's: leave it
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise


def leave_ancestors(tenant: Closed) -> None:
    """Its `DESCENDANT#` rows in every ancestor; the parent's count of sub-tenants goes down with
    the parent's row, in one transaction, only while that row is still there (so only once)."""
    for ancestor in tenant.ancestors:
        if ancestor == tenant.parent_id:
            continue
        DescendantItem(keys.tenant_pk(ancestor), keys.descendant_sk(tenant.tenant_id)).delete()
    if tenant.parent_id is None:
        return
    place = DescendantItem(keys.tenant_pk(tenant.parent_id), keys.descendant_sk(tenant.tenant_id))
    try:
        with db.transaction() as tx:
            tx.delete(place, condition=DescendantItem.pk.exists())
            tx.update(
                TenantItem(keys.tenant_pk(tenant.parent_id), keys.TENANT_SK),
                actions=[TenantItem.subtenant_count.add(-1)],
                condition=TenantItem.pk.exists() & (TenantItem.subtenant_count > 0),
            )
    except db.Cancelled as cancelled:
        if not cancelled.failed:
            raise
        # Gone already (an earlier attempt), or the parent is gone itself: nothing left to count.


def finish(tenant_id: str) -> None:
    """The tenant row and the marker, last and together: after this nothing of the tenant is left."""
    with db.transaction() as tx:
        tx.delete(
            TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK),
            condition=TenantItem.status == Status.CLOSED.value,
        )
        tx.delete(PurgeItem(keys.tenant_pk(tenant_id), keys.PURGE_SK), condition=PurgeItem.pk.exists())


def delete_objects(bucket: str, prefix: str) -> int:
    """Every object version and delete marker under `prefix`, 1,000 to a call; how many."""
    s3 = client("s3")
    deleted = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        versions = [
            {"Key": entry["Key"], "VersionId": entry["VersionId"]}
            for entry in (*page.get("Versions", []), *page.get("DeleteMarkers", []))
        ]
        for start in range(0, len(versions), 1000):
            answer = s3.delete_objects(
                Bucket=bucket, Delete={"Objects": versions[start : start + 1000], "Quiet": True}
            )
            if answer.get("Errors"):
                raise RuntimeError(f"S3 kept {len(answer['Errors'])} objects under {prefix}")
            deleted += len(versions[start : start + 1000])
    return deleted
