"""Tenants a user has, and the members a tenant has: additional accounts, roles, leaving."""

from __future__ import annotations

from accounts import store
from accounts.domain import Member, Tenant
from kontor import ids, pages
from kontor.access import Access, Caller, Role
from kontor.observability import count, logger
from kontor.settings import settings


def create_tenant(caller: Caller, name: str, plan: str = "BASIC") -> Tenant:
    """A further, separate tenant for a signed-in user, who becomes its admin (same login)."""
    admin = store.users.profile(caller.user_id)
    tenant = Tenant(id=ids.new_id(), name=name, plan=plan)
    store.members.create_tenant(tenant, admin, limit=settings().tenants_per_user)
    count("TenantCreated", tenant.id)
    logger.info("tenant created", tenant_id=tenant.id, user_id=caller.user_id)
    return tenant


def list_members(context: Access, limit: int, cursor: str | None) -> pages.Page[Member]:
    return store.members.page(context.tenant_id, limit, cursor)


def change_role(context: Access, user_id: str, role: Role) -> Member:
    context.require_own_people()
    member = store.members.get(context.tenant_id, user_id)
    if member.role == role.value:
        return member
    return store.members.change_role(context, member, role.value)


def remove(context: Access, user_id: str) -> None:
    """An admin removes someone; anyone may leave. The last admin can do neither."""
    if user_id != context.caller.user_id:
        context.require(Role.ADMIN)
        context.require_own_people()
    store.members.remove(context, store.members.get(context.tenant_id, user_id))
