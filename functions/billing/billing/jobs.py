"""The work behind billing: the daily licence job (reminders, locking notices, purges after the
retention) and the monthly invoices, one tenant or account per message. Safe to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from billing import licences, store
from kontor import jobs, keys

LICENCE_DAILY = "licence.daily"


def look_after_licences(message: dict[str, Any]) -> None:
    licences.look_after(message["tenant_id"])


def _due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    return store.licences.due(partition, until)


REGISTRY = jobs.Registry(
    "billing",
    [jobs.Job(LICENCE_DAILY, look_after_licences, due=keys.LICENCE_DUE)],
    find_due=_due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
