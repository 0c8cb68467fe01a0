"""The operators' view of error reports (support): every sent report, newest first, by state or
by tenant, and their answers. Under /operator/: to anyone else these routes do not exist."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from platform_api import error_reports
from platform_api.api.schemas import AnswerRequest, ErrorReportPage, ErrorReportResponse

app = api.make_resolver()

State = Annotated[Literal["sent", "answered"], Query(description="Reports in this state (default: sent).")]
Tenant = Annotated[str | None, Query(pattern=r"^[0-9a-z]{26}$", description="Only this tenant's reports.")]


@app.get("/operator/error-reports")
def list_reports(
    state: State = "sent",
    tenant: Tenant = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> ErrorReportPage:
    return ErrorReportPage.of(error_reports.operator_listing(state, tenant, limit, cursor))


@app.post("/operator/tenants/<tenantId>/error-reports/<reportId>/answer")
def answer_report(tenantId: str, reportId: str, body: AnswerRequest) -> ErrorReportResponse:
    return ErrorReportResponse.model_validate(
        error_reports.answer(api.caller(app), tenantId, reportId, body.answer)
    )


handler = api.lambda_handler(app)
