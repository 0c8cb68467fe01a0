"""Partners: /tenants/{tenantId}/subtenants, copy-content into one, and handing one over."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api, pages
from tenants import subtenants
from tenants.api.schemas import (
    CopyContentRequest,
    CopyContentResponse,
    CreateSubtenantRequest,
    SubtenantResponse,
    SubtenantsPage,
)

app = api.make_resolver()


@app.post("/tenants/<tenantId>/subtenants", responses={201: {"description": "The new sub-tenant."}})
@api.idempotent(app, "subtenant.create")
def create(tenantId: str, body: CreateSubtenantRequest) -> Response[SubtenantResponse]:
    sub = subtenants.create_subtenant(
        api.access(app), body.name, body.type.value, body.plan.value, body.charset.value
    )
    return api.created(SubtenantResponse.of(sub))


@app.get("/tenants/<tenantId>/subtenants")
def listing(
    tenantId: str,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> SubtenantsPage:
    page = subtenants.subtenants(api.access(app), limit, cursor)
    return SubtenantsPage(items=[SubtenantResponse.of(t) for t in page.items], next_cursor=page.next_cursor)


@app.post("/tenants/<tenantId>/subtenants/<subId>/copy-content")
def copy_content(tenantId: str, subId: str, body: CopyContentRequest) -> CopyContentResponse:
    report = subtenants.copy_content(api.access(app), subId, list(body.kinds), body.on_conflict)
    return CopyContentResponse(copied=report.copied, overwritten=report.overwritten, skipped=report.skipped)


@app.post("/tenants/<tenantId>/handover")
def hand_over(tenantId: str) -> SubtenantResponse:
    return SubtenantResponse.of(subtenants.hand_over(api.access(app)))


handler = api.lambda_handler(app)
