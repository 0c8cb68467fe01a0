"""What is billed, as rows: every tenant's plan and licences as spans of time, and who pays for them.

A tenant is billed to an account (`TenantItem.bill_to`): itself, or the partner that created it. The
account's range lists the tenants it pays for (`BILLING#TENANT#`) and carries the monthly billing job's
due marker; each billed tenant's range holds its spans (`BILLING#SPAN#<end>#…`), so a month's invoice
reads, per tenant, only the spans that ended after the month began. These rows are written in the
same transaction as the change that causes them, and a restore never touches them (`keys.NOT_RESTORED`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.transactions import TransactWrite

from kontor import ids, keys
from kontor.models import BilledTenantItem, BillingAccountItem, SpanItem


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def month_start(month: str) -> datetime:
    return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)


def next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def account_due(account_id: str, month: str) -> dict[str, str]:
    """The due marker of an account whose next invoice bills `month`: due when the month is over."""
    return {
        "due_pk": keys.due_pk(keys.BILLING_DUE, account_id),
        "due_sk": keys.due_sk(_iso(month_start(next_month(month))), account_id),
    }


def open_account(tx: TransactWrite, tenant_id: str, account_id: str, plan: str, now: str) -> None:
    """A new tenant's billing rows: its place on its account's invoice, its plan from `now` on, and,
    for a tenant that is its own account, the account with its first month to bill."""
    tx.save(
        BilledTenantItem(
            keys.tenant_pk(account_id), keys.billed_tenant_sk(tenant_id), tenant_id=tenant_id, since=now
        ),
        condition=BilledTenantItem.pk.does_not_exist(),
    )
    if account_id == tenant_id:
        month = now[:7]
        tx.save(
            BillingAccountItem(
                keys.tenant_pk(account_id),
                keys.BILLING_ACCOUNT_SK,
                next_month=month,
                created_at=now,
                **account_due(account_id, month),
            )
        )
    tx.save(plan_span(tenant_id, plan, starts_at=now))


def plan_span(tenant_id: str, plan: str, *, starts_at: str, ends_at: str | None = None) -> SpanItem:
    """A span of the tenant's plan; without an end it is the current plan (one fixed key)."""
    from kontor.catalog import catalog

    return SpanItem(
        keys.tenant_pk(tenant_id),
        keys.PLAN_SPAN_SK if ends_at is None else keys.span_sk(ends_at, ids.new_id()),
        kind="plan",
        code=plan,
        starts_at=starts_at,
        ends_at=ends_at or keys.OPEN_END,
        monthly_price_cents=catalog().plan(plan).monthly_price_cents,
    )


def module_span(tenant_id: str, module: str, *, starts_at: str, ends_at: str, price_cents: int) -> SpanItem:
    return SpanItem(
        keys.tenant_pk(tenant_id),
        keys.span_sk(ends_at, ids.new_id()),
        kind="module",
        code=module,
        starts_at=starts_at,
        ends_at=ends_at,
        monthly_price_cents=price_cents,
    )


def current_plan(tenant_id: str) -> SpanItem | None:
    """The tenant's current plan span (one GetItem)."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return SpanItem.get(keys.tenant_pk(tenant_id), keys.PLAN_SPAN_SK, consistent_read=True)
    except DoesNotExist:
        return None


def switch_plan(tx: TransactWrite, tenant_id: str, current: SpanItem | None, plan: str, at: str) -> None:
    """In `tx`: the current plan ends at `at` and `plan` begins there (now, or a later billing day).
    Fails if another change moved the current plan meanwhile."""
    if current is not None:
        tx.save(
            SpanItem(
                keys.tenant_pk(tenant_id),
                keys.span_sk(at, "plan"),
                kind="plan",
                code=current.code,
                starts_at=current.starts_at,
                ends_at=at,
                monthly_price_cents=current.monthly_price_cents,
            ),
            condition=SpanItem.pk.does_not_exist(),
        )
        unchanged = (SpanItem.code == current.code) & (SpanItem.starts_at == current.starts_at)
    else:
        unchanged = SpanItem.pk.does_not_exist()
    tx.save(plan_span(tenant_id, plan, starts_at=at), condition=unchanged)


def pro_rata(monthly_cents: int, days: int, days_in_month: int) -> int:
    """A monthly price for `days` of a month, rounded half away from zero to a cent — once per line."""
    numerator = monthly_cents * days
    quotient, remainder = divmod(abs(numerator), days_in_month)
    cents = quotient + (1 if 2 * remainder >= days_in_month else 0)
    return cents if numerator >= 0 else -cents
