"""Signing up: a new identity with its first tenant, and proving the email address."""

from __future__ import annotations

from datetime import timedelta

from accounts import passwords, store
from accounts.domain import Signup, Tenant, User
from kontor import clock, ids, mail, outbox, throttles, tokens
from kontor.errors import Conflict, Gone, allowance_used_up
from kontor.models import UserItem
from kontor.observability import count, logger
from kontor.settings import settings

RESEND_INTERVAL = timedelta(minutes=1)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def sign_up(
    *, email: str, password: str, name: str, tenant_name: str, plan: str = "BASIC", language: str = "de"
) -> Signup:
    """A new identity, its first tenant with it as admin, and a mail to verify the address.

    For an address that already has a login the answer is the same, and the mail goes to the
    owner instead ("you already have an account"): signup reveals no address. An address held by
    a login that never proved it is released after `unverified_hold_hours` (or at once when its
    login is gone), and this signup takes it.

    The mail is written to the outbox in the signup's transaction and handed to SES after it: a
    signup whose mail SES refuses still succeeds, and the outbox sends the mail later.
    """
    email = normalize_email(email)
    passwords.check(password, email=email, name=name, tenant_name=tenant_name)
    ttl = timedelta(hours=settings().verification_ttl_hours)
    held = store.users.holder(email)
    if held is not None:
        if not (_releasable(held) and store.users.release_unverified(held)):
            return _known(email, held, ttl)
        store.identity.delete(email)  # the released signup's login

    user_id = store.identity.create(email, name, password, verified=False)
    user = User(id=user_id, email=email, name=name, email_verified=False)
    tenant = Tenant(id=ids.new_id(), name=tenant_name, plan=plan)
    secret, token = tokens.issue(store.users.VERIFY_EMAIL, user_id, email, ttl)
    message = _verification(email, name, secret, language)
    hold_ends_at = clock.iso(clock.now() + timedelta(hours=settings().unverified_hold_hours))
    queued: list[outbox.Queued] = []
    try:
        queued.append(
            store.users.create_signup(
                user,
                tenant,
                token,
                message,
                language,
                per_day=_signups_per_day(),
                hold_ends_at=hold_ends_at,
            )
        )
    except BaseException as failure:
        # The commit may have happened with its reply lost: read before undoing anything.
        if not store.users.signup_committed(user, tenant):
            store.identity.delete(email)  # no identity without its tenant
            if isinstance(failure, Conflict) and failure.code == "identity_exists":
                # Another signup took the address a moment ago: answer as for a known address.
                return _known(email, store.users.holder(email), ttl)
            raise
        # Its mail is in the outbox, committed with it: the outbox job sends it.
        logger.warning("signup committed although its reply was lost", user_id=user.id)

    outbox.deliver(queued)
    count("SignupCompleted", tenant.id)
    logger.info("signed up", user_id=user.id, tenant_id=tenant.id)
    return Signup(sent_to=email, verification_expires_at=token.expires_at)


def signups_used_up(per_day: int) -> Exception:
    return allowance_used_up(
        "signups_per_address_per_day", per_day, f"An address can start at most {per_day} signups a day."
    )


def _signups_per_day() -> int:
    return settings().signups_per_address_per_day


def _known(email: str, held: UserItem | None, ttl: timedelta) -> Signup:
    """The answer a new address gets, while the mail tells the address's owner what happened.

    Counted against the address's daily signups like a new one (so the limit answers alike), which
    also bounds the owner's mails.
    """
    per_day = _signups_per_day()
    if not throttles.take("signup", email, per_day, clock.now()):
        raise signups_used_up(per_day)
    if held is not None:
        _send_already_known(email, held)
    count("SignupForKnownAddress")
    return Signup(sent_to=email, verification_expires_at=clock.iso(clock.now() + ttl))


def _releasable(held: UserItem) -> bool:
    """An unverified login holds its address at most `unverified_hold_hours`; one whose login is
    gone (a signup that died after its records committed) holds it no longer than an abandoned
    login is kept (`identity.ABANDONED_AFTER`)."""
    if held.email_verified:
        return False
    age = clock.now() - clock.parse(held.created_at)
    if age >= timedelta(hours=settings().unverified_hold_hours):
        return True
    return age >= store.identity.ABANDONED_AFTER and not store.identity.exists(held.email)


