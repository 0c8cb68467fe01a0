"""A tenant's settings: GET/PATCH /tenants/{tenantId}, its connection file and its audit log."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from kontor.settings import settings as config
from tenants import closing, settings
from tenants.api.answers import tenant_answer
from tenants.api.schemas import (
    AuditEntryResponse,
    AuditPage,
    ClosedTenantResponse,
    CloseTenantRequest,
    ConnectionFileResponse,
    TenantResponse,
    UpdateTenantRequest,
)

app = api.make_resolver()


@app.get("/tenants/<tenantId>")
def get_tenant(tenantId: str) -> Response[TenantResponse]:
    return tenant_answer(api.access(app), settings.view(api.access(app)))


@app.patch("/tenants/<tenantId>")
def update_tenant(tenantId: str, body: UpdateTenantRequest) -> Response[TenantResponse]:
    return tenant_answer(api.access(app), settings.update(api.access(app), api.if_match(app), body.changes()))


@app.delete("/tenants/<tenantId>")
def close_tenant(tenantId: str, body: CloseTenantRequest) -> ClosedTenantResponse:
    closed = closing.close(api.access(app), body.confirm_name)
    return ClosedTenantResponse(
        id=closed.id,
        status=closed.status,
        closed_at=closed.closed_at or "",
        purge_at=closing.purge_at(closed),
    )


@app.get("/tenants/<tenantId>/connection-file")
def connection_file(tenantId: str) -> Response[ConnectionFileResponse]:
    document = ConnectionFileResponse(**settings.connection_file(api.access(app), _api_url()))
    filename = f"kontor-{document.tenant_id}.json"
    return Response(
        200,
        content_types.APPLICATION_JSON,
        document,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@app.get("/tenants/<tenantId>/audit")
def audit_log(
    tenantId: str,
    action: Annotated[str | None, Query(max_length=64, description="Only entries of this action.")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> AuditPage:
    page = settings.audit(api.access(app), action, limit, cursor)
    return AuditPage(items=[AuditEntryResponse.of(e) for e in page.items], next_cursor=page.next_cursor)


def _api_url() -> str:
    """The API's own base URL, as the caller reached it (or as configured)."""
    configured = config().api_url
    if configured:
        return configured
    context = app.current_event.request_context
    return f"https://{context.domain_name}/{context.stage}"


handler = api.lambda_handler(app)
