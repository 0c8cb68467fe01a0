"""The catalogue, a tenant's licences and plan, and the operators' grants."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from billing import licences, plans
from billing.api.schemas import (
    BookLicenceRequest,
    CatalogResponse,
    ChangePlanRequest,
    GrantLicenceRequest,
    LicenceResponse,
    LicencesResponse,
    PlanChangeResponse,
)
from kontor import api, clock
from kontor.catalog import catalog

app = api.make_resolver()


@app.get("/catalog")
def get_catalog() -> CatalogResponse:
    api.caller(app)  # signed in: prices and terms are for customers
    return CatalogResponse.of(catalog())


@app.get("/tenants/<tenantId>/licences")
def list_licences(tenantId: str) -> LicencesResponse:
    now = clock.now()
    found = api.access(app).licences  # the gate read them with the tenant row
    return LicencesResponse(items=[LicenceResponse.of(found[module], now) for module in sorted(found)])


@app.post("/tenants/<tenantId>/licences", responses={201: {"description": "Booked (or extended)."}})
@api.idempotent(app, "licence.book")
def book_licence(tenantId: str, body: BookLicenceRequest) -> Response[LicenceResponse]:
    licence = licences.book(api.access(app), body.module.value, body.period, body.accept_terms.version)
    return api.created(LicenceResponse.of(licence, clock.now()))


@app.post("/tenants/<tenantId>/plan")
@api.idempotent(app, "plan.change")
def change_plan(tenantId: str, body: ChangePlanRequest) -> PlanChangeResponse:
    change = plans.change_plan(api.access(app), body.plan.value, body.accept_terms.version)
    return PlanChangeResponse.of(change)


@app.post("/operator/tenants/<tenantId>/licences", responses={201: {"description": "Granted (or extended)."}})
@api.idempotent(app, "licence.grant")
def grant_licence(tenantId: str, body: GrantLicenceRequest) -> Response[LicenceResponse]:
    licence = licences.grant(api.caller(app), tenantId, body.module.value, body.period, body.note)
    return api.created(LicenceResponse.of(licence, clock.now()))


handler = api.lambda_handler(app)
