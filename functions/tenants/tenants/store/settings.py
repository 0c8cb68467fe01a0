"""A tenant's own row (its settings and logo) and its audit log."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import audit, db, fences, keys, mapping, pages, tenancy
from kontor.access import Access
from kontor.errors import NotFound, PreconditionFailed
from kontor.models import (
    AuditItem,
    TenantItem,
)
from tenants.domain import AuditEntry, Tenant


def get(tenant_id: str) -> Tenant:
    try:
        return mapping.domain(
            TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True), Tenant
        )
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None


def partner_access(tenant_ids: list[str]) -> dict[str, bool]:
    """Whether each tenant allows partner access (a closed or missing one does not): one batch read."""
    if not tenant_ids:
        return {}
    wanted = [(keys.tenant_pk(tenant_id), keys.TENANT_SK) for tenant_id in tenant_ids]
    rows = db.batch_get(wanted, lambda key: TenantItem)
    return {row.id: bool(row.partner_access) and row.status != "closed" for row in rows}


def update_settings(
    context: Access, current: Tenant, expected_version: int, changes: dict[str, Any]
) -> Tenant:
    """Apply `changes` if the tenant is still at `expected_version` (its ETag)."""
    row = TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK)
    actions = [getattr(TenantItem, name).set(value) for name, value in changes.items()]
    if "name" in changes:  # the operators' directory finds it under its new name
        name_sk = tenancy.directory_keys(current.id, changes["name"], current.created_at)["gsi3sk"]
        actions.append(TenantItem.gsi3sk.set(name_sk))
    try:
        with fences.write(context.tenant_id) as tx:
            tx.update(
                row,
                actions=[*actions, TenantItem.version.add(1)],
                condition=TenantItem.version == expected_version,
            )
            audit.by(tx, context, "tenant.settings_changed", context.tenant_id, **changes)
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise PreconditionFailed(
                "The tenant changed since you read it; reload it and apply your change again.",
                code="precondition_failed",
            ) from None
        raise
    # The condition held, so the tenant was `current` at that version: no need to read it again.
    return replace(current, **changes, version=expected_version + 1)


def set_logo(context: Access, current: Tenant, logo_key: str | None) -> Tenant:
    row = TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK)
    action = TenantItem.logo_key.set(logo_key) if logo_key else TenantItem.logo_key.remove()
    with fences.write(context.tenant_id) as tx:
        tx.update(row, actions=[action, TenantItem.version.add(1)], condition=TenantItem.pk.exists())
        audit.by(tx, context, "tenant.logo_changed" if logo_key else "tenant.logo_removed", context.tenant_id)
    return replace(current, logo_key=logo_key, version=current.version + 1)


# ------------------------------------------------------------------ audit
def audit_page(tenant_id: str, action: str | None, limit: int, cursor: str | None) -> pages.Page[AuditEntry]:
    """Newest first; filtered pages may hold fewer than `limit` entries and still continue."""
    partition = keys.tenant_pk(tenant_id)
    results = AuditItem.query(
        partition,
        AuditItem.sk.startswith(keys.AUDIT_PREFIX),
        filter_condition=(AuditItem.action == action) if action else None,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=partition, sk_prefix=keys.AUDIT_PREFIX
        ),
    )
    items = [mapping.domain(item, AuditEntry, details=_details(item)) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def _details(item: AuditItem) -> dict[str, Any]:
    details = item.details.as_dict() if item.details is not None else {}
    return {**details, "requests": int(item.requests)} if item.requests is not None else details
