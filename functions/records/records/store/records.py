"""Records' reads and writes of the table. Rows in, domain objects out."""

from __future__ import annotations

import dataclasses
from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import changefeed, contacts, db, fences, keys, mapping, pages
from kontor.errors import NotFound, PreconditionFailed, Unprocessable
from kontor.models import AppointmentItem, ContactItem
from kontor.pages import Page
from records.domain import Appointment, Change, Contact


# ---------------------------------------------------------------- conversions
def _contact(item: ContactItem) -> Contact:
    return mapping.domain(item, Contact)


def _appointment(item: AppointmentItem) -> Appointment:
    return mapping.domain(item, Appointment)


def _contact_item(tenant_id: str, contact: Contact, actor_id: str) -> ContactItem:
    return contacts.row(
        tenant_id,
        contact_id=contact.id,
        kind=contact.kind,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        address=contact.address,
        notes=contact.notes,
        tags=contact.tags,
        version=contact.version,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        actor_id=actor_id,
    )


def _appointment_item(tenant_id: str, appointment: Appointment, actor_id: str) -> AppointmentItem:
    return AppointmentItem(
        keys.tenant_pk(tenant_id),
        keys.appointment_sk(appointment.id),
        gsi1pk=keys.appointments_by_start_pk(tenant_id),
        gsi1sk=keys.appointment_start_sk(appointment.starts_at, appointment.id),
        id=appointment.id,
        title=appointment.title,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        location=appointment.location,
        contact_ids=appointment.contact_ids or None,
        version=appointment.version,
        created_at=appointment.created_at,
        updated_at=appointment.updated_at,
        updated_by=actor_id,
    )


# ---------------------------------------------------------------- reads
def get_contact(tenant_id: str, contact_id: str) -> Contact:
    try:
        item = ContactItem.get(keys.tenant_pk(tenant_id), keys.contact_sk(contact_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such contact.", code="contact_not_found") from None
    return _contact(item)


def get_appointment(tenant_id: str, appointment_id: str) -> Appointment:
    try:
        item = AppointmentItem.get(
            keys.tenant_pk(tenant_id), keys.appointment_sk(appointment_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such appointment.", code="appointment_not_found") from None
    return _appointment(item)


def _page(results: Any, convert: Any) -> Page[Any]:
    items = [convert(item) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def contacts_by_name(tenant_id: str, name_prefix: str, limit: int, cursor: str | None) -> Page[Contact]:
    """One Query of the name index: the contacts whose name key starts with `name_prefix`."""
    partition = keys.contacts_by_name_pk(tenant_id)
    results = ContactItem.by_name.query(
        partition,
        range_key_condition=ContactItem.gsi1sk.startswith(name_prefix) if name_prefix else None,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor,
            partition_key="gsi1pk",
            partition=partition,
            sk_prefix=name_prefix,
            table_partition=keys.tenant_pk(tenant_id),
        ),
    )
    return _page(results, _contact)


def appointments_between(
    tenant_id: str, starts_from: str, starts_before: str, limit: int, cursor: str | None
) -> Page[Appointment]:
    """One Query of the start index: appointments with `starts_from <= starts_at < starts_before`."""
    partition = keys.appointments_by_start_pk(tenant_id)
    results = AppointmentItem.by_start.query(
        partition,
        # `#` sorts before every id character, so `<starts_before>#` excludes that very second.
        range_key_condition=AppointmentItem.gsi1sk.between(f"{starts_from}#", f"{starts_before}#"),
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor,
            partition_key="gsi1pk",
            partition=partition,
            sk_from=f"{starts_from}#",
            sk_to=f"{starts_before}#",
            table_partition=keys.tenant_pk(tenant_id),
        ),
    )
    return _page(results, _appointment)


def _item(change: Change) -> ContactItem | AppointmentItem:
    if isinstance(change.record, Contact):
        return _contact_item(change.tenant_id, change.record, change.actor_id)
    return _appointment_item(change.tenant_id, change.record, change.actor_id)


# ---------------------------------------------------------------- the one write path
def write(change: Change) -> None:
    """Store one change in one transaction, with the restore lock and the version it expects.

    Linked contacts that the change adds must exist when it commits. The change feed for sync
    gets its entry in this same transaction (`kontor.changefeed`).
    """
    tenant_pk = keys.tenant_pk(change.tenant_id)
    record = change.record
    model: type[ContactItem] | type[AppointmentItem]
    if change.kind == "contact":
        model, sk = ContactItem, keys.contact_sk(record.id)
    else:
        model, sk = AppointmentItem, keys.appointment_sk(record.id)
    try:
        with fences.write(change.tenant_id) as tx:
            for contact_id in change.new_links:
                tx.condition_check(
                    ContactItem, tenant_pk, keys.contact_sk(contact_id), condition=ContactItem.pk.exists()
                )
            if change.operation == "delete":
                tx.delete(model(tenant_pk, sk), condition=model.version == change.expected_version)
            elif change.operation == "create":
                tx.save(_item(change), condition=model.pk.does_not_exist())
            else:
                tx.save(_item(change), condition=model.version == change.expected_version)
            # The change feed for sync clients, in the same transaction (a delete is the version after).
            deleted = change.operation == "delete"
            changefeed.append(
                tx,
                change.tenant_id,
                kind=change.kind,
                record_id=record.id,
                operation=change.operation,
                version=record.version + 1 if deleted else record.version,
                record=None if deleted else dataclasses.asdict(record),
            )
    except db.Cancelled as cancelled:
        missing = sorted(
            contact_id
            for contact_id in change.new_links
            if (tenant_pk, keys.contact_sk(contact_id)) in cancelled.failed
        )
        if missing:
            raise Unprocessable(
                f"These linked contacts do not exist: {', '.join(missing)}.",
                code="contact_not_found",
                details=[{"field": "contact_ids", "reason": f"no contact {i}"} for i in missing],
            ) from None
        if (tenant_pk, sk) in cancelled.failed:
            # Someone changed or deleted it since the caller read it.
            raise PreconditionFailed(
                f"This {change.kind} was changed by someone else; read it again and retry.",
                code="precondition_failed",
            ) from None
        raise
