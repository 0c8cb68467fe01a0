"""The change feed: /tenants/{tenantId}/sync/clients/{clientId}/changes (pull and push) and …/baseline.
Every route needs the `online_sync` licence."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from kontor.access import Role
from sync_api import changes
from sync_api.api.schemas import (
    BaselineResponse,
    ChangePage,
    ChangeResponse,
    PushRequest,
    PushResponse,
    PushResult,
)

app = api.make_resolver()
PATH = "/tenants/<tenantId>/sync/clients/<clientId>"
FeedCursor = Annotated[
    str | None, Query(max_length=32, description="`next_cursor` of the previous pull; none: the baseline.")
]


@app.get(f"{PATH}/changes")
def pull(
    tenantId: str, clientId: str, cursor: FeedCursor = None, limit: pages.Limit = pages.DEFAULT_LIMIT
) -> ChangePage:
    pulled = changes.pull(api.access(app, Role.MEMBER), clientId, cursor, limit)
    return ChangePage(items=[ChangeResponse(**item) for item in pulled.items], next_cursor=pulled.next_cursor)


@app.post(f"{PATH}/changes")
def push(tenantId: str, clientId: str, body: PushRequest) -> PushResponse:
    changed = [change.model_dump() for change in body.changes]
    results = changes.push(api.access(app, Role.MEMBER), clientId, body.batch_id, changed)
    return PushResponse(batch_id=body.batch_id, results=[PushResult(**result) for result in results])


@app.post(f"{PATH}/baseline")
def rebaseline(tenantId: str, clientId: str) -> BaselineResponse:
    return BaselineResponse(cursor=changes.rebaseline(api.access(app, Role.MEMBER), clientId))


handler = api.lambda_handler(app)
