"""Request and response bodies of the backup routes (they shape the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backups.domain import DEFAULT_POLICY, Backup, Download, Policy, Restore

# Strict: a JSON `false` or `1.0` is not a count (pydantic would read them as 0 and 1).
Keep = Annotated[int, Field(strict=True, ge=0, le=1000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateBackupRequest(_Body):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class PruneRequest(_Body):
    older_than_days: Annotated[int, Field(strict=True, ge=0, le=3650)]


class PolicyRequest(_Body):
    """A whole policy; a field left out takes its default (the schedule: weekly)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"schedule": "daily", "keep_last": 7, "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 6}
            ]
        }
    )
    schedule: Literal["off", "daily", "weekly"] = "weekly"
    keep_last: Annotated[int, Field(strict=True, ge=1, le=1000)] = DEFAULT_POLICY.keep_last
    keep_daily: Keep = DEFAULT_POLICY.keep_daily
    keep_weekly: Keep = DEFAULT_POLICY.keep_weekly
    keep_monthly: Keep = DEFAULT_POLICY.keep_monthly

    def domain(self) -> Policy:
        return Policy(**self.model_dump())


class BackupResponse(BaseModel):
    id: str
    kind: str
    state: str
    note: str | None
    created_at: str
    created_by: str
    started_at: str | None
    completed_at: str | None
    size: int | None = Field(description="Bytes of the compressed file.")
    item_count: int | None
    checksum: str | None = Field(description="`sha256:<hex>` of the file's header and item lines.")
    format_version: int | None
    # Not `error`: that key marks an error reply everywhere in this API.
    failure: str | None = Field(description="Why the backup failed, when it did.")

    @classmethod
    def of(cls, backup: Backup) -> BackupResponse:
        fields = {name: getattr(backup, name) for name in cls.model_fields if name != "failure"}
        return cls(**fields, failure=backup.error)


class BackupPage(BaseModel):
    items: list[BackupResponse]
    next_cursor: str | None


class DownloadResponse(BaseModel):
    url: str
    expires_at: str

    @classmethod
    def of(cls, download: Download) -> DownloadResponse:
        return cls(url=download.url, expires_at=download.expires_at)


class PruneResponse(BaseModel):
    deleted: list[BackupResponse]


class PolicyResponse(BaseModel):
    schedule: str
    keep_last: int
    keep_daily: int
    keep_weekly: int
    keep_monthly: int
    next_backup_at: str | None
    updated_at: str | None = Field(description="None until an admin saved a policy.")

    @classmethod
    def of(cls, policy: Policy) -> PolicyResponse:
        return cls(**{name: getattr(policy, name) for name in cls.model_fields})


class RestoreResponse(BaseModel):
    id: str
    backup_id: str
    pre_restore_backup_id: str
    state: str = Field(description="pending | running | completed | failed | refused")
    requested_at: str
    requested_by: str
    updated_at: str
    restored_items: int | None
    removed_items: int | None
    failure: str | None = Field(description="Why the restore was refused or failed, when it was.")

    @classmethod
    def of(cls, restore: Restore) -> RestoreResponse:
        fields = {name: getattr(restore, name) for name in cls.model_fields if name != "failure"}
        return cls(**fields, failure=restore.error)
