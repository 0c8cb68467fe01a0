"""Daily allowances (mails an address may receive, a tenant may send): counters in the table,
counted inside the transaction of what they limit, so an exceeded allowance writes nothing.
And the request rate of each tenant (`admit`): a counter per tenant and second.

PK: THROTTLE#<kind>#<scope>  SK: <day>  — kept two days (TTL; the day in the key decides).
PK: THROTTLE#requests#<tenant_id>  SK: <second, ISO-8601>  — kept a minute (TTL; the key decides).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.transactions import TransactWrite

from kontor import clock, db, keys
from kontor.errors import TooManyRequests
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


# One tenant's requests are counted per second: windows this short keep a burst from one tenant
# from filling the stage's throttle for everyone for long.
REQUEST_WINDOW = timedelta(seconds=1)


class TenantRateLimited(TooManyRequests):
    """A tenant sent more requests in a second than `tenant_requests_per_second`."""

    code = "rate_limited"

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"This tenant sent more than {limit} requests in a second; try again shortly.",
            details={"limit": limit, "per": "second"},
        )
        self.retry_after = retry_after


def admit(tenant_id: str, limit: int, now: datetime) -> None:
    """Count one request of `tenant_id` in the current second (one conditional UpdateItem);
    `429 rate_limited` with `Retry-After` once the second's `limit` is used up. A refused request
    is not counted, so a tenant that backs off is served again the next second."""
    from pynamodb.exceptions import UpdateError

    seconds = REQUEST_WINDOW.total_seconds()
    start = math.floor(now.timestamp() / seconds) * seconds
    window = datetime.fromtimestamp(start, tz=now.tzinfo)
    pk, sk = keys.throttle_key("requests", tenant_id, clock.iso(window))
    try:
        ThrottleItem(pk, sk).update(
            actions=[
                ThrottleItem.count.add(1),
                ThrottleItem.ttl.set(clock.epoch(window + timedelta(minutes=1))),
            ],
            condition=ThrottleItem.count.does_not_exist() | (ThrottleItem.count < limit),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise TenantRateLimited(limit, max(1, math.ceil(start + seconds - now.timestamp()))) from None
