"""The first sync: /tenants/{tenantId}/sync/clients/{clientId}/initial-sync — schedule it, read
its plan, pick it up and complete it. Every route needs the `online_sync` licence."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from kontor.access import Role
from sync_api import initial_sync
from sync_api.api.schemas import InitialSyncChange, InitialSyncRequest, PlanResponse

app = api.make_resolver()
PATH = "/tenants/<tenantId>/sync/clients/<clientId>/initial-sync"


@app.post(PATH, responses={201: {"description": "Scheduled."}})
def schedule(tenantId: str, clientId: str, body: InitialSyncRequest) -> Response[PlanResponse]:
    plan = initial_sync.schedule(
        api.access(app, Role.MEMBER),
        clientId,
        body.start(),
        api_users_signed_in=body.api_users_signed_in,
        integrations_open=body.integrations_open,
    )
    return api.created(PlanResponse.of(plan))


@app.get(PATH)
def read(tenantId: str, clientId: str) -> PlanResponse:
    return PlanResponse.of(initial_sync.view(api.access(app, Role.MEMBER), clientId))


@app.patch(PATH)
def advance(tenantId: str, clientId: str, body: InitialSyncChange) -> PlanResponse:
    plan = initial_sync.advance(api.access(app, Role.MEMBER), clientId, body.state, body.items)
    return PlanResponse.of(plan)


handler = api.lambda_handler(app)
