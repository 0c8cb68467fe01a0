"""A client's pushed changes applied to the tenant's records, and the answers kept per batch.

Each change is one transaction on the tenant's write path (`kontor.fences.write`): the record,
conditional on the version the client based it on, and its entry in the change feed marked with
the client as its origin (so the client does not pull it back). A batch's answer is kept under its
id for a week, so a batch sent again is answered the same and applied once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from kontor import changefeed, clock, contacts, db, fences, keys
from kontor.models import AddressMap, AppointmentItem, ContactItem, Item

KEPT = timedelta(days=7)


class BatchItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#BATCH#<client_id>#<batch_id>  (ttl: a week)"""

    results = UnicodeAttribute()  # the answer, as JSON


def _batch_sk(client_id: str, batch_id: str) -> str:
    return keys.sync_batch_sk(client_id, batch_id)


def answered(tenant_id: str, client_id: str, batch_id: str) -> list[dict[str, Any]] | None:
    try:
        item = BatchItem.get(keys.tenant_pk(tenant_id), _batch_sk(client_id, batch_id), consistent_read=True)
    except BatchItem.DoesNotExist:
        return None
    return json.loads(item.results)


def remember(
    tenant_id: str, client_id: str, batch_id: str, results: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Keep the batch's answer; if the same batch was answered meanwhile, that answer stands."""
    expires = clock.epoch(clock.now() + KEPT)
    item = BatchItem(
        keys.tenant_pk(tenant_id), _batch_sk(client_id, batch_id), results=json.dumps(results), ttl=expires
    )
    try:
        item.save(condition=BatchItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return answered(tenant_id, client_id, batch_id) or results
    return results


def current_version(tenant_id: str, kind: str, record_id: str) -> tuple[int, str] | None:
    """The cloud's version of a record and when it was created, or None when there is none."""
    model = ContactItem if kind == "contact" else AppointmentItem
    sk = keys.contact_sk(record_id) if kind == "contact" else keys.appointment_sk(record_id)
    try:
        item = model.get(keys.tenant_pk(tenant_id), sk, consistent_read=True)
    except model.DoesNotExist:
        return None
    return int(item.version), item.created_at


def record_row(
    tenant_id: str,
    kind: str,
    record_id: str,
    record: dict[str, Any],
    version: int,
    created_at: str,
    now: str,
    actor_id: str,
) -> Item:
    if kind == "contact":
        address = record.get("address")
        return contacts.row(
            tenant_id,
            contact_id=record_id,
            kind=record["kind"],
            name=record["name"],
            email=record.get("email"),
            phone=record.get("phone"),
            address=AddressMap(**address) if address else None,
            notes=record.get("notes"),
            tags=record.get("tags"),
            version=version,
            created_at=created_at,
            updated_at=now,
            actor_id=actor_id,
        )
    return AppointmentItem(
        keys.tenant_pk(tenant_id),
        keys.appointment_sk(record_id),
        gsi1pk=keys.appointments_by_start_pk(tenant_id),
        gsi1sk=keys.appointment_start_sk(record["starts_at"], record_id),
        id=record_id,
        title=record["title"],
        starts_at=record["starts_at"],
        ends_at=record["ends_at"],
        location=record.get("location"),
        contact_ids=record.get("contact_ids") or None,
        version=version,
        created_at=created_at,
        updated_at=now,
        updated_by=actor_id,
    )


def apply(
    tenant_id: str,
    client_id: str,
    actor_id: str,
    *,
    kind: str,
    record_id: str,
    operation: str,
    base_version: int,
    record: dict[str, Any] | None,
    created_at: str,
) -> bool:
    """Write one pushed change if the record is still at `base_version` (absent for a create).
    False when the cloud's record moved on (or appeared) meanwhile: a conflict, nothing written."""
    pk = keys.tenant_pk(tenant_id)
    model = ContactItem if kind == "contact" else AppointmentItem
    sk = keys.contact_sk(record_id) if kind == "contact" else keys.appointment_sk(record_id)
    now = clock.iso(clock.now())
    version = base_version + 1
    try:
        with fences.write(tenant_id) as tx:
            if operation == "delete":
                tx.delete(model(pk, sk), condition=model.version == base_version)
            else:
                record = record or {}
                row = record_row(tenant_id, kind, record_id, record, version, created_at, now, actor_id)
                stored = {
                    **record,
                    "id": record_id,
                    "version": version,
                    "created_at": created_at,
                    "updated_at": now,
                }
                condition = (
                    model.pk.does_not_exist() if operation == "create" else model.version == base_version
                )
                tx.save(row, condition=condition)
            changefeed.append(
                tx,
                tenant_id,
                kind=kind,
                record_id=record_id,
                operation=operation,
                version=version,
                record=None if operation == "delete" else stored,
                origin=client_id,
            )
    except db.Cancelled as cancelled:
        if (pk, sk) in cancelled.failed:
            return False
        raise
    return True
