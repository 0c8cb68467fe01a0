"""A tenant's plan in the table: the tenant row's `edition` and a pending downgrade, moved together
with the billed plan spans (`kontor.billing`), the ledger and the audit log."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from billing.store.licences import ledger_row
from kontor import audit, billing, db, keys
from kontor.access import Access
from kontor.errors import Conflict, NotFound
from kontor.models import SpanItem, TenantItem


def plan_of(tenant_id: str) -> tuple[str, str | None, str | None]:
    """(plan, pending plan, when it takes effect) of the tenant."""
    try:
        row = TenantItem.get(
            keys.tenant_pk(tenant_id),
            keys.TENANT_SK,
            consistent_read=True,
            attributes_to_get=["edition", "pending_plan", "plan_changes_at"],
        )
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None
    return row.edition, row.pending_plan, row.plan_changes_at


def current_span(tenant_id: str) -> SpanItem | None:
    return billing.current_plan(tenant_id)


def change(
    access: Access,
    *,
    current: str,
    span: SpanItem | None,
    plan: str,
    effective_at: str,
    at_once: bool,
    now: str,
    details: dict[str, str | int],
) -> None:
    """Switch the billed plan at `effective_at`; the tenant row shows the plan at once for an upgrade
    and as pending until then for a downgrade. Fails with `409 concurrent_change` if the plan moved."""
    row = TenantItem(keys.tenant_pk(access.tenant_id), keys.TENANT_SK)
    actions = (
        [TenantItem.edition.set(plan), TenantItem.version.add(1)]
        if at_once
        else [TenantItem.pending_plan.set(plan), TenantItem.plan_changes_at.set(effective_at)]
    )
    try:
        with db.transaction() as tx:
            tx.update(
                row,
                actions=actions,
                condition=(TenantItem.edition == current) & TenantItem.pending_plan.does_not_exist(),
            )
            billing.switch_plan(tx, access.tenant_id, span, plan, effective_at)
            tx.save(ledger_row(access.tenant_id, now, "plan.changed", access.caller.user_id, details))
            audit.by(tx, access, "plan.changed", access.tenant_id, **details)
    except db.Cancelled as cancelled:
        if cancelled.failed:
            raise Conflict(
                "The plan changed while this change was made; reload it and try again.",
                code="concurrent_change",
            ) from None
        raise
