"""The work behind backups: exports, scheduled backups, retention and restores, one tenant each.

Every job is safe to run twice: SQS delivers at least once and retries what failed.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from backups import archive, backups, retention, store
from backups.domain import (
    DEFAULT_POLICY,
    EXPORT,
    INTERVALS,
    MAX_ATTEMPTS,
    PRUNE,
    RESTORE,
    RESTORE_PENDING_LIMIT,
    RESTORE_STALE_AFTER,
    RESTORE_WATCH,
    RESTORE_WATCH_EVERY,
    SCHEDULED,
    Backup,
    Restore,
)
from kontor import clock, fences, ids, jobs, keys, mail
from kontor.observability import count, logger
from kontor.settings import settings


def _now() -> str:
    return clock.iso(clock.now())


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------- export
def export(tenant_id: str, backup_id: str) -> Backup | None:
    """Write the tenant's whole key range to S3 and complete the backup; None if not ours to run.

    The backup becomes `completed` only after its object exists, by the attempt that wrote it. An
    attempt that dies half-way leaves the backup `running`; the retry starts over. The attempt that
    is the last delivery SQS makes (`MAX_ATTEMPTS`, the queue's maxReceiveCount) marks it failed
    when it fails.
    """
    attempt = ids.new_id()
    backup = store.backups.start(tenant_id, backup_id, attempt, _now())
    if backup is None:
        return store.backups.find(tenant_id, backup_id)
    bucket = settings().backups_bucket
    upload = store.objects.Upload(bucket, store.objects.backup_key(tenant_id, backup_id))
    header = archive.Header(tenant_id=tenant_id, backup_id=backup_id, kind=backup.kind, exported_at=_now())
    try:
        summary = archive.write(upload, header, store.tenant_data.items(tenant_id))
        stored = upload.finish()
    except BaseException as error:
        upload.abort()
        if backup.attempts >= MAX_ATTEMPTS and isinstance(error, Exception):
            reason = f"gave up after {MAX_ATTEMPTS} attempts: {error.__class__.__name__}"
            store.backups.fail(tenant_id, backup_id, attempt, reason, _now())
            logger.warning("backup failed", backup_id=backup_id, error=reason)
            return store.backups.find(tenant_id, backup_id)
        raise
    done = store.backups.complete(
        tenant_id,
        backup_id,
        attempt,
        object_key=stored.key,
        object_version=stored.version,
        size=stored.size,
        item_count=summary.item_count,
        checksum=summary.checksum,
        format_version=archive.VERSION,
        now=_now(),
    )
    if not done:  # another attempt took over meanwhile: its file is the one the catalog names
        store.objects.delete_version(bucket, stored.key, stored.version)
        return store.backups.find(tenant_id, backup_id)
    count("BackupCompleted", tenant_id)
    logger.info("backup completed", backup_id=backup_id, items=summary.item_count, size=stored.size)
    return store.backups.get(tenant_id, backup_id)


def export_message(message: dict[str, Any]) -> None:
    export(message["tenant_id"], message["backup_id"])


# ---------------------------------------------------------------- scheduled ⊕
def scheduled_backup(message: dict[str, Any]) -> None:
    """The backup of one tenant's due slot. The slot's backup id is derived from tenant and slot,
    so a retry finds and finishes the backup its first attempt created."""
    tenant_id, slot = message["tenant_id"], message["slot"]
    slot_at = _parse(keys.due_at(slot))
    backup_id = ids.new_id_at(int(slot_at.timestamp() * 1000), seed=f"{tenant_id}/{slot}".encode())
    policy = store.backups.policy(tenant_id)
    if policy is not None and policy.schedule in INTERVALS:
        next_at = clock.iso(retention.next_slot(slot_at, policy.schedule, clock.now()))
        store.backups.claim_scheduled(tenant_id, slot, next_at, backup_id, _now())
    if store.backups.find(tenant_id, backup_id) is not None:
        export(tenant_id, backup_id)


def prune_by_policy(message: dict[str, Any]) -> list[str]:
    """Retention: delete the scheduled backups the tenant's policy no longer keeps."""
    tenant_id, slot = message["tenant_id"], message["slot"]
    now = clock.now()
    store.backups.claim_prune(tenant_id, slot, clock.iso(now + INTERVALS["daily"]))
    policy = store.backups.policy(tenant_id) or DEFAULT_POLICY
    everything = list(store.backups.every(tenant_id))
    deleted = backups.delete_chosen(
        tenant_id, retention.by_policy(everything, policy, now) + backups.leftovers(everything)
    )
    if deleted:
        store.backups.record(
            tenant_id,
            actor_id="system",
            actor_via="system",
            action="backup.pruned",
            target=None,
            details={"policy": True, "deleted": [b.id for b in deleted]},
        )
    return [b.id for b in deleted]


# ---------------------------------------------------------------- restore
def restore(message: dict[str, Any]) -> None:
    """pre_restore backup, then verify the chosen file, then replace the business data.

    Nothing is replaced until the whole file has been verified against the catalog. An attempt
    that fails leaves the restore `running` (fenced) for SQS's retry, which converges on the
    backup's data; the last delivery SQS makes ends it `failed` and lowers the fence, and
    `backup.restore_watch` does the same for attempts that died without a word (timeouts).
    """
    tenant_id, restore_id = message["tenant_id"], message["restore_id"]
    claimed = store.backups.restore_running(tenant_id, restore_id, _now())
    if claimed is None:
        return
    try:
        _restore(claimed)
    except Exception as error:
        if claimed.attempts < MAX_ATTEMPTS:
            store.backups.restore_interrupted(
                tenant_id, restore_id, f"interrupted: {error.__class__.__name__}"
            )
            raise
        give_up(claimed, f"gave up after {MAX_ATTEMPTS} attempts: {error.__class__.__name__}")


def _restore(claimed: Restore) -> None:
    tenant_id, restore_id = claimed.tenant_id, claimed.id
    # Writes that saw the tenant open before the fence rose may still commit for a moment: wait them
    # out, so the pre_restore backup holds them and the replacement does not drop them.
    wait = fences.settled(
        claimed.requested_at, clock.now(), timedelta(seconds=settings().fence_grace_seconds)
    )
    if wait:
        logger.info("restore waits for writes in flight to settle", seconds=wait)
        time.sleep(wait)
    pre_restore = export(tenant_id, claimed.pre_restore_backup_id)
    if pre_restore is None or pre_restore.state != "completed":
        _refuse(claimed, "the pre_restore backup could not be written")
        return
    backup = store.backups.find(tenant_id, claimed.backup_id)
    if backup is None or backup.state != "completed" or backup.object_key is None:
        _refuse(claimed, "the backup is no longer available")
        return
    bucket = settings().backups_bucket
    expected = {
        "tenant_pk": keys.tenant_pk(tenant_id),
        "tenant_id": tenant_id,
        "backup_id": backup.id,
        "expected": archive.Summary(item_count=backup.item_count or 0, checksum=backup.checksum or ""),
    }
    try:
        archive.verify(
            store.objects.open_version(bucket, backup.object_key, backup.object_version), **expected
        )
    except archive.BackupRefused as refused:
        _refuse(claimed, str(refused))
        return
    store.backups.restore_replacing(tenant_id, restore_id, _now())
    source = store.objects.open_version(bucket, backup.object_key, backup.object_version)
    restored, removed = replace(tenant_id, archive.read(source, **expected))
    store.backups.restore_finished(
        tenant_id,
        restore_id,
        "completed",
        _now(),
        restored=restored,
        removed=removed,
        audit_entry={
            "actor_id": claimed.requested_by,
            "actor_via": "system",
            "action": "backup.restored",
            "target": backup.id,
            "details": {"restore_id": restore_id, "items": restored},
        },
    )
    logger.info("restore finished", restore_id=restore_id, state="completed")
    count("RestoreCompleted", tenant_id)


def _refuse(claimed: Restore, reason: str) -> None:
    """Refused while nothing was replaced; once an earlier attempt replaced data, failed."""
    if claimed.replacing:
        give_up(claimed, reason)
        return
    store.backups.restore_finished(claimed.tenant_id, claimed.id, "refused", _now(), error=reason)
    logger.info("restore finished", restore_id=claimed.id, state="refused", error=reason)


def give_up(claimed: Restore, reason: str) -> None:
    """End the restore `failed`, lower the fence so the tenant is writable again, and tell its admins
    in which condition the data is: unchanged, or partly replaced (the pre_restore backup holds it
    as it was before the restore)."""
    if claimed.replacing:
        condition = (
            "Its data was partly replaced: some records are as in the backup, others as before. The "
            f"backup {claimed.pre_restore_backup_id} (pre_restore) holds the data as it was before the "
            "restore; restore it, or the chosen backup again."
        )
    else:
        condition = "Its data was not changed."
    error = f"{reason}. {condition}"
    if not store.backups.restore_finished(claimed.tenant_id, claimed.id, "failed", _now(), error=error):
        return  # ended meanwhile: its admins were told then
    logger.warning("restore failed", restore_id=claimed.id, error=error)
    count("RestoreFailed", claimed.tenant_id)
    admins = store.backups.admin_addresses(claimed.tenant_id)
    if admins:
        mail.send(
            mail.Mail(
                to=admins,
                subject="A restore of your backup failed",
                text=(
                    f"Hello,\n\nthe restore of backup {claimed.backup_id} requested at "
                    f"{claimed.requested_at} could not finish ({reason}). The tenant can be changed "
                    f"again. {condition}\n"
                ),
            )
        )


def watch_restore(message: dict[str, Any]) -> None:
    """Find an unfinished restore again: send a pending one's message again (it was lost, or the
    request's reply was), and end one that is past its bound `failed` (fence lowered, admins mailed):
    running with no progress for `RESTORE_STALE_AFTER` (its attempts died or went to the dead-letter
    queue), or pending for `RESTORE_PENDING_LIMIT`."""
    tenant_id, slot = message["tenant_id"], message["slot"]
    now = clock.now()
    found = store.backups.restore_watched(tenant_id, slot, clock.iso(now + RESTORE_WATCH_EVERY))
    if found is None or found.state not in store.backups.ACTIVE_RESTORE:
        return
    if found.state == "running" and _parse(found.updated_at) <= now - RESTORE_STALE_AFTER:
        attempts = f"{found.attempts} attempt{'s' if found.attempts != 1 else ''}"
        give_up(
            found,
            f"no progress for {int(RESTORE_STALE_AFTER.total_seconds() // 60)} minutes after {attempts}",
        )
    elif found.state == "pending" and _parse(found.requested_at) <= now - RESTORE_PENDING_LIMIT:
        give_up(found, "its work was never picked up")
    elif found.state == "pending" and _parse(found.updated_at) <= now - RESTORE_WATCH_EVERY:
        logger.info("restore sent again", restore_id=found.id)
        jobs.send(RESTORE, tenant_id=tenant_id, restore_id=found.id)


def replace(tenant_id: str, backup_items: Any) -> tuple[int, int]:
    """Make the tenant's business data equal the backup's: a merge of two streams in key order.

    The backup file and the Query both run in sort-key order, so memory stays flat: an item only in
    the table is deleted, one only in the backup or different in it is written, an equal one is
    left alone (a re-run after a failure writes only what is still missing). Rows a restore never
    rolls back (`keys.NOT_RESTORED`) are skipped on both sides, and so are the items of a licensed
    module whose data the tenant no longer keeps (purged, or never licensed): a restore never
    brings back what the licence job purged. How many were written and removed.
    """
    kept_modules = store.tenant_data.kept_modules(tenant_id)

    def restorable(sk: str) -> bool:
        module = keys.module_of_key(sk)
        return keys.restorable(sk) and (module is None or module in kept_modules)

    writer = store.tenant_data.Writer()
    current = iter(store.tenant_data.items(tenant_id))
    here = next(current, None)
    for wanted in backup_items:
        sk = wanted["sk"]["S"]
        while here is not None and here["sk"]["S"] < sk:
            if restorable(here["sk"]["S"]):
                writer.delete(here)
            here = next(current, None)
        if not restorable(sk):
            continue
        if here is not None and here["sk"]["S"] == sk:
            if here != wanted:
                writer.put(wanted)
            here = next(current, None)
        else:
            writer.put(wanted)
    while here is not None:
        if restorable(here["sk"]["S"]):
            writer.delete(here)
        here = next(current, None)
    writer.flush()
    return writer.puts, writer.deletes


REGISTRY = jobs.Registry(
    "backups",
    [
        jobs.Job(EXPORT, export_message),
        jobs.Job(SCHEDULED, scheduled_backup, due=keys.BACKUP_DUE),
        jobs.Job(PRUNE, prune_by_policy, due=keys.PRUNE_DUE),
        jobs.Job(RESTORE, restore),
        jobs.Job(RESTORE_WATCH, watch_restore, due=keys.RESTORE_DUE),
    ],
    find_due=store.backups.due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
