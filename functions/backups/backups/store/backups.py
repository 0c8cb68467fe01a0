"""Backups' rows: the catalog, the policy with its due markers, and the restore lock.

Every state change is a conditional write: a backup moves pending -> running -> completed | failed
only from the state it is expected to be in, and only the attempt that started it may finish it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from backups.domain import IN_FLIGHT, MAX_ATTEMPTS, Backup, Policy, Restore
from kontor import audit, db, fences, keys, mapping, outbox, system_mail
from kontor.errors import Conflict, NotFound
from kontor.fences import Fence
from kontor.models import (
    BackupItem,
    BackupPolicyItem,
    BackupRetentionItem,
    RestoreItem,
    TenantItem,
)

# A restore in these states holds the tenant's `restoring` fence and the backups it reads.
ACTIVE_RESTORE = ("pending", "running")


def _failed_condition(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


# ---------------------------------------------------------------- conversions
def _backup(item: BackupItem) -> Backup:
    return mapping.domain(item, Backup)


def _restore(item: RestoreItem) -> Restore:
    return mapping.domain(item, Restore, tenant_id=keys.tenant_id_of(item.pk))


def _new_backup_item(
    tenant_id: str, backup_id: str, kind: str, created_at: str, created_by: str, note: str | None = None
) -> BackupItem:
    return BackupItem(
        keys.tenant_pk(tenant_id),
        keys.backup_sk(backup_id),
        id=backup_id,
        tenant_id=tenant_id,
        kind=kind,
        state="pending",
        note=note,
        created_at=created_at,
        created_by=created_by,
        attempts=0,
        step=0,
        due_pk=keys.due_pk(keys.EXPORT_DUE, tenant_id),
        due_sk=keys.export_due_sk(created_at, tenant_id, backup_id),
    )


def _ref(tenant_id: str, backup_id: str) -> BackupItem:
    return BackupItem(keys.tenant_pk(tenant_id), keys.backup_sk(backup_id))


# ---------------------------------------------------------------- catalog reads
def get(tenant_id: str, backup_id: str) -> Backup:
    try:
        item = BackupItem.get(keys.tenant_pk(tenant_id), keys.backup_sk(backup_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such backup.", code="backup_not_found") from None
    return _backup(item)


def find(tenant_id: str, backup_id: str) -> Backup | None:
    try:
        return get(tenant_id, backup_id)
    except NotFound:
        return None


def page(tenant_id: str, limit: int, last_key: dict[str, Any] | None) -> tuple[list[Backup], Any]:
    """One Query page of the catalog, newest first."""
    results = BackupItem.query(
        keys.tenant_pk(tenant_id),
        BackupItem.sk.startswith(keys.BACKUP_PREFIX),
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=last_key,
    )
    found = [_backup(item) for item in results]
    return found, results.last_evaluated_key


def every(tenant_id: str) -> Iterator[Backup]:
    """The whole catalog, newest first (it grows with one tenant's backups, which prune bounds)."""
    for item in BackupItem.query(
        keys.tenant_pk(tenant_id),
        BackupItem.sk.startswith(keys.BACKUP_PREFIX),
        scan_index_forward=False,
        consistent_read=True,
    ):
        yield _backup(item)


# ---------------------------------------------------------------- catalog writes
def create(
    tenant_id: str,
    backup_id: str,
    kind: str,
    *,
    created_at: str,
    created_by: str,
    actor_via: str,
    note: str | None,
) -> Backup:
    """A pending backup, with its audit entry; refused while the tenant restores."""
    item = _new_backup_item(tenant_id, backup_id, kind, created_at, created_by, note)
    with fences.write(tenant_id) as tx:
        tx.save(item, condition=BackupItem.pk.does_not_exist())
        audit.record(
            tx,
            tenant_id=tenant_id,
            actor_id=created_by,
            actor_via=actor_via,
            action="backup.requested",
            target=backup_id,
            details={"kind": kind},
        )
    return _backup(item)


def _claimable(attempt: Any, claimed_at: Any, dead_before: str) -> Any:
    """Nobody works on the step, or whoever claimed it last is dead by now."""
    return attempt.does_not_exist() | (claimed_at < dead_before)


def start(
    tenant_id: str,
    backup_id: str,
    attempt: str,
    step: int | None,
    now: str,
    *,
    dead_before: str,
    restore_seen: str,
) -> Backup | None:
    """Claim one step of the export for `attempt`: its message's step (None: whichever is current),
    while no live attempt holds it. The first claim notes `restore_seen`.

    None when there is nothing (more) to do for this message: completed, failed, deleted, another
    step, a live attempt on it (a duplicate message), or out of attempts.
    """
    item = _ref(tenant_id, backup_id)
    condition = (
        BackupItem.state.is_in(*IN_FLIGHT)
        & (BackupItem.attempts < MAX_ATTEMPTS)
        & _claimable(BackupItem.attempt, BackupItem.progress_at, dead_before)
    )
    if step is not None:
        condition &= BackupItem.step == step
    try:
        item.update(
            actions=[
                BackupItem.state.set("running"),
                BackupItem.attempt.set(attempt),
                BackupItem.attempts.add(1),
                BackupItem.started_at.set(BackupItem.started_at | now),
                BackupItem.progress_at.set(now),
                BackupItem.restore_seen.set(BackupItem.restore_seen | restore_seen),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if not _failed_condition(error):
            raise
        found = find(tenant_id, backup_id)
        last_try = found is not None and found.state == "running" and found.attempts >= MAX_ATTEMPTS
        if last_try and found and (step is None or found.step == step) and found.attempt is None:
            fail(tenant_id, backup_id, None, f"gave up after {MAX_ATTEMPTS} attempts", now)
        return None
    return _backup(item)


def checkpoint(
    tenant_id: str,
    backup_id: str,
    attempt: str,
    *,
    step: int,
    upload_id: str | None,
    parts: list[str],
    cursor: str | None,
    digest: str,
    items_done: int,
    size_done: int,
    carry_version: str | None,
    now: str,
) -> bool:
    """Record where the export stands after a step, and free the next step for its message (its
    attempts count from 0). False if another attempt took the step over."""
    actions = [
        BackupItem.step.set(step + 1),
        BackupItem.attempts.set(0),
        BackupItem.attempt.remove(),
        BackupItem.parts.set(parts),
        BackupItem.digest.set(digest),
        BackupItem.items_done.set(items_done),
        BackupItem.size_done.set(size_done),
        BackupItem.progress_at.set(now),
    ]
    actions.append(BackupItem.upload_id.set(upload_id) if upload_id else BackupItem.upload_id.remove())
    actions.append(BackupItem.cursor.set(cursor) if cursor else BackupItem.cursor.remove())
    actions.append(
        BackupItem.carry_version.set(carry_version) if carry_version else BackupItem.carry_version.remove()
    )
    try:
        _ref(tenant_id, backup_id).update(
            actions=actions,
            condition=(BackupItem.state == "running")
            & (BackupItem.attempt == attempt)
            & (BackupItem.step == step),
        )
    except UpdateError as error:
        if _failed_condition(error):
            return False
        raise
    return True


def release(tenant_id: str, backup_id: str, attempt: str, error: str) -> None:
    """An attempt that failed lets go of its step, so SQS's next delivery may take it at once."""
    try:
        _ref(tenant_id, backup_id).update(
            actions=[BackupItem.attempt.remove(), BackupItem.error.set(error)],
            condition=(BackupItem.state == "running") & (BackupItem.attempt == attempt),
        )
    except UpdateError as failed:
        if not _failed_condition(failed):
            raise


_CHECKPOINT = ("attempt", "upload_id", "parts", "cursor", "digest", "carry_version", "due_pk", "due_sk")


def complete(
    tenant_id: str,
    backup_id: str,
    attempt: str,
    *,
    restore_seen: str,
    object_key: str,
    object_version: str | None,
    size: int,
    item_count: int,
    checksum: str,
    format_version: int,
    now: str,
) -> bool:
    """Completed only by the attempt that is running it, after its object exists, and only if no
    restore began since the export did (the tenant's restore row is still the one it saw: a restore
    in between replaced data the export may have read); False otherwise."""
    actions = [
        BackupItem.state.set("completed"),
        BackupItem.completed_at.set(now),
        BackupItem.object_key.set(object_key),
        BackupItem.size.set(size),
        BackupItem.item_count.set(item_count),
        BackupItem.checksum.set(checksum),
        BackupItem.format_version.set(format_version),
        BackupItem.error.remove(),
        *(getattr(BackupItem, name).remove() for name in _CHECKPOINT),
    ]
    if object_version:
        actions.append(BackupItem.object_version.set(object_version))
    pk = keys.tenant_pk(tenant_id)
    no_restore_since = (
        RestoreItem.sk.does_not_exist() if restore_seen == NO_RESTORE else RestoreItem.id == restore_seen
    )
    try:
        with db.transaction() as tx:
            tx.update(
                _ref(tenant_id, backup_id),
                actions=actions,
                condition=(BackupItem.state == "running") & (BackupItem.attempt == attempt),
            )
            tx.condition_check(RestoreItem, pk, keys.RESTORE_SK, condition=no_restore_since)
    except db.Cancelled as cancelled:
        if (pk, keys.backup_sk(backup_id)) in cancelled.failed:
            return False
        if (pk, keys.RESTORE_SK) in cancelled.failed:
            raise RestoredMeanwhile() from None
        raise
    return True


class RestoredMeanwhile(Exception):
    """A restore began after the export did: the export must not complete."""


# `restore_seen` of an export that began when the tenant had no restore row.
NO_RESTORE = "-"


def fail(tenant_id: str, backup_id: str, attempt: str | None, reason: str, now: str) -> bool:
    """End the export `failed` (off the due index); False if it had ended already."""
    condition = BackupItem.state.is_in(*IN_FLIGHT)
    if attempt is not None:
        condition &= BackupItem.attempt == attempt
    try:
        _ref(tenant_id, backup_id).update(
            actions=[
                BackupItem.state.set("failed"),
                BackupItem.error.set(reason),
                BackupItem.completed_at.set(now),
                *(getattr(BackupItem, name).remove() for name in _CHECKPOINT),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if not _failed_condition(error):
            raise
        return False
    return True


def export_watched(tenant_id: str, backup_id: str, slot: str, next_at: str) -> Backup | None:
    """Move the export's due marker from `slot` to `next_at`; the backup, or None when the marker is
    no longer at `slot` (another watch run took it, or the export ended)."""
    item = _ref(tenant_id, backup_id)
    try:
        item.update(
            actions=[BackupItem.due_sk.set(keys.export_due_sk(next_at, tenant_id, backup_id))],
            condition=BackupItem.due_sk == slot,
        )
    except UpdateError as error:
        if _failed_condition(error):
            return None
        raise
    return _backup(item)


def mark_deleting(tenant_id: str, backup_id: str) -> bool:
    """Take a finished backup out of use before its object goes; False if it is in flight or gone.

    Refused (`backup_in_use`) while an unfinished restore reads it: the check on the tenant's
    RESTORE row and `begin_restore`'s check on the backup row make the two exclude each other.
    """
    pk = keys.tenant_pk(tenant_id)
    try:
        with db.transaction() as tx:
            tx.update(
                _ref(tenant_id, backup_id),
                actions=[BackupItem.state.set("deleting")],
                condition=BackupItem.state.is_in("completed", "failed", "deleting"),
            )
            tx.condition_check(
                RestoreItem,
                pk,
                keys.RESTORE_SK,
                condition=RestoreItem.sk.does_not_exist()
                | ~RestoreItem.state.is_in(*ACTIVE_RESTORE)
                | ((RestoreItem.backup_id != backup_id) & (RestoreItem.pre_restore_backup_id != backup_id)),
            )
    except db.Cancelled as cancelled:
        if (pk, keys.RESTORE_SK) in cancelled.failed:
            raise Conflict(
                "A restore is using this backup; delete it when the restore has ended.", code="backup_in_use"
            ) from None
        if (pk, keys.backup_sk(backup_id)) in cancelled.failed:
            return False
        raise
    return True


def remove(tenant_id: str, backup_ids: list[str]) -> None:
    """Drop catalog rows already marked `deleting` (25 a call)."""
    with BackupItem.batch_write() as batch:
        for backup_id in backup_ids:
            batch.delete(_ref(tenant_id, backup_id))


def record(
    tenant_id: str,
    *,
    actor_id: str,
    actor_via: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """An audit entry on its own, for actions whose effect is outside the table."""
    with db.transaction() as tx:
        audit.record(
            tx,
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_via=actor_via,
            action=action,
            target=target,
            details=details,
        )


# ---------------------------------------------------------------- policy
def policy(tenant_id: str) -> Policy | None:
    try:
        item = BackupPolicyItem.get(keys.tenant_pk(tenant_id), keys.BACKUP_POLICY_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return Policy(
        schedule=item.schedule,
        keep_last=int(item.keep_last),
        keep_daily=int(item.keep_daily),
        keep_weekly=int(item.keep_weekly),
        keep_monthly=int(item.keep_monthly),
        next_backup_at=item.next_backup_at,
        updated_at=item.updated_at,
    )


def save_policy(
    tenant_id: str, new: Policy, *, previous: Policy | None, next_prune_at: str, actor_id: str, actor_via: str
) -> None:
    """The policy and both due markers, if nobody saved another policy since `previous` was read."""
    pk = keys.tenant_pk(tenant_id)
    scheduled = new.next_backup_at is not None
    row = BackupPolicyItem(
        pk,
        keys.BACKUP_POLICY_SK,
        schedule=new.schedule,
        keep_last=new.keep_last,
        keep_daily=new.keep_daily,
        keep_weekly=new.keep_weekly,
        keep_monthly=new.keep_monthly,
        next_backup_at=new.next_backup_at,
        due_pk=keys.due_pk(keys.BACKUP_DUE, tenant_id) if scheduled else None,
        due_sk=keys.due_sk(new.next_backup_at, tenant_id) if scheduled else None,
        updated_at=new.updated_at,
        updated_by=actor_id,
    )
    unchanged = (
        BackupPolicyItem.pk.does_not_exist()
        if previous is None
        else BackupPolicyItem.updated_at == previous.updated_at
    )
    try:
        with db.transaction() as tx:
            tx.save(row, condition=unchanged)
            tx.save(
                BackupRetentionItem(
                    pk,
                    keys.BACKUP_RETENTION_SK,
                    next_prune_at=next_prune_at,
                    due_pk=keys.due_pk(keys.PRUNE_DUE, tenant_id),
                    due_sk=keys.due_sk(next_prune_at, tenant_id),
                )
            )
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=actor_id,
                actor_via=actor_via,
                action="backup_policy.saved",
                target=None,
                details={
                    "schedule": new.schedule,
                    "keep_last": new.keep_last,
                    "keep_daily": new.keep_daily,
                    "keep_weekly": new.keep_weekly,
                    "keep_monthly": new.keep_monthly,
                },
            )
    except db.Cancelled as cancelled:
        if (pk, keys.BACKUP_POLICY_SK) in cancelled.failed:
            raise Conflict(
                "The policy was changed at the same time; read it again.", code="conflict"
            ) from None
        raise


def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(tenant_id, due_sk) of every marker in `partition` due by `until`: one Query per page of keys."""
    model: type[BackupPolicyItem] | type[BackupRetentionItem] | type[RestoreItem] | type[BackupItem]
    if partition in keys.due_partitions(keys.EXPORT_DUE):
        model = BackupItem
    elif partition in keys.due_partitions(keys.BACKUP_DUE):
        model = BackupPolicyItem
    elif partition in keys.due_partitions(keys.RESTORE_DUE):
        model = RestoreItem
    else:
        model = BackupRetentionItem
    for item in model.due.query(partition, model.due_sk <= keys.due_until(until)):
        yield keys.tenant_id_of(item.pk), item.due_sk


def claim_scheduled(tenant_id: str, slot: str, next_at: str, backup_id: str, created_at: str) -> bool:
    """Move the tenant's backup marker past `slot` and create that slot's backup, together.

    False when the marker is no longer at `slot` (claimed before, or the policy changed). While
    the tenant restores it raises `tenant_restoring`, so SQS retries the slot after the restore.
    """
    pk = keys.tenant_pk(tenant_id)
    try:
        with fences.write(tenant_id, system=True) as tx:
            tx.update(
                BackupPolicyItem(pk, keys.BACKUP_POLICY_SK),
                actions=[
                    BackupPolicyItem.next_backup_at.set(next_at),
                    BackupPolicyItem.due_sk.set(keys.due_sk(next_at, tenant_id)),
                ],
                condition=BackupPolicyItem.due_sk == slot,
            )
            tx.save(
                _new_backup_item(tenant_id, backup_id, "scheduled", created_at, "system"),
                condition=BackupItem.pk.does_not_exist(),
            )
    except db.Cancelled as cancelled:
        if (pk, keys.BACKUP_POLICY_SK) in cancelled.failed:
            return False
        raise
    return True


def claim_prune(tenant_id: str, slot: str, next_at: str) -> bool:
    try:
        BackupRetentionItem(keys.tenant_pk(tenant_id), keys.BACKUP_RETENTION_SK).update(
            actions=[
                BackupRetentionItem.next_prune_at.set(next_at),
                BackupRetentionItem.due_sk.set(keys.due_sk(next_at, tenant_id)),
            ],
            condition=BackupRetentionItem.due_sk == slot,
        )
    except UpdateError as error:
        if _failed_condition(error):
            return False
        raise
    return True


# ---------------------------------------------------------------- restore lock
def restore(tenant_id: str) -> Restore | None:
    try:
        return _restore(RestoreItem.get(keys.tenant_pk(tenant_id), keys.RESTORE_SK, consistent_read=True))
    except DoesNotExist:
        return None


def begin_restore(
    tenant_id: str,
    restore: Restore,
    *,
    pre_restore_created_at: str,
    stale_before: str,
    watch_at: str,
    actor_via: str,
) -> None:
    """Take the restore lock and create the pre_restore backup, together.

    The lock is free when no restore ran or the last one ended; a running one that went silent past
    `stale_before` may be taken over. The restore row carries a due marker at `watch_at`, so
    `backup.restore_watch` finds it again if its message is lost. The source backup must still be
    completed (`mark_deleting` checks the other way round).
    """
    pk = keys.tenant_pk(tenant_id)
    free = (
        RestoreItem.sk.does_not_exist()
        | RestoreItem.state.is_in("completed", "refused", "failed")
        | (RestoreItem.updated_at < stale_before)
    )
    try:
        with db.transaction() as tx:
            tx.save(
                RestoreItem(
                    pk,
                    keys.RESTORE_SK,
                    id=restore.id,
                    backup_id=restore.backup_id,
                    pre_restore_backup_id=restore.pre_restore_backup_id,
                    state="pending",
                    requested_at=restore.requested_at,
                    requested_by=restore.requested_by,
                    updated_at=restore.updated_at,
                    attempts=0,
                    step=0,
                    due_pk=keys.due_pk(keys.RESTORE_DUE, tenant_id),
                    due_sk=keys.due_sk(watch_at, tenant_id),
                ),
                condition=free,
            )
            tx.condition_check(
                BackupItem, pk, keys.backup_sk(restore.backup_id), condition=BackupItem.state == "completed"
            )
            tx.save(
                _new_backup_item(
                    tenant_id,
                    restore.pre_restore_backup_id,
                    "pre_restore",
                    pre_restore_created_at,
                    restore.requested_by,
                    note=f"before restoring {restore.backup_id}",
                ),
                condition=BackupItem.pk.does_not_exist(),
            )
            # From now on the tenant refuses writes; the worker replaces nothing before they settled.
            tx.update(
                TenantItem(pk, keys.TENANT_SK),
                actions=fences.raise_fence(Fence.RESTORING, restore.id, restore.requested_at),
                # A restore and a first sync exclude each other (the sync's start checks the reverse).
                condition=TenantItem.pk.exists() & TenantItem.fences[Fence.SYNCING.value].does_not_exist(),
            )
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=restore.requested_by,
                actor_via=actor_via,
                action="backup.restore_requested",
                target=restore.backup_id,
                details={"restore_id": restore.id, "pre_restore_backup_id": restore.pre_restore_backup_id},
            )
    except db.Cancelled as cancelled:
        if (pk, keys.RESTORE_SK) in cancelled.failed:
            raise Conflict(
                "A restore is already running in this tenant.", code="restore_in_progress"
            ) from None
        if (pk, keys.backup_sk(restore.backup_id)) in cancelled.failed:
            raise Conflict("Only a completed backup can be restored.", code="backup_not_completed") from None
        if (pk, keys.TENANT_SK) in cancelled.failed:
            raise Conflict(
                "The company database's first sync is running; restore when it has finished.",
                code="tenant_syncing",
            ) from None
        raise


def restore_running(
    tenant_id: str, restore_id: str, step: int | None, attempt: str, now: str, *, dead_before: str
) -> Restore | None:
    """Claim the restore's step for this attempt (pending, or running on a retry); None if it has
    ended, is at another step, or a live attempt holds the step (a duplicate message)."""
    item = RestoreItem(keys.tenant_pk(tenant_id), keys.RESTORE_SK)
    condition = (
        (RestoreItem.id == restore_id)
        & RestoreItem.state.is_in(*ACTIVE_RESTORE)
        & _claimable(RestoreItem.attempt, RestoreItem.updated_at, dead_before)
    )
    if step is not None:
        condition &= RestoreItem.step == step
    try:
        item.update(
            actions=[
                RestoreItem.state.set("running"),
                RestoreItem.attempt.set(attempt),
                RestoreItem.attempts.add(1),
                RestoreItem.updated_at.set(now),
                RestoreItem.error.remove(),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if _failed_condition(error):
            return None
        raise
    return _restore(item)


def restore_checkpoint(
    tenant_id: str,
    restore_id: str,
    attempt: str,
    *,
    step: int,
    phase: str,
    lines_done: int,
    digest: str,
    merge_key: str | None,
    restored: int,
    removed: int,
    now: str,
) -> bool:
    """Record where the restore stands after a step and free the next step for its message (its
    attempts count from 0); False if the restore ended or another attempt took the step over."""
    actions = [
        RestoreItem.step.set(step + 1),
        RestoreItem.phase.set(phase),
        RestoreItem.lines_done.set(lines_done),
        RestoreItem.restored_items.set(restored),
        RestoreItem.removed_items.set(removed),
        RestoreItem.attempts.set(0),
        RestoreItem.attempt.remove(),
        RestoreItem.updated_at.set(now),
    ]
    actions.append(RestoreItem.digest.set(digest) if digest else RestoreItem.digest.remove())
    actions.append(RestoreItem.merge_key.set(merge_key) if merge_key else RestoreItem.merge_key.remove())
    try:
        RestoreItem(keys.tenant_pk(tenant_id), keys.RESTORE_SK).update(
            actions=actions,
            condition=(RestoreItem.id == restore_id)
            & RestoreItem.state.is_in(*ACTIVE_RESTORE)
            & (RestoreItem.attempt == attempt),
        )
    except UpdateError as error:
        if _failed_condition(error):
            return False
        raise
    return True


def restore_replacing(tenant_id: str, restore_id: str, now: str) -> None:
    """Note that this restore starts changing the tenant's data (before the first write)."""
    RestoreItem(keys.tenant_pk(tenant_id), keys.RESTORE_SK).update(
        actions=[RestoreItem.replacing.set(True), RestoreItem.updated_at.set(now)],
        condition=(RestoreItem.id == restore_id) & RestoreItem.state.is_in(*ACTIVE_RESTORE),
    )


def restore_interrupted(tenant_id: str, restore_id: str, attempt: str, error: str) -> None:
    """Why the last attempt stopped; the restore stays running (and fenced) for SQS's retry, which
    may take the step at once."""
    try:
        RestoreItem(keys.tenant_pk(tenant_id), keys.RESTORE_SK).update(
            actions=[RestoreItem.error.set(error), RestoreItem.attempt.remove()],
            condition=(RestoreItem.id == restore_id)
            & RestoreItem.state.is_in(*ACTIVE_RESTORE)
            & (RestoreItem.attempt == attempt),
        )
    except UpdateError as failed:
        if not _failed_condition(failed):
            raise


def restore_watched(tenant_id: str, slot: str, next_at: str) -> Restore | None:
    """Move the restore's due marker from `slot` to `next_at`; the restore, or None when the marker
    is no longer at `slot` (another watch run took it, or the restore ended)."""
    item = RestoreItem(keys.tenant_pk(tenant_id), keys.RESTORE_SK)
    try:
        item.update(
            actions=[RestoreItem.due_sk.set(keys.due_sk(next_at, tenant_id))],
            condition=RestoreItem.due_sk == slot,
        )
    except UpdateError as error:
        if _failed_condition(error):
            return None
        raise
    return _restore(item)


def restore_finished(
    tenant_id: str,
    restore_id: str,
    state: str,
    now: str,
    *,
    error: str | None = None,
    restored: int | None = None,
    removed: int | None = None,
    audit_entry: dict[str, Any] | None = None,
    message: system_mail.Message | None = None,
) -> list[outbox.Queued] | None:
    """End the restore (completed, refused or failed) if it has not ended yet: lower the tenant's
    fence (if it is still this restore's), drop the due marker, and write `audit_entry` (the
    `audit.record` arguments) and `message` to the tenant's admins (through the outbox) in the same
    transaction; the mails to deliver. None if it had already ended."""
    actions = [
        RestoreItem.state.set(state),
        RestoreItem.updated_at.set(now),
        RestoreItem.due_pk.remove(),
        RestoreItem.due_sk.remove(),
    ]
    actions.append(RestoreItem.error.set(error) if error else RestoreItem.error.remove())
    if restored is not None:
        actions.append(RestoreItem.restored_items.set(restored))
    if removed is not None:
        actions.append(RestoreItem.removed_items.set(removed))
    pk = keys.tenant_pk(tenant_id)
    ours = (RestoreItem.id == restore_id) & RestoreItem.state.is_in(*ACTIVE_RESTORE)
    recipients = system_mail.admins(tenant_id) if message is not None else []
    for lower in (True, False):
        try:
            with db.transaction() as tx:
                tx.update(RestoreItem(pk, keys.RESTORE_SK), actions=actions, condition=ours)
                if lower:
                    tx.update(
                        TenantItem(pk, keys.TENANT_SK),
                        actions=fences.lower_fence(Fence.RESTORING),
                        condition=fences.raised_by(Fence.RESTORING, restore_id),
                    )
                if audit_entry is not None:
                    audit.record(tx, tenant_id=tenant_id, **audit_entry)
                queued = system_mail.to_admins(tx, tenant_id, message, recipients) if message else []
            return queued
        except db.Cancelled as cancelled:
            if (pk, keys.RESTORE_SK) in cancelled.failed:
                return None
            if not lower or (pk, keys.TENANT_SK) not in cancelled.failed:
                raise
            # The fence is not this restore's (lowered already): end the restore alone.
    return None
