"""The work behind backups: exports, scheduled backups, retention and restores, one tenant each.

Every job is safe to run twice: SQS delivers at least once and retries what failed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backups import archive, backups, retention, store
from backups.domain import (
    CLAIM_EXPIRES,
    DEFAULT_POLICY,
    EXPORT,
    EXPORT_PENDING_LIMIT,
    EXPORT_STALE_AFTER,
    EXPORT_WATCH,
    EXPORT_WATCH_EVERY,
    IN_FLIGHT,
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
from kontor import clock, fences, ids, jobs, keys, outbox, system_mail
from kontor.observability import count, logger
from kontor.settings import settings


def _now() -> str:
    return clock.iso(clock.now())


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------- steps
class Budget:
    """How much one message's step may still do before it checkpoints and hands on: a number of
    items, and time — `backup_step_seconds`, or 60 % of what is left of the invocation if that is
    less, leaving the rest for the last part's upload and the checkpoint. Every step does at least
    one item, so every step makes progress."""

    def __init__(self) -> None:
        config = settings()
        seconds = config.backup_step_seconds
        left = jobs.time_left()
        if left is not None:
            seconds = min(seconds, left * 0.6)
        self._started = time.monotonic()
        self._until = self._started + seconds
        self._items = config.backup_step_items
        self._spent = 0

    def spend(self) -> None:
        self._items -= 1
        self._spent += 1

    def page_items(self) -> int:
        """How many items the next Query page should hold: what a third of the time left would
        take at the pace so far (100 before anything is known), never more than the items left."""
        left = self._until - time.monotonic()
        if self._spent == 0:
            wanted = 100
        else:
            per_item = (time.monotonic() - self._started) / self._spent
            wanted = int(left / 3 / per_item) if per_item > 0 else self._items
        return max(1, min(wanted, self._items))

    @property
    def spent(self) -> bool:
        return self._items <= 0 or time.monotonic() >= self._until


class _Until:
    """The tenant's items from a key on, until the budget is spent; where it stopped."""

    def __init__(self, rows: Iterator[dict[str, Any]], budget: Budget) -> None:
        self._rows, self._budget = rows, budget
        self.last_key: str | None = None
        self.exhausted = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self._rows:
            yield row
            self.last_key = row["sk"]["S"]
            self._budget.spend()
            if self._budget.spent:
                return
        self.exhausted = True


# The step the last `export` call checkpointed and handed on (None: it ended, or was not ours).
_handed_on: ContextVar[int | None] = ContextVar("export_handed_on", default=None)


def _dead_before() -> str:
    return clock.iso(clock.now() - CLAIM_EXPIRES)


