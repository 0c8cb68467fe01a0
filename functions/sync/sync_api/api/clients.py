"""Sync clients: /tenants/{tenantId}/sync/clients and /sync/host — members register, viewers list,
admins remove clients and move the host role. Every route needs the `online_sync` licence."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from kontor.access import Role
from sync_api import clients
from sync_api.api.schemas import (
    ClientPage,
    ClientResponse,
    HostRequest,
    PrerequisitesResponse,
    RegisterClientRequest,
)

app = api.make_resolver()
PATH = "/tenants/<tenantId>/sync/clients"
Reported = Annotated[
    int, Query(ge=0, le=10_000, description="As the client counts them on its installation.")
]


@app.post(PATH, responses={201: {"description": "Registered."}})
@api.idempotent(app, "sync_client.register")
def register(tenantId: str, body: RegisterClientRequest) -> Response[ClientResponse]:
    client = clients.register(api.access(app, Role.MEMBER), body.model_dump())
    return api.created(ClientResponse.of(client))


@app.get(PATH)
def list_clients(
    tenantId: str, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> ClientPage:
    page = clients.page(api.access(app), limit, cursor)
    return ClientPage(items=[ClientResponse.of(c) for c in page.items], next_cursor=page.next_cursor)


@app.delete(f"{PATH}/<clientId>", responses={204: {"description": "Removed."}})
def delete(tenantId: str, clientId: str) -> Response[None]:
    clients.delete(api.access(app, Role.ADMIN), clientId)
    return api.no_content()


@app.get(f"{PATH}/<clientId>/prerequisites")
def prerequisites(
    tenantId: str, clientId: str, api_users_signed_in: Reported = 0, integrations_open: Reported = 0
) -> PrerequisitesResponse:
    found = clients.prerequisites(
        api.access(app, Role.MEMBER),
        clientId,
        api_users_signed_in=api_users_signed_in,
        integrations_open=integrations_open,
    )
    return PrerequisitesResponse.of(found)


@app.put("/tenants/<tenantId>/sync/host")
def move_host(tenantId: str, body: HostRequest) -> ClientResponse:
    return ClientResponse.of(clients.move_host(api.access(app, Role.ADMIN), body.client_id))


handler = api.lambda_handler(app)
