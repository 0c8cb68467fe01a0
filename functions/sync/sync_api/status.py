"""How current the tenant's sync is, the runs clients report, and the history of them."""

from __future__ import annotations

from typing import Any

from kontor import clock, ids, sync_state
from kontor.access import Access
from kontor.errors import Unprocessable
from kontor.observability import count
from kontor.pages import Page
from sync_api import store
from sync_api.clients import known
from sync_api.domain import ClientStatus, Run, Status


def status(tenant: Access) -> Status:
    """The tenant's last successful sync (`stale` after an hour, by the product clock), the
    licence's binding, and each client's own last sync."""
    now = clock.now()
    last_sync_at, binding = store.runs.tenant_sync(tenant.tenant_id)
    clients = tuple(
        ClientStatus(
            id=c.id,
            machine_name=c.machine_name,
            host=c.host,
            last_sync_at=c.last_sync_at,
            stale=sync_state.stale(c.last_sync_at, now),
            running=False,  # a first sync's progress is reported with its plan
        )
        for c in store.clients.all_of(tenant.tenant_id)
    )
    return Status(
        last_sync_at=last_sync_at,
        stale=sync_state.stale(last_sync_at, now),
        binding=binding,
        clients=clients,
    )


def record_run(tenant: Access, client_id: str, fields: dict[str, Any]) -> Run:
    """A client reports a finished run. One without errors counts as the last successful sync,
    timed by the product clock when it is recorded (not by the client's clock)."""
    if fields["ended_at"] < fields["started_at"]:
        raise Unprocessable("ended_at must not be before started_at.", code="invalid_time_range")
    run = Run(id=ids.new_id(), client_id=known(client_id), recorded_at=clock.iso(clock.now()), **fields)
    store.runs.record(tenant.tenant_id, run)
    count("SyncRunRecorded" if run.succeeded else "SyncRunFailed", tenant.tenant_id)
    return run


def history(tenant: Access, limit: int, cursor: str | None) -> Page[Run]:
    return store.runs.page(tenant.tenant_id, limit, cursor)