# ---------------------------------------------------------------- export
def export(
    tenant_id: str, backup_id: str, step: int | None = None, budget: Budget | None = None
) -> Backup | None:
    """One step of writing the tenant's whole key range to S3; the backup as it stands after it
    (`running` with `attempt` None: the next step is due), None if it is not ours to run.

    A step appends the items it reaches within its budget to the file (a multipart upload held
    open across steps) and checkpoints; the last one completes the backup — only after its object
    exists, by the attempt that wrote it, and only if no restore began since the export did (an
    export must never capture half old, half restored data). An attempt that dies leaves its step
    to the next delivery, which starts the step over from the checkpoint; the last delivery SQS
    makes (`MAX_ATTEMPTS`, the queue's maxReceiveCount) marks the backup failed when it fails.
    """
    budget = budget or Budget()
    _handed_on.set(None)
    attempt = ids.new_id()
    current = store.backups.restore(tenant_id)
    seen = current.id if current is not None else store.backups.NO_RESTORE
    try:
        backup = store.backups.start(
            tenant_id, backup_id, attempt, step, _now(), dead_before=_dead_before(), restore_seen=seen
        )
    except Exception as error:  # the claim may have committed with its reply lost: let go of it
        store.backups.release(tenant_id, backup_id, attempt, f"interrupted: {error.__class__.__name__}")
        raise
    if backup is None:
        found = store.backups.find(tenant_id, backup_id)
        if found is not None and found.state == "completed":
            # Completed by an attempt whose reply was lost (or that died right after): the bytes it
            # held back between steps may still be there (a delete marker the lifecycle expires;
            # deleting a missing key is harmless).
            key = store.objects.backup_key(tenant_id, backup_id)
            store.objects.delete(settings().backups_bucket, store.objects.held_back_key(key))
        return found
    foreign_restore = (
        current is not None
        and current.state in store.backups.ACTIVE_RESTORE
        and current.pre_restore_backup_id != backup_id
    )
    if backup.restore_seen != seen or foreign_restore:
        return _end_export(backup, attempt, "a restore replaced the tenant's data while it was being written")
    bucket = settings().backups_bucket
    key = store.objects.backup_key(tenant_id, backup_id)
    held = store.objects.held_back(bucket, key, backup.carry_version) if backup.carry_version else b""
    upload = store.objects.Upload(
        bucket,
        key,
        upload_id=backup.upload_id,
        parts=backup.parts,
        size=backup.size_done or 0,
        held_back=held,
    )
    first = not backup.step
    header = (
        archive.Header(tenant_id=tenant_id, backup_id=backup_id, kind=backup.kind, exported_at=_now())
        if first
        else None
    )
    rows = _Until(
        iter(store.tenant_data.items(tenant_id, after=backup.cursor, page_items=budget.page_items)), budget
    )
    try:
        progress = archive.write_part(
            upload, rows, archive.Progress(backup.items_done or 0, backup.digest or ""), header=header
        )
        if rows.exhausted:
            summary = archive.write_trailer(upload, progress)
            stored = upload.finish()
        else:
            carry = store.objects.put_held_back(bucket, key, upload.hold_back())
    except BaseException as error:
        if backup.upload_id is None:  # begun by this attempt: the retry begins its own
            upload.abort()
        if not isinstance(error, Exception):
            raise
        return _interrupted(backup, attempt, error)
    if not rows.exhausted:
        step = backup.step or 0
        try:
            handed = store.backups.checkpoint(
                tenant_id,
                backup_id,
                attempt,
                step=step,
                upload_id=upload.upload_id,
                parts=upload.etags,
                cursor=rows.last_key or backup.cursor,
                digest=progress.digest,
                items_done=progress.item_count,
                size_done=upload.size,
                carry_version=carry,
                now=_now(),
            )
        except Exception as error:
            # Committed with its reply lost, or not at all: the row tells which.
            found = store.backups.find(tenant_id, backup_id)
            handed = found is not None and found.step == step + 1 and found.digest == progress.digest
            if not handed:
                if backup.upload_id is None:
                    upload.abort()
                return _interrupted(backup, attempt, error)
        if handed:
            _handed_on.set(step + 1)
        return store.backups.find(tenant_id, backup_id)
    try:
        done = store.backups.complete(
            tenant_id,
            backup_id,
            attempt,
            restore_seen=backup.restore_seen or store.backups.NO_RESTORE,
            object_key=stored.key,
            object_version=stored.version,
            size=stored.size,
            item_count=summary.item_count,
            checksum=summary.checksum,
            format_version=archive.VERSION,
            now=_now(),
        )
    except store.backups.RestoredMeanwhile:
        store.objects.delete(bucket, stored.key)
        return _end_export(backup, attempt, "a restore replaced the tenant's data while it was being written")
    except Exception as error:  # committed with its reply lost, or not: the retry finds out
        return _interrupted(backup, attempt, error)
    if not done:
        return _claim_lost(backup, stored)
    if backup.carry_version:
        store.objects.delete(bucket, store.objects.held_back_key(key))
    count("BackupCompleted", tenant_id)
    logger.info("backup completed", backup_id=backup_id, items=summary.item_count, size=stored.size)
    return store.backups.get(tenant_id, backup_id)


