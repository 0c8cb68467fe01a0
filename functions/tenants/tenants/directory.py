"""The operators' view of every tenant: find one, read it with its admins, set its status, edition
and configuration. Every change is recorded in the tenant's own audit log as the operator's."""

from __future__ import annotations

from kontor import billing, clock, pages
from kontor.access import Caller
from kontor.errors import Conflict
from kontor.observability import count, logger
from tenants import closing, store
from tenants.domain import DirectoryEntry, Status, Tenant, TenantFile


def listing(limit: int, cursor: str | None, name_prefix: str | None) -> pages.Page[DirectoryEntry]:
    """Newest first, or by name from `name_prefix` on (case and accents do not matter)."""
    return store.directory.page(limit, cursor, name_prefix)


def tenant_file(tenant_id: str) -> TenantFile:
    tenant = store.settings.get(tenant_id)
    admins, members = store.directory.members(tenant_id)
    return TenantFile(tenant=tenant, admins=tuple(admins), member_count=members)


def set_status(operator: Caller, tenant_id: str, status: Status, reason: str) -> Tenant:
    """`suspended` leaves the tenant readable but refuses every write; `closed` closes it as its
    admin would (`tenants.closing`: gone for its users, admins mailed, purged after 30 days); leaving
    `closed` reopens it the same way as `POST …/reopen` (within those 30 days)."""
    tenant = store.settings.get(tenant_id)
    if tenant.status == status:
        return tenant
    if status == Status.CLOSED:
        return closing.close_by_operator(operator, tenant, reason)
    if tenant.status == Status.CLOSED:
        tenant = closing.reopen(operator, tenant_id, reason)
        if tenant.status == status:
            return tenant
    store.directory.change(
        tenant_id, operator.user_id, "tenant.status_changed", {"status": status.value}, reason
    )
    count("TenantStatusChanged", tenant_id)
    logger.info("tenant status changed", tenant_id=tenant_id, status=status.value)
    return store.settings.get(tenant_id)


def set_edition(operator: Caller, tenant_id: str, edition: str, reason: str | None) -> Tenant:
    """The vendor's staff set any plan, at once; it is billed from now on (`kontor.billing`)."""
    tenant = store.settings.get(tenant_id)
    if tenant.pending_plan:
        raise Conflict(
            f"A change to {tenant.pending_plan} takes effect on {tenant.plan_changes_at}; "
            "change the plan after that.",
            code="plan_change_pending",
        )
    if tenant.edition != edition:
        current = billing.current_plan(tenant_id)
        now = clock.iso(clock.now())
        store.directory.change(
            tenant_id,
            operator.user_id,
            "tenant.edition_changed",
            {"edition": edition},
            reason,
            also=lambda tx: billing.switch_plan(tx, tenant_id, current, edition, now),
        )
    return store.settings.get(tenant_id)


def mark_configured(operator: Caller, tenant_id: str) -> Tenant:
    """A CUSTOM tenant the vendor's staff have configured is ready for its users."""
    tenant = store.settings.get(tenant_id)
    if tenant.type != "CUSTOM":
        raise Conflict("Only a CUSTOM tenant awaits configuration.", code="configuration_fixed")
    if tenant.configuration != "ready":
        store.directory.change(
            tenant_id, operator.user_id, "tenant.configured", {"configuration": "ready"}, None
        )
    return store.settings.get(tenant_id)
