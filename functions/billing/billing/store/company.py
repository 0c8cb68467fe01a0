"""The company profile in the table (`COMPANY`, never restored) and its owner as a person in the
tenant's contacts (records' row, `kontor.contacts`), written together on the tenant's write path."""

from __future__ import annotations

from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from kontor import audit, contacts, db, fences, keys
from kontor.access import Access
from kontor.errors import PreconditionFailed
from kontor.models import CompanyItem, ContactItem

# What an invoice needs of a profile, by the field names the API uses.
REQUIRED = (
    "legal_name",
    "address.street",
    "address.postal_code",
    "address.city",
    "country",
    "billing_email",
    "owner",
)


@dataclass(frozen=True)
class Owner:
    contact_id: str | None
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Company:
    legal_name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    vat_id: str | None = None
    registration_number: str | None = None
    billing_email: str | None = None
    owner: Owner | None = None
    version: int = 0  # 0: no profile saved yet (the first PUT sends If-Match: "0")
    updated_at: str | None = None
    missing: tuple[str, ...] = field(default=())

    def with_missing(self) -> Company:
        values = {
            "legal_name": self.legal_name,
            "address.street": self.street,
            "address.postal_code": self.postal_code,
            "address.city": self.city,
            "country": self.country,
            "billing_email": self.billing_email,
            "owner": self.owner,
        }
        return Company(**{**self.__dict__, "missing": tuple(name for name in REQUIRED if not values[name])})


class OwnerContactGone(Exception):
    """The owner's contact was deleted since the profile named it."""


def get(tenant_id: str) -> Company | None:
    try:
        row = CompanyItem.get(keys.tenant_pk(tenant_id), keys.COMPANY_SK, consistent_read=True)
    except DoesNotExist:
        return None
    owner = None
    if row.owner_name:
        owner = Owner(row.owner_contact_id, row.owner_name, row.owner_email, row.owner_phone)
    return Company(
        legal_name=row.legal_name,
        street=row.street,
        postal_code=row.postal_code,
        city=row.city,
        country=row.country,
        vat_id=row.vat_id,
        registration_number=row.registration_number,
        billing_email=row.billing_email,
        owner=owner,
        version=int(row.version),
        updated_at=row.updated_at,
    ).with_missing()


def save(
    access: Access, company: Company, *, expected_version: int, owner_contact: str | None, now: str
) -> None:
    """Store the profile if it is still at `expected_version`; `owner_contact` `create`s the owner
    as a person in the tenant's contacts or `update`s that contact's name, email and phone.

    `PreconditionFailed` if the profile changed meanwhile, `OwnerContactGone` if the contact to
    update was deleted (the caller creates it again)."""
    tenant_id = access.tenant_id
    pk = keys.tenant_pk(tenant_id)
    owner = company.owner
    unchanged = (
        CompanyItem.pk.does_not_exist() if expected_version == 0 else CompanyItem.version == expected_version
    )
    try:
        with fences.write(tenant_id) as tx:
            tx.save(
                CompanyItem(
                    pk,
                    keys.COMPANY_SK,
                    legal_name=company.legal_name,
                    street=company.street,
                    postal_code=company.postal_code,
                    city=company.city,
                    country=company.country,
                    vat_id=company.vat_id,
                    registration_number=company.registration_number,
                    billing_email=company.billing_email,
                    owner_contact_id=owner.contact_id if owner else None,
                    owner_name=owner.name if owner else None,
                    owner_email=owner.email if owner else None,
                    owner_phone=owner.phone if owner else None,
                    version=company.version,
                    updated_at=now,
                    updated_by=access.caller.user_id,
                ),
                condition=unchanged,
            )
            if owner is not None and owner.contact_id and owner_contact == "create":
                tx.save(
                    contacts.row(
                        tenant_id,
                        contact_id=owner.contact_id,
                        kind="person",
                        name=owner.name,
                        email=owner.email,
                        phone=owner.phone,
                        address=None,
                        notes=None,
                        tags=["owner"],
                        version=1,
                        created_at=now,
                        updated_at=now,
                        actor_id=access.caller.user_id,
                    ),
                    condition=ContactItem.pk.does_not_exist(),
                )
            elif owner is not None and owner.contact_id and owner_contact == "update":
                tx.update(
                    ContactItem(pk, keys.contact_sk(owner.contact_id)),
                    actions=[
                        ContactItem.name.set(owner.name),
                        ContactItem.email.set(owner.email) if owner.email else ContactItem.email.remove(),
                        ContactItem.phone.set(owner.phone) if owner.phone else ContactItem.phone.remove(),
                        ContactItem.gsi1sk.set(
                            keys.contact_name_sk(contacts.name_key(owner.name), owner.contact_id)
                        ),
                        ContactItem.version.add(1),
                        ContactItem.updated_at.set(now),
                        ContactItem.updated_by.set(access.caller.user_id),
                    ],
                    condition=ContactItem.pk.exists(),
                )
            audit.by(tx, access, "company.updated", tenant_id, version=company.version)
    except db.Cancelled as cancelled:
        if (pk, keys.COMPANY_SK) in cancelled.failed:
            raise PreconditionFailed(
                "The company profile was changed by someone else; read it again and retry.",
                code="precondition_failed",
            ) from None
        if (
            owner is not None
            and owner.contact_id
            and (pk, keys.contact_sk(owner.contact_id)) in cancelled.failed
        ):
            raise OwnerContactGone from None
        raise
