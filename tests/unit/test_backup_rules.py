"""Retention, scheduling slots, what a restore replaces, and the template's promises for jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backups import retention
from backups.domain import MAX_ATTEMPTS, Backup, Policy
from kontor import keys
from local.template import load

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # a Monday


def backup(n: int, at: datetime, kind: str = "scheduled", state: str = "completed") -> Backup:
    return Backup(
        id=f"{n:026d}",
        tenant_id="t",
        kind=kind,
        state=state,
        note=None,
        created_at=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        created_by="system",
        started_at=None,
        completed_at=None,
        size=1,
        item_count=1,
        checksum="sha256:x",
        format_version=1,
        error=None,
        attempts=1,
        attempt=None,
        object_key="k",
        object_version=None,
    )


def test_keep_rules_union_and_the_newest_completed_always_stays() -> None:
    daily = [backup(n, T0 + timedelta(days=n)) for n in range(21)]  # three weeks
    policy = Policy(schedule="daily", keep_last=2, keep_daily=3, keep_weekly=3, keep_monthly=0)

    gone = {b.id for b in retention.by_policy(daily, policy, T0 + timedelta(days=21))}

    kept = {b.id for b in daily} - gone
    # last 2: days 20, 19; daily 3: 20, 19, 18; weekly 3: Sundays 20 and 13, and day 6.
    assert kept == {daily[n].id for n in (20, 19, 18, 13, 6)}


def test_retention_leaves_manual_pre_restore_and_in_flight_backups_alone() -> None:
    others = [
        backup(1, T0, kind="manual"),
        backup(2, T0, kind="pre_restore"),
        backup(3, T0, state="running"),
        backup(4, T0, state="pending"),
    ]
    policy = Policy(schedule="daily", keep_last=1, keep_daily=0, keep_weekly=0, keep_monthly=0)

    assert retention.by_policy(others, policy, T0 + timedelta(days=30)) == []


def test_failed_scheduled_backups_go_after_a_day() -> None:
    fresh, old = backup(1, T0, state="failed"), backup(2, T0 - timedelta(days=2), state="failed")
    policy = Policy(schedule="daily", keep_last=5, keep_daily=0, keep_weekly=0, keep_monthly=0)

    assert retention.by_policy([fresh, old], policy, T0 + timedelta(hours=1)) == [old]


def test_prune_by_age_keeps_the_newest_completed_even_when_old() -> None:
    old = [backup(n, T0 + timedelta(days=n)) for n in range(3)]
    failed_newer = backup(9, T0 + timedelta(days=5), state="failed")

    chosen = retention.older_than([*old, failed_newer], T0 + timedelta(days=100))

    assert {b.id for b in chosen} == {old[0].id, old[1].id, failed_newer.id}


def test_a_stalled_schedule_catches_up_with_one_backup() -> None:
    assert retention.next_slot(T0, "daily", T0 + timedelta(minutes=5)) == T0 + timedelta(days=1)
    assert retention.next_slot(T0, "daily", T0 + timedelta(days=3, hours=1)) == T0 + timedelta(days=4)
    assert retention.next_slot(T0, "weekly", T0 + timedelta(days=1)) == T0 + timedelta(days=7)


def test_a_restore_replaces_business_data_only() -> None:
    for sk in ("CONTACT#1", "APPOINTMENT#1", "TEMPLATE#x", "SETTINGS"):
        assert keys.restorable(sk), sk
    for sk in (
        "TENANT",
        "MEMBER#u",
        "AUDIT#2026#e",
        "INVITATION#i",
        "BACKUP#b",
        "BACKUP_POLICY",
        "BACKUP_RETENTION",
        "RESTORE",
        "LICENCE#core",
        "BILLING#2026",
    ):
        assert not keys.restorable(sk), sk


def test_the_worker_fits_the_queue_it_consumes() -> None:
    template = load()
    queue = template.resources["BackupsQueue"]["Properties"]
    worker = template.resources["BackupWorkerFunction"]["Properties"]
    [event] = worker["Events"].values()

    assert 6 * worker["Timeout"] <= queue["VisibilityTimeout"]  # AWS's rule for an SQS event source
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] >= 2
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["BatchSize"] == 1  # a step uses the whole invocation
    assert queue["RedrivePolicy"]["maxReceiveCount"] == MAX_ATTEMPTS


def test_each_schedule_starts_a_registered_job_and_each_scheduled_job_has_a_schedule() -> None:
    from backups.jobs import REGISTRY

    schedules = [s for s in load().schedules if s.function == "BackupDispatcherFunction"]

    assert {s.job for s in schedules} == {job.name for job in REGISTRY.scheduled}
    assert {s.name: s.job for s in schedules} == {
        "BackupSchedule": "backup.scheduled",
        "RetentionSchedule": "backup.prune",
        "RestoreWatchSchedule": "backup.restore_watch",
        "ExportWatchSchedule": "backup.export_watch",
    }
