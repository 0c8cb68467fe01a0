"""Every open tenant and a tenant's admins, for mails to all tenants: the directory index (gsi2,
one Query a page) and one Query of a tenant's memberships — never a Scan."""

from __future__ import annotations

from collections.abc import Iterator

from kontor import keys
from kontor.fences import Status
from kontor.models import MembershipItem, TenantItem


def open_tenants() -> Iterator[str]:
    """The id of every tenant that is not closed, page by page."""
    for row in TenantItem.newest_first.query(keys.DIRECTORY, page_size=500):
        if row.status != Status.CLOSED:
            yield row.id


def admin_addresses(tenant_id: str) -> list[str]:
    rows = MembershipItem.query(keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX))
    return [row.email for row in rows if row.role == "admin" and row.email]
