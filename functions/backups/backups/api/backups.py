"""Backups ▶: /tenants/{tenantId}/backups — admins make, download, delete and prune; members list."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from backups import backups
from backups.api.schemas import (
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
def create(tenantId: str, body: CreateBackupRequest) -> Response[BackupResponse]:
    return api.accepted(BackupResponse.of(backups.request_backup(api.access(app, Role.ADMIN), body.note)))


@app.get("/tenants/<tenantId>/backups")
def list_backups(
    tenantId: str,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> BackupPage:
    page = backups.list_backups(api.access(app, Role.MEMBER), limit, cursor)
    return BackupPage(items=[BackupResponse.of(b) for b in page.items], next_cursor=page.next_cursor)


@app.get("/tenants/<tenantId>/backups/<backupId>")
def read(tenantId: str, backupId: str) -> BackupResponse:
    return BackupResponse.of(backups.get_backup(api.access(app, Role.MEMBER), backupId))


@app.get("/tenants/<tenantId>/backups/<backupId>/download")
def download(tenantId: str, backupId: str) -> DownloadResponse:
    return DownloadResponse.of(backups.download(api.access(app, Role.ADMIN), backupId))


@app.delete("/tenants/<tenantId>/backups/<backupId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, backupId: str) -> Response[None]:
    backups.delete_backup(api.access(app, Role.ADMIN), backupId)
    return Response(status_code=204, body="")


@app.post("/tenants/<tenantId>/backups/prune")
def prune(tenantId: str, body: PruneRequest) -> PruneResponse:
    deleted = backups.prune(api.access(app, Role.ADMIN), body.older_than_days)
    return PruneResponse(deleted=[BackupResponse.of(b) for b in deleted])


handler = api.lambda_handler(app)
