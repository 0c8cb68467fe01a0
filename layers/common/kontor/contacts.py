"""A contact row as the records context stores it, for every context that writes one.

Records writes contacts through its own logic; the company profile creates the tenant's owner as a
person (seed 003: "create the owner as a person"). Both build the row here, so a contact looks the
same in the table — and in the name index — whoever wrote it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from kontor import keys
from kontor.models import AddressMap, ContactItem

NAME_KEY_BYTES = 200


def name_key(name: str) -> str:
    """How names sort and match a prefix: without accents and case (`Ärger` files under `arger`).

    Bounded in bytes, not characters: NFKD can multiply a name's length (U+FDFA becomes 18
    characters) and the key is part of a sort key, which DynamoDB caps at 1,024 bytes."""
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
    return folded.encode()[:NAME_KEY_BYTES].decode(errors="ignore")


def row(
    tenant_id: str,
    *,
    contact_id: str,
    kind: str,
    name: str,
    email: str | None,
    phone: str | None,
    address: Any | None,
    notes: str | None,
    tags: list[str] | None,
    version: int,
    created_at: str,
    updated_at: str,
    actor_id: str,
) -> ContactItem:
    """PK: TENANT#<tenant_id>  SK: CONTACT#<contact_id>
    GSI1: TENANT#<tenant_id>#CONTACTS / <name key>#<contact_id>"""
    stored_address = None
    if address is not None:
        stored_address = AddressMap(
            street=address.street,
            postal_code=address.postal_code,
            city=address.city,
            country=address.country,
        )
    return ContactItem(
        keys.tenant_pk(tenant_id),
        keys.contact_sk(contact_id),
        gsi1pk=keys.contacts_by_name_pk(tenant_id),
        gsi1sk=keys.contact_name_sk(name_key(name), contact_id),
        id=contact_id,
        kind=kind,
        name=name,
        email=email,
        phone=phone,
        address=stored_address,
        notes=notes,
        tags=tags or None,
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        updated_by=actor_id,
    )
