"""The product's clock. Every expiry and retention decision reads time from here.

The local stack moves it forward (``advance``) to show expiry and retention without waiting;
on AWS the offset is always zero.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta()


def now() -> datetime:
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> datetime:
    global _offset
    _offset += delta
    return now()


def offset() -> timedelta:
    return _offset


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with seconds precision and a `Z`, the one format the API speaks."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def parse(value: str) -> datetime:
    """A time the API wrote with `iso`, back as an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
