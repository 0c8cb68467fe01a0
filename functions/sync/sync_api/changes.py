"""Continuous sync: a client pulls what others changed from the tenant's change feed, in commit
order, by cursor; a restore starts a new epoch, and cursors of the old one are void."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kontor.access import Access
from kontor.errors import BadRequest, Gone
from kontor.observability import count
from sync_api import store
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
