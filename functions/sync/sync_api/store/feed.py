"""The change feed's second half: pending changes get their gapless per-tenant sequence numbers,
and clients read them in that order.

Sequencing takes the pending changes (written with their records, `kontor.changefeed`) in one
transaction with the feed head: the head's `sequence` moves from n to n+k on the condition that it
is still n, each pending item is deleted and its change put at n+1 … n+k. Two sequencers racing
cannot both commit, so numbers are unique and gapless; a change committed later is still pending
and gets a number above every one given out, so a cursor never passes it. Only the feed head is
shared, and only sequencing (not the record writes) touches it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from kontor import db, keys
from kontor.changefeed import PendingChangeItem
from kontor.models import Item

# Per transaction: the head, and a delete and a put per change (DynamoDB allows 100 actions).
BATCH = 49
ROUNDS = 4  # sequencing rounds per request at most; what is left waits for the next poll


class FeedHeadItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#FEEDHEAD — the epoch and its last sequence number."""

    epoch = NumberAttribute()
    sequence = NumberAttribute()


class FeedItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#FEED#<epoch>#<sequence>"""

    epoch = NumberAttribute()
    sequence = NumberAttribute()
    kind = UnicodeAttribute()
    record_id = UnicodeAttribute()
    operation = UnicodeAttribute()
    version = NumberAttribute()
    record = UnicodeAttribute(null=True)
    origin = UnicodeAttribute(null=True)


@dataclass(frozen=True)
class Entry:
    sequence: int
    kind: str
    record_id: str
    operation: str
    version: int
    record: dict[str, Any] | None
    origin: str | None


def _head(tenant_id: str) -> tuple[int, int] | None:
    try:
        item = FeedHeadItem.get(keys.tenant_pk(tenant_id), keys.SYNC_FEED_HEAD_SK, consistent_read=True)
    except FeedHeadItem.DoesNotExist:
        return None
    return int(item.epoch), int(item.sequence)


def _in_order(pending: list[PendingChangeItem]) -> list[PendingChangeItem]:
    """By time written, each record's versions ascending even if two writers' clocks disagree."""
    ordered = sorted(pending, key=lambda p: p.sk)
    slots: dict[str, list[int]] = {}
    for position, item in enumerate(ordered):
        slots.setdefault(item.record_id, []).append(position)
    result = list(ordered)
    for record_id, positions in slots.items():
        versions = sorted((p for p in ordered if p.record_id == record_id), key=lambda p: p.version)
        for position, item in zip(positions, versions, strict=True):
            result[position] = item
    return result


def sequence(tenant_id: str, epoch: int) -> int:
    """Give pending changes of `epoch` their numbers (dropping those of an older epoch: a restore
    replaced what they changed); the head's sequence afterwards."""
    pk = keys.tenant_pk(tenant_id)
    head = _head(tenant_id)
    for _ in range(ROUNDS):
        pending = list(
            PendingChangeItem.query(
                pk,
                PendingChangeItem.sk.startswith(keys.SYNC_PENDING_PREFIX),
                consistent_read=True,
                limit=BATCH,
                page_size=BATCH,
            )
        )
        current = head[1] if head is not None and head[0] == epoch else 0
        if not pending:
            return current
        stale = [p for p in pending if int(p.epoch) < epoch]
        fresh = _in_order([p for p in pending if int(p.epoch) >= epoch])
        try:
            with db.transaction() as tx:
                if head is None:
                    condition = FeedHeadItem.pk.does_not_exist()
                else:
                    condition = (FeedHeadItem.epoch == head[0]) & (FeedHeadItem.sequence == head[1])
                tx.save(
                    FeedHeadItem(pk, keys.SYNC_FEED_HEAD_SK, epoch=epoch, sequence=current + len(fresh)),
                    condition=condition,
                )
                for item in stale:
                    tx.delete(PendingChangeItem(pk, item.sk), condition=PendingChangeItem.pk.exists())
                for number, item in enumerate(fresh, start=current + 1):
                    tx.delete(PendingChangeItem(pk, item.sk), condition=PendingChangeItem.pk.exists())
                    tx.save(
                        FeedItem(
                            pk,
                            keys.sync_feed_sk(epoch, number),
                            epoch=epoch,
                            sequence=number,
                            kind=item.kind,
                            record_id=item.record_id,
                            operation=item.operation,
                            version=item.version,
                            record=item.record,
                            origin=item.origin,
                        )
                    )
            head = (epoch, current + len(fresh))
        except db.Cancelled:
            head = _head(tenant_id)  # another request sequenced them first: go on from there
            continue
        if len(pending) < BATCH:
            return head[1]
    head = _head(tenant_id)
    return head[1] if head is not None and head[0] == epoch else 0


def read(tenant_id: str, epoch: int, after: int, until: int, limit: int) -> list[Entry]:
    """Changes `after` < sequence ≤ `until` of `epoch` in order, at most `limit`: one Query. Stops at
    a gap (none can be below the head, which commits with its changes; the check costs nothing)."""
    if until <= after:
        return []
    results = FeedItem.query(
        keys.tenant_pk(tenant_id),
        FeedItem.sk.between(keys.sync_feed_sk(epoch, after + 1), keys.sync_feed_sk(epoch, until)),
        consistent_read=True,
        limit=limit,
        page_size=limit,
    )
    entries: list[Entry] = []
    expected = after + 1
    for item in results:
        if int(item.sequence) != expected:
            break
        entries.append(
            Entry(
                sequence=int(item.sequence),
                kind=item.kind,
                record_id=item.record_id,
                operation=item.operation,
                version=int(item.version),
                record=json.loads(item.record) if item.record else None,
                origin=item.origin,
            )
        )
        expected += 1
    return entries
