"""Tenant settings: GET /tenants/{tenantId}."""

from __future__ import annotations

from pydantic import BaseModel

from kontor import api
from tenants import repository

app = api.make_resolver()


class TenantResponse(BaseModel):
    id: str
    name: str
    status: str
    created_at: str
    role: str
    via: str


@app.get("/tenants/<tenantId>")
def get_tenant(tenantId: str) -> TenantResponse:  # noqa: N803 - the template's path parameter
    context = api.tenant(app)
    tenant = repository.get(context.tenant_id)
    return TenantResponse(
        id=tenant.id,
        name=tenant.name,
        status=tenant.status,
        created_at=tenant.created_at,
        role=context.role.value,
        via=context.via,
    )


handler = api.lambda_handler(app)
