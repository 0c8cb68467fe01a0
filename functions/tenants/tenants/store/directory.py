"""The operators' directory: every tenant through the gsi2 (newest first) and gsi3 (by name) indexes,
one Query a page, and the operator's changes to a tenant row with their audit entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.transactions import TransactWrite

from kontor import audit, db, keys, mapping, pages, tenancy
from kontor.errors import NotFound
from kontor.models import MembershipItem, TenantItem
from tenants.domain import Admin, DirectoryEntry


def page(limit: int, cursor: str | None, name_prefix: str | None) -> pages.Page[DirectoryEntry]:
    if name_prefix:
        index, partition_key = TenantItem.by_name, "gsi3pk"
        results = index.query(
            keys.DIRECTORY,
            TenantItem.gsi3sk.startswith(tenancy.name_key(name_prefix)),
            limit=limit,
            page_size=limit,
            last_evaluated_key=pages.decode(cursor, partition_key=partition_key, partition=keys.DIRECTORY),
        )
    else:
        results = TenantItem.newest_first.query(
            keys.DIRECTORY,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=pages.decode(cursor, partition_key="gsi2pk", partition=keys.DIRECTORY),
        )
    items = [mapping.domain(row, DirectoryEntry) for row in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def members(tenant_id: str) -> tuple[list[Admin], int]:
    """The tenant's admins and how many members it has: its memberships, page by page."""
    admins: list[Admin] = []
    count = 0
    for row in MembershipItem.query(
        keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX), consistent_read=True
    ):
        count += 1
        if row.role == "admin":
            admins.append(Admin(user_id=row.user_id, email=row.email, name=row.name))
    return admins, count


def change(
    tenant_id: str,
    operator_id: str,
    action: str,
    changes: dict[str, Any],
    reason: str | None,
    also: Callable[[TransactWrite], None] | None = None,
) -> None:
    """Set `changes` on the tenant row, with the audit entry in the tenant's own log, together."""
    row = TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK)
    try:
        with db.transaction() as tx:
            tx.update(
                row,
                # The version is the tenant's ETag: an admin's edit based on an older read must fail.
                actions=[
                    *(getattr(TenantItem, name).set(value) for name, value in changes.items()),
                    TenantItem.version.add(1),
                ],
                condition=TenantItem.pk.exists(),
            )
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=operator_id,
                actor_via="operator",
                action=action,
                target=tenant_id,
                details={**changes, "reason": reason} if reason else changes,
            )
            if also is not None:
                also(tx)
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise NotFound("No such tenant.", code="tenant_not_found") from None
        raise
