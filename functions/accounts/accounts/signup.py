"""Signing up: a new identity with its first tenant, and proving the email address."""

from __future__ import annotations

from datetime import timedelta

from accounts import passwords, store
from accounts.domain import Signup, Tenant, User
from kontor import clock, ids, mail, tokens
from kontor.errors import Conflict
from kontor.observability import count, logger
from kontor.settings import settings

RESEND_INTERVAL = timedelta(minutes=1)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def sign_up(*, email: str, password: str, name: str, tenant_name: str, plan: str = "BASIC") -> Signup:
    """A new identity, its first tenant with it as admin, and a mail to verify the address."""
    email = normalize_email(email)
    passwords.check(password, email=email, name=name, tenant_name=tenant_name)
    if store.users.email_claimed(email):
        raise Conflict(
            "This email already has a Kontor login. Sign in and add a further account instead.",
            code="identity_exists",
        )

    user_id = store.identity.create(email, name, password, verified=False)
    user = User(id=user_id, email=email, name=name, email_verified=False)
    tenant = Tenant(id=ids.new_id(), name=tenant_name, plan=plan)
    secret, token = tokens.issue(
        store.users.VERIFY_EMAIL, user_id, email, timedelta(hours=settings().verification_ttl_hours)
    )
    try:
        store.users.create_signup(user, tenant, token)
    except BaseException:
        store.identity.delete(email)  # no identity without its tenant
        raise

    _send_verification(email, name, secret)
    count("SignupCompleted", tenant.id)
    logger.info("signed up", user_id=user.id, tenant_id=tenant.id)
    return Signup(user=user, tenant=tenant, verification_expires_at=token.expires_at)


def verify_email(secret: str) -> User:
    """Redeem a verification link: the address is proven and the identity may sign in."""
    token = tokens.check(secret, store.users.VERIFY_EMAIL)
    store.identity.enable(token.email)  # idempotent, so a retry after a failure below converges
    store.users.complete_verification(token)
    count("EmailVerified")
    return store.users.profile(token.subject)


def resend_verification(email: str) -> None:
    """A fresh link for an address that awaits verification, at most once a minute and a few times a day.

    Silent in every case, so the answer does not reveal which addresses have a login.
    """
    profile = store.users.unverified_user(normalize_email(email))
    if profile is None:
        return
    secret, token = tokens.issue(
        store.users.VERIFY_EMAIL,
        profile.id,
        profile.email,
        timedelta(hours=settings().verification_ttl_hours),
    )
    not_sent_since = clock.iso(clock.now() - RESEND_INTERVAL)
    per_day = settings().verification_resends_per_day
    if store.users.replace_verification(profile, token, not_sent_since=not_sent_since, per_day=per_day):
        _send_verification(profile.email, profile.name, secret)


def _send_verification(email: str, name: str, secret: str) -> None:
    url = mail.link("/signup/verify", secret)
    hours = settings().verification_ttl_hours
    mail.send(
        mail.Mail(
            to=[email],
            subject="Confirm your email address for Kontor",
            text=(
                f"Hello {mail.plain(name)},\n\n"
                f"please confirm your email address to finish signing up:\n\n{url}\n\n"
                f"The link works once and expires in {hours} hours. "
                "If you did not sign up, ignore this mail.\n"
            ),
        )
    )
