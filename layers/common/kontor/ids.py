"""Identifiers: random, URL-safe, and sortable by creation time where order matters."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _base32(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, rest = divmod(number, 32)
        chars.append(_ALPHABET[rest])
    return "".join(reversed(chars))


def new_id() -> str:
    """A 26-character id: 48 bits of milliseconds, then 80 random bits (ULID layout)."""
    return _base32(int(time.time() * 1000), 10) + _base32(secrets.randbits(80), 16)


def new_secret() -> str:
    """A one-time secret for links in mails: 256 random bits."""
    return secrets.token_urlsafe(32)
