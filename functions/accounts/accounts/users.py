"""The signed-in user's view of themselves: who they are, where they can go, who invited them."""

from __future__ import annotations

from accounts import repository
from accounts.domain import Me, Membership, PendingInvitation
from kontor.context import Caller


def me(caller: Caller) -> Me:
    """A fixed number of calls whatever the table holds: profile, two index queries, one batch read."""
    user = repository.profile(caller.user_id)
    memberships = repository.memberships_of(caller.user_id)
    invitations = repository.pending_invitations_for(user.email)
    names = repository.tenant_names({m.tenant_id for m in memberships} | {i.tenant_id for i in invitations})
    return Me(
        user=user,
        memberships=[
            Membership(tenant_id=m.tenant_id, tenant_name=names[m.tenant_id], role=m.role)
            for m in memberships
            if m.tenant_id in names
        ],
        invitations=[
            PendingInvitation(
                id=i.id,
                tenant_id=i.tenant_id,
                tenant_name=names[i.tenant_id],
                role=i.role,
                inviter_name=i.inviter_name,
                expires_at=i.expires_at,
            )
            for i in invitations
            if i.tenant_id in names
        ],
    )
