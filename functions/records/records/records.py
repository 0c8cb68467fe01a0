"""Contacts and appointments: what may be written, and the one path every write takes."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from kontor import clock, ids, quotas
from kontor.access import Access
from kontor.errors import NotFound, PreconditionFailed, Unprocessable
from kontor.observability import count
from kontor.pages import Page
from kontor.settings import settings
from records import store
from records.domain import Appointment, Change, Contact, Record, name_key

_ID = re.compile(r"^[0-9a-z]{26}$")
# Bounds of the appointment index's sort key when a range end is open.
_EARLIEST, _LATEST = "0000", "9999"


def write(change: Change) -> Record:
    """The one path of every record write: create, update and delete of contacts and appointments.

    The repository commits it in one transaction, refused while the tenant restores, with its
    entry in the change feed for sync. A creation is refused past the tenant's quota,
    counted outside the transaction (`kontor.quotas`).
    """
    kind = f"{change.kind}s"
    if change.operation == "create":
        quotas.check(change.tenant_id, kind, getattr(settings(), f"{kind}_per_tenant"))
    store.records.write(change)
    if change.operation != "update":
        quotas.moved(change.tenant_id, kind, 1 if change.operation == "create" else -1)
    count(f"{change.kind.capitalize()}{change.operation.capitalize()}d", change.tenant_id)
    return change.record


_NOT_FOUND = {"contact": "contact_not_found", "appointment": "appointment_not_found"}


def _known(record_id: str, kind: str) -> str:
    # A malformed id names nothing: the same 404 as an unknown one, without a read.
    if not _ID.match(record_id):
        raise NotFound(f"No such {kind}.", code=_NOT_FOUND[kind])
    return record_id


def _expect(record: Record, expected_version: int | None, kind: str) -> int:
    if expected_version is not None and expected_version != record.version:
        raise PreconditionFailed(
            f"This {kind} was changed by someone else; read it again and retry.", code="precondition_failed"
        )
    return record.version


# ---------------------------------------------------------------- contacts
def create_contact(tenant: Access, fields: dict[str, Any]) -> Contact:
    now = clock.iso(clock.now())
    contact = Contact(id=ids.new_id(), version=1, created_at=now, updated_at=now, **fields)
    write(Change(tenant.tenant_id, tenant.caller.user_id, "create", contact))
    return contact


def get_contact(tenant: Access, contact_id: str) -> Contact:
    return store.records.get_contact(tenant.tenant_id, _known(contact_id, "contact"))


def update_contact(
    tenant: Access, contact_id: str, expected_version: int, changes: dict[str, Any]
) -> Contact:
    current = get_contact(tenant, contact_id)
    version = _expect(current, expected_version, "contact")
    updated = dataclasses.replace(current, **changes, version=version + 1, updated_at=clock.iso(clock.now()))
    write(Change(tenant.tenant_id, tenant.caller.user_id, "update", updated, expected_version=version))
    return updated


def delete_contact(tenant: Access, contact_id: str, expected_version: int | None) -> None:
    current = get_contact(tenant, contact_id)
    version = _expect(current, expected_version, "contact")
    write(Change(tenant.tenant_id, tenant.caller.user_id, "delete", current, expected_version=version))


def list_contacts(tenant: Access, prefix: str | None, limit: int, cursor: str | None) -> Page[Contact]:
    """Contacts by name (accents and case ignored), those starting with `prefix` if given."""
    return store.records.contacts_by_name(tenant.tenant_id, name_key(prefix or ""), limit, cursor)


# ---------------------------------------------------------------- appointments
def create_appointment(tenant: Access, fields: dict[str, Any]) -> Appointment:
    now = clock.iso(clock.now())
    appointment = Appointment(id=ids.new_id(), version=1, created_at=now, updated_at=now, **fields)
    change = Change(
        tenant.tenant_id, tenant.caller.user_id, "create", appointment, new_links=appointment.contact_ids
    )
    write(change)
    return appointment


def get_appointment(tenant: Access, appointment_id: str) -> Appointment:
    return store.records.get_appointment(tenant.tenant_id, _known(appointment_id, "appointment"))


def update_appointment(
    tenant: Access, appointment_id: str, expected_version: int, changes: dict[str, Any]
) -> Appointment:
    current = get_appointment(tenant, appointment_id)
    version = _expect(current, expected_version, "appointment")
    updated = dataclasses.replace(current, **changes, version=version + 1, updated_at=clock.iso(clock.now()))
    if updated.ends_at < updated.starts_at:
        raise Unprocessable("ends_at must not be before starts_at.", code="invalid_time_range")
    added = [i for i in updated.contact_ids if i not in current.contact_ids]
    change = Change(
        tenant.tenant_id, tenant.caller.user_id, "update", updated, expected_version=version, new_links=added
    )
    write(change)
    return updated


def delete_appointment(tenant: Access, appointment_id: str, expected_version: int | None) -> None:
    current = get_appointment(tenant, appointment_id)
    version = _expect(current, expected_version, "appointment")
    write(Change(tenant.tenant_id, tenant.caller.user_id, "delete", current, expected_version=version))


def list_appointments(
    tenant: Access, starts_from: str | None, starts_before: str | None, limit: int, cursor: str | None
) -> Page[Appointment]:
    """Appointments starting in `[starts_from, starts_before)`, earliest first; open ends are open."""
    if starts_from and starts_before and starts_before < starts_from:
        raise Unprocessable("`to` must not be before `from`.", code="invalid_time_range")
    return store.records.appointments_between(
        tenant.tenant_id, starts_from or _EARLIEST, starts_before or _LATEST, limit, cursor
    )
