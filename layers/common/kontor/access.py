"""Who is calling, and their access to a tenant: through which membership, with which role.

The role is read from the membership row on every request, never from the token: a Cognito token
stays valid until it expires, so removing a member must end access through the table. The same
read brings the tenant row, whose status and write fences (`kontor.fences`) the gate applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from kontor import keys, licences
from kontor.errors import Forbidden, NotFound, Unauthorized
from kontor.fences import Fences, Status
from kontor.licences import Licence
from kontor.models import MembershipItem, TenantItem


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"

    def allows(self, minimum: Role) -> bool:
        return self.rank >= minimum.rank

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Caller:
    user_id: str
    email: str


@dataclass(frozen=True)
class Access:
    """A caller's way into one tenant. `via` is "member", or "partner" through an ancestor tenant."""

    tenant_id: str
    caller: Caller
    role: Role
    via: str
    partner_tenant_id: str | None = None  # the ancestor whose membership let a partner in
    fences: Fences | None = None
    handed_over: bool = False  # the partner handed the tenant over to its own admins
    licences: dict[str, Licence] = field(default_factory=dict)  # the tenant's, by module

    def require(self, minimum: Role) -> None:
        if not self.role.allows(minimum):
            raise Forbidden(f"This needs the {minimum.value} role in this tenant.", code="forbidden")

    def require_own_people(self) -> None:
        """Who belongs to a handed-over tenant is its own admins' business: a partner still works
        with the tenant's data as its role allows, never with its members and invitations."""
        if self.via == "partner" and self.handed_over:
            raise Forbidden(
                "This tenant was handed over: its own admins manage its members and invitations.",
                code="handed_over",
            )


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """The caller as the API Gateway Cognito authorizer verified them."""
    claims = claims or {}
    user_id = claims.get("sub")
    if not user_id or claims.get("token_use", "id") != "id":
        raise Unauthorized("Sign in first: send your ID token as `Authorization: Bearer …`.")
    return Caller(user_id=user_id, email=str(claims.get("email", "")).lower())


def _not_found() -> NotFound:
    return NotFound("No such tenant.", code="tenant_not_found")


def resolve(caller: Caller, tenant_id: str) -> Access:
    """The caller's access to `tenant_id`; a tenant they cannot enter does not exist for them.

    One BatchGetItem reads the caller's membership and the tenant row. Without a membership a
    partner may enter with the role they hold in an ancestor, if every tenant from below that
    ancestor down to this one allows partner access: one more batch (ancestors and memberships)
    whatever the depth. A closed tenant does not exist for anyone.
    """
    found = _batch_get([(keys.tenant_pk(tenant_id), keys.member_sk(caller.user_id)), _tenant_key(tenant_id)])
    tenant = found.get(_tenant_key(tenant_id))
    if tenant is None:
        raise _not_found()
    fences = Fences.of(tenant)
    fences.visible()
    membership = found.get((keys.tenant_pk(tenant_id), keys.member_sk(caller.user_id)))
    found_licences = licences.of_row(tenant.licences)
    if membership is not None:
        return Access(
            tenant_id, caller, Role(membership.role), "member", fences=fences, licences=found_licences
        )
    return replace(
        _as_partner(caller, tenant, fences),
        handed_over=tenant.handed_over_at is not None,
        licences=found_licences,
    )


def partners_of(ancestors: Sequence[str], allows: Callable[[str], bool]) -> list[str]:
    """The ancestors (given root first) whose members may act in a tenant as its partners, nearest
    first: the tenant itself and every tenant between it and that ancestor allow partner access.

    `allows(tenant_id)` says whether a tenant on the path allows partner access (and exists, open).
    The one rule of partner reach: the tenant gate, `/me`, copy-content and sub-tenant listings all
    ask it, so they cannot disagree.
    """
    reach: list[str] = []
    below = None  # the tenant just below the ancestor looked at, starting with the tenant itself
    for ancestor in reversed(ancestors):
        if below is not None and not allows(below):
            break
        reach.append(ancestor)
        below = ancestor
    return reach


def _as_partner(caller: Caller, tenant: TenantItem, fences: Fences) -> Access:
    ancestors = list(tenant.ancestors or [])
    if not ancestors or not tenant.partner_access:
        raise _not_found()
    wanted = [_tenant_key(a) for a in ancestors] + [
        (keys.tenant_pk(a), keys.member_sk(caller.user_id)) for a in ancestors
    ]
    found = _batch_get(wanted)

    def open_row(tenant_id: str) -> TenantItem | None:
        row = found.get(_tenant_key(tenant_id))
        return row if row is not None and row.status != Status.CLOSED else None

    best: Access | None = None
    for ancestor in partners_of(ancestors, lambda t: bool(getattr(open_row(t), "partner_access", False))):
        membership = found.get((keys.tenant_pk(ancestor), keys.member_sk(caller.user_id)))
        if membership is not None and open_row(ancestor) is not None:
            role = Role(membership.role)
            if best is None or (role.allows(best.role) and role != best.role):
                best = Access(tenant.id, caller, role, "partner", partner_tenant_id=ancestor, fences=fences)
    if best is None:
        raise _not_found()
    return best


def _tenant_key(tenant_id: str) -> tuple[str, str]:
    return keys.tenant_pk(tenant_id), keys.TENANT_SK


def _batch_get(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Tenant rows and memberships in one BatchGetItem, by key."""
    from kontor.db import batch_get

    rows = batch_get(wanted, lambda key: TenantItem if key[1] == keys.TENANT_SK else MembershipItem)
    return {(row.pk, row.sk): row for row in rows}
