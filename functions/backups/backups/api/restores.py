"""Restore ▶ and the backup policy ⊕: admins restore and set the policy; members see both."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from backups import backups
from backups.api.schemas import PolicyRequest, PolicyResponse, RestoreResponse
from kontor import api
from kontor.access import Role

app = api.make_resolver()


@app.post(
    "/tenants/<tenantId>/backups/<backupId>/restore",
    responses={202: {"description": "Queued; writes answer 409 tenant_restoring until it finishes."}},
)
def restore(tenantId: str, backupId: str) -> Response[RestoreResponse]:
    restore = backups.request_restore(api.access(app, Role.ADMIN), backupId)
    return api.accepted(RestoreResponse.of(restore).model_dump())


@app.get("/tenants/<tenantId>/restore")
def current_restore(tenantId: str) -> RestoreResponse:
    return RestoreResponse.of(backups.current_restore(api.access(app, Role.MEMBER)))


@app.get("/tenants/<tenantId>/backup-policy")
def get_policy(tenantId: str) -> PolicyResponse:
    return PolicyResponse.of(backups.get_policy(api.access(app, Role.MEMBER)))


@app.put("/tenants/<tenantId>/backup-policy")
def put_policy(tenantId: str, body: PolicyRequest) -> PolicyResponse:
    return PolicyResponse.of(backups.save_policy(api.access(app, Role.ADMIN), body.domain()))


handler = api.lambda_handler(app)
