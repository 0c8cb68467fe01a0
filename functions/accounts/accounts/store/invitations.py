"""Invitations in the table: one pending invitation per address and tenant, rate limits, and the
all-or-nothing writes of inviting, resending, revoking and accepting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from accounts.domain import Invitation, User
from accounts.store.users import claim_row, person, user_row
from kontor import audit, clock, db, keys, mail, mapping, outbox, pages, tenancy, throttles, tokens
from kontor.access import Access
from kontor.errors import Conflict, Gone, NotFound, TooManyRequests
from kontor.models import (
    EmailClaimItem,
    InvitationItem,
    InviteeItem,
    MembershipItem,
    TenantItem,
    TokenItem,
    UserItem,
)

INVITATION = "invitation"


def _invitation(item: InvitationItem) -> Invitation:
    state = item.state
    if state == "pending" and item.expires_at <= clock.iso(clock.now()):
        state = "expired"
    return mapping.domain(item, Invitation, state=state)


def get_row(tenant_id: str, invitation_id: str) -> InvitationItem:
    try:
        return InvitationItem.get(
            keys.tenant_pk(tenant_id), keys.invitation_sk(invitation_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such invitation.", code="invitation_not_found") from None


def page(tenant_id: str, limit: int, cursor: str | None) -> pages.Page[Invitation]:
    """Newest first (ids sort by creation time)."""
    partition = keys.tenant_pk(tenant_id)
    results = InvitationItem.query(
        partition,
        InvitationItem.sk.startswith(keys.INVITATION_PREFIX),
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=partition, sk_prefix=keys.INVITATION_PREFIX
        ),
    )
    items = [_invitation(item) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def _throttled(cancelled: db.Cancelled, tenant_id: str, email: str, now: datetime) -> TooManyRequests | None:
    if throttles.exceeded(cancelled, "tenant", tenant_id, now):
        return TooManyRequests(
            "This tenant sent as many invitations today as it may; try again tomorrow.",
            code="too_many_invitations",
        )
    if throttles.exceeded(cancelled, "address", _address_scope(tenant_id, email), now):
        return TooManyRequests(
            "This address received as many invitations from this tenant today as it may; try again tomorrow.",
            code="too_many_invitations",
        )
    return None


def _address_scope(tenant_id: str, email: str) -> str:
    # Per tenant: one tenant's invitations must not lock an address out of every other tenant's.
    return f"{tenant_id}/{email}"


def _limits(tx: TransactWrite, tenant_id: str, email: str, limits: tuple[int, int], now: datetime) -> None:
    per_tenant, per_address = limits
    throttles.count(tx, "tenant", tenant_id, per_tenant, now)
    throttles.count(tx, "address", _address_scope(tenant_id, email), per_address, now)


def create(
    context: Access,
    *,
    invitation_id: str,
    email: str,
    role: str,
    inviter: User,
    token: TokenItem,
    existing_user_id: str | None,
    limits: tuple[int, int],
    message: mail.Mail,
) -> tuple[Invitation, outbox.Queued]:
    """A pending invitation with its link and its mail in the outbox, unless the address is a
    member, already invited, or the day's allowance is used up."""
    now = clock.now()
    item = InvitationItem(
        keys.tenant_pk(context.tenant_id),
        keys.invitation_sk(invitation_id),
        gsi1pk=keys.invitee_gsi_pk(email),
        gsi1sk=keys.invitee_gsi_sk(context.tenant_id, invitation_id),
        id=invitation_id,
        tenant_id=context.tenant_id,
        email=email,
        role=role,
        state="pending",
        invited_by=inviter.id,
        inviter_name=inviter.name,
        created_at=token.created_at,
        expires_at=token.expires_at,
        token=token.pk,
    )
    guard = InviteeItem(
        keys.tenant_pk(item.tenant_id),
        keys.invitee_sk(item.email),
        invitation_id=item.id,
        expires_at=item.expires_at,
    )
    try:
        with db.transaction() as tx:
            # An earlier invitation of the address blocks a new one only while it is still open.
            tx.save(
                guard, condition=InviteeItem.pk.does_not_exist() | (InviteeItem.expires_at <= clock.iso(now))
            )
            tx.save(item)
            tx.save(token)
            if existing_user_id:
                tx.condition_check(
                    MembershipItem,
                    keys.tenant_pk(item.tenant_id),
                    keys.member_sk(existing_user_id),
                    condition=MembershipItem.pk.does_not_exist(),
                )
            _limits(tx, item.tenant_id, item.email, limits, now)
            audit.by(tx, context, "invitation.created", item.id, email=item.email, role=item.role)
            queued = outbox.add(tx, message, tenant_id=item.tenant_id)
    except db.Cancelled as cancelled:
        if (guard.pk, guard.sk) in cancelled.failed:
            raise Conflict(
                "This address already has a pending invitation.", code="invitation_pending"
            ) from None
        if existing_user_id and (guard.pk, keys.member_sk(existing_user_id)) in cancelled.failed:
            raise Conflict("This person is already a member.", code="already_member") from None
        raise _throttled(cancelled, item.tenant_id, item.email, now) or cancelled from None
    return _invitation(item), queued


def _not_pending(item: InvitationItem) -> Conflict:
    return Conflict(f"This invitation is {item.state}, not pending.", code="invitation_not_pending")


