"""Backups as admins and members use them: request, list, download, delete, prune, policy, restore.

The long work (exports, restores, scheduled jobs) runs in `store.backups.jobs` on the work queue.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from backups import retention, store
from backups.domain import (
    DEFAULT_POLICY,
    EXPORT,
    IN_FLIGHT,
    RESTORE,
    RESTORE_STALE_AFTER,
    RESTORE_WATCH_EVERY,
    Backup,
    Download,
    Policy,
    Restore,
)
from kontor import clock, ids, jobs, keys, pages
from kontor.access import Access
from kontor.errors import Conflict, KontorError, NotFound
from kontor.observability import count, logger
from kontor.pages import Page
from kontor.settings import settings

DOWNLOAD_LINK_LIFETIME = timedelta(minutes=5)
_ID = re.compile(r"^[0-9a-z]{26}$")


def _now_id() -> str:
    return ids.new_id_at(int(clock.now().timestamp() * 1000))


def _known(tenant: Access, backup_id: str, *, deleting: bool = False) -> Backup:
    """The tenant's backup; one being deleted only when `deleting` (a DELETE finishes it)."""
    if not _ID.match(backup_id):
        raise NotFound("No such backup.", code="backup_not_found")
    backup = store.backups.get(tenant.tenant_id, backup_id)
    if backup.state == "deleting" and not deleting:
        raise NotFound("No such backup.", code="backup_not_found")
    return backup


# ---------------------------------------------------------------- backups ▶
def request_backup(tenant: Access, note: str | None) -> Backup:
    """A pending manual backup; the worker exports it."""
    now = clock.iso(clock.now())
    backup = store.backups.create(
        tenant.tenant_id,
        _now_id(),
        "manual",
        created_at=now,
        created_by=tenant.caller.user_id,
        actor_via=tenant.via,
        note=note,
    )
    try:
        jobs.send(EXPORT, tenant_id=tenant.tenant_id, backup_id=backup.id, step=0)
    except Exception:
        # No message, no worker: the backup must not stay pending for ever.
        store.backups.fail(tenant.tenant_id, backup.id, None, "could not be queued", now)
        raise
    count("BackupRequested", tenant.tenant_id)
    return backup


def list_backups(tenant: Access, limit: int, cursor: str | None) -> Page[Backup]:
    """Newest first; one Query a page."""
    start = pages.decode(cursor, partition_key="pk", partition=keys.tenant_pk(tenant.tenant_id))
    found, last_key = store.backups.page(tenant.tenant_id, limit, start)
    return Page(items=[b for b in found if b.state != "deleting"], next_cursor=pages.encode(last_key))


def get_backup(tenant: Access, backup_id: str) -> Backup:
    return _known(tenant, backup_id)


def download(tenant: Access, backup_id: str) -> Download:
    """A short-lived link to the backup's file (the version the catalog checked)."""
    backup = _known(tenant, backup_id)
    if backup.state != "completed" or backup.object_key is None:
        raise Conflict("Only a completed backup can be downloaded.", code="backup_not_completed")
    url = store.objects.download_url(
        settings().backups_bucket, backup.object_key, backup.object_version, DOWNLOAD_LINK_LIFETIME
    )
    store.backups.record(
        tenant.tenant_id,
        actor_id=tenant.caller.user_id,
        actor_via=tenant.via,
        action="backup.downloaded",
        target=backup_id,
    )
    return Download(url=url, expires_at=clock.iso(clock.now() + DOWNLOAD_LINK_LIFETIME))


def delete_backup(tenant: Access, backup_id: str) -> None:
    """Delete the backup; a DELETE retried after one that failed half-way (the backup hidden as
    `deleting`) finishes it. 409 `backup_in_use` while a restore reads it."""
    backup = _known(tenant, backup_id, deleting=True)
    if backup.state in IN_FLIGHT or not delete_chosen(tenant.tenant_id, [backup], refuse_in_use=True):
        raise Conflict(
            "This backup is still being written; delete it when it has finished.", code="backup_in_progress"
        )
    store.backups.record(
        tenant.tenant_id,
        actor_id=tenant.caller.user_id,
        actor_via=tenant.via,
        action="backup.deleted",
        target=backup_id,
    )


