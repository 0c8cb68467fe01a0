"""Purging a closed tenant, 30 days after it was closed (`tenants.closing`): every item of its key
range, every object and object version under its prefixes in both buckets, its `DESCENDANT#` rows in
its ancestors and its place in its parent's count, its idempotency records, rate-limit counters
and invitation links — and nothing else. What the law keeps (invoices) is moved out of the range
first (`keys.RETAINED_AFTER_PURGE`).

The order makes it resumable: what points outside the range is removed while the range still
says where it points; the range next; the tenant row and its purge marker last, together. A purge
interrupted anywhere leaves the marker on the `due` index, and the next attempt (SQS's retry, or
the next scheduled run) goes through the same steps again and converges.
"""

from __future__ import annotations

from typing import Any

from kontor import clock, keys
from kontor.observability import count, logger
from kontor.settings import settings
from platform_api import store

PURGE = "tenant.purge"


def purge_message(message: dict[str, Any]) -> None:
    purge(str(message["tenant_id"]))


def purge(tenant_id: str) -> bool:
    """Remove the closed tenant if its purge is due; whether there was one to do."""
    tenant = store.purge.closed(tenant_id)
    if tenant is None or tenant.purge_at > clock.iso(clock.now()):
        return False
    objects = 0
    # (An unconfirmed logo upload below uploads/ expired by the bucket's lifecycle after a day.)
    for bucket in (settings().logos_bucket, settings().backups_bucket):
        objects += store.purge.delete_objects(bucket, f"tenants/{tenant_id}/")
    found = store.purge.tenant_range(tenant_id)
    outside = [
        key
        for pk in (
            *(keys.idempotency_pk(keys.idempotency_scope(tenant_id, user_id)) for user_id in found.user_ids),
            keys.throttle_key("tenant", tenant_id, "")[0],
            *(keys.throttle_key("address", f"{tenant_id}/{email}", "")[0] for email in found.invitees),
        )
        for key in store.purge.partition_keys(pk)
    ]
    store.purge.delete_keys(outside)
    store.purge.delete_tokens(tenant_id, found.tokens)
    store.purge.leave_ancestors(tenant)
    store.purge.archive(tenant_id, found.retained)
    items = store.purge.delete_keys(found.keys)
    store.purge.finish(tenant_id)
    count("TenantPurged", tenant_id)
    logger.info("tenant purged", items=items, outside=len(outside), objects=objects)
    return True
