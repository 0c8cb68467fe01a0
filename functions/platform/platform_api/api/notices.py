"""GET /notices (signed in; `?tenant=` adds that tenant's own) and GET /notices/public (the
sign-in page). Both answer from the edge's copy of the maintenance windows, at most a minute old."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api
from platform_api import notices
from platform_api.api.schemas import NoticesResponse

app = api.make_resolver()

TenantId = Annotated[
    str | None, Query(min_length=1, max_length=128, description="Also the notices of this tenant.")
]


@app.get("/notices")
def list_notices(tenant: TenantId = None) -> NoticesResponse:
    return NoticesResponse.of(notices.for_caller(api.caller(app), tenant))


@app.get("/notices/public")
def list_public_notices() -> NoticesResponse:
    return NoticesResponse.of(notices.public())


handler = api.lambda_handler(app)
