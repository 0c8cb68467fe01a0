"""Tenants a user has, and the members a tenant has: additional accounts, roles, leaving."""

from __future__ import annotations

from accounts import members_repository, repository
from accounts.domain import Member, Tenant
from kontor import ids, pages
from kontor.access import Access, Caller, Role
from kontor.observability import count, logger


def create_tenant(caller: Caller, name: str) -> Tenant:
    """A further, separate tenant for a signed-in user, who becomes its admin (same login)."""
    admin = repository.profile(caller.user_id)
    tenant = Tenant(id=ids.new_id(), name=name)
    members_repository.create_tenant(tenant, admin)
    count("TenantCreated", tenant.id)
    logger.info("tenant created", tenant_id=tenant.id, user_id=caller.user_id)
    return tenant


def list_members(context: Access, limit: int, cursor: str | None) -> pages.Page[Member]:
    return members_repository.page(context.tenant_id, limit, cursor)


def change_role(context: Access, user_id: str, role: Role) -> Member:
    member = members_repository.get(context.tenant_id, user_id)
    if member.role == role.value:
        return member
    return members_repository.change_role(context, member, role.value)


def remove(context: Access, user_id: str) -> None:
    """An admin removes someone; anyone may leave. The last admin can do neither."""
    if user_id != context.caller.user_id:
        context.require(Role.ADMIN)
    members_repository.remove(context, members_repository.get(context.tenant_id, user_id))
