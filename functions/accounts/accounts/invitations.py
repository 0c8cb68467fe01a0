"""Invitations: an admin invites an address with a role; the person behind it accepts by link."""

from __future__ import annotations

from datetime import timedelta

from accounts import passwords, store
from accounts.domain import Invitation, InvitationPreview, Member, User
from accounts.signup import normalize_email
from kontor import clock, ids, mail, outbox, pages, tokens
from kontor.access import Access, Caller, Role
from kontor.errors import BadRequest, Forbidden, Gone
from kontor.models import InvitationItem, TokenItem
from kontor.observability import count, logger
from kontor.settings import settings

INVITATION = store.invitations.INVITATION


def _limits() -> tuple[int, int]:
    current = settings()
    return current.invitations_per_tenant_per_day, current.invitations_per_address_per_day


def _ttl() -> timedelta:
    return timedelta(days=settings().invitation_ttl_days)


def invite(context: Access, email: str, role: Role) -> Invitation:
    context.require_own_people()
    email = normalize_email(email)
    inviter = store.users.profile(context.caller.user_id)
    tenant_name = store.invitations.tenant_name(context.tenant_id)
    invitation_id = ids.new_id()
    secret, token = tokens.issue(INVITATION, invitation_id, email, _ttl())
    token.tenant_id = context.tenant_id
    existing_user_id = store.users.user_id_for(email)
    language = _language(existing_user_id)
    message = _message(email, inviter.name, role.value, token.expires_at, tenant_name, secret, language)
    invitation, queued = store.invitations.create(
        context,
        invitation_id=invitation_id,
        email=email,
        role=role.value,
        inviter=inviter,
        token=token,
        existing_user_id=existing_user_id,
        limits=_limits(),
        message=message,
    )
    outbox.deliver([queued])
    count("InvitationSent", context.tenant_id)
    return invitation


def list_invitations(context: Access, limit: int, cursor: str | None) -> pages.Page[Invitation]:
    return store.invitations.page(context.tenant_id, limit, cursor)


def resend(context: Access, invitation_id: str) -> Invitation:
    context.require_own_people()
    item = store.invitations.get_row(context.tenant_id, invitation_id)
    secret, token = tokens.issue(INVITATION, item.id, item.email, _ttl())
    token.tenant_id = context.tenant_id
    tenant_name = store.invitations.tenant_name(context.tenant_id)
    existing_user_id = store.users.user_id_for(item.email)
    language = store.users.language(existing_user_id) if existing_user_id else None
    message = _message(
        item.email, item.inviter_name, item.role, token.expires_at, tenant_name, secret, language
    )
    invitation, queued = store.invitations.renew(context, item, token, _limits(), message)
    outbox.deliver([queued])
    return invitation


def revoke(context: Access, invitation_id: str) -> Invitation:
    context.require_own_people()
    return store.invitations.revoke(context, store.invitations.get_row(context.tenant_id, invitation_id))


# A link to an invitation that is no longer pending: its state, as the answer's code.
_CLOSED = {state: f"invitation_{state}" for state in ("accepted", "revoked", "expired")}


def _open(secret: str) -> tuple[InvitationItem, TokenItem]:
    """The invitation behind a link, while it may still be accepted."""
    token = tokens.check(secret, INVITATION)
    if not token.tenant_id:
        raise BadRequest("This link is not valid.", code="invalid_token")
    item = store.invitations.get_row(token.tenant_id, token.subject)
    if item.state != "pending":
        raise Gone(f"This invitation was {item.state}.", code=_CLOSED[item.state])
    return item, token


def preview(secret: str) -> InvitationPreview:
    item, _ = _open(secret)
    return InvitationPreview(
        invitation_id=item.id,
        tenant_id=item.tenant_id,
        tenant_name=store.invitations.tenant_name(item.tenant_id),
        inviter_name=item.inviter_name,
        email=item.email,
        role=item.role,
        expires_at=item.expires_at,
        # An unverified login does not count: accepting replaces it (the link proved the address).
        has_identity=_verified_login(item.email),
    )


def _verified_login(email: str) -> bool:
    held = store.users.holder(email)
    return held is not None and bool(held.email_verified)


