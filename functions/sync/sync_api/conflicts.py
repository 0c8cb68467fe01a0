"""Conflicts: a client's change that met a newer cloud version. The cloud keeps its version (the
documented policy); the client's is kept as a conflict until someone keeps one of the two."""

from __future__ import annotations

import re
from typing import Any

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import Conflict as Refused
from kontor.errors import NotFound
from kontor.observability import count
from kontor.pages import Page
from sync_api import store
from sync_api.domain import Conflict

_ID = re.compile(r"^[0-9a-z]{26}$")


def record(tenant: Access, client_id: str, change: dict[str, Any], cloud_version: int | None) -> Conflict:
    conflict = Conflict(
        id=ids.new_id(),
        kind=change["kind"],
        record_id=change["id"],
        client_id=client_id,
        operation=change["operation"],
        base_version=change["base_version"],
        cloud_version=cloud_version,
        client_record=change["record"],
        state="open",
        created_at=clock.iso(clock.now()),
    )
    store.conflicts.record(tenant.tenant_id, conflict)
    count("SyncConflictRecorded", tenant.tenant_id)
    return conflict


def page(tenant: Access, limit: int, cursor: str | None) -> Page[Conflict]:
    return store.conflicts.page(tenant.tenant_id, limit, cursor)


def resolve(tenant: Access, conflict_id: str, keep: str) -> Conflict:
    """Keep the cloud's version (nothing changes) or the client's (written over the cloud's current
    version, and fed to every client)."""
    if not _ID.match(conflict_id):
        raise NotFound("No such conflict.", code="conflict_not_found")
    conflict = store.conflicts.get(tenant.tenant_id, conflict_id)
    if conflict.state != "open":
        raise Refused("This conflict was resolved already.", code="conflict_resolved")
    cloud = store.pushes.current_version(tenant.tenant_id, conflict.kind, conflict.record_id)
    store.conflicts.resolve(tenant.tenant_id, conflict, keep, tenant.caller.user_id, cloud)
    count("SyncConflictResolved", tenant.tenant_id)
    return store.conflicts.get(tenant.tenant_id, conflict_id)
