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


def new_id_at(millis: int, seed: bytes | None = None) -> str:
    """A 26-character id for a moment of the product's clock (ULID layout, sortable by it).

    With `seed`, the random part is derived from it: the same seed gives the same id, so a retried
    job finds what its first attempt created.
    """
    if seed is None:
        randomness = secrets.randbits(80)
    else:
        import hashlib

        randomness = int.from_bytes(hashlib.sha256(seed).digest()[:10], "big")
    return _base32(millis, 10) + _base32(randomness, 16)
