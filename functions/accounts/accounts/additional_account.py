"""A further account for a signed-in user: POST /tenants (same login, a new separate tenant)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from accounts import memberships
from accounts.schemas import CreateTenantRequest, TenantCreatedResponse
from kontor import api

app = api.make_resolver()


@app.post("/tenants", responses={201: {"description": "The new tenant, with the caller as its admin."}})
def create_tenant(body: CreateTenantRequest) -> Response[TenantCreatedResponse]:
    caller = api.caller(app)

    def produce() -> dict:
        tenant = memberships.create_tenant(caller, body.name)
        return TenantCreatedResponse(id=tenant.id, name=tenant.name, role="admin").model_dump()

    return api.created(
        api.once(app, "create_tenant", scope=caller.user_id, payload=body.model_dump(), produce=produce)
    )


handler = api.lambda_handler(app)
