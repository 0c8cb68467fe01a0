"""A tenant's error reports under /tenants/{tenantId}/error-reports (members)."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from platform_api import error_reports
from platform_api.api.schemas import (
    ErrorReportChange,
    ErrorReportPage,
    ErrorReportRequest,
    ErrorReportResponse,
)
from platform_api.domain import ErrorReport

app = api.make_resolver()

State = Annotated[
    Literal["draft", "sent", "answered"] | None, Query(description="Only reports in this state.")
]


@app.post(
    "/tenants/<tenantId>/error-reports", responses={201: {"description": "The draft, to correct and send."}}
)
@api.idempotent(app, "error_report.create")
def create_report(tenantId: str, body: ErrorReportRequest) -> Response[ErrorReportResponse]:
    report = error_reports.create(api.access(app), body.model_dump())
    return api.created(ErrorReportResponse.model_validate(report))


@app.get("/tenants/<tenantId>/error-reports")
def list_reports(
    tenantId: str, state: State = None, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> ErrorReportPage:
    return ErrorReportPage.of(error_reports.listing(api.access(app), state, limit, cursor))


def _with_etag(report: ErrorReport) -> Response[ErrorReportResponse]:
    body = ErrorReportResponse.model_validate(report)
    return Response(200, content_types.APPLICATION_JSON, body, headers={"ETag": api.etag(report.version)})


@app.get("/tenants/<tenantId>/error-reports/<reportId>")
def get_report(tenantId: str, reportId: str) -> Response[ErrorReportResponse]:
    return _with_etag(error_reports.get(api.access(app), reportId))


@app.patch("/tenants/<tenantId>/error-reports/<reportId>")
def change_report(tenantId: str, reportId: str, body: ErrorReportChange) -> Response[ErrorReportResponse]:
    expected = api.if_match(app)
    return _with_etag(error_reports.update(api.access(app), reportId, body.changes(), expected))


@app.post("/tenants/<tenantId>/error-reports/<reportId>/send")
def send_report(tenantId: str, reportId: str) -> ErrorReportResponse:
    return ErrorReportResponse.model_validate(error_reports.send(api.access(app), reportId))


handler = api.lambda_handler(app)
