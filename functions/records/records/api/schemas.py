"""Request and response bodies of the records routes (they shape the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kontor import clock
from kontor.types import Email, Moment, Patch
from records.domain import Address, Appointment, Contact

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()/.\-]{3,40}$")]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]
ContactKind = Literal["person", "company"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressBody(_Body):
    street: Short | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    city: Short | None = None
    country: Short | None = None

    def domain(self) -> Address:
        return Address(**self.model_dump())


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


class CreateContactRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "person",
                    "name": "Erika Mustermann",
                    "email": "erika@example.com",
                    "tags": ["kunde"],
                }
            ]
        }
    )

    kind: ContactKind
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    address: AddressBody | None = None
    notes: Notes | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)

    def fields(self) -> dict[str, Any]:
        return {
            **self.model_dump(exclude={"address", "tags"}),
            "address": self.address.domain() if self.address else None,
            "tags": _unique(self.tags),
        }


class UpdateContactRequest(Patch):
    """Only the fields sent change; `null` clears an optional field."""

    REMOVABLE = frozenset({"email", "phone", "address", "notes", "tags"})
    EXAMPLE: ClassVar[dict[str, Any]] = {"phone": "+49 30 1234567", "notes": None}
    kind: ContactKind | None = None
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: AddressBody | None = None
    notes: Notes | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)

    def changes(self) -> dict[str, Any]:
        found = self.changed()
        if "address" in found:
            found["address"] = self.address.domain() if self.address else None
        if "tags" in found:
            found["tags"] = _unique(self.tags or [])
        return found


class CreateAppointmentRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Jahresgespräch",
                    "starts_at": "2026-12-01T09:00:00Z",
                    "ends_at": "2026-12-01T10:00:00Z",
                }
            ]
        }
    )

    title: Name
    starts_at: Moment
    ends_at: Moment
    location: Short | None = None
    contact_ids: list[RecordId] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _ends_after_start(self) -> CreateAppointmentRequest:
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at")
        return self

    def fields(self) -> dict[str, Any]:
        return {
            **self.model_dump(),
            "starts_at": clock.iso(self.starts_at),
            "ends_at": clock.iso(self.ends_at),
            "contact_ids": list(dict.fromkeys(self.contact_ids)),
        }


class UpdateAppointmentRequest(Patch):
    """Only the fields sent change; `null` clears `location`."""

    REMOVABLE = frozenset({"location"})
    title: Name | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    location: Short | None = None
    contact_ids: list[RecordId] | None = Field(default=None, max_length=20)

    def changes(self) -> dict[str, Any]:
        found = self.changed()
        if "contact_ids" in found:
            found["contact_ids"] = list(dict.fromkeys(self.contact_ids or []))
        for moment in ("starts_at", "ends_at"):
            if moment in found:
                found[moment] = clock.iso(found[moment])
        return found


class AddressResponse(BaseModel):
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None


class ContactResponse(BaseModel):
    id: str
    kind: str
    name: str
    email: str | None
    phone: str | None
    address: AddressResponse | None
    notes: str | None
    tags: list[str]
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, contact: Contact) -> ContactResponse:
        address = None
        if contact.address is not None:
            address = AddressResponse(**contact.address.__dict__)
        return cls(**{**contact.__dict__, "address": address})


class ContactPage(BaseModel):
    items: list[ContactResponse]
    next_cursor: str | None


class AppointmentResponse(BaseModel):
    id: str
    title: str
    starts_at: str
    ends_at: str
    location: str | None
    contact_ids: list[str]
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, appointment: Appointment) -> AppointmentResponse:
        return cls(**appointment.__dict__)


class AppointmentPage(BaseModel):
    items: list[AppointmentResponse]
    next_cursor: str | None
