"""Backups ▶: /tenants/{tenantId}/backups — admins make, download, delete and prune; members list."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from backups import logic
from backups.schemas import (
    BackupPage,
    BackupResponse,
    CreateBackupRequest,
    DownloadResponse,
    PruneRequest,
    PruneResponse,
)
from kontor import api, pages
from kontor.access import Role

app = api.make_resolver()


@app.post("/tenants/<tenantId>/backups", responses={202: {"description": "Queued; the backup is pending."}})
@api.idempotent(app, "backup.create")
def create(tenantId: str, body: CreateBackupRequest) -> Response[BackupResponse]:  # noqa: N803
    return api.accepted(BackupResponse.of(logic.request_backup(api.access(app, Role.ADMIN), body.note)))


@app.get("/tenants/<tenantId>/backups")
def list_backups(
    tenantId: str,  # noqa: N803
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> BackupPage:
    page = logic.list_backups(api.access(app, Role.MEMBER), limit, cursor)
    return BackupPage(items=[BackupResponse.of(b) for b in page.items], next_cursor=page.next_cursor)


@app.get("/tenants/<tenantId>/backups/<backupId>")
def read(tenantId: str, backupId: str) -> BackupResponse:  # noqa: N803
    return BackupResponse.of(logic.get_backup(api.access(app, Role.MEMBER), backupId))


@app.get("/tenants/<tenantId>/backups/<backupId>/download")
def download(tenantId: str, backupId: str) -> DownloadResponse:  # noqa: N803
    return DownloadResponse.of(logic.download(api.access(app, Role.ADMIN), backupId))


@app.delete("/tenants/<tenantId>/backups/<backupId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, backupId: str) -> Response[None]:  # noqa: N803
    logic.delete_backup(api.access(app, Role.ADMIN), backupId)
    return Response(status_code=204, body="")


@app.post("/tenants/<tenantId>/backups/prune")
def prune(tenantId: str, body: PruneRequest) -> PruneResponse:  # noqa: N803
    deleted = logic.prune(api.access(app, Role.ADMIN), body.older_than_days)
    return PruneResponse(deleted=[BackupResponse.of(b) for b in deleted])


handler = api.lambda_handler(app)
