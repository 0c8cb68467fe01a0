"""System mails: the one place that mails a tenant's admins (closing, maintenance, and whatever
else concerns them) — each admin on their own, in their language (`language` on the user, German
by default), as plain text and HTML, through the outbox (`kontor.outbox`)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.transactions import TransactWrite

from kontor import db, keys, mail, outbox
from kontor.models import MembershipItem, UserItem

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
GREETING = {"de": "Guten Tag,", "en": "Hello,"}
SIGNATURE = {"de": "Ihr Kontor-Team", "en": "Your Kontor team"}


@dataclass(frozen=True)
class Message:
    """A system mail in every language: a subject and paragraphs of plain text each."""

    subject: dict[str, str]
    paragraphs: dict[str, list[str]]


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def render(message: Message, recipient: Recipient) -> mail.Mail:
    language = recipient.language if recipient.language in LANGUAGES else DEFAULT_LANGUAGE
    paragraphs = [GREETING[language], *message.paragraphs[language], SIGNATURE[language]]
    text = "\n\n".join(paragraphs) + "\n"
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    page = f'<!DOCTYPE html><html lang="{language}"><body>{body}</body></html>'
    return mail.Mail(to=[recipient.email], subject=message.subject[language], text=text, html=page)


def _admin_rows(tenant_id: str) -> list[tuple[str, str]]:
    """(user_id, email) of the tenant's admins: one Query of its memberships."""
    rows = MembershipItem.query(keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX))
    return [(row.user_id, row.email) for row in rows if row.role == "admin" and row.email]


def addresses(tenant_id: str) -> list[str]:
    """Only the addresses of the tenant's admins (a mail that goes out in one language)."""
    return [email for _, email in _admin_rows(tenant_id)]


def admins(tenant_id: str) -> list[Recipient]:
    """The tenant's admins with their languages: one Query of its memberships, one batch of users."""
    found = _admin_rows(tenant_id)
    if not found:
        return []
    wanted = [(keys.user_pk(user_id), keys.PROFILE_SK) for user_id, _ in found]
    languages = {
        profile.id: profile.language or DEFAULT_LANGUAGE
        for start in range(0, len(wanted), 100)  # a batch reads at most 100 keys
        for profile in db.batch_get(wanted[start : start + 100], lambda key: UserItem)
    }
    return [Recipient(email, languages.get(user_id, DEFAULT_LANGUAGE)) for user_id, email in found]


def to_admins(
    tx: TransactWrite, tenant_id: str, message: Message, recipients: Iterable[Recipient] | None = None
) -> list[outbox.Queued]:
    """Queue `message` for each of the tenant's admins in `tx`; `outbox.deliver` them after the commit."""
    return [
        outbox.add(tx, render(message, recipient), tenant_id=tenant_id)
        for recipient in (admins(tenant_id) if recipients is None else recipients)
    ]


def send_to_admins(tenant_id: str, message: Message) -> None:
    """The same for a mail that belongs to no change (a job's notice): queued, then delivered."""
    recipients = admins(tenant_id)
    if not recipients:
        return
    with db.transaction() as tx:
        queued = to_admins(tx, tenant_id, message, recipients)
    outbox.deliver(queued)
