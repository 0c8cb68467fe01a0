"""Partners and their sub-tenants in the table: creating one, listing them, handing one over."""

from __future__ import annotations

from dataclasses import replace

from kontor import audit, billing, clock, db, keys, mapping, outbox, pages, system_mail, tenancy
from kontor.access import Access
from kontor.errors import Conflict, quota_exceeded
from kontor.models import (
    DescendantItem,
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
        last_evaluated_key=pages.decode(
            cursor, partition_key="gsi1pk", partition=partition, sk_prefix=keys.TENANT_PREFIX
        ),
    )
    items = [mapping.domain(item, Tenant) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def descendants(tenant_id: str, limit: int, cursor: str | None) -> pages.Page[Tenant]:
    """One page of the tenants below `tenant_id` at any depth, each as its own row says (a closed
    or vanished one is left out, so a page may come back short): one Query and one batch read."""
    partition = keys.tenant_pk(tenant_id)
    results = DescendantItem.query(
        partition,
        DescendantItem.sk.startswith(keys.DESCENDANT_PREFIX),
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=partition, sk_prefix=keys.DESCENDANT_PREFIX
        ),
    )
    ids = [row.tenant_id for row in results]
    found = {t.id: t for t in tenants(ids)}
    items = [found[tenant_id] for tenant_id in ids if tenant_id in found]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def tenants(tenant_ids: list[str]) -> list[Tenant]:
    """The open tenants among `tenant_ids`, one batch read per 100."""
    found: list[Tenant] = []
    for start in range(0, len(tenant_ids), 100):
        wanted = [(keys.tenant_pk(t), keys.TENANT_SK) for t in tenant_ids[start : start + 100]]
        found += [
            mapping.domain(row, Tenant)
            for row in db.batch_get(wanted, lambda key: TenantItem)
            if row.status != "closed"
        ]
    return found


def admins(tenant_id: str) -> list[tuple[str, str, bool, str]]:
    """(user id, email, email verified, language) of every admin of the tenant."""
    rows = [
        row
        for row in MembershipItem.query(
            keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX)
        )
        if row.role == "admin"
    ]
    profiles = {
        p.id: (bool(p.email_verified), p.language or system_mail.DEFAULT_LANGUAGE)
        for p in UserItem.batch_get([(keys.user_pk(r.user_id), keys.PROFILE_SK) for r in rows])
    }
    unknown = (False, system_mail.DEFAULT_LANGUAGE)
    return [(r.user_id, r.email, *profiles.get(r.user_id, unknown)) for r in rows]


def record_handover(
    context: Access,
    current: Tenant,
    message: system_mail.Message,
    recipients: list[system_mail.Recipient],
    *,
    own_billing: bool = False,
) -> tuple[Tenant, list[outbox.Queued]]:
    """The handover on the tenant and in its audit log, with `message` to `recipients` in the
    outbox; with `own_billing` (and a tenant still billed to another account) its billing moves to
    an account of its own in the same transaction."""
    now = clock.iso(clock.now())
    account = current.bill_to or current.id
    moves = own_billing and account != current.id
    actions = [
        TenantItem.handed_over_at.set(now),
        TenantItem.handed_over_by.set(context.caller.user_id),
        TenantItem.version.add(1),
    ]
    condition = TenantItem.admin_count >= 1
    if moves:
        actions.append(TenantItem.bill_to.set(current.id))
        condition &= TenantItem.bill_to == account
    try:
        with db.transaction() as tx:
            tx.update(
                TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK),
                actions=actions,
                condition=condition,
            )
            if moves:
                billing.move_to_own_account(tx, current.id, account, now)
            audit.by(
                tx,
                context,
                "tenant.handed_over",
                context.tenant_id,
                partner=context.partner_tenant_id,
                billing="own" if own_billing else "partner",
            )
            queued = system_mail.to_admins(tx, context.tenant_id, message, recipients)
    except db.Cancelled as cancelled:
        if cancelled.failed:
            raise Conflict(
                "The tenant changed while it was handed over; read it again and retry.",
                code="concurrent_change",
            ) from None
        raise
    billed_to = current.id if moves else current.bill_to
    return replace(current, handed_over_at=now, version=current.version + 1, bill_to=billed_to), queued
