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
from kontor.models import MembershipItem


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
    via: str  # how the caller got in: "member" (later also "partner")

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
    """The caller's standing in `tenant_id`; a tenant they cannot enter does not exist for them."""
    try:
        membership = MembershipItem.get(
            keys.tenant_pk(tenant_id), keys.member_sk(caller.user_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None
    return TenantContext(tenant_id=tenant_id, caller=caller, role=Role(membership.role), via="member")
