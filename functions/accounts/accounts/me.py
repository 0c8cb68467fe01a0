"""The signed-in user's view of themselves: who they are, where they can go, who invited them."""

from __future__ import annotations

from accounts import store
from accounts.domain import Me, Membership, PendingInvitation, SyncBrief, User
from kontor import clock, sync_state
from kontor.access import Caller


def set_language(caller: Caller, language: str) -> User:
    """The language of the mails the person gets from now on (system mails, invitations, notices)."""
    return store.users.set_language(caller.user_id, language)


def me(caller: Caller) -> Me:
    """Calls do not grow with the table, partners included: the profile, two index queries and
    one batch read. A partner tenant is listed once, with the count of its direct sub-tenants;
    the tenants reached below it are paged by `GET /tenants/{id}/subtenants?depth=all`."""
    user = store.users.profile(caller.user_id)
    memberships = store.users.memberships_of(caller.user_id)
    invitations = store.users.pending_invitations_for(user.email)
    tenants = store.users.tenants_brief(
        {m.tenant_id for m in memberships} | {i.tenant_id for i in invitations}
    )
    now = clock.now()
    return Me(
        user=user,
        memberships=[
            Membership(
                tenant_id=m.tenant_id,
                tenant_name=tenants[m.tenant_id].name,
                role=m.role,
                subtenant_count=int(tenants[m.tenant_id].subtenant_count or 0),
                sync=SyncBrief(
                    tenants[m.tenant_id].last_sync_at,
                    sync_state.stale(tenants[m.tenant_id].last_sync_at, now),
                ),
            )
            for m in memberships
            if m.tenant_id in tenants
        ],
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
