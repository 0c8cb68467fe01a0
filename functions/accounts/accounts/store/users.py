"""Accounts' reads and writes of the table. Rows in, domain objects out."""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.exceptions import DoesNotExist, UpdateError

from accounts.domain import Tenant, User
from kontor import clock, db, keys, mail, mapping, outbox, tenancy, throttles, tokens
from kontor.errors import Conflict, Gone, NotFound, allowance_used_up
from kontor.fences import Status
from kontor.models import (
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


def user_id_for(email: str) -> str | None:
    """The user id of the identity behind an email address, if there is one."""
    try:
        return EmailClaimItem.get(keys.email_pk(email), keys.EMAIL_SK, consistent_read=True).user_id
    except DoesNotExist:
        return None


def create_signup(
    user: User,
    tenant: Tenant,
    verification: TokenItem,
    message: mail.Mail,
    language: str,
    *,
    per_day: int,
    hold_ends_at: str,
) -> outbox.Queued:
    """Identity records, tenant, admin membership, token, audit entry, the verification mail in the
    outbox and one of the address's `per_day` daily signups: all or nothing. The profile carries
    the hold's end on the `due` index until the address is verified."""
    now = clock.iso(clock.now())
    try:
        with db.transaction() as tx:
            tx.save(claim_row(user), condition=EmailClaimItem.pk.does_not_exist())
            tx.save(
                user_row(
                    user,
                    now,
                    verification_token=verification.pk,
                    verification_sent_at=now,
                    tenants_created=1,
                    language=language,
                    due_pk=keys.due_pk(keys.SIGNUP_HOLD_DUE, user.id),
                    due_sk=keys.due_sk(hold_ends_at, user.id),
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
            throttles.count(tx, "signup", user.email, per_day, clock.now())
            queued = outbox.add(tx, message, tenant_id=tenant.id)
    except db.Cancelled as cancelled:
        if throttles.exceeded(cancelled, "signup", user.email, clock.now()):
            raise allowance_used_up(
                "signups_per_address_per_day",
                per_day,
                f"An address can start at most {per_day} signups a day.",
            ) from None
        if (keys.email_pk(user.email), keys.EMAIL_SK) in cancelled.failed:
            raise Conflict(
                "This email already has a Kontor login. Sign in and add a further account instead.",
                code="identity_exists",
            ) from None
        raise
    return queued


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
                    UserItem.due_pk.remove(),  # a verified address is held for good
                    UserItem.due_sk.remove(),
                ],
                condition=UserItem.pk.exists(),
            )
    except db.Cancelled as cancelled:
        if (token.pk, token.sk) in cancelled.failed:
            raise Gone("This link was already used.", code="token_used") from None
        if (keys.user_pk(token.subject), keys.PROFILE_SK) in cancelled.failed:
            raise NotFound("This account no longer exists.", code="user_not_found") from None
        raise


def holder(email: str) -> UserItem | None:
    """The profile that holds an address (its email claim), verified or not."""
    try:
        claim = EmailClaimItem.get(keys.email_pk(email), keys.EMAIL_SK, consistent_read=True)
        return UserItem.get(keys.user_pk(claim.user_id), keys.PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return None


def signup_committed(user: User, tenant: Tenant) -> bool:
    """Whether a signup's transaction committed (read before undoing anything after an error:
    its reply may have been lost after the commit)."""
    try:
        claim = EmailClaimItem.get(keys.email_pk(user.email), keys.EMAIL_SK, consistent_read=True)
        MembershipItem.get(keys.tenant_pk(tenant.id), keys.member_sk(user.id), consistent_read=True)
    except DoesNotExist:
        return False
    return claim.user_id == user.id


def release_unverified(profile: UserItem) -> bool:
    """Free an address held by a login that never proved it: the tenants it created at signup,
    then its claim, profile and link together, under the condition that it is still unverified.
    Each step may be repeated. False when the address was verified meanwhile (nothing released).

    An unverified login cannot sign in, so the only tenant it has is its signup's, holding what
    signup wrote (a handful of items: the tenant, the membership, standard templates, audit).
    """
    for membership in memberships_of(profile.id):
        try:
            tenant = TenantItem.get(
                keys.tenant_pk(membership.tenant_id), keys.TENANT_SK, consistent_read=True
            )
        except DoesNotExist:
            continue
        if tenant.created_by == profile.id and not tenant.parent_id:
            db.delete_partition(keys.tenant_pk(membership.tenant_id))
    try:
        with db.transaction() as tx:
            tx.delete(
                EmailClaimItem(keys.email_pk(profile.email), keys.EMAIL_SK),
                condition=EmailClaimItem.user_id == profile.id,
            )
            tx.delete(UserItem(profile.pk, profile.sk), condition=UserItem.email_verified == False)  # noqa: E712
            if profile.verification_token:
                tx.delete(TokenItem(profile.verification_token, keys.TOKEN_SK))
    except db.Cancelled:
        return False
    return True


def holds_due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(user_id, due_sk) of every unverified signup in `partition` whose hold ended by `until`."""
    for item in UserItem.due.query(partition, UserItem.due_sk <= keys.due_until(until)):
        yield keys.user_id_of(item.pk), item.due_sk


def unverified_profile(user_id: str) -> UserItem | None:
    """The profile of a login whose address still awaits verification; None once verified or gone."""
    try:
        item = UserItem.get(keys.user_pk(user_id), keys.PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return None if item.email_verified else item


def revoke_verification(profile: UserItem) -> bool:
    """Withdraw the verification link of a login that is still unverified, so no verification can
    complete from now on; False when the address was verified first (nothing changed)."""
    try:
        with db.transaction() as tx:
            tx.condition_check(
                UserItem,
                profile.pk,
                profile.sk,
                condition=UserItem.email_verified == False,  # noqa: E712
            )
            if profile.verification_token:
                tokens.revoke(tx, profile.verification_token)
    except db.Cancelled:
        return False
    return True


def unverified_user(email: str) -> UserItem | None:
    """The profile behind an email, if its address still awaits verification."""
    try:
        claim = EmailClaimItem.get(keys.email_pk(email), keys.EMAIL_SK, consistent_read=True)
        profile = UserItem.get(keys.user_pk(claim.user_id), keys.PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return None if profile.email_verified else profile


def replace_verification(
    profile: UserItem, fresh: TokenItem, message: mail.Mail, *, not_sent_since: str, per_day: int
) -> outbox.Queued | None:
    """Swap in a fresh token and queue its mail unless one was sent since `not_sent_since` or
    `per_day` were sent today; the mail to deliver when swapped."""
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
            queued = outbox.add(tx, message)
    except db.Cancelled as cancelled:
        if (profile.pk, profile.sk) in cancelled.failed or throttles.exceeded(
            cancelled, "resend", profile.email, clock.now()
        ):
            return None
        raise
    return queued


def language(user_id: str) -> str | None:
    """The language a login chose (`de`, `en`), if it has a profile that says."""
    try:
        return UserItem.get(keys.user_pk(user_id), keys.PROFILE_SK, attributes_to_get=["language"]).language
    except DoesNotExist:
        return None


def set_language(user_id: str, language: str) -> User:
    """The profile with its new language; one UpdateItem answering the row as written."""
    try:
        row = UserItem(keys.user_pk(user_id), keys.PROFILE_SK)
        row.update(actions=[UserItem.language.set(language)], condition=UserItem.pk.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("There is no Kontor account for this login.", code="user_not_found") from None
        raise
    return _user(row)


def profile(user_id: str) -> User:
    try:
        return _user(UserItem.get(keys.user_pk(user_id), keys.PROFILE_SK))
    except DoesNotExist:
        raise NotFound("There is no Kontor account for this login.", code="user_not_found") from None


def tenants_brief(tenant_ids: set[str]) -> dict[str, TenantItem]:
    """Name and sub-tenant count of the visible tenants by id (a closed one does not exist for its
    users), one BatchGetItem per 100."""
    keys_ = [(keys.tenant_pk(tenant_id), keys.TENANT_SK) for tenant_id in sorted(tenant_ids)]
    wanted = ["id", "name", "subtenant_count", "status", "last_sync_at"]
    found = TenantItem.batch_get(keys_, attributes_to_get=wanted)
    return {tenant.id: tenant for tenant in found if tenant.status != Status.CLOSED}


def memberships_of(user_id: str) -> list[MembershipItem]:
    return list(MembershipItem.by_user.query(keys.user_pk(user_id)))


def pending_invitations_for(email: str) -> list[InvitationItem]:
    """Invitations still waiting for an address (only pending ones stay in the index)."""
    now = clock.iso(clock.now())
    return [
        item for item in InvitationItem.by_invitee.query(keys.invitee_gsi_pk(email)) if item.expires_at > now
    ]
