"""Changing a tenant's plan: an upgrade counts at once (billed by the day for the rest of the month),
a downgrade on the next billing day (the first of the next month). Never by editing the tenant."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from billing import store
from kontor import billing, clock
from kontor.access import Access
from kontor.catalog import catalog
from kontor.errors import Conflict, Unprocessable
from kontor.observability import count


@dataclass(frozen=True)
class PlanChange:
    plan: str
    previous_plan: str
    effective_at: str
    monthly_price_cents: int
    previous_monthly_price_cents: int
    difference_cents: int  # per month, from the change on
    this_month_cents: int  # what the change adds to (or, for a downgrade, 0) this month's invoice
    currency: str


def change_plan(access: Access, plan: str, terms_version: str) -> PlanChange:
    offers = catalog()
    if terms_version != offers.plan_terms.version:
        raise Unprocessable(
            f"Accept the current terms (version {offers.plan_terms.version}) to change the plan.",
            code="terms_not_accepted",
            details={"terms_version": offers.plan_terms.version},
        )
    current, pending, changes_at = store.plans.plan_of(access.tenant_id)
    if pending:
        raise Conflict(
            f"A change to {pending} takes effect on {changes_at}; change the plan after that.",
            code="plan_change_pending",
            details={"plan": pending, "effective_at": changes_at},
        )
    if plan == current:
        raise Conflict(f"The tenant's plan is {plan} already.", code="plan_unchanged")
    old, new = offers.plan(current), offers.plan(plan)
    now = clock.now()
    upgrade = new.rank > old.rank
    month = billing.month_of(now)
    effective = now if upgrade else billing.month_start(billing.next_month(month))
    days_in_month = calendar.monthrange(now.year, now.month)[1]
    days_left = days_in_month - now.day + 1  # the day of the change counts in full
    difference = new.monthly_price_cents - old.monthly_price_cents
    change = PlanChange(
        plan=plan,
        previous_plan=current,
        effective_at=clock.iso(effective),
        monthly_price_cents=new.monthly_price_cents,
        previous_monthly_price_cents=old.monthly_price_cents,
        difference_cents=difference,
        this_month_cents=billing.pro_rata(difference, days_left, days_in_month) if upgrade else 0,
        currency=offers.currency,
    )
    store.plans.change(
        access,
        current=current,
        span=store.plans.current_span(access.tenant_id),
        plan=plan,
        effective_at=change.effective_at,
        at_once=upgrade,
        now=clock.iso(now),
        details={"plan": plan, "previous_plan": current, "effective_at": change.effective_at},
    )
    count("PlanChanged", access.tenant_id)
    return change
