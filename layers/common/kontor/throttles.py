"""Daily allowances (mails an address may receive, a tenant may send): counters in the table,
counted inside the transaction of what they limit, so an exceeded allowance writes nothing.

PK: THROTTLE#<kind>#<scope>  SK: <day>  — kept two days (TTL; the day in the key decides).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.transactions import TransactWrite

from kontor import clock, db, keys
from kontor.models import ThrottleItem


def _key(kind: str, scope: str, now: datetime) -> tuple[str, str]:
    return keys.throttle_key(kind, scope, now.strftime("%Y-%m-%d"))


def count(tx: TransactWrite, kind: str, scope: str, limit: int, now: datetime) -> None:
    """Count one use of `scope`'s daily allowance in `tx`; the transaction fails once it is used up."""
    pk, sk = _key(kind, scope, now)
    tx.update(
        ThrottleItem(pk, sk),
        actions=[ThrottleItem.count.add(1), ThrottleItem.ttl.set(clock.epoch(now + timedelta(days=2)))],
        condition=ThrottleItem.count.does_not_exist() | (ThrottleItem.count < limit),
    )


def exceeded(cancelled: db.Cancelled, kind: str, scope: str, now: datetime) -> bool:
    """Whether `cancelled` failed because `scope`'s allowance for today is used up."""
    return _key(kind, scope, now) in cancelled.failed


def take(kind: str, scope: str, limit: int, now: datetime) -> bool:
    """Count one use of `scope`'s daily allowance on its own (one conditional UpdateItem); False,
    and nothing counted, once it is used up."""
    from pynamodb.exceptions import UpdateError

    pk, sk = _key(kind, scope, now)
    try:
        ThrottleItem(pk, sk).update(
            actions=[ThrottleItem.count.add(1), ThrottleItem.ttl.set(clock.epoch(now + timedelta(days=2)))],
            condition=ThrottleItem.count.does_not_exist() | (ThrottleItem.count < limit),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
