"""The signed-in user's view of themselves: who they are, where they can go, who invited them."""

from __future__ import annotations

from accounts import store
from accounts.domain import Me, Membership, PendingInvitation
from kontor.access import Caller, Role, partners_of


def me(caller: Caller) -> Me:
    """Calls do not grow with the table: the profile, two index queries and one batch read, plus
    one query and one batch read more for a user who belongs to partner tenants."""
    user = store.users.profile(caller.user_id)
    memberships = store.users.memberships_of(caller.user_id)
    invitations = store.users.pending_invitations_for(user.email)
    tenants = store.users.tenants_brief(
        {m.tenant_id for m in memberships} | {i.tenant_id for i in invitations}
    )
    entered = [
        Membership(tenant_id=m.tenant_id, tenant_name=tenants[m.tenant_id].name, role=m.role)
        for m in memberships
        if m.tenant_id in tenants
    ]
    return Me(
        user=user,
        memberships=entered + _via_partner(entered, tenants),
        invitations=[
            PendingInvitation(
                id=i.id,
                tenant_id=i.tenant_id,
                tenant_name=tenants[i.tenant_id].name,
                role=i.role,
                inviter_name=i.inviter_name,
                expires_at=i.expires_at,
            )
            for i in invitations
            if i.tenant_id in tenants
        ],
    )


def _via_partner(direct: list[Membership], tenants: dict) -> list[Membership]:
    """Sub-tenants the user reaches as a partner, with the best role held in a partner tenant that
    reaches them (`kontor.access.partners_of`, the rule the tenant gate applies on every request)."""
    own = {m.tenant_id for m in direct}
    candidates: dict[str, list[Membership]] = {}
    for membership in direct:
        if not tenants[membership.tenant_id].subtenant_count:
            continue
        for sub_id in store.users.descendants_of(membership.tenant_id):
            if sub_id not in own:
                candidates.setdefault(sub_id, []).append(membership)
    if not candidates:
        return []
    # Every tenant between a partner and a sub-tenant is a descendant too: the one batch has them all.
    subs = store.users.tenants_brief(set(candidates))

    def allows(tenant_id: str) -> bool:
        return tenant_id in subs and bool(subs[tenant_id].partner_access)

    reached = []
    for sub_id, memberships in sorted(candidates.items()):
        if not allows(sub_id):
            continue
        reach = partners_of(list(subs[sub_id].ancestors or []), allows)
        roles = [Role(m.role) for m in memberships if m.tenant_id in reach]
        if roles:
            best = max(roles, key=lambda role: role.rank)
            reached.append(
                Membership(tenant_id=sub_id, tenant_name=subs[sub_id].name, role=best.value, via="partner")
            )
    return reached
