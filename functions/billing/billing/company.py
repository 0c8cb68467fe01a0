"""The company profile: who the tenant is as a customer (the invoices' recipient), with its owner as
a person in the tenant's contacts (seed 003: "create the owner as a person"). A flag says whether
the profile is complete enough to invoice, and what is missing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from billing import store
from billing.store.company import Company, Owner, OwnerContactGone
from kontor import clock, ids
from kontor.access import Access
from kontor.errors import PreconditionFailed
from kontor.observability import count


def view(access: Access) -> Company:
    return store.company.get(access.tenant_id) or Company().with_missing()


def replace_profile(
    access: Access, expected_version: int, fields: dict[str, Any], owner: dict[str, Any] | None
) -> Company:
    """Replace the whole profile (PUT) if it is still at `expected_version` (0 before the first save).

    The owner becomes a contact the first time it is named, and that contact follows later changes
    of the owner's name, email and phone (one deleted meanwhile is created again on the next change)."""
    current = store.company.get(access.tenant_id)
    version = current.version if current else 0
    if expected_version != version:
        raise PreconditionFailed(
            "The company profile was changed by someone else; read it again and retry.",
            code="precondition_failed",
        )
    previous = current.owner if current else None
    new_owner, write = None, None
    if owner is not None:
        new_owner = Owner(
            previous.contact_id if previous else None, owner["name"], owner.get("email"), owner.get("phone")
        )
        if new_owner.contact_id is None:
            new_owner, write = replace(new_owner, contact_id=ids.new_id()), "create"
        elif replace(new_owner, contact_id=None) != replace(previous, contact_id=None):  # type: ignore[arg-type]
            write = "update"
    company = Company(**fields, owner=new_owner, version=version + 1).with_missing()
    now = clock.iso(clock.now())
    try:
        store.company.save(access, company, expected_version=version, owner_contact=write, now=now)
    except OwnerContactGone:
        company = replace(company, owner=replace(new_owner, contact_id=ids.new_id()))  # type: ignore[arg-type]
        store.company.save(access, company, expected_version=version, owner_contact="create", now=now)
    count("CompanyProfileSaved", access.tenant_id)
    return replace(company, updated_at=now)
