"""What accounts work with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    email_verified: bool
    language: str = "de"  # of the mails the person gets: `de` or `en`


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    plan: str = "BASIC"  # the edition it is billed for


@dataclass(frozen=True)
class SyncBrief:
    """How current the tenant's online sync is, from the tenant row (`kontor.sync_state`)."""

    last_sync_at: str | None = None
    stale: bool = False


@dataclass(frozen=True)
class Membership:
    tenant_id: str
    tenant_name: str
    role: str
    via: str = "member"  # /me lists own memberships; partner reach is paged per partner tenant
    subtenant_count: int = 0  # direct sub-tenants: a partner tenant when above zero
    sync: SyncBrief = field(default_factory=SyncBrief)


@dataclass(frozen=True)
class Member:
    user_id: str
    email: str
    name: str
    role: str
    joined_at: str


@dataclass(frozen=True)
class Invitation:
    id: str
    tenant_id: str
    email: str
    role: str
    state: str  # pending | accepted | revoked | expired
    invited_by: str
    inviter_name: str
    created_at: str
    expires_at: str
    sent_count: int
    accepted_at: str | None = None
    revoked_at: str | None = None


@dataclass(frozen=True)
class InvitationPreview:
    """What the page behind an invitation link shows before accepting."""

    invitation_id: str
    tenant_id: str
    tenant_name: str
    inviter_name: str
    email: str
    role: str
    expires_at: str
    has_identity: bool


@dataclass(frozen=True)
class PendingInvitation:
    """An invitation waiting for the signed-in user, as /me lists it."""

    id: str
    tenant_id: str
    tenant_name: str
    role: str
    inviter_name: str
    expires_at: str


@dataclass(frozen=True)
class Signup:
    """What POST /signup answers, the same whether the address is new or already known."""

    sent_to: str
    verification_expires_at: str


@dataclass(frozen=True)
class Me:
    user: User
    memberships: list[Membership]
    invitations: list[PendingInvitation]