def accept(secret: str, caller: Caller | None, name: str | None, password: str | None) -> Member:
    """Join the tenant: a signed-in person as themselves, a new person with a new store.identity."""
    item, token = _open(secret)
    if caller is not None:
        if caller.email != item.email:
            raise Forbidden(
                f"This invitation is for {item.email}; sign in with that address to accept it.",
                code="wrong_account",
            )
        if not caller.email_verified:
            raise _unverified()
        user = store.users.profile(caller.user_id)
        if not user.email_verified:
            raise _unverified()
        store.invitations.accept(item, token, user, new_identity=False)
    else:
        user = _new_identity(item, token, name, password)
    count("InvitationAccepted", item.tenant_id)
    return Member(
        user_id=user.id, email=user.email, name=user.name, role=item.role, joined_at=clock.iso(clock.now())
    )


def _unverified() -> Forbidden:
    return Forbidden(
        "Confirm your email address first (the link in the signup mail), then accept.",
        code="email_unverified",
    )


def _new_identity(item: InvitationItem, token: TokenItem, name: str | None, password: str | None) -> User:
    """A login for a new person. The link proved the address, so a login that never proved it
    (someone else's signup with this address, or one that did not finish) is replaced."""
    held = store.users.holder(item.email)
    if held is not None and held.email_verified:
        raise Forbidden(
            f"{item.email} already has a login: sign in with it to accept.", code="sign_in_required"
        )
    if not name or not password:
        raise BadRequest(
            "Send your name and a password to create your login.", code="name_and_password_required"
        )
    tenant_name = store.invitations.tenant_name(item.tenant_id)
    passwords.check(password, email=item.email, name=name, tenant_name=tenant_name)
    if held is not None:
        if not store.users.release_unverified(held):
            raise Forbidden(
                f"{item.email} already has a login: sign in with it to accept.", code="sign_in_required"
            )
        store.identity.delete(item.email)
        logger.info("an unverified login was replaced by an invitation's acceptance", user_id=held.id)
    user_id = store.identity.create(item.email, name, password, verified=True)
    user = User(id=user_id, email=item.email, name=name, email_verified=True)
    try:
        store.invitations.accept(item, token, user, new_identity=True)
    except BaseException:
        # The commit may have happened with its reply lost: read before undoing anything.
        if not store.invitations.accepted_by(item, user):
            store.identity.delete(item.email)  # no login without its records
            raise
        logger.warning("acceptance committed although its reply was lost", user_id=user.id)
    return user


def _language(user_id: str | None) -> str | None:
    """The invitee's language if the address has a login (German unless it chose otherwise)."""
    if user_id is None:
        return None
    return store.users.language(user_id) or "de"


def _message(
    email: str,
    inviter_name: str,
    role: str,
    expires_at: str,
    tenant_name: str,
    secret: str,
    language: str | None,
) -> mail.Mail:
    """The invitation with its link, written with the invitation through the outbox: in the language
    of the address's login, or in English for an address without one (no language known yet)."""
    url = mail.link("/invitations/accept", secret)
    inviter, tenant = mail.plain(inviter_name), mail.plain(tenant_name)
    if language == "de":
        return mail.Mail(
            to=[email],
            subject=f"Ihre Einladung zu {mail.plain(tenant_name, 60)} bei Kontor",
            text=(
                f"Guten Tag,\n\n{inviter} lädt Sie ein, {tenant} bei Kontor beizutreten, als {role}."
                f"\n\nNehmen Sie die Einladung hier an:\n\n{url}\n\nDer Link gilt einmal und läuft am "
                f"{expires_at} ab. Wenn Sie nicht beitreten möchten, ignorieren Sie diese Mail.\n"
            ),
        )
    return mail.Mail(
        to=[email],
        subject=f"Your invitation to {mail.plain(tenant_name, 60)} on Kontor",
        text=(
            f"Hello,\n\n{inviter} invites you to join {tenant} on Kontor as {role}.\n\n"
            f"Accept the invitation here:\n\n{url}\n\n"
            f"The link works once and expires on {expires_at}. If you do not want to join, "
            "ignore this mail.\n"
        ),
    )
