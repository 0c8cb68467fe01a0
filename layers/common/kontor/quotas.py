"""What a tenant keeps, against its configured limits: contacts, appointments, templates.

A counter per tenant and kind (`PK: TENANT#<tenant_id>  SK: USAGE#<kind>`) is read before a
creation and moved by a plain UpdateItem after the write committed — never inside the write's
transaction. DynamoDB cancels concurrent transactions that touch one item (`TransactionConflict`),
so a tenant-wide counter in every record transaction would make parallel writes to different
records fail each other; outside them it is a single-item ADD, which DynamoDB serializes.

The price is precision: parallel creations that all read the counter below the limit may pass it
by as many as are in flight, and a process that dies between its commit and the ADD leaves the
counter one low. For limits of this size (1,000 templates, a million records) that is what a quota
needs: a bound on growth, not an exact count. The counters live in the tenant's key range and are
backed up and restored with the items they count.
"""

from __future__ import annotations

from kontor import keys
from kontor.errors import quota_exceeded
from kontor.models import UsageItem
from kontor.observability import logger


def check(tenant_id: str, kind: str, limit: int, *, adding: int = 1) -> None:
    """Refuse (`409 quota_exceeded`) when `adding` more of `kind` would pass `limit`."""
    try:
        used = int(UsageItem.get(keys.tenant_pk(tenant_id), keys.usage_sk(kind)).used)
    except UsageItem.DoesNotExist:
        used = 0
    if used + adding > limit:
        raise quota_exceeded(
            f"{kind}_per_tenant",
            limit,
            f"A tenant keeps at most {limit} {kind}; delete some or ask support for more.",
        )


def moved(tenant_id: str, kind: str, delta: int) -> None:
    """Count `delta` more (or fewer) of `kind`, after the write committed. A failure here must not
    fail a write that is done: it is logged, and the counter stays off by `delta`."""
    try:
        UsageItem(keys.tenant_pk(tenant_id), keys.usage_sk(kind)).update(actions=[UsageItem.used.add(delta)])
    except Exception:
        logger.exception("a usage counter was not moved", tenant_id=tenant_id, kind=kind, delta=delta)