def _claim_lost(backup: Backup, stored: store.objects.Stored) -> Backup | None:
    """The export was ended while this attempt wrote its file (the watch failed it, or it was
    deleted): the file goes. No other attempt can have completed it meanwhile — a claim outlives
    the worker's timeout (`CLAIM_EXPIRES`, tests/unit/test_template.py) — so a plain delete, whose
    marker makes this version noncurrent for the bucket's lifecycle to expire, cannot hide a file
    the catalog names. Only the purge job deletes object versions."""
    found = store.backups.find(backup.tenant_id, backup.id)
    if found is not None and found.state == "completed" and found.object_key == stored.key:
        logger.error("backup completed by another attempt", backup_id=backup.id, version=found.object_version)
        return found
    store.objects.delete(settings().backups_bucket, stored.key)
    return found


def _interrupted(backup: Backup, attempt: str, error: Exception) -> Backup | None:
    """A step that failed lets go of its claim for SQS's retry (re-raising), or on the last
    delivery SQS makes ends the export failed."""
    if backup.attempts >= MAX_ATTEMPTS:
        return _end_export(
            backup, attempt, f"gave up after {MAX_ATTEMPTS} attempts: {error.__class__.__name__}"
        )
    store.backups.release(backup.tenant_id, backup.id, attempt, f"interrupted: {error.__class__.__name__}")
    raise error


def _end_export(backup: Backup, attempt: str | None, reason: str) -> Backup | None:
    """End an export `failed` and clear what its steps left in S3 (the open upload, held bytes)."""
    if store.backups.fail(backup.tenant_id, backup.id, attempt, reason, _now()):
        logger.warning("backup failed", backup_id=backup.id, error=reason)
        count("BackupFailed", backup.tenant_id)
        _clean_up(backup)
    return store.backups.find(backup.tenant_id, backup.id)


def _clean_up(backup: Backup) -> None:
    """No file of a failed backup stays current: not a half-written upload, not bytes held back
    between steps, not a file whose completion did not commit."""
    bucket = settings().backups_bucket
    key = store.objects.backup_key(backup.tenant_id, backup.id)
    if backup.upload_id:
        store.objects.abort_upload(bucket, key, backup.upload_id)
    store.objects.delete_many(bucket, [key, store.objects.held_back_key(key)])


def export_message(message: dict[str, Any]) -> None:
    export_and_hand_on(message["tenant_id"], message["backup_id"], message.get("step"))


def export_and_hand_on(tenant_id: str, backup_id: str, step: int | None) -> None:
    """One step of an export; the next step is its own message."""
    export(tenant_id, backup_id, step)
    next_step = _handed_on.get()
    if next_step is not None:
        # If this message is lost, `backup.export_watch` sends it again.
        jobs.send(EXPORT, tenant_id=tenant_id, backup_id=backup_id, step=next_step)


