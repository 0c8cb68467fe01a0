"""Price calculation sheets: /tenants/{tenantId}/price-calculations — viewers read, members write.

Every route needs the `price_calculation` licence (`kontor.permissions.MODULE_OF_ROUTE`), checked
by the tenant gate before the route runs."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from kontor.access import Role
from pricing import calculations
from pricing.api.schemas import (
    CalculationPage,
    CalculationResponse,
    CreateCalculationRequest,
    UpdateCalculationRequest,
)

app = api.make_resolver()
Prefix = Annotated[str | None, Query(max_length=200, description="Name prefix; accents and case ignored.")]
PATH = "/tenants/<tenantId>/price-calculations"


def _sheet(body: CalculationResponse, status: int = 200) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(),
        headers={"ETag": api.etag(body.version)},
    )


@app.post(PATH, responses={201: {"description": "Created; ETag holds its version."}})
@api.idempotent(app, "price_calculation.create")
def create(tenantId: str, body: CreateCalculationRequest) -> Response[CalculationResponse]:
    sheet = calculations.create(api.access(app, Role.MEMBER), body.fields())
    return _sheet(CalculationResponse.of(sheet), status=201)


@app.get(PATH)
def list_calculations(
    tenantId: str,
    prefix: Prefix = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> CalculationPage:
    page = calculations.list_by_name(api.access(app), prefix, limit, cursor)
    return CalculationPage(
        items=[CalculationResponse.of(c) for c in page.items], next_cursor=page.next_cursor
    )


@app.get(f"{PATH}/<calculationId>")
def read(tenantId: str, calculationId: str) -> Response[CalculationResponse]:
    return _sheet(CalculationResponse.of(calculations.get(api.access(app), calculationId)))


@app.patch(f"{PATH}/<calculationId>")
def update(
    tenantId: str, calculationId: str, body: UpdateCalculationRequest
) -> Response[CalculationResponse]:
    tenant = api.access(app, Role.MEMBER)
    sheet = calculations.update(tenant, calculationId, api.if_match(app), body.changes())
    return _sheet(CalculationResponse.of(sheet))


@app.delete(f"{PATH}/<calculationId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, calculationId: str) -> Response[None]:
    expected = api.if_match(app) if app.current_event.headers.get("If-Match") is not None else None
    calculations.delete(api.access(app, Role.MEMBER), calculationId, expected)
    return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body="")


handler = api.lambda_handler(app)
