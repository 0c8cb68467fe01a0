"""The accounts' job, on the accounts' own queue.

`signup.release` ends the hold of a signup that never proved its address: after
`unverified_hold_hours` the address is free again, and the signup's login, records and tenant are
gone. Each unverified profile carries its hold's end on the sparse `due` index
(`DUE#SIGNUP_HOLD#<shard>`) until it is verified; the dispatcher queries those partitions (never a
Scan) and sends one message per signup, the worker releases it (`signup.release_expired_hold`).
A signup or an invitation's acceptance for the address releases an ended hold at once too; the job
makes sure nothing of an abandoned signup stays behind when nobody asks for the address again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accounts import signup, store
from kontor import jobs, keys

RELEASE = "signup.release"


def release(message: dict[str, Any]) -> None:
    signup.release_expired_hold(str(message["user_id"]))


def _due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    return store.users.holds_due(partition, until)


REGISTRY = jobs.Registry(
    "accounts",
    [jobs.Job(RELEASE, release, due=keys.SIGNUP_HOLD_DUE, subject="user_id")],
    find_due=_due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