def watch_export(message: dict[str, Any]) -> None:
    """Find an unfinished export again: send its message again when nobody works on its step (the
    message was lost), and end it `failed` past its bound — running with no progress for
    `EXPORT_STALE_AFTER` (every delivery died, the message went to the dead-letter queue), or
    pending for `EXPORT_PENDING_LIMIT` — so it can be deleted and pruned. A pre_restore export is
    driven by its restore and only ever ended here."""
    tenant_id, slot = message["tenant_id"], message["slot"]
    backup_id = slot.rsplit("#", 1)[-1]
    now = clock.now()
    found = store.backups.export_watched(tenant_id, backup_id, slot, clock.iso(now + EXPORT_WATCH_EVERY))
    if found is None or found.state not in IN_FLIGHT:
        return
    last = _parse(found.progress_at or found.created_at)
    if found.state == "running" and last <= now - EXPORT_STALE_AFTER:
        minutes = int(EXPORT_STALE_AFTER.total_seconds() // 60)
        _end_export(found, None, f"no progress for {minutes} minutes after {found.attempts} attempts")
    elif found.state == "pending" and _parse(found.created_at) <= now - EXPORT_PENDING_LIMIT:
        _end_export(found, None, "its work was never picked up")
    elif found.attempt is None and last <= now - EXPORT_WATCH_EVERY and found.kind != "pre_restore":
        logger.info("export sent again", backup_id=found.id)
        jobs.send(EXPORT, tenant_id=tenant_id, backup_id=found.id, step=found.step or 0)


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
        export_and_hand_on(tenant_id, backup_id, None)


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
    """One step of a restore: the pre_restore backup, then verifying the chosen file, then
    replacing the business data — each phase in as many steps as its budget needs.

    Nothing is replaced until the whole file has been verified against the catalog. An attempt
    that fails leaves the restore `running` (fenced) for SQS's retry, which starts the step over
    from its checkpoint and converges on the backup's data; the last delivery SQS makes ends it
    `failed` and lowers the fence, and `backup.restore_watch` does the same for attempts that died
    without a word (timeouts) and sends a lost message again.
    """
    tenant_id, restore_id = message["tenant_id"], message["restore_id"]
    attempt = ids.new_id()
    try:
        claimed = store.backups.restore_running(
            tenant_id, restore_id, message.get("step"), attempt, _now(), dead_before=_dead_before()
        )
    except Exception as error:  # the claim may have committed with its reply lost: let go of it
        store.backups.restore_interrupted(
            tenant_id, restore_id, attempt, f"interrupted: {error.__class__.__name__}"
        )
        raise
    if claimed is None:
        return
    try:
        more = _restore(claimed, attempt, Budget())
    except Exception as error:
        if claimed.attempts < MAX_ATTEMPTS:
            store.backups.restore_interrupted(
                tenant_id, restore_id, attempt, f"interrupted: {error.__class__.__name__}"
            )
            raise
        give_up(claimed, f"gave up after {MAX_ATTEMPTS} attempts: {error.__class__.__name__}")
        return
    if more:
        # If this message is lost, `backup.restore_watch` sends it again.
        jobs.send(RESTORE, tenant_id=tenant_id, restore_id=restore_id, step=(claimed.step or 0) + 1)


def _restore(claimed: Restore, attempt: str, budget: Budget) -> bool:
    """Run the restore's phases from its checkpoint as far as the budget goes; True when a next
    step is due (checkpointed), False when the restore has ended."""
    tenant_id = claimed.tenant_id
    phase = claimed.phase or "export"
    lines, digest, merge_key = claimed.lines_done or 0, claimed.digest or "", claimed.merge_key
    restored, removed = claimed.restored_items or 0, claimed.removed_items or 0

    def pause(phase: str) -> bool:
        return store.backups.restore_checkpoint(
            tenant_id,
            claimed.id,
            attempt,
            step=claimed.step or 0,
            phase=phase,
            lines_done=lines,
            digest=digest,
            merge_key=merge_key,
            restored=restored,
            removed=removed,
            now=_now(),
        )

    if phase == "export":
        # Writes that saw the tenant open before the fence rose may still commit for a moment: wait
        # them out, so the pre_restore backup holds them and the replacement does not drop them.
        wait = fences.settled(
            claimed.requested_at, clock.now(), timedelta(seconds=settings().fence_grace_seconds)
        )
        if wait:
            logger.info("restore waits for writes in flight to settle", seconds=wait)
            time.sleep(wait)
        pre_restore = export(tenant_id, claimed.pre_restore_backup_id, budget=budget)
        if pre_restore is None or pre_restore.state not in ("running", "completed"):
            _refuse(claimed, "the pre_restore backup could not be written")
            return False
        if pre_restore.state == "running":
            return pause("export")
        phase = "verify"
    backup = store.backups.find(tenant_id, claimed.backup_id)
    if backup is None or backup.state != "completed" or backup.object_key is None:
        _refuse(claimed, "the backup is no longer available")
        return False
    bucket = settings().backups_bucket
    expected = {
        "tenant_pk": keys.tenant_pk(tenant_id),
        "tenant_id": tenant_id,
        "backup_id": backup.id,
        "expected": archive.Summary(item_count=backup.item_count or 0, checksum=backup.checksum or ""),
    }
    if phase == "verify":
        reader = archive.Reader(
            store.objects.open_version(bucket, backup.object_key, backup.object_version),
            resume=archive.Progress(lines, digest) if digest else None,
            **expected,
        )
        try:
            verified = _read_within(reader, budget)
        except archive.BackupRefused as refused:
            _refuse(claimed, str(refused))
            return False
        if not verified:
            lines, digest = reader.progress.item_count, reader.progress.digest
            return pause("verify")
        store.backups.restore_replacing(tenant_id, claimed.id, _now())
        phase, lines, digest = "replace", 0, ""
        if budget.spent:
            return pause("replace")
    source = archive.Reader(
        store.objects.open_version(bucket, backup.object_key, backup.object_version),
        resume=archive.Progress(lines, ""),
        check_sum=False,
        **expected,
    )
    merged = replace(tenant_id, source, after=merge_key, budget=budget)
    restored, removed = restored + merged.puts, removed + merged.deletes
    if not merged.finished:
        lines, merge_key = source.progress.item_count, merged.last_key
        return pause("replace")
    store.backups.restore_finished(
        tenant_id,
        claimed.id,
        "completed",
        _now(),
        restored=restored,
        removed=removed,
        audit_entry={
            "actor_id": claimed.requested_by,
            "actor_via": "system",
            "action": "backup.restored",
            "target": backup.id,
            "details": {"restore_id": claimed.id, "items": restored},
        },
    )
    logger.info("restore finished", restore_id=claimed.id, state="completed")
    count("RestoreCompleted", tenant_id)
    return False


def _read_within(reader: archive.Reader, budget: Budget) -> bool:
    """Read (and so check) the file on until the budget is spent; True when it was read to the end."""
    for _ in reader:
        budget.spend()
        if budget.spent:
            return False
    return True


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
    message = restore_failed_message(claimed, reason)
    queued = store.backups.restore_finished(
        claimed.tenant_id, claimed.id, "failed", _now(), error=error, message=message
    )
    if queued is None:
        return  # ended meanwhile: its admins were told then
    outbox.deliver(queued)
    pre_restore = store.backups.find(claimed.tenant_id, claimed.pre_restore_backup_id)
    if pre_restore is not None and pre_restore.state in IN_FLIGHT:
        _end_export(pre_restore, None, f"its restore failed: {reason}")
    logger.warning("restore failed", restore_id=claimed.id, error=error)
    count("RestoreFailed", claimed.tenant_id)


def restore_failed_message(claimed: Restore, reason: str) -> system_mail.Message:
    """To each admin in their language: what failed, and in which condition the data is."""
    if claimed.replacing:
        backup = claimed.pre_restore_backup_id
        de = (
            "Seine Daten wurden teilweise ersetzt: manche Datensätze sind wie in der Sicherung, andere "
            f"wie vorher. Die Sicherung {backup} (pre_restore) enthält die Daten wie vor der "
            "Wiederherstellung; stellen Sie diese oder die gewählte Sicherung erneut wieder her."
        )
        en = (
            "Its data was partly replaced: some records are as in the backup, others as before. The "
            f"backup {backup} (pre_restore) holds the data as it was before the restore; restore it, "
            "or the chosen backup again."
        )
    else:
        de, en = "Seine Daten wurden nicht verändert.", "Its data was not changed."
    return system_mail.Message(
        subject={
            "de": "Die Wiederherstellung Ihrer Sicherung ist fehlgeschlagen",
            "en": "A restore of your backup failed",
        },
        paragraphs={
            "de": [
                f"die Wiederherstellung der Sicherung {claimed.backup_id}, angefordert am "
                f"{claimed.requested_at}, konnte nicht abgeschlossen werden ({reason}). Der Mandant kann "
                f"wieder geändert werden. {de}"
            ],
            "en": [
                f"the restore of backup {claimed.backup_id} requested at {claimed.requested_at} could not "
                f"finish ({reason}). The tenant can be changed again. {en}"
            ],
        },
    )


def watch_restore(message: dict[str, Any]) -> None:
    """Find an unfinished restore again: send its message again when nobody works on its step (it
    was lost, or the request's reply was), and end one that is past its bound `failed` (fence
    lowered, admins mailed): running with no progress for `RESTORE_STALE_AFTER` (its attempts died
    or went to the dead-letter queue), or pending for `RESTORE_PENDING_LIMIT`."""
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
    elif found.attempt is None and _parse(found.updated_at) <= now - RESTORE_WATCH_EVERY:
        # Pending (the request's message was lost, or its reply), or between two steps with the
        # next step's message lost: nobody works on it.
        logger.info("restore sent again", restore_id=found.id)
        jobs.send(RESTORE, tenant_id=tenant_id, restore_id=found.id, step=found.step or 0)


@dataclass(frozen=True)
class Merged:
    puts: int
    deletes: int
    last_key: str | None  # every key up to this one is done
    finished: bool


def replace(
    tenant_id: str,
    backup_items: Iterable[dict[str, Any]],
    *,
    after: str | None = None,
    budget: Budget | None = None,
) -> Merged:
    """Make the tenant's business data equal the backup's: a merge of two streams in key order.

    The backup file and the Query both run in sort-key order, so memory stays flat: an item only in
    the table is deleted, one only in the backup or different in it is written, an equal one is
    left alone (a re-run after a failure writes only what is still missing). Rows a restore never
    rolls back (`keys.NOT_RESTORED`) are skipped on both sides, and so are the items of a licensed
    module whose data the tenant no longer keeps (purged, or never licensed): a restore never
    brings back what the licence job purged. A step resumes after key `after` (the backup's items
    up to it already skipped) and stops when its budget is spent.
    """
    budget = budget or Budget()
    kept_modules = store.tenant_data.kept_modules(tenant_id)

    def restorable(sk: str) -> bool:
        module = keys.module_of_sk(sk)
        return keys.restorable(sk) and (module is None or module in kept_modules)

    writer = store.tenant_data.Writer()
    current = iter(store.tenant_data.items(tenant_id, after=after, page_items=budget.page_items))
    here = next(current, None)
    last = after

    def stop() -> Merged:
        writer.flush()
        return Merged(writer.puts, writer.deletes, last, finished=False)

    for wanted in backup_items:
        sk = wanted["sk"]["S"]
        while here is not None and here["sk"]["S"] < sk:
            if restorable(here["sk"]["S"]):
                writer.delete(here)
            here = next(current, None)
        if restorable(sk):
            if here is not None and here["sk"]["S"] == sk:
                if here != wanted:
                    writer.put(wanted)
                here = next(current, None)
            else:
                writer.put(wanted)
        elif here is not None and here["sk"]["S"] == sk:
            here = next(current, None)
        last = sk
        budget.spend()
        if budget.spent:
            return stop()
    while here is not None:
        if restorable(here["sk"]["S"]):
            writer.delete(here)
        last = here["sk"]["S"]
        here = next(current, None)
        budget.spend()
        if budget.spent and here is not None:
            return stop()
    writer.flush()
    return Merged(writer.puts, writer.deletes, last, finished=True)


REGISTRY = jobs.Registry(
    "backups",
    [
        jobs.Job(EXPORT, export_message),
        jobs.Job(SCHEDULED, scheduled_backup, due=keys.BACKUP_DUE),
        jobs.Job(PRUNE, prune_by_policy, due=keys.PRUNE_DUE),
        jobs.Job(RESTORE, restore),
        jobs.Job(RESTORE_WATCH, watch_restore, due=keys.RESTORE_DUE),
        jobs.Job(EXPORT_WATCH, watch_export, due=keys.EXPORT_DUE),
    ],
    find_due=store.backups.due,
)
dispatcher = REGISTRY.dispatcher()
worker = REGISTRY.worker()
