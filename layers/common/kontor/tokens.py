"""One-time tokens for links in mails (email verification, invitations): one mechanism for all.

The secret goes into the mail only; the table keeps its SHA-256, so a leaked table leaks no link.
A token is good once, until it expires, and not after it was revoked or replaced.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from kontor import clock, ids, keys
from kontor.errors import BadRequest, Gone
from kontor.models import TokenItem


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(purpose: str, subject: str, email: str, ttl: timedelta) -> tuple[str, TokenItem]:
    """A new secret and the row to store with it (in the caller's transaction)."""
    secret = ids.new_secret()
    issued_at = clock.now()
    expires_at = issued_at + ttl
    item = TokenItem(
        keys.token_pk(digest(secret)),
        keys.TOKEN_SK,
        purpose=purpose,
        subject=subject,
        email=email,
        created_at=clock.iso(issued_at),
        expires_at=clock.iso(expires_at),
        # TTL deletes late; it only tidies up. Expiry is checked in `check`.
        ttl=clock.epoch(expires_at + timedelta(days=7)),
    )
    return secret, item


def check(secret: str, purpose: str) -> TokenItem:
    """The stored token behind a secret, if it may still be used for `purpose`."""
    try:
        item = TokenItem.get(keys.token_pk(digest(secret)), keys.TOKEN_SK, consistent_read=True)
    except DoesNotExist:
        raise BadRequest("This link is not valid.", code="invalid_token") from None
    if item.purpose != purpose:
        raise BadRequest("This link is not valid.", code="invalid_token")
    if item.used_at is not None:
        raise Gone("This link was already used.", code="token_used")
    if item.revoked:
        raise Gone("This link was withdrawn; use the newest mail.", code="token_revoked")
    if clock.iso(clock.now()) >= item.expires_at:
        raise Gone("This link has expired; ask for a new one.", code="token_expired")
    return item


def use(transaction: TransactWrite, item: TokenItem) -> None:
    """Mark the token used inside `transaction`, which fails if someone used or revoked it first."""
    transaction.update(
        item,
        actions=[TokenItem.used_at.set(clock.iso(clock.now()))],
        condition=TokenItem.used_at.does_not_exist() & (TokenItem.revoked == False),  # noqa: E712
    )


def revoke(transaction: TransactWrite, token_pk: str) -> None:
    """Withdraw an earlier token inside `transaction` (a resent link replaces it).

    Unconditional on purpose: a token already deleted by TTL must not fail the resend.
    """
    transaction.update(TokenItem(token_pk, keys.TOKEN_SK), actions=[TokenItem.revoked.set(True)])
