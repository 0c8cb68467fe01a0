"""What records work with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kontor import contacts

RecordKind = Literal["contact", "appointment"]
Operation = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    kind: str  # person | company
    name: str
    email: str | None
    phone: str | None
    address: Address | None
    notes: str | None
    tags: list[str]
    version: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Appointment:
    id: str
    title: str
    starts_at: str
    ends_at: str
    location: str | None
    contact_ids: list[str]
    version: int
    created_at: str
    updated_at: str


Record = Contact | Appointment


@dataclass(frozen=True)
class Change:
    """One write to a record: the single shape every create, update and delete takes.

    `record` is the record as it will be stored (for a delete: as it was), `expected_version` the
    version the writer saw (None on create), `new_links` contact ids that must exist for it.
    """

    tenant_id: str
    actor_id: str
    operation: Operation
    record: Record
    expected_version: int | None = None
    new_links: list[str] = field(default_factory=list)

    @property
    def kind(self) -> RecordKind:
        return "contact" if isinstance(self.record, Contact) else "appointment"


# How names sort and match a prefix is the kernel's (a contact row may be written by another context).
name_key = contacts.name_key
