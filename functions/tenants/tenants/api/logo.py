"""A tenant's logo: POST …/logo/upload, POST …/logo/confirm, DELETE …/logo."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from tenants import logo
from tenants.api.answers import tenant_answer
from tenants.api.schemas import LogoConfirmRequest, LogoUploadRequest, LogoUploadResponse, TenantResponse

app = api.make_resolver()


@app.post("/tenants/<tenantId>/logo/upload")
def upload(tenantId: str, body: LogoUploadRequest) -> LogoUploadResponse:
    return LogoUploadResponse(**logo.upload_form(api.access(app), body.content_type))


@app.post("/tenants/<tenantId>/logo/confirm")
def confirm(tenantId: str, body: LogoConfirmRequest) -> Response[TenantResponse]:
    return tenant_answer(api.access(app), logo.confirm(api.access(app), body.upload_id))


@app.delete("/tenants/<tenantId>/logo")
def remove(tenantId: str) -> Response[TenantResponse]:
    return tenant_answer(api.access(app), logo.remove(api.access(app)))


handler = api.lambda_handler(app)
