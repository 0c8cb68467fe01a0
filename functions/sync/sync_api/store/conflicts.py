"""Conflicts in the table (`MOD#online_sync#CONFLICT#<id>`), and resolving one: keeping the
client's version writes it over the cloud's on the write path, with its feed entry, in the same
transaction that closes the conflict."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from kontor import changefeed, clock, db, fences, keys, mapping, pages
from kontor.errors import Conflict as Refused
from kontor.errors import NotFound
from kontor.models import AppointmentItem, ContactItem
from kontor.models import Item as BaseItem
from kontor.pages import Page
from sync_api.domain import Conflict
from sync_api.store.pushes import record_row


class ConflictItem(BaseItem):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#CONFLICT#<conflict_id>"""

    id = UnicodeAttribute()
    kind = UnicodeAttribute()
    record_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    operation = UnicodeAttribute()
    base_version = NumberAttribute()
    cloud_version = NumberAttribute(null=True)
    client_record = UnicodeAttribute(null=True)  # JSON
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    resolved_at = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)
    kept = UnicodeAttribute(null=True)


def _conflict(item: ConflictItem) -> Conflict:
    record = json.loads(item.client_record) if item.client_record else None
    return mapping.domain(item, Conflict, client_record=record)


def record(tenant_id: str, conflict: Conflict) -> None:
    fields = mapping.attributes(conflict, ConflictItem, exclude=frozenset({"client_record"}))
    ConflictItem(
        keys.tenant_pk(tenant_id),
        keys.sync_conflict_sk(conflict.id),
        client_record=json.dumps(conflict.client_record) if conflict.client_record is not None else None,
        **fields,
    ).save(condition=ConflictItem.pk.does_not_exist())


def get(tenant_id: str, conflict_id: str) -> Conflict:
    try:
        item = ConflictItem.get(
            keys.tenant_pk(tenant_id), keys.sync_conflict_sk(conflict_id), consistent_read=True
        )
    except ConflictItem.DoesNotExist:
        raise NotFound("No such conflict.", code="conflict_not_found") from None
    return _conflict(item)


def page(tenant_id: str, limit: int, cursor: str | None) -> Page[Conflict]:
    """One Query of the tenant's range, newest first."""
    pk = keys.tenant_pk(tenant_id)
    results = ConflictItem.query(
        pk,
        ConflictItem.sk.startswith(keys.SYNC_CONFLICT_PREFIX),
        scan_index_forward=False,
        consistent_read=True,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=pk, sk_prefix=keys.SYNC_CONFLICT_PREFIX
        ),
    )
    items = [_conflict(item) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def resolve(
    tenant_id: str, conflict: Conflict, keep: str, actor_id: str, cloud: tuple[int, str] | None
) -> None:
    """Close the conflict; keeping the client's version also writes it over the cloud's version
    `cloud` (version, created_at; None: the cloud has none), conditional on that version."""
    pk = keys.tenant_pk(tenant_id)
    sk = keys.sync_conflict_sk(conflict.id)
    now = clock.iso(clock.now())
    close = [
        ConflictItem.state.set("resolved"),
        ConflictItem.resolved_at.set(now),
        ConflictItem.resolved_by.set(actor_id),
        ConflictItem.kept.set(keep),
    ]
    model: Any = ContactItem if conflict.kind == "contact" else AppointmentItem
    record_sk = (
        keys.contact_sk(conflict.record_id)
        if conflict.kind == "contact"
        else keys.appointment_sk(conflict.record_id)
    )
    try:
        if keep == "cloud":
            with db.transaction() as tx:
                tx.update(ConflictItem(pk, sk), actions=close, condition=ConflictItem.state == "open")
            return
        with fences.write(tenant_id) as tx:
            tx.update(ConflictItem(pk, sk), actions=close, condition=ConflictItem.state == "open")
            version = (cloud[0] if cloud else 0) + 1
            if conflict.operation == "delete" or conflict.client_record is None:
                if cloud is None:
                    return  # gone on both sides: nothing to write
                tx.delete(model(pk, record_sk), condition=model.version == cloud[0])
                stored = None
            else:
                created_at = cloud[1] if cloud else now
                row = record_row(
                    tenant_id,
                    conflict.kind,
                    conflict.record_id,
                    dict(conflict.client_record),
                    version,
                    created_at,
                    now,
                    actor_id,
                )
                condition = model.pk.does_not_exist() if cloud is None else model.version == cloud[0]
                tx.save(row, condition=condition)
                stored = {
                    **conflict.client_record,
                    "id": conflict.record_id,
                    "version": version,
                    "created_at": created_at,
                    "updated_at": now,
                }
            changefeed.append(
                tx,
                tenant_id,
                kind=conflict.kind,
                record_id=conflict.record_id,
                operation="delete" if stored is None else ("create" if cloud is None else "update"),
                version=version,
                record=stored,
            )
    except db.Cancelled as cancelled:
        if (pk, sk) in cancelled.failed:
            raise Refused("This conflict was resolved already.", code="conflict_resolved") from None
        if (pk, record_sk) in cancelled.failed:
            raise Refused(
                "The record changed again meanwhile; read the conflict again and retry.",
                code="concurrent_change",
            ) from None
        raise