def prune(tenant: Access, older_than_days: int) -> list[Backup]:
    """„Alte Backups löschen“: every finished backup older than the cutoff but the newest completed."""
    cutoff = clock.now() - timedelta(days=older_than_days)
    everything = list(store.backups.every(tenant.tenant_id))
    deleted = delete_chosen(
        tenant.tenant_id, retention.older_than(everything, cutoff) + leftovers(everything)
    )
    store.backups.record(
        tenant.tenant_id,
        actor_id=tenant.caller.user_id,
        actor_via=tenant.via,
        action="backup.pruned",
        target=None,
        details={"older_than_days": older_than_days, "deleted": [b.id for b in deleted]},
    )
    return deleted


def leftovers(backups: list[Backup]) -> list[Backup]:
    """Backups a delete or prune left `deleting` when it failed half-way: the next prune finishes them."""
    return [b for b in backups if b.state == "deleting"]


def delete_chosen(tenant_id: str, backups: list[Backup], *, refuse_in_use: bool = False) -> list[Backup]:
    """Mark, delete the objects, then drop the rows: a crash in between leaves a `deleting` row
    (hidden, deleted again by the next attempt), never a row without its object.

    A backup a restore is using stays: prune skips it, a DELETE (`refuse_in_use`) is refused."""
    marked = [b for b in backups if _mark(tenant_id, b, refuse_in_use)]
    store.objects.delete_many(settings().backups_bucket, [b.object_key for b in marked if b.object_key])
    store.backups.remove(tenant_id, [b.id for b in marked])
    for backup in marked:
        logger.info("backup deleted", backup_id=backup.id, kind=backup.kind)
    if marked:
        count("BackupDeleted", tenant_id)
    return marked


def _mark(tenant_id: str, backup: Backup, refuse_in_use: bool) -> bool:
    try:
        return store.backups.mark_deleting(tenant_id, backup.id)
    except KontorError as error:
        if error.code != "backup_in_use" or refuse_in_use:
            raise
        logger.info("backup kept: a restore uses it", backup_id=backup.id)
        return False


# ---------------------------------------------------------------- policy ⊕
def get_policy(tenant: Access) -> Policy:
    return store.backups.policy(tenant.tenant_id) or DEFAULT_POLICY


def save_policy(tenant: Access, wanted: Policy) -> Policy:
    """Save the policy. Switching a schedule on makes the tenant due at the next dispatcher run; an
    unchanged schedule keeps its next slot."""
    previous = store.backups.policy(tenant.tenant_id)
    now = clock.iso(clock.now())
    next_backup_at: str | None = None
    if wanted.schedule != "off":
        keep_slot = previous is not None and previous.schedule == wanted.schedule
        next_backup_at = previous.next_backup_at if keep_slot and previous else None
        next_backup_at = next_backup_at or now
    saved = dataclasses.replace(wanted, next_backup_at=next_backup_at, updated_at=now)
    store.backups.save_policy(
        tenant.tenant_id,
        saved,
        previous=previous,
        next_prune_at=now,
        actor_id=tenant.caller.user_id,
        actor_via=tenant.via,
    )
    return saved


# ---------------------------------------------------------------- restore ▶
def request_restore(tenant: Access, backup_id: str) -> Restore:
    """Lock the tenant, then let the worker take a pre_restore backup, verify and replace.

    Only this tenant's catalog is looked at, so another tenant's backup is not found here.
    """
    backup = _known(tenant, backup_id)
    if backup.state != "completed":
        raise Conflict("Only a completed backup can be restored.", code="backup_not_completed")
    now = clock.now()
    restore = Restore(
        id=ids.new_id(),
        tenant_id=tenant.tenant_id,
        backup_id=backup_id,
        pre_restore_backup_id=_now_id(),
        state="pending",
        requested_at=clock.iso(now),
        requested_by=tenant.caller.user_id,
        updated_at=clock.iso(now),
        attempts=0,
        restored_items=None,
        removed_items=None,
        error=None,
    )
    store.backups.begin_restore(
        tenant.tenant_id,
        restore,
        pre_restore_created_at=clock.iso(now),
        stale_before=clock.iso(now - RESTORE_STALE_AFTER),
        watch_at=clock.iso(now + RESTORE_WATCH_EVERY),
        actor_via=tenant.via,
    )
    # If this message is lost (or the commit's reply was), `backup.restore_watch` sends it again.
    jobs.send(RESTORE, tenant_id=tenant.tenant_id, restore_id=restore.id, step=0)
    count("RestoreRequested", tenant.tenant_id)
    return restore


def current_restore(tenant: Access) -> Restore:
    found = store.backups.restore(tenant.tenant_id)
    if found is None:
        raise NotFound("No backup was restored into this tenant yet.", code="restore_not_found")
    return found
