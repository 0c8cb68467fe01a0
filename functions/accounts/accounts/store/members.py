"""Memberships and the tenants they belong to: the writes that keep "at least one admin".

Every change that adds or removes an admin moves the tenant's `admin_count` in the same
transaction, under a condition that it stays at one or more. Each membership write is conditioned
on the role the logic read, so two concurrent changes cannot both act on a stale view.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from accounts.domain import Member, Tenant, User
from accounts.store.users import person
from kontor import audit, clock, db, keys, mapping, pages, tenancy
from kontor.access import Access
from kontor.errors import Conflict, NotFound, quota_exceeded
from kontor.models import MembershipItem, TenantItem

LAST_ADMIN = "A tenant needs at least one admin: make someone else admin first."


def _member(item: MembershipItem) -> Member:
    return mapping.domain(item, Member)


def create_tenant(tenant: Tenant, admin: User, *, limit: int) -> None:
    """A further tenant with `admin`, counted against the user's quota of `limit` tenants."""
    try:
        with db.transaction() as tx:
            tenancy.create(
                tx,
                tenancy.NewTenant(id=tenant.id, name=tenant.name, edition=tenant.plan),
                created_by=admin.id,
                admin=person(admin),
                source="additional_account",
                actor_via="member",
                now=clock.iso(clock.now()),
            )
            tenancy.counted_for(tx, admin.id, limit)
    except db.Cancelled as cancelled:
        if tenancy.quota_failed(cancelled, user_id=admin.id):
            raise quota_exceeded(
                "tenants_per_user",
                limit,
                f"A login may create at most {limit} tenants; ask support for more.",
            ) from None
        raise


def get(tenant_id: str, user_id: str) -> Member:
    try:
        item = MembershipItem.get(keys.tenant_pk(tenant_id), keys.member_sk(user_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("This person is not a member of the tenant.", code="member_not_found") from None
    return _member(item)


def page(tenant_id: str, limit: int, cursor: str | None) -> pages.Page[Member]:
    partition = keys.tenant_pk(tenant_id)
    results = MembershipItem.query(
        partition,
        MembershipItem.sk.startswith(keys.MEMBER_PREFIX),
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [_member(item) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def _admin_count_change(tx: Any, tenant_id: str, delta: int) -> None:
    tenant = TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK)
    condition = TenantItem.pk.exists()
    if delta < 0:
        condition &= TenantItem.admin_count > -delta
    tx.update(tenant, actions=[TenantItem.admin_count.add(delta)], condition=condition)


def _conflict(cancelled: db.Cancelled, tenant_id: str) -> Conflict:
    if (keys.tenant_pk(tenant_id), keys.TENANT_SK) in cancelled.failed:
        return Conflict(LAST_ADMIN, code="last_admin")
    return Conflict("The membership changed meanwhile; reload and try again.", code="concurrent_change")


def change_role(context: Access, member: Member, role: str) -> Member:
    """Give `member` the `role`, if nobody changed them since they were read."""
    row = MembershipItem(keys.tenant_pk(context.tenant_id), keys.member_sk(member.user_id))
    try:
        with db.transaction() as tx:
            tx.update(
                row, actions=[MembershipItem.role.set(role)], condition=MembershipItem.role == member.role
            )
            if "admin" in (member.role, role):
                _admin_count_change(tx, context.tenant_id, 1 if role == "admin" else -1)
            audit.by(tx, context, "member.role_changed", member.user_id, **{"from": member.role, "to": role})
    except db.Cancelled as cancelled:
        raise _conflict(cancelled, context.tenant_id) from None
    return Member(member.user_id, member.email, member.name, role, member.joined_at)


def remove(context: Access, member: Member) -> None:
    """End `member`'s membership, if nobody changed them since they were read."""
    row = MembershipItem(keys.tenant_pk(context.tenant_id), keys.member_sk(member.user_id))
    leaving = member.user_id == context.caller.user_id
    try:
        with db.transaction() as tx:
            tx.delete(row, condition=MembershipItem.role == member.role)
            if member.role == "admin":
                _admin_count_change(tx, context.tenant_id, -1)
            audit.record(
                tx,
                tenant_id=context.tenant_id,
                actor_id=context.caller.user_id,
                actor_via=context.via,
                action="member.left" if leaving else "member.removed",
                target=member.user_id,
                details={"role": member.role, "email": member.email},
            )
    except db.Cancelled as cancelled:
        raise _conflict(cancelled, context.tenant_id) from None
