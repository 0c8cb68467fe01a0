"""The work behind billing: the daily licence job (reminders, locking notices, purges after the
retention) and the monthly invoices, one tenant or account per message. Safe to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from billing import invoices, licences, store
from kontor import jobs, keys

LICENCE_DAILY = "licence.daily"
BILLING_MONTHLY = "billing.monthly"


def look_after_licences(message: dict[str, Any]) -> None:
    licences.look_after(message["tenant_id"])


def bill_account(message: dict[str, Any]) -> None:
    invoices.bill(message["tenant_id"], message["slot"])


def _due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """Each marker's partitions are read by its own store (`DUE#<marker>#<shard>`)."""
    if partition in keys.due_partitions(keys.BILLING_DUE):
        return store.invoices.due(partition, until)
    return store.licences.due(partition, until)


REGISTRY = jobs.Registry(
    "billing",
    [
        jobs.Job(LICENCE_DAILY, look_after_licences, due=keys.LICENCE_DUE),
        jobs.Job(BILLING_MONTHLY, bill_account, due=keys.BILLING_DUE),
    ],
    find_due=_due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
