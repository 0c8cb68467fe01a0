"""Partners and their sub-tenants in the table: creating one, listing them, handing one over."""

from __future__ import annotations

from dataclasses import replace

from kontor import audit, clock, db, keys, mapping, pages, tenancy
from kontor.access import Access
from kontor.errors import quota_exceeded
from kontor.models import (
    MembershipItem,
    TenantItem,
    UserItem,
)
from tenants.domain import Tenant


def create_subtenant(context: Access, parent: Tenant, sub: Tenant, *, limit: int) -> None:
    """The sub-tenant (`kontor.tenancy`), and the partner's record of creating it; at most `limit`
    direct sub-tenants per partner."""
    new = tenancy.NewTenant(
        id=sub.id,
        name=sub.name,
        type=sub.type,
        edition=sub.edition,
        charset=sub.charset,
        parent_id=parent.id,
        ancestors=sub.ancestors,
        bill_to=parent.bill_to or parent.id,
    )
    try:
        with db.transaction() as tx:
            tenancy.create(
                tx,
                new,
                created_by=context.caller.user_id,
                admin=None,
                source="partner",
                actor_via="partner",
                now=sub.created_at,
                subtenant_limit=limit,
            )
            audit.by(tx, context, "subtenant.created", sub.id, name=sub.name, type=sub.type)
    except db.Cancelled as cancelled:
        if tenancy.quota_failed(cancelled, parent_id=parent.id):
            raise quota_exceeded(
                "subtenants_per_partner",
                limit,
                f"A tenant may have at most {limit} sub-tenants; ask support for more.",
            ) from None
        raise


def children(parent_id: str, limit: int, cursor: str | None) -> pages.Page[Tenant]:
    partition = keys.children_gsi_pk(parent_id)
    results = TenantItem.by_parent.query(
        partition,
        # A closed tenant does not exist for its partner either (a page may come back short).
        filter_condition=TenantItem.status != "closed",
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="gsi1pk", partition=partition),
    )
    items = [mapping.domain(item, Tenant) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def admins(tenant_id: str) -> list[tuple[str, str, bool]]:
    """(user id, email, email verified) of every admin of the tenant."""
    rows = [
        row
        for row in MembershipItem.query(
            keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX)
        )
        if row.role == "admin"
    ]
    profiles = {
        p.id: bool(p.email_verified)
        for p in UserItem.batch_get([(keys.user_pk(r.user_id), keys.PROFILE_SK) for r in rows])
    }
    return [(r.user_id, r.email, profiles.get(r.user_id, False)) for r in rows]


def record_handover(context: Access, current: Tenant) -> Tenant:
    now = clock.iso(clock.now())
    with db.transaction() as tx:
        tx.update(
            TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK),
            actions=[
                TenantItem.handed_over_at.set(now),
                TenantItem.handed_over_by.set(context.caller.user_id),
                TenantItem.version.add(1),
            ],
            condition=TenantItem.admin_count >= 1,
        )
        audit.by(tx, context, "tenant.handed_over", context.tenant_id, partner=context.partner_tenant_id)
    return replace(current, handed_over_at=now, version=current.version + 1)
