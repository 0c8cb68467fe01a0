"""The first sync's plan, and the sync fence it raises on the tenant row while it runs.

Starting it is one transaction: the plan goes from `scheduled` to `running` and the tenant's
`syncing` fence goes up, on the condition that no restore's fence is up (a restore raises its own
on the condition that this one is not: they exclude each other). Ending it lowers the fence and
records the sync as the tenant's and the client's last one.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from kontor import db, fences, keys, mapping
from kontor.errors import Conflict
from kontor.fences import Fence
from kontor.models import Item, TenantItem
from sync_api.domain import Plan
from sync_api.store.clients import ClientItem


class PlanItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#PLAN"""

    client_id = UnicodeAttribute()
    start_at = UnicodeAttribute()
    state = UnicodeAttribute()  # scheduled | running | completed
    scheduled_at = UnicodeAttribute()
    scheduled_by = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    items = NumberAttribute(null=True)


def get(tenant_id: str) -> Plan | None:
    try:
        item = PlanItem.get(keys.tenant_pk(tenant_id), keys.SYNC_PLAN_SK, consistent_read=True)
    except PlanItem.DoesNotExist:
        return None
    return mapping.domain(item, Plan)


def schedule(tenant_id: str, plan: Plan) -> None:
    """Store a new plan unless one is running (a scheduled, lapsed or completed one is replaced)."""
    pk = keys.tenant_pk(tenant_id)
    try:
        with db.transaction() as tx:
            tx.save(
                PlanItem(pk, keys.SYNC_PLAN_SK, **mapping.attributes(plan, PlanItem)),
                condition=PlanItem.pk.does_not_exist() | (PlanItem.state != "running"),
            )
            tx.condition_check(
                ClientItem, pk, keys.sync_client_sk(plan.client_id), condition=ClientItem.pk.exists()
            )
    except db.Cancelled as cancelled:
        if (pk, keys.SYNC_PLAN_SK) in cancelled.failed:
            raise Conflict("The first sync is running already.", code="initial_sync_running") from None
        raise


def start(tenant_id: str, client_id: str, now: str) -> None:
    pk = keys.tenant_pk(tenant_id)
    try:
        with db.transaction() as tx:
            tx.update(
                PlanItem(pk, keys.SYNC_PLAN_SK),
                actions=[PlanItem.state.set("running"), PlanItem.started_at.set(now)],
                condition=(PlanItem.state == "scheduled") & (PlanItem.client_id == client_id),
            )
            tx.update(
                TenantItem(pk, keys.TENANT_SK),
                actions=fences.raise_fence(Fence.SYNCING, client_id, now),
                condition=TenantItem.fences[Fence.RESTORING.value].does_not_exist(),
            )
    except db.Cancelled as cancelled:
        if (pk, keys.TENANT_SK) in cancelled.failed:
            raise Conflict(
                "A backup is being restored into this tenant; start the first sync when it has finished.",
                code="tenant_restoring",
            ) from None
        if (pk, keys.SYNC_PLAN_SK) in cancelled.failed:
            raise Conflict("This plan changed meanwhile; read it again.", code="concurrent_change") from None
        raise


def complete(tenant_id: str, client_id: str, now: str, items: int) -> None:
    pk = keys.tenant_pk(tenant_id)
    try:
        with db.transaction() as tx:
            tx.update(
                PlanItem(pk, keys.SYNC_PLAN_SK),
                actions=[
                    PlanItem.state.set("completed"),
                    PlanItem.completed_at.set(now),
                    PlanItem.items.set(items),
                ],
                condition=(PlanItem.state == "running") & (PlanItem.client_id == client_id),
            )
            tx.update(
                TenantItem(pk, keys.TENANT_SK),
                actions=[*fences.lower_fence(Fence.SYNCING), TenantItem.last_sync_at.set(now)],
                condition=fences.raised_by(Fence.SYNCING, client_id),
            )
            tx.update(
                ClientItem(pk, keys.sync_client_sk(client_id)),
                actions=[ClientItem.last_sync_at.set(now)],
                condition=ClientItem.pk.exists(),
            )
    except db.Cancelled as cancelled:
        if cancelled.failed:
            raise Conflict("This plan changed meanwhile; read it again.", code="concurrent_change") from None
        raise