def release_expired_hold(user_id: str) -> bool:
    """The `signup.release` job for one unverified signup whose hold has ended: its link is
    withdrawn (no verification completes from then on), its login deleted, then its records and
    its tenant. Each step may run again, so SQS's retry of a message that failed half-way finishes
    it; a verification that came first keeps everything. Whether anything was released.
    """
    profile = store.users.unverified_profile(user_id)
    if profile is None:  # verified, or released already (by this job or a signup or acceptance)
        return False
    if not _releasable(profile) or not store.users.revoke_verification(profile):
        return False
    store.identity.delete_login(profile.email, profile.id)
    released = store.users.release_unverified(store.users.unverified_profile(user_id) or profile)
    if released:
        count("SignupHoldReleased")
        logger.info("an unverified signup's hold on its address ended", user_id=user_id)
    return released


def verify_email(secret: str, password: str) -> User:
    """Redeem a verification link: the address is proven, the password is the verifier's, and the
    identity may sign in.

    The password is set again here, so a login someone else created for this address (and chose
    the password of) never becomes usable by being verified by the address's owner.
    """
    token = tokens.check(secret, store.users.VERIFY_EMAIL)
    held = store.users.holder(token.email)
    if held is None or held.id != token.subject:
        # The signup behind the link was released meanwhile; another may hold the address now.
        raise Gone(
            "This link belongs to a signup that no longer exists; sign up again.", code="token_revoked"
        )
    passwords.check(password, email=token.email, name=held.name, tenant_name="")
    if not held.email_verified and not store.identity.exists(token.email):
        store.users.release_unverified(held)  # a claim without a login: heal it
        raise Gone("This signup did not finish; sign up again.", code="token_revoked")
    store.identity.set_password(token.email, password)
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
    message = _verification(profile.email, profile.name, secret, profile.language or "de")
    queued = store.users.replace_verification(
        profile, token, message, not_sent_since=not_sent_since, per_day=per_day
    )
    if queued is not None:
        outbox.deliver([queued])


def _verification(email: str, name: str, secret: str, language: str) -> mail.Mail:
    url = mail.link("/signup/verify", secret)
    hours = settings().verification_ttl_hours
    if language == "en":
        return mail.Mail(
            to=[email],
            subject="Confirm your email address for Kontor",
            text=(
                f"Hello {mail.plain(name)},\n\n"
                f"please confirm your email address to finish signing up:\n\n{url}\n\n"
                f"The link works once and expires in {hours} hours. "
                "If you did not sign up, ignore this mail.\n"
            ),
        )
    return mail.Mail(
        to=[email],
        subject="Bestätigen Sie Ihre E-Mail-Adresse für Kontor",
        text=(
            f"Guten Tag {mail.plain(name)},\n\n"
            f"bitte bestätigen Sie Ihre E-Mail-Adresse, um die Anmeldung abzuschließen:\n\n{url}\n\n"
            f"Der Link gilt einmal und läuft in {hours} Stunden ab. "
            "Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese Mail.\n"
        ),
    )


def _send_already_known(email: str, held: UserItem) -> None:
    """What the address's owner gets instead of a second login, in their language."""
    name = mail.plain(held.name)
    if (held.language or "de") == "en":
        subject = "Your Kontor login"
        if held.email_verified:
            body = (
                "someone asked to sign up for Kontor with this address, which already has a Kontor "
                "login. If it was you: sign in, or reset your password if you forgot it. A further "
                "account is added after signing in.\n\nIf it was not you, ignore this mail: nothing was "
                "changed.\n"
            )
        else:
            body = (
                "someone asked to sign up for Kontor with this address, for which a signup is waiting "
                "for its confirmation. Use the link in the earlier mail, or ask for a new one on the "
                "sign-in page.\n\nIf it was not you, ignore this mail: the unconfirmed signup ends by "
                "itself.\n"
            )
        text = f"Hello {name},\n\n{body}"
    else:
        subject = "Ihr Kontor-Zugang"
        if held.email_verified:
            body = (
                "jemand wollte sich mit dieser Adresse bei Kontor anmelden, für die es bereits einen "
                "Kontor-Zugang gibt. Waren Sie es: melden Sie sich an, oder setzen Sie Ihr Passwort "
                "zurück, falls Sie es vergessen haben. Ein weiterer Mandant wird nach der Anmeldung "
                "angelegt.\n\nWaren Sie es nicht, ignorieren Sie diese Mail: nichts wurde geändert.\n"
            )
        else:
            body = (
                "jemand wollte sich mit dieser Adresse bei Kontor anmelden, für die eine Anmeldung auf "
                "ihre Bestätigung wartet. Nutzen Sie den Link aus der früheren Mail, oder fordern Sie auf "
                "der Anmeldeseite einen neuen an.\n\nWaren Sie es nicht, ignorieren Sie diese Mail: die "
                "unbestätigte Anmeldung endet von selbst.\n"
            )
        text = f"Guten Tag {name},\n\n{body}"
    outbox.send(mail.Mail(to=[email], subject=subject, text=text))
