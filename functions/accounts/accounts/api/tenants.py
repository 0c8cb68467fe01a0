"""A further account for a signed-in user: POST /tenants (same login, a new separate tenant)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from accounts import members
from accounts.api.schemas import CreateTenantRequest, TenantCreatedResponse
from kontor import api

app = api.make_resolver()


@app.post("/tenants", responses={201: {"description": "The new tenant, with the caller as its admin."}})
@api.idempotent(app, "tenant.create")
def create_tenant(body: CreateTenantRequest) -> Response[TenantCreatedResponse]:
    tenant = members.create_tenant(api.caller(app), body.name, body.plan.value)
    return api.created(TenantCreatedResponse(id=tenant.id, name=tenant.name, role="admin"))


handler = api.lambda_handler(app)
