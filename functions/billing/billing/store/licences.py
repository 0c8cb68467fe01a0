"""Licences in the table: the tenant row's `licences` map, with the billed span, the ledger entry,
the licence job's due marker and the audit entry written in the same transaction — and the purge of a
module's items and objects once its retention ended."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import audit, billing, db, ids, keys, outbox, storage, system_mail
from kontor.aws import client
from kontor.errors import Conflict, NotFound
from kontor.licences import Licence, of_row
from kontor.models import LedgerItem, LicenceDueItem, TenantItem
from kontor.settings import settings

PURGE_PAGE = 500  # keys read (and deleted) per step: a purge of any size goes on page by page


def of_tenant(tenant_id: str) -> dict[str, Licence]:
    try:
        row = TenantItem.get(
            keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True, attributes_to_get=["licences"]
        )
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None
    return of_row(row.licences)


def _entry(licence: Licence) -> dict[str, Any]:
    return {
        "expires_at": licence.expires_at,
        "purge_at": licence.purge_at,
        "period": licence.period,
        "active_since": licence.active_since,
        "granted_by": licence.granted_by,
        "purged": licence.purged,
        "warned": list(licence.warned),
    }


def ledger_row(tenant_id: str, at: str, action: str, actor_id: str, details: dict[str, Any]) -> LedgerItem:
    entry_id = ids.new_id()
    return LedgerItem(
        keys.tenant_pk(tenant_id),
        keys.ledger_sk(at, entry_id),
        id=entry_id,
        at=at,
        action=action,
        actor_id=actor_id,
        details=details,
    )


def _due_marker(tenant_id: str, module: str, at: str) -> LicenceDueItem:
    return LicenceDueItem(
        keys.tenant_pk(tenant_id),
        keys.licence_sk(module),
        module=module,
        due_pk=keys.due_pk(keys.LICENCE_DUE, tenant_id),
        due_sk=keys.due_sk(at, tenant_id),
    )


def _unchanged(module: str, previous: Licence | None) -> Any:
    slot = TenantItem.licences[module]
    if previous is None:
        return TenantItem.pk.exists() & slot.does_not_exist()
    return slot["expires_at"] == previous.expires_at


def grant(
    tenant_id: str,
    licence: Licence,
    *,
    previous: Licence | None,
    covers_from: str,
    price_cents: int,
    now: str,
    next_check: str,
    actor_id: str,
    actor_via: str,
    action: str,
    details: dict[str, Any],
    message: system_mail.Message,
) -> list[outbox.Queued]:
    """Write `licence` if the tenant's licence of its module is still `previous`, with `message` to
    its admins in the outbox: of two bookings racing for one module one commits, the other answers
    `409 concurrent_change` (billed once, mailed once). The mails to deliver."""
    try:
        with db.transaction() as tx:
            tx.update(
                TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK),
                actions=[TenantItem.licences[licence.module].set(_entry(licence))],
                condition=_unchanged(licence.module, previous),
            )
            tx.save(
                billing.module_span(
                    tenant_id,
                    licence.module,
                    starts_at=covers_from,
                    ends_at=licence.expires_at,
                    price_cents=price_cents,
                )
            )
            tx.save(ledger_row(tenant_id, now, action, actor_id, details))
            tx.save(_due_marker(tenant_id, licence.module, next_check))
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=actor_id,
                actor_via=actor_via,
                action=action,
                target=licence.module,
                details=details,
            )
            queued = system_mail.to_admins(tx, tenant_id, message)
    except db.Cancelled as cancelled:
        if (keys.tenant_pk(tenant_id), keys.TENANT_SK) in cancelled.failed:
            raise Conflict(
                "The licence changed while this booking was made; reload the licences and book again.",
                code="concurrent_change",
            ) from None
        raise
    return queued


def settle(
    tenant_id: str,
    licence: Licence,
    *,
    expected: Licence,
    next_check: str | None,
    message: system_mail.Message | None = None,
) -> list[outbox.Queued] | None:
    """Store what the licence job did (warnings, data purged) unless a booking changed the licence
    meanwhile (then None); move its due marker, or remove it when nothing is left to do. A warning's
    `message` to the admins is written in the same transaction: the mails to deliver."""
    queued: list[outbox.Queued] = []
    try:
        with db.transaction() as tx:
            tx.update(
                TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK),
                actions=[TenantItem.licences[licence.module].set(_entry(licence))],
                condition=_unchanged(licence.module, expected),
            )
            if next_check is None:
                tx.delete(LicenceDueItem(keys.tenant_pk(tenant_id), keys.licence_sk(licence.module)))
            else:
                tx.save(_due_marker(tenant_id, licence.module, next_check))
            if message is not None:
                queued = system_mail.to_admins(tx, tenant_id, message)
    except db.Cancelled as cancelled:
        if (keys.tenant_pk(tenant_id), keys.TENANT_SK) in cancelled.failed:
            return None
        raise
    return queued


def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(tenant_id, due_sk) of every licence marker in `partition` due by `until`."""
    for item in LicenceDueItem.due.query(partition, LicenceDueItem.due_sk <= keys.due_until(until)):
        yield keys.tenant_id_of(item.pk), item.due_sk


# ---------------------------------------------------------------- purge
def purge_items(tenant_id: str, module: str) -> int:
    """Delete one page of the module's items in the tenant's range; how many were deleted (0: done).

    Keys only, one Query and BatchWriteItem calls of 25 per page. Nothing outside the module's
    prefix (`keys.module_prefix`) is read or deleted."""
    dynamodb = client("dynamodb")
    table = settings().table_name
    page = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={
            ":pk": {"S": keys.tenant_pk(tenant_id)},
            ":prefix": {"S": keys.module_prefix(module)},
        },
        ProjectionExpression="pk, sk",
        ConsistentRead=True,
        Limit=PURGE_PAGE,
    )
    found = [{"DeleteRequest": {"Key": item}} for item in page["Items"]]
    for start in range(0, len(found), 25):
        pending = found[start : start + 25]
        while pending:
            result = dynamodb.batch_write_item(RequestItems={table: pending})
            pending = result.get("UnprocessedItems", {}).get(table, [])
    return len(found)


def module_object_prefix(tenant_id: str, module: str) -> str:
    return storage.tenant_key(tenant_id, "modules", module) + "/"


def purge_objects(tenant_id: str, module: str) -> int:
    """Delete every object and object version under the module's prefix in the media bucket."""
    s3 = client("s3")
    bucket = settings().logos_bucket
    deleted = 0
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=module_object_prefix(tenant_id, module)):
        doomed = [
            {"Key": version["Key"], "VersionId": version["VersionId"]}
            for version in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True})
        deleted += len(doomed)
    return deleted