def renew(
    context: Access, item: InvitationItem, fresh: TokenItem, limits: tuple[int, int], message: mail.Mail
) -> tuple[Invitation, outbox.Queued]:
    """A new link for a pending invitation, its mail in the outbox; the old link stops working."""
    now = clock.now()
    pending = (InvitationItem.state == "pending") & (InvitationItem.token == item.token)
    try:
        with db.transaction() as tx:
            tx.update(
                item,
                actions=[
                    InvitationItem.token.set(fresh.pk),
                    InvitationItem.expires_at.set(fresh.expires_at),
                    InvitationItem.sent_count.add(1),
                ],
                condition=pending,
            )
            tx.update(
                InviteeItem(keys.tenant_pk(item.tenant_id), keys.invitee_sk(item.email)),
                actions=[InviteeItem.expires_at.set(fresh.expires_at)],
                condition=InviteeItem.invitation_id == item.id,
            )
            tx.save(fresh)
            if item.token:
                tokens.revoke(tx, item.token)
            _limits(tx, item.tenant_id, item.email, limits, now)
            audit.by(tx, context, "invitation.resent", item.id, email=item.email)
            queued = outbox.add(tx, message, tenant_id=item.tenant_id)
    except db.Cancelled as cancelled:
        if (item.pk, item.sk) in cancelled.failed:
            raise _not_pending(get_row(item.tenant_id, item.id)) from None
        raise _throttled(cancelled, item.tenant_id, item.email, now) or cancelled from None
    item.token, item.expires_at, item.sent_count = fresh.pk, fresh.expires_at, item.sent_count + 1
    return _invitation(item), queued


def _close(tx: TransactWrite, item: InvitationItem, actions: list[Any]) -> None:
    """Move a pending invitation out of `pending` and free its address for a new one."""
    tx.update(
        item,
        actions=[*actions, InvitationItem.gsi1pk.remove(), InvitationItem.gsi1sk.remove()],
        condition=InvitationItem.state == "pending",
    )
    tx.delete(
        InviteeItem(keys.tenant_pk(item.tenant_id), keys.invitee_sk(item.email)),
        condition=InviteeItem.invitation_id == item.id,
    )


def revoke(context: Access, item: InvitationItem) -> Invitation:
    now = clock.iso(clock.now())
    try:
        with db.transaction() as tx:
            _close(
                tx,
                item,
                [
                    InvitationItem.state.set("revoked"),
                    InvitationItem.revoked_by.set(context.caller.user_id),
                    InvitationItem.revoked_at.set(now),
                ],
            )
            if item.token:
                tokens.revoke(tx, item.token)
            audit.by(tx, context, "invitation.revoked", item.id, email=item.email)
    except db.Cancelled as cancelled:
        if (item.pk, item.sk) in cancelled.failed:
            raise _not_pending(get_row(item.tenant_id, item.id)) from None
        raise
    item.state, item.revoked_by, item.revoked_at = "revoked", context.caller.user_id, now
    return _invitation(item)


def accept(item: InvitationItem, token: TokenItem, user: User, *, new_identity: bool) -> None:
    """Membership for `user` and the invitation closed, together; for a new person also their
    identity records (the link proved the address)."""
    now = clock.iso(clock.now())
    membership = tenancy.membership_row(item.tenant_id, person(user), item.role, now)
    try:
        with db.transaction() as tx:
            if new_identity:
                tx.save(claim_row(user), condition=EmailClaimItem.pk.does_not_exist())
                tx.save(user_row(user, now), condition=UserItem.pk.does_not_exist())
            tx.save(membership, condition=MembershipItem.pk.does_not_exist())
            tokens.use(tx, token)
            _close(
                tx,
                item,
                [
                    InvitationItem.state.set("accepted"),
                    InvitationItem.accepted_by.set(user.id),
                    InvitationItem.accepted_at.set(now),
                ],
            )
            if item.role == "admin":
                tx.update(
                    TenantItem(keys.tenant_pk(item.tenant_id), keys.TENANT_SK),
                    actions=[TenantItem.admin_count.add(1)],
                    condition=TenantItem.pk.exists(),
                )
            audit.record(
                tx,
                tenant_id=item.tenant_id,
                actor_id=user.id,
                actor_via="member",
                action="invitation.accepted",
                target=item.id,
                details={"email": user.email, "role": item.role, "new_identity": new_identity},
            )
    except db.Cancelled as cancelled:
        if (keys.email_pk(user.email), keys.EMAIL_SK) in cancelled.failed:
            raise Conflict(
                "This address has a login now: sign in to accept.", code="sign_in_required"
            ) from None
        if (membership.pk, membership.sk) in cancelled.failed:
            raise Conflict("You are already a member of this tenant.", code="already_member") from None
        if (token.pk, token.sk) in cancelled.failed or (item.pk, item.sk) in cancelled.failed:
            raise Gone("This invitation was already used or withdrawn.", code="invitation_closed") from None
        raise


def accepted_by(item: InvitationItem, user: User) -> bool:
    """Whether `user`'s acceptance of the invitation committed (its membership and the address's
    claim exist): read before undoing anything after an error whose reply may have been lost."""
    try:
        MembershipItem.get(keys.tenant_pk(item.tenant_id), keys.member_sk(user.id), consistent_read=True)
        claim = EmailClaimItem.get(keys.email_pk(user.email), keys.EMAIL_SK, consistent_read=True)
    except DoesNotExist:
        return False
    return claim.user_id == user.id


def tenant_name(tenant_id: str) -> str:
    try:
        return TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, attributes_to_get=["name"]).name
    except DoesNotExist:
        raise Gone("The tenant of this invitation no longer exists.", code="invitation_closed") from None
