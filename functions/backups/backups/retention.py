"""Which backups to keep: the policy's rules and the manual `older_than_days`, as pure functions.

Rules in the manner of restic's `forget`: keep the newest `keep_last`; and the newest backup of each
of the last `keep_daily` days, `keep_weekly` ISO weeks and `keep_monthly` months that have one.
The newest completed backup is always kept, and nothing in flight is ever chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from backups.domain import IN_FLIGHT, INTERVALS, Backup, Policy

# A failed scheduled backup is kept this long, so the failure can be seen, then pruned.
KEEP_FAILED = timedelta(days=1)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def newest_completed(backups: Iterable[Backup]) -> Backup | None:
    completed = [b for b in backups if b.state == "completed"]
    return max(completed, key=lambda b: (b.created_at, b.id), default=None)


def _buckets(backups: list[Backup], count: int, bucket: Callable[[datetime], object]) -> set[str]:
    kept: set[str] = set()
    seen: set[object] = set()
    for backup in backups:  # newest first
        if len(seen) >= count:
            break
        key = bucket(_at(backup.created_at))
        if key not in seen:
            seen.add(key)
            kept.add(backup.id)
    return kept


def by_policy(backups: Iterable[Backup], policy: Policy, now: datetime) -> list[Backup]:
    """The scheduled backups the policy lets go. Manual and pre_restore backups stay until an admin
    deletes or prunes them."""
    everything = list(backups)
    scheduled = sorted(
        (b for b in everything if b.kind == "scheduled" and b.state == "completed"),
        key=lambda b: (b.created_at, b.id),
        reverse=True,
    )
    keep = {b.id for b in scheduled[: policy.keep_last]}
    keep |= _buckets(scheduled, policy.keep_daily, lambda t: t.date())
    keep |= _buckets(scheduled, policy.keep_weekly, lambda t: t.isocalendar()[:2])
    keep |= _buckets(scheduled, policy.keep_monthly, lambda t: (t.year, t.month))
    newest = newest_completed(everything)
    if newest is not None:
        keep.add(newest.id)
    stale_failures = [
        b
        for b in everything
        if b.kind == "scheduled" and b.state == "failed" and _at(b.created_at) < now - KEEP_FAILED
    ]
    return [b for b in scheduled if b.id not in keep] + stale_failures


def older_than(backups: Iterable[Backup], cutoff: datetime) -> list[Backup]:
    """Every finished backup created before `cutoff`, except the newest completed one."""
    everything = list(backups)
    newest = newest_completed(everything)
    return [
        b
        for b in everything
        if b.state not in IN_FLIGHT and _at(b.created_at) < cutoff and (newest is None or b.id != newest.id)
    ]


def next_slot(slot: datetime, schedule: str, now: datetime) -> datetime:
    """The first slot of `schedule` after `now`, in steps from `slot`: a stalled scheduler catches
    up with one backup, not one per missed slot."""
    interval = INTERVALS[schedule]
    missed = max(0, int((now - slot) / interval))
    following = slot + interval * (missed + 1)
    return following
