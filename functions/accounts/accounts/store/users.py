"""Accounts' reads and writes of the table. Rows in, domain objects out."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from accounts.domain import Tenant, User
from kontor import clock, db, keys, mapping, tenancy, throttles, tokens
from kontor.errors import Conflict, Gone, NotFound
from kontor.fences import Status
from kontor.models import (
    DescendantItem,
    EmailClaimItem,
    InvitationItem,
    MembershipItem,
    TenantItem,
    TokenItem,
    UserItem,
)

VERIFY_EMAIL = "verify_email"


def person(user: User) -> tenancy.Person:
    return tenancy.Person(user_id=user.id, email=user.email, name=user.name)


def user_row(user: User, now: str, **extra: str | int) -> UserItem:
    return UserItem(
        keys.user_pk(user.id),
        keys.PROFILE_SK,
        id=user.id,
        email=user.email,
        name=user.name,
        email_verified=user.email_verified,
        created_at=now,
        verified_at=now if user.email_verified else None,
        **extra,
    )


def claim_row(user: User) -> EmailClaimItem:
    return EmailClaimItem(keys.email_pk(user.email), keys.EMAIL_SK, user_id=user.id)


def _user(item: UserItem) -> User:
    return mapping.domain(item, User)


def email_claimed(email: str) -> bool:
    return user_id_for(email) is not None


def user_id_for(email: str) -> str | None:
    """The user id of the identity behind an email address, if there is one."""
    try:
        return EmailClaimItem.get(keys.email_pk(email), keys.EMAIL_SK, consistent_read=True).user_id
    except DoesNotExist:
        return None


def create_signup(user: User, tenant: Tenant, verification: TokenItem) -> None:
    """Identity records, tenant, admin membership, token and audit entry: all or nothing."""
    now = clock.iso(clock.now())
    try:
        with db.transaction() as tx:
            tx.save(claim_row(user), condition=EmailClaimItem.pk.does_not_exist())
            tx.save(
                user_row(
                    user, now, verification_token=verification.pk, verification_sent_at=now, tenants_created=1
                ),
                condition=UserItem.pk.does_not_exist(),
            )
            tenancy.create(
                tx,
                tenancy.NewTenant(id=tenant.id, name=tenant.name, edition=tenant.plan),
                created_by=user.id,
                admin=person(user),
                source="signup",
                actor_via="member",
                now=now,
            )
            tx.save(verification)
    except db.Cancelled as cancelled:
        if (keys.email_pk(user.email), keys.EMAIL_SK) in cancelled.failed:
            raise Conflict(
                "This email already has a Kontor login. Sign in and add a further account instead.",
                code="identity_exists",
            ) from None
        raise


def complete_verification(token: TokenItem) -> None:
    """Use the token and mark the user verified, together; a second use fails."""
    try:
        with db.transaction() as tx:
            tokens.use(tx, token)
            tx.update(
                UserItem(keys.user_pk(token.subject), keys.PROFILE_SK),
                actions=[
                    UserItem.email_verified.set(True),
                    UserItem.verified_at.set(clock.iso(clock.now())),
                    UserItem.verification_token.remove(),
                ],
                condition=UserItem.pk.exists(),
            )
    except db.Cancelled as cancelled:
        if (token.pk, token.sk) in cancelled.failed:
            raise Gone("This link was already used.", code="token_used") from None
        if (keys.user_pk(token.subject), keys.PROFILE_SK) in cancelled.failed:
            raise NotFound("This account no longer exists.", code="user_not_found") from None
        raise


def unverified_user(email: str) -> UserItem | None:
    """The profile behind an email, if its address still awaits verification."""
    try:
        claim = EmailClaimItem.get(keys.email_pk(email), keys.EMAIL_SK, consistent_read=True)
        profile = UserItem.get(keys.user_pk(claim.user_id), keys.PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return None if profile.email_verified else profile


def replace_verification(profile: UserItem, fresh: TokenItem, *, not_sent_since: str, per_day: int) -> bool:
    """Swap in a fresh token unless one was sent since `not_sent_since` or `per_day` were sent today;
    True when swapped."""
    sent_before = UserItem.verification_sent_at.does_not_exist() | (
        UserItem.verification_sent_at < not_sent_since
    )
    try:
        with db.transaction() as tx:
            tx.update(
                UserItem(profile.pk, profile.sk),
                actions=[
                    UserItem.verification_token.set(fresh.pk),
                    UserItem.verification_sent_at.set(fresh.created_at),
                ],
                condition=(UserItem.email_verified == False) & sent_before,  # noqa: E712
            )
            tx.save(fresh)
            if profile.verification_token:
                tokens.revoke(tx, profile.verification_token)
            throttles.count(tx, "resend", profile.email, per_day, clock.now())
    except db.Cancelled as cancelled:
        if (profile.pk, profile.sk) in cancelled.failed or throttles.exceeded(
            cancelled, "resend", profile.email, clock.now()
        ):
            return False
        raise
    return True


def profile(user_id: str) -> User:
    try:
        return _user(UserItem.get(keys.user_pk(user_id), keys.PROFILE_SK))
    except DoesNotExist:
        raise NotFound("There is no Kontor account for this login.", code="user_not_found") from None


def tenants_brief(tenant_ids: set[str]) -> dict[str, TenantItem]:
    """Name, sub-tenant count and partner access of the visible tenants by id (a closed one does
    not exist for its users), one BatchGetItem per 100."""
    keys_ = [(keys.tenant_pk(tenant_id), keys.TENANT_SK) for tenant_id in sorted(tenant_ids)]
    wanted = ["id", "name", "subtenant_count", "partner_access", "status", "ancestors"]
    found = TenantItem.batch_get(keys_, attributes_to_get=wanted)
    return {tenant.id: tenant for tenant in found if tenant.status != Status.CLOSED}


def descendants_of(tenant_id: str) -> list[str]:
    """Every tenant below a partner tenant, at any depth."""
    below = DescendantItem.sk.startswith(keys.DESCENDANT_PREFIX)
    return [row.tenant_id for row in DescendantItem.query(keys.tenant_pk(tenant_id), below)]


def memberships_of(user_id: str) -> list[MembershipItem]:
    return list(MembershipItem.by_user.query(keys.user_pk(user_id)))


def pending_invitations_for(email: str) -> list[InvitationItem]:
    """Invitations still waiting for an address (only pending ones stay in the index)."""
    now = clock.iso(clock.now())
    return [
        item for item in InvitationItem.by_invitee.query(keys.invitee_gsi_pk(email)) if item.expires_at > now
    ]
