"""The first sync: scheduled now or for later (the seed: for the night), picked up by the client
within 30 minutes of its start or lapsed, run behind the sync fence, completed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kontor import clock
from kontor.access import Access
from kontor.errors import Conflict, NotFound
from kontor.observability import count
from sync_api import store
from sync_api.clients import known, prerequisites
from sync_api.domain import Plan

PICK_UP = timedelta(minutes=30)  # the seed: shut the machine down and you must reconnect later


def shown(plan: Plan) -> Plan:
    """The plan as it stands now: a scheduled one not picked up in time has lapsed."""
    if plan.state == "scheduled" and clock.now() > clock.parse(plan.start_at) + PICK_UP:
        return replace(plan, state="lapsed")
    return plan


def schedule(
    tenant: Access, client_id: str, start_at: str | None, *, api_users_signed_in: int, integrations_open: int
) -> Plan:
    """Plan the first sync for `start_at` (now without one). Every prerequisite must hold now
    (`409 prerequisites_not_met` with the checks); a running first sync is not replaced."""
    found = prerequisites(
        tenant, client_id, api_users_signed_in=api_users_signed_in, integrations_open=integrations_open
    )
    if not found.ready:
        raise Conflict(
            "The first sync cannot be scheduled: fix what the failed checks say, then try again.",
            code="prerequisites_not_met",
            details={
                "checks": [
                    {"check": c.check, "ok": c.ok, "reason": c.reason, "fix": c.fix} for c in found.checks
                ]
            },
        )
    now = clock.iso(clock.now())
    plan = Plan(
        client_id=client_id,
        start_at=start_at if start_at and start_at > now else now,
        state="scheduled",
        scheduled_at=now,
        scheduled_by=tenant.caller.user_id,
    )
    store.plans.schedule(tenant.tenant_id, plan)
    count("SyncInitialScheduled", tenant.tenant_id)
    return plan


def view(tenant: Access, client_id: str) -> Plan:
    plan = store.plans.get(tenant.tenant_id)
    if plan is None or plan.client_id != known(client_id):
        raise NotFound("This client has no first sync planned.", code="initial_sync_not_found")
    return shown(plan)


def advance(tenant: Access, client_id: str, state: str, items: int) -> Plan:
    """The client picks the plan up (`running`: the sync fence goes up) or ends it (`completed`)."""
    plan = view(tenant, client_id)
    now = clock.iso(clock.now())
    if state == "running":
        if plan.state == "lapsed":
            raise Conflict(
                "The first sync was not started within 30 minutes of its time; schedule it again.",
                code="initial_sync_lapsed",
            )
        if plan.state != "scheduled":
            raise Conflict(f"The first sync is {plan.state}.", code="initial_sync_not_scheduled")
        if now < plan.start_at:
            raise Conflict(f"The first sync is planned for {plan.start_at}.", code="initial_sync_not_due")
        store.plans.start(tenant.tenant_id, plan.client_id, now)
        count("SyncInitialStarted", tenant.tenant_id)
        return replace(plan, state="running", started_at=now)
    if plan.state != "running":
        raise Conflict("Only a running first sync can be completed.", code="initial_sync_not_running")
    store.plans.complete(tenant.tenant_id, plan.client_id, now, items)
    count("SyncInitialCompleted", tenant.tenant_id)
    return replace(plan, state="completed", completed_at=now, items=items)
