"""Audit entries: who did what, when, and how they got in — kept in the tenant's own key range."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from kontor import clock, ids, keys
from kontor.access import Access
from kontor.models import AuditItem

RETENTION = timedelta(days=400)


def _entry(
    *,
    tenant_id: str,
    actor_id: str,
    actor_via: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None,
) -> AuditItem:
    at = clock.now()
    event_id = ids.new_id()
    return AuditItem(
        keys.tenant_pk(tenant_id),
        keys.audit_sk(clock.iso(at), event_id),
        id=event_id,
        at=clock.iso(at),
        actor_id=actor_id,
        actor_via=actor_via,
        action=action,
        target=target,
        details=details,
        ttl=clock.epoch(at + RETENTION),
    )


def record(
    tx: TransactWrite,
    *,
    tenant_id: str,
    actor_id: str,
    actor_via: str,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an entry to `tx`, so the change and its record commit together."""
    tx.save(
        _entry(
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_via=actor_via,
            action=action,
            target=target,
            details=details,
        )
    )


def record_now(
    *, tenant_id: str, actor_id: str, actor_via: str, action: str, details: dict[str, Any]
) -> None:
    """An entry on its own, for what is not a change of data (a partner's request)."""
    _entry(
        tenant_id=tenant_id,
        actor_id=actor_id,
        actor_via=actor_via,
        action=action,
        target=None,
        details=details,
    ).save()


def by(tx: TransactWrite, access: Access, action: str, target: str | None = None, **details: Any) -> None:
    """Add to `tx` an entry of what `access`'s caller did, as they came in (member or partner)."""
    record(
        tx,
        tenant_id=access.tenant_id,
        actor_id=access.caller.user_id,
        actor_via=access.via,
        action=action,
        target=target,
        details=details or None,
    )


def count_read(*, tenant_id: str, actor_id: str, details: dict[str, Any]) -> None:
    """A partner's answered read, counted into one entry per partner user, tenant and hour: a burst
    of reads is one item, not one per request. Its `at` is the start of the hour."""
    now = clock.now()
    hour = clock.iso(now.replace(minute=0, second=0, microsecond=0))
    entry_id = f"reads-{actor_id}"
    AuditItem(keys.tenant_pk(tenant_id), keys.audit_sk(hour, entry_id)).update(
        actions=[
            AuditItem.id.set(AuditItem.id | entry_id),
            AuditItem.at.set(AuditItem.at | hour),
            AuditItem.actor_id.set(AuditItem.actor_id | actor_id),
            AuditItem.actor_via.set(AuditItem.actor_via | "partner"),
            AuditItem.action.set(AuditItem.action | "partner.reads"),
            AuditItem.details.set(AuditItem.details | details),
            AuditItem.ttl.set(AuditItem.ttl | clock.epoch(now + RETENTION)),
            AuditItem.requests.add(1),
        ]
    )
