"""The change feed's first half: every record write appends its change here, in its own transaction.

An appended change is *pending*: one item per record version (`keys.sync_pending_sk`), so parallel
writes to different records of a tenant never touch a common item (DynamoDB would cancel them,
`TransactionConflict`). The sync context gives pending changes their gapless per-tenant sequence
numbers before a client pulls (`sync_api.store.feed`), so no cursor can pass a committed change:
a change is either still pending (and will get a number above every cursor) or has one.

Only tenants that hold the `online_sync` licence (or its data) keep a feed (`fences.Fences.feed`,
read by the tenant gate with the row); others pay nothing.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from kontor import clock, fences, keys
from kontor.models import Item


class PendingChangeItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#PENDING#<epoch>#<written_at>#<record_id>#<version>"""

    epoch = NumberAttribute()
    kind = UnicodeAttribute()  # contact | appointment
    record_id = UnicodeAttribute()
    operation = UnicodeAttribute()  # create | update | delete
    version = NumberAttribute()
    record = UnicodeAttribute(null=True)  # the record as JSON; none for a delete
    origin = UnicodeAttribute(null=True)  # the sync client that pushed it (not pulled back to it)
    written_at = UnicodeAttribute()


def append(
    tx: TransactWrite,
    tenant_id: str,
    *,
    kind: str,
    record_id: str,
    operation: str,
    version: int,
    record: dict[str, Any] | None,
    origin: str | None = None,
) -> None:
    """Add the change to the write's transaction, if the tenant keeps a feed."""
    seen = fences.current(tenant_id)  # the fences the write path just checked: no read
    if not seen.feed:
        return
    written_at = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    tx.save(
        PendingChangeItem(
            keys.tenant_pk(tenant_id),
            keys.sync_pending_sk(seen.sync_epoch, written_at, record_id, version),
            epoch=seen.sync_epoch,
            kind=kind,
            record_id=record_id,
            operation=operation,
            version=version,
            record=json.dumps(record, separators=(",", ":"), ensure_ascii=False)
            if record is not None
            else None,
            origin=origin,
            written_at=written_at,
        ),
        condition=PendingChangeItem.pk.does_not_exist(),
    )
