"""Closing a tenant and reopening it: the tenant row, its purge marker and the audit entry, together."""

from __future__ import annotations

from dataclasses import dataclass

from kontor import audit, db, fences, keys, outbox, system_mail
from kontor.errors import Conflict
from kontor.fences import Fence, Status
from kontor.models import PurgeItem, TenantItem


def open_subtenants(tenant_id: str) -> list[str]:
    """Direct sub-tenants that are neither closed nor handed over: one Query of the children index."""
    return [
        row.id
        for row in TenantItem.by_parent.query(keys.children_gsi_pk(tenant_id))
        if row.status != Status.CLOSED and row.handed_over_at is None
    ]


@dataclass(frozen=True)
class Closer:
    """Who closes: an admin (`via` member or partner) or the vendor's staff (`operator`, with a reason)."""

    user_id: str
    via: str
    reason: str | None = None

    @property
    def operator(self) -> bool:
        return self.via == "operator"


def close(
    tenant_id: str, closer: Closer, closed_at: str, purge_at: str, message: system_mail.Message
) -> list[outbox.Queued]:
    """The tenant `closed` (if it is still open and no restore or sync fence is up) with its purge due at
    `purge_at`, and `message` to its admins in the outbox, together; the mails to deliver.

    An admin closes an active tenant (a suspended one refuses their writes at the gate); an operator
    also a suspended one."""
    row = TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK)
    marker = PurgeItem(
        keys.tenant_pk(tenant_id),
        keys.PURGE_SK,
        due_pk=keys.due_pk(keys.PURGE_DUE, tenant_id),
        due_sk=keys.due_sk(purge_at, tenant_id),
        tenant_id=tenant_id,
        closed_at=closed_at,
        purge_at=purge_at,
    )
    open_states = (Status.ACTIVE.value, Status.SUSPENDED.value) if closer.operator else (Status.ACTIVE.value,)
    details = {"purge_at": purge_at, **({"reason": closer.reason} if closer.reason else {})}
    try:
        with fences.write(tenant_id, system=closer.operator) as tx:
            tx.update(
                row,
                actions=[
                    TenantItem.status.set(Status.CLOSED.value),
                    TenantItem.closed_at.set(closed_at),
                    TenantItem.closed_by.set(closer.user_id),
                    TenantItem.version.add(1),
                ],
                # A restore or a first sync raised its fence after the gate read (or an operator,
                # whom the gate lets through, closes during one): refuse.
                condition=TenantItem.status.is_in(*open_states)
                & TenantItem.fences[Fence.RESTORING.value].does_not_exist()
                & TenantItem.fences[Fence.SYNCING.value].does_not_exist(),
            )
            tx.save(marker)
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=closer.user_id,
                actor_via=closer.via,
                action="tenant.closed",
                target=tenant_id,
                details=details,
            )
            queued = system_mail.to_admins(tx, tenant_id, message)
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise Conflict(
                "The tenant is being restored or synced, or changed its state meanwhile; it was not closed.",
                code="tenant_busy",
            ) from None
        raise
    return queued


def reopen(tenant_id: str, operator_id: str, closed_at: str, reason: str | None) -> None:
    """Active again, its purge called off — if it is still closed since `closed_at`."""
    row = TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK)
    marker = PurgeItem(keys.tenant_pk(tenant_id), keys.PURGE_SK)
    try:
        with db.transaction() as tx:
            tx.update(
                row,
                actions=[
                    TenantItem.status.set(Status.ACTIVE.value),
                    TenantItem.closed_at.remove(),
                    TenantItem.closed_by.remove(),
                    TenantItem.version.add(1),
                ],
                condition=(TenantItem.status == Status.CLOSED.value) & (TenantItem.closed_at == closed_at),
            )
            tx.delete(marker, condition=PurgeItem.pk.exists())
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id=operator_id,
                actor_via="operator",
                action="tenant.reopened",
                target=tenant_id,
                details={"closed_at": closed_at, **({"reason": reason} if reason else {})},
            )
    except db.Cancelled as cancelled:
        if cancelled.failed:
            raise Conflict(
                "This tenant is not closed, or its purge has begun.", code="not_reopenable"
            ) from None
        raise
