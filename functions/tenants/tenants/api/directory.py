"""The operators' tenant routes under /operator/tenants (the operator gate runs first: to anyone
else they do not exist)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from tenants import closing, directory
from tenants.api.schemas import (
    DirectoryPage,
    EditionRequest,
    ReopenRequest,
    StatusRequest,
    TenantFileResponse,
    TenantRecordResponse,
)

app = api.make_resolver()

NamePrefix = Annotated[
    str | None, Query(min_length=1, max_length=120, description="Tenants whose name starts so.")
]


@app.get("/operator/tenants")
def list_tenants(
    name_prefix: NamePrefix = None, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> DirectoryPage:
    return DirectoryPage.of(directory.listing(limit, cursor, name_prefix))


@app.get("/operator/tenants/<tenantId>")
def get_tenant(tenantId: str) -> TenantFileResponse:
    return TenantFileResponse.of(directory.tenant_file(tenantId))


@app.put("/operator/tenants/<tenantId>/status")
def set_status(tenantId: str, body: StatusRequest) -> TenantRecordResponse:
    return TenantRecordResponse.of(directory.set_status(api.caller(app), tenantId, body.status, body.reason))


@app.put("/operator/tenants/<tenantId>/edition")
def set_edition(tenantId: str, body: EditionRequest) -> TenantRecordResponse:
    return TenantRecordResponse.of(
        directory.set_edition(api.caller(app), tenantId, body.edition.value, body.reason)
    )


@app.put("/operator/tenants/<tenantId>/configuration")
def mark_configured(tenantId: str) -> TenantRecordResponse:
    return TenantRecordResponse.of(directory.mark_configured(api.caller(app), tenantId))


@app.post("/operator/tenants/<tenantId>/reopen")
def reopen_tenant(tenantId: str, body: ReopenRequest) -> TenantRecordResponse:
    return TenantRecordResponse.of(closing.reopen(api.caller(app), tenantId, body.reason))


handler = api.lambda_handler(app)
