"""Sync conflicts: /tenants/{tenantId}/sync/conflicts — listed, and resolved by keeping the cloud's
or the client's version. Every route needs the `online_sync` licence."""

from __future__ import annotations

from kontor import api, pages
from kontor.access import Role
from sync_api import conflicts
from sync_api.api.schemas import ConflictPage, ConflictResponse, ResolveRequest

app = api.make_resolver()
PATH = "/tenants/<tenantId>/sync/conflicts"


@app.get(PATH)
def list_conflicts(
    tenantId: str, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> ConflictPage:
    page = conflicts.page(api.access(app), limit, cursor)
    return ConflictPage(items=[ConflictResponse.of(c) for c in page.items], next_cursor=page.next_cursor)


@app.post(f"{PATH}/<conflictId>/resolve")
def resolve(tenantId: str, conflictId: str, body: ResolveRequest) -> ConflictResponse:
    return ConflictResponse.of(conflicts.resolve(api.access(app, Role.MEMBER), conflictId, body.keep))


handler = api.lambda_handler(app)
