"""Sync status and history: /tenants/{tenantId}/sync/status, /sync/history, and the runs clients
report (…/sync/clients/{clientId}/runs). Every route needs the `online_sync` licence."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api, pages
from kontor.access import Role
from sync_api import status
from sync_api.api.schemas import RunPage, RunRequest, RunResponse, StatusResponse

app = api.make_resolver()


@app.get("/tenants/<tenantId>/sync/status")
def read_status(tenantId: str) -> StatusResponse:
    return StatusResponse.of(status.status(api.access(app)))


@app.get("/tenants/<tenantId>/sync/history")
def history(tenantId: str, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None) -> RunPage:
    page = status.history(api.access(app), limit, cursor)
    return RunPage(items=[RunResponse.of(r) for r in page.items], next_cursor=page.next_cursor)


@app.post("/tenants/<tenantId>/sync/clients/<clientId>/runs", responses={201: {"description": "Recorded."}})
@api.idempotent(app, "sync_run.record")
def record_run(tenantId: str, clientId: str, body: RunRequest) -> Response[RunResponse]:
    run = status.record_run(api.access(app, Role.MEMBER), clientId, body.fields())
    return api.created(RunResponse.of(run))


handler = api.lambda_handler(app)
