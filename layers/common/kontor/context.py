"""Who is calling, in which tenant, with which role.

The role is read from the membership row on every request, never from the token: a Cognito token
stays valid until it expires, so removing a member must end access through the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import keys
from kontor.errors import Forbidden, NotFound, Unauthorized
from kontor.models import MembershipItem, TenantItem


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"

    def allows(self, minimum: Role) -> bool:
        return _RANK[self] >= _RANK[minimum]


_RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Caller:
    user_id: str
    email: str


@dataclass(frozen=True)
class TenantContext:
    tenant_id: str
    caller: Caller
    role: Role
    via: str  # how the caller got in: "member", or "partner" through an ancestor tenant
    partner_tenant_id: str | None = None  # the ancestor whose membership let a partner in

    def require(self, minimum: Role) -> None:
        if not self.role.allows(minimum):
            raise Forbidden(f"This needs the {minimum.value} role in this tenant.", code="forbidden")


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """The caller as the API Gateway Cognito authorizer verified them."""
    claims = claims or {}
    user_id = claims.get("sub")
    if not user_id or claims.get("token_use", "id") != "id":
        raise Unauthorized("Sign in first: send your ID token as `Authorization: Bearer …`.")
    return Caller(user_id=user_id, email=str(claims.get("email", "")).lower())


def resolve(caller: Caller, tenant_id: str) -> TenantContext:
    """The caller's standing in `tenant_id`; a tenant they cannot enter does not exist for them.

    A member gets in with one read. Otherwise a partner may, with the role they hold in an ancestor,
    if every tenant from below that ancestor down to this one allows partner access: two more
    reads (the tenant, then one batch of ancestors and memberships) whatever the depth.
    """
    try:
        membership = MembershipItem.get(
            keys.tenant_pk(tenant_id), keys.member_sk(caller.user_id), consistent_read=True
        )
    except DoesNotExist:
        return _as_partner(caller, tenant_id)
    return TenantContext(tenant_id=tenant_id, caller=caller, role=Role(membership.role), via="member")


def _as_partner(caller: Caller, tenant_id: str) -> TenantContext:
    not_found = NotFound("No such tenant.", code="tenant_not_found")
    try:
        tenant = TenantItem.get(
            keys.tenant_pk(tenant_id),
            keys.TENANT_SK,
            consistent_read=True,
            attributes_to_get=["ancestors", "partner_access"],
        )
    except DoesNotExist:
        raise not_found from None
    ancestors = list(tenant.ancestors or [])
    if not ancestors or not tenant.partner_access:
        raise not_found
    wanted = [(keys.tenant_pk(a), keys.TENANT_SK) for a in ancestors] + [
        (keys.tenant_pk(a), keys.member_sk(caller.user_id)) for a in ancestors
    ]
    found = {(row.pk, row.sk): row for row in _batch_get(wanted)}
    best: TenantContext | None = None
    # From the nearest ancestor up: each step up needs partner access on the tenant below it.
    for index in range(len(ancestors) - 1, -1, -1):
        ancestor = ancestors[index]
        membership = found.get((keys.tenant_pk(ancestor), keys.member_sk(caller.user_id)))
        if membership is not None:
            role = Role(membership.role)
            if best is None or (role.allows(best.role) and role != best.role):
                best = TenantContext(tenant_id, caller, role, "partner", partner_tenant_id=ancestor)
        row = found.get((keys.tenant_pk(ancestor), keys.TENANT_SK))
        if index > 0 and (row is None or not row.partner_access):
            break
    if best is None:
        raise not_found
    return best


def _batch_get(wanted: list[tuple[str, str]]) -> list[Any]:
    """Ancestor tenants and the caller's memberships in them, in one BatchGetItem."""
    from kontor.db import batch_get

    return batch_get(wanted, lambda key: TenantItem if key[1] == keys.TENANT_SK else MembershipItem)
