"""What backups work with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

# The jobs of the backups context (`backups.jobs`), named `<noun>.<verb>`.
EXPORT = "backup.export"
SCHEDULED = "backup.scheduled"
PRUNE = "backup.prune"
RESTORE = "backup.restore"

Kind = Literal["manual", "scheduled", "pre_restore"]
Schedule = Literal["off", "daily", "weekly"]

# A backup in these states is being written: it is neither deleted nor restored from.
IN_FLIGHT = ("pending", "running")
# Attempts of one export before it is marked failed; matches the work queue's maxReceiveCount.
MAX_ATTEMPTS = 5
# A restore whose worker went silent this long (past Lambda's 15-minute limit) may be taken over.
RESTORE_STALE_AFTER = timedelta(minutes=20)
INTERVALS: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass(frozen=True)
class Backup:
    id: str
    tenant_id: str
    kind: str
    state: str  # pending | running | completed | failed | deleting
    note: str | None
    created_at: str
    created_by: str
    started_at: str | None
    completed_at: str | None
    size: int | None
    item_count: int | None
    checksum: str | None
    format_version: int | None
    error: str | None
    attempts: int
    attempt: str | None
    object_key: str | None
    object_version: str | None


@dataclass(frozen=True)
class Policy:
    schedule: str
    keep_last: int
    keep_daily: int
    keep_weekly: int
    keep_monthly: int
    next_backup_at: str | None = None
    updated_at: str | None = None


# Nothing is scheduled until an admin saves a policy: a tenant is only on the `due` index once it
# has a policy row. A save without a schedule picks weekly, the least the manuals advise.
DEFAULT_POLICY = Policy(schedule="off", keep_last=7, keep_daily=7, keep_weekly=4, keep_monthly=6)


@dataclass(frozen=True)
class Restore:
    id: str
    tenant_id: str
    backup_id: str
    pre_restore_backup_id: str
    state: str  # pending | running | completed | failed | refused
    requested_at: str
    requested_by: str
    updated_at: str
    attempts: int
    restored_items: int | None
    removed_items: int | None
    error: str | None


@dataclass(frozen=True)
class Download:
    url: str
    expires_at: str
