"""Continuous sync: a client pulls what others changed from the tenant's change feed, in commit
order, by cursor; a restore starts a new epoch, and cursors of the old one are void."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kontor import clock, quotas
from kontor.access import Access
from kontor.errors import BadRequest, Gone
from kontor.observability import count
from kontor.settings import settings
from sync_api import conflicts, store
from sync_api.clients import known

_CURSOR = re.compile(r"^(\d{1,6})\.(\d{1,12})$")


@dataclass(frozen=True)
class Pulled:
    items: list[dict[str, Any]]
    next_cursor: str


def cursor_of(epoch: int, sequence: int) -> str:
    return f"{epoch}.{sequence}"


def _epoch(tenant: Access) -> int:
    return tenant.fences.sync_epoch if tenant.fences else 0


def _resync() -> Gone:
    return Gone(
        "The tenant was restored since this position: take a new baseline (POST …/baseline), read the "
        "records again and pull from the cursor it gives.",
        code="resync_required",
    )


def pull(tenant: Access, client_id: str, cursor: str | None, limit: int) -> Pulled:
    """The changes after `cursor` (the client's baseline without one), at most `limit`, and the
    cursor to poll from next — always given, the same one when nothing was new. A client's own
    pushes are passed over, not sent back to it."""
    client = store.clients.get(tenant.tenant_id, known(client_id))
    epoch = _epoch(tenant)
    if cursor is None:
        after_epoch, after = client.baseline_epoch, client.baseline_sequence
    else:
        matched = _CURSOR.match(cursor)
        if matched is None:
            raise BadRequest("This cursor is not valid; start again without it.", code="invalid_cursor")
        after_epoch, after = int(matched.group(1)), int(matched.group(2))
    if after_epoch != epoch:
        raise _resync()
    head = store.feed.sequence(tenant.tenant_id, epoch)
    if after > head:
        raise BadRequest("This cursor is not valid; start again without it.", code="invalid_cursor")
    entries = store.feed.read(tenant.tenant_id, epoch, after, head, limit)
    items = [
        {
            "kind": e.kind,
            "id": e.record_id,
            "operation": e.operation,
            "version": e.version,
            "record": e.record,
        }
        for e in entries
        if e.origin != client.id
    ]
    last = entries[-1].sequence if entries else after
    count("SyncChangesPulled", tenant.tenant_id)
    return Pulled(items=items, next_cursor=cursor_of(epoch, last))


def rebaseline(tenant: Access, client_id: str) -> str:
    """Set the client's baseline to the feed's present end (after a restore, or to start afresh);
    the cursor to pull from once the client has read the records."""
    client = store.clients.get(tenant.tenant_id, known(client_id))
    epoch = _epoch(tenant)
    head = store.feed.sequence(tenant.tenant_id, epoch)
    store.clients.set_baseline(tenant.tenant_id, client.id, epoch, head)
    return cursor_of(epoch, head)


def push(tenant: Access, client_id: str, batch_id: str, pushed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply a client's changes, each on the version it was based on; answer each one's outcome.

    Conflict policy: when the cloud's record changed since the client's `base_version` (or a
    created id exists already, or an edited record was deleted), the cloud keeps its version and the
    change is answered `conflict` with the cloud's version and kept as a conflict to resolve; the
    client pulls the cloud's record.
    A batch sent again (same `batch_id`) is answered as the first time and applied once."""
    client = store.clients.get(tenant.tenant_id, known(client_id))
    earlier = store.pushes.answered(tenant.tenant_id, client.id, batch_id)
    if earlier is not None:
        return earlier
    now = clock.iso(clock.now())
    results: list[dict[str, Any]] = []
    for change in pushed:
        kind, record_id, operation, base = (
            change["kind"],
            change["id"],
            change["operation"],
            change["base_version"],
        )
        found = store.pushes.current_version(tenant.tenant_id, kind, record_id)
        cloud = found[0] if found else None
        fits = cloud is None if operation == "create" else cloud == base
        if fits and operation == "create":
            quotas.check(tenant.tenant_id, f"{kind}s", getattr(settings(), f"{kind}s_per_tenant"))
        applied = fits and store.pushes.apply(
            tenant.tenant_id,
            client.id,
            tenant.caller.user_id,
            kind=kind,
            record_id=record_id,
            operation=operation,
            base_version=base,
            record=change["record"],
            created_at=found[1] if found else now,
        )
        if applied and operation != "update":
            quotas.moved(tenant.tenant_id, f"{kind}s", 1 if operation == "create" else -1)
        if not applied:
            cloud_now = store.pushes.current_version(tenant.tenant_id, kind, record_id)
            cloud = cloud_now[0] if cloud_now else None
            conflicts.record(tenant, client.id, change, cloud)
        results.append(
            {
                "kind": kind,
                "id": record_id,
                "operation": operation,
                "outcome": "applied" if applied else "conflict",
                "version": base + 1
                if applied
                else (store.pushes.current_version(tenant.tenant_id, kind, record_id) or (None,))[0],
            }
        )
    count("SyncChangesPushed", tenant.tenant_id)
    return store.pushes.remember(tenant.tenant_id, client.id, batch_id, results)
