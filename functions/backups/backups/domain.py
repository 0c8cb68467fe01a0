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
RESTORE_WATCH = "backup.restore_watch"
EXPORT_WATCH = "backup.export_watch"

Kind = Literal["manual", "scheduled", "pre_restore"]
Schedule = Literal["off", "daily", "weekly"]

# A backup in these states is being written: it is neither deleted nor restored from.
IN_FLIGHT = ("pending", "running")
# Deliveries of one message: the work queue's maxReceiveCount. The attempt that is the last
# delivery SQS makes marks its export or restore failed instead of leaving it running.
MAX_ATTEMPTS = 5
# A restore whose worker went silent this long (past Lambda's 15-minute limit and the queue's
# 18-minute visibility timeout, so no attempt is alive and no retry is due) may be taken over, and
# `backup.restore_watch` ends it `failed`.
RESTORE_STALE_AFTER = timedelta(minutes=20)
# How often `backup.restore_watch` looks at an unfinished restore, and how long a restore may stay
# `pending` (its message lost) before the watch sends it again.
RESTORE_WATCH_EVERY = timedelta(minutes=5)
# A restore still pending this long after it was requested (every re-sent message lost) ends failed.
RESTORE_PENDING_LIMIT = timedelta(minutes=30)
# An export is watched like a restore (`backup.export_watch`): one pending this long (its message
# lost) or running with its next step's message unclaimed is sent again; one running with no
# progress for EXPORT_STALE_AFTER (every delivery died) or pending for EXPORT_PENDING_LIMIT ends
# failed, so it can be deleted and pruned.
EXPORT_STALE_AFTER = RESTORE_STALE_AFTER
EXPORT_WATCH_EVERY = RESTORE_WATCH_EVERY
EXPORT_PENDING_LIMIT = RESTORE_PENDING_LIMIT
# An attempt that has held a step this long is dead: Lambda ends every invocation within 15
# minutes, and SQS shows its message again only after the queue's longer visibility timeout. A
# message for a step a live attempt holds is a duplicate and is dropped.
CLAIM_EXPIRES = timedelta(minutes=15)
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
    progress_at: str | None = None
    restore_seen: str | None = None
    step: int | None = None
    upload_id: str | None = None
    parts: list[str] | None = None
    cursor: str | None = None
    digest: str | None = None
    carry_version: str | None = None
    items_done: int | None = None
    size_done: int | None = None


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
    state: str  # pending | running | completed | failed | refused (the last three are final)
    requested_at: str
    requested_by: str
    updated_at: str
    attempts: int
    restored_items: int | None
    removed_items: int | None
    error: str | None
    # True once an attempt began replacing the tenant's data: from then on the restore can only end
    # completed or failed (the data partly replaced), never refused.
    replacing: bool = False
    attempt: str | None = None
    step: int | None = None
    phase: str | None = None  # export | verify | replace
    lines_done: int | None = None
    digest: str | None = None
    merge_key: str | None = None


@dataclass(frozen=True)
class Download:
    url: str
    expires_at: str
