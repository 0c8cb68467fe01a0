"""Invoices in the table: what a month bills (billed tenants, their rows and spans), issuing an invoice
with its gapless number, and reading invoices back. Rows in, domain objects out.

An invoice commits in one transaction with the vendor's invoice counter (conditional on the number
read: two workers can never give out one number, and a number is only used by a committed invoice,
so there are no gaps) and with the account's due marker moved to the next month (conditional on the
marker the job was sent for: a month is billed once, however often its message arrives).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from billing.charges import Line, Section, Span
from kontor import audit, db, keys, pages
from kontor.billing import account_due, next_month
from kontor.models import (
    BilledTenantItem,
    BillingAccountItem,
    CompanyItem,
    CounterItem,
    InvoiceItem,
    InvoiceSectionItem,
    Item,
    SpanItem,
    TenantItem,
)

# Sections written inside the invoice's transaction (at most 100 items with the invoice, the counter
# and the account's marker); a larger invoice writes its sections first, where nobody reads them
# until the invoice that names them commits.
SECTIONS_IN_TRANSACTION = 90


@dataclass(frozen=True)
class BilledTenant:
    tenant_id: str
    since: str
    until: str | None


@dataclass(frozen=True)
class TenantFacts:
    tenant_id: str
    name: str
    status: str
    closed_at: str | None
    pending_plan: str | None
    plan_changes_at: str | None


@dataclass(frozen=True)
class Recipient:
    legal_name: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    vat_id: str | None
    registration_number: str | None
    billing_email: str | None


@dataclass(frozen=True)
class Invoice:
    account_id: str
    month: str
    number: str
    issued_at: str
    currency: str
    recipient: dict[str, Any]
    section_count: int
    net_cents: int
    vat_rate: str
    vat_rule: str
    vat_note: str | None
    vat_cents: int
    gross_cents: int
    mailed_at: str | None = None


class NumberTaken(Exception):
    """Another invoice took the number read: read the counter again."""


# ---------------------------------------------------------------- what a month bills
def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(account_id, due_sk) of every billing account in `partition` whose month is over by `until`."""
    for item in BillingAccountItem.due.query(partition, BillingAccountItem.due_sk <= keys.due_until(until)):
        yield keys.tenant_id_of(item.pk), item.due_sk


def billed_tenants(account_id: str) -> list[BilledTenant]:
    """Every tenant the account's invoice bills (itself included): one Query."""
    rows = BilledTenantItem.query(
        keys.tenant_pk(account_id),
        BilledTenantItem.sk.startswith(keys.BILLED_TENANT_PREFIX),
        consistent_read=True,
    )
    return [BilledTenant(row.tenant_id, row.since, row.until) for row in rows]


def facts(account_id: str, tenant_ids: list[str]) -> tuple[dict[str, TenantFacts], Recipient | None]:
    """The billed tenants' rows and the account's company profile: one BatchGetItem per 99 tenants."""
    wanted: list[tuple[str, str]] = [(keys.tenant_pk(account_id), keys.COMPANY_SK)]
    wanted += [(keys.tenant_pk(tenant_id), keys.TENANT_SK) for tenant_id in tenant_ids]

    def model_for(key: tuple[str, str]) -> type[Item]:
        return CompanyItem if key[1] == keys.COMPANY_SK else TenantItem

    found: list[Item] = []
    for start in range(0, len(wanted), 100):
        found += db.batch_get(wanted[start : start + 100], model_for)
    tenants: dict[str, TenantFacts] = {}
    recipient = None
    for row in found:
        if isinstance(row, CompanyItem):
            recipient = Recipient(
                legal_name=row.legal_name,
                street=row.street,
                postal_code=row.postal_code,
                city=row.city,
                country=row.country,
                vat_id=row.vat_id,
                registration_number=row.registration_number,
                billing_email=row.billing_email,
            )
        elif isinstance(row, TenantItem):
            tenants[row.id] = TenantFacts(
                tenant_id=row.id,
                name=row.name,
                status=row.status,
                closed_at=row.closed_at,
                pending_plan=row.pending_plan,
                plan_changes_at=row.plan_changes_at,
            )
    return tenants, recipient


def spans(tenant_id: str, month_start: str) -> list[Span]:
    """The tenant's billed spans that end after `month_start`: one Query (spans sort by their end)."""
    rows = SpanItem.query(
        keys.tenant_pk(tenant_id),
        SpanItem.sk.between(keys.span_sk(month_start, ""), f"{keys.SPAN_PREFIX}~"),
        consistent_read=True,
    )
    return [
        Span(row.kind, row.code, row.starts_at, row.ends_at, int(row.monthly_price_cents)) for row in rows
    ]


def apply_downgrade(tenant_id: str, plan: str, changes_at: str) -> bool:
    """The pending plan becomes the tenant's edition (its billed span switched when it was chosen);
    False if the tenant's pending change is another one by now."""
    try:
        with db.transaction() as tx:
            tx.update(
                TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK),
                actions=[
                    TenantItem.edition.set(plan),
                    TenantItem.pending_plan.remove(),
                    TenantItem.plan_changes_at.remove(),
                    TenantItem.version.add(1),
                ],
                condition=(TenantItem.pending_plan == plan) & (TenantItem.plan_changes_at == changes_at),
            )
            audit.record(
                tx,
                tenant_id=tenant_id,
                actor_id="system",
                actor_via="system",
                action="plan.applied",
                target=tenant_id,
                details={"plan": plan, "effective_at": changes_at},
            )
    except db.Cancelled as cancelled:
        if cancelled.failed:
            return False
        raise
    return True


# ---------------------------------------------------------------- issuing
def last_number(year: str) -> int:
    try:
        return int(CounterItem.get(keys.INVOICE_COUNTER_PK, year, consistent_read=True).last)
    except DoesNotExist:
        return 0


def _line(line: Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "code": line.code,
        "description": line.description,
        "days": line.days,
        "days_in_month": line.days_in_month,
        "monthly_price_cents": line.monthly_price_cents,
        "amount_cents": line.amount_cents,
    }


def _section_row(account_id: str, month: str, position: int, section: Section) -> InvoiceSectionItem:
    return InvoiceSectionItem(
        keys.tenant_pk(account_id),
        keys.invoice_section_sk(month, section.tenant_id),
        tenant_id=section.tenant_id,
        tenant_name=section.tenant_name,
        position=position,
        lines=[_line(line) for line in section.lines],
        net_cents=section.net_cents,
    )


def _invoice_row(invoice: Invoice) -> InvoiceItem:
    return InvoiceItem(
        keys.tenant_pk(invoice.account_id),
        keys.invoice_sk(invoice.month),
        number=invoice.number,
        account_id=invoice.account_id,
        month=invoice.month,
        issued_at=invoice.issued_at,
        currency=invoice.currency,
        recipient=invoice.recipient,
        section_count=invoice.section_count,
        net_cents=invoice.net_cents,
        vat_rate=invoice.vat_rate,
        vat_rule=invoice.vat_rule,
        vat_note=invoice.vat_note,
        vat_cents=invoice.vat_cents,
        gross_cents=invoice.gross_cents,
    )


def _write_sections_first(rows: list[InvoiceSectionItem]) -> None:
    with InvoiceSectionItem.batch_write() as batch:
        for row in rows:
            batch.save(row)


def _move_marker(tx: Any, account_id: str, slot: str, month: str) -> None:
    following = next_month(month)
    tx.update(
        BillingAccountItem(keys.tenant_pk(account_id), keys.BILLING_ACCOUNT_SK),
        actions=[
            BillingAccountItem.next_month.set(following),
            BillingAccountItem.due_sk.set(account_due(account_id, following)["due_sk"]),
        ],
        condition=BillingAccountItem.due_sk == slot,
    )


def issue(invoice: Invoice, sections: list[Section], *, slot: str, previous_number: int) -> bool:
    """Commit the invoice, its sections, the counter and the account's next marker together.

    False when the account's marker is no longer at `slot` (the month was billed before);
    `NumberTaken` when another invoice took the number meanwhile."""
    rows = [_section_row(invoice.account_id, invoice.month, n, s) for n, s in enumerate(sections)]
    inline = len(rows) <= SECTIONS_IN_TRANSACTION
    if not inline:
        _write_sections_first(rows)
    year = invoice.number.split("-")[1]
    counter = CounterItem(keys.INVOICE_COUNTER_PK, year)
    unchanged = (
        CounterItem.pk.does_not_exist() if previous_number == 0 else CounterItem.last == previous_number
    )
    account_key = (keys.tenant_pk(invoice.account_id), keys.BILLING_ACCOUNT_SK)
    try:
        with db.transaction() as tx:
            _move_marker(tx, invoice.account_id, slot, invoice.month)
            tx.update(counter, actions=[CounterItem.last.set(previous_number + 1)], condition=unchanged)
            tx.save(_invoice_row(invoice), condition=InvoiceItem.pk.does_not_exist())
            for row in rows if inline else []:
                tx.save(row)
    except db.Cancelled as cancelled:
        if (
            account_key in cancelled.failed
            or (account_key[0], keys.invoice_sk(invoice.month)) in cancelled.failed
        ):
            return False
        if (keys.INVOICE_COUNTER_PK, year) in cancelled.failed or cancelled.conflicted:
            raise NumberTaken from None
        raise
    return True


def skip_month(account_id: str, slot: str, month: str) -> bool:
    """Nothing to bill this month (every tenant closed or moved): only the marker moves on."""
    try:
        with db.transaction() as tx:
            _move_marker(tx, account_id, slot, month)
    except db.Cancelled as cancelled:
        if cancelled.failed:
            return False
        raise
    return True


def forget_billed(account_id: str, tenant_ids: list[str]) -> None:
    """Drop the rows of tenants that moved to an account of their own, once their last month here is
    billed (a retry that finds them gone deletes nothing)."""
    with BilledTenantItem.batch_write() as batch:
        for tenant_id in tenant_ids:
            batch.delete(BilledTenantItem(keys.tenant_pk(account_id), keys.billed_tenant_sk(tenant_id)))


def mark_mailed(account_id: str, month: str, at: str, to: list[str]) -> None:
    InvoiceItem(keys.tenant_pk(account_id), keys.invoice_sk(month)).update(
        actions=[InvoiceItem.mailed_at.set(at), InvoiceItem.mailed_to.set(to or None)],
        condition=InvoiceItem.pk.exists(),
    )


# ---------------------------------------------------------------- reading
def _invoice(row: InvoiceItem) -> Invoice:
    return Invoice(
        account_id=row.account_id,
        month=row.month,
        number=row.number,
        issued_at=row.issued_at,
        currency=row.currency,
        recipient=row.recipient.as_dict() if hasattr(row.recipient, "as_dict") else dict(row.recipient or {}),
        section_count=int(row.section_count),
        net_cents=int(row.net_cents),
        vat_rate=row.vat_rate,
        vat_rule=row.vat_rule,
        vat_note=row.vat_note,
        vat_cents=int(row.vat_cents),
        gross_cents=int(row.gross_cents),
        mailed_at=row.mailed_at,
    )


def invoice(account_id: str, month: str) -> Invoice | None:
    try:
        return _invoice(
            InvoiceItem.get(keys.tenant_pk(account_id), keys.invoice_sk(month), consistent_read=True)
        )
    except DoesNotExist:
        return None


def invoices(account_id: str, limit: int, cursor: str | None) -> pages.Page[Invoice]:
    """The account's invoices, newest month first: one Query a page."""
    partition = keys.tenant_pk(account_id)
    results = InvoiceItem.query(
        partition,
        InvoiceItem.sk.startswith(keys.INVOICE_PREFIX),
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [_invoice(row) for row in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def sections(account_id: str, month: str) -> list[Section]:
    """The invoice's sections in their order: one Query (more pages only for very large partners)."""
    rows = InvoiceSectionItem.query(
        keys.tenant_pk(account_id),
        InvoiceSectionItem.sk.startswith(keys.invoice_sections_prefix(month)),
        consistent_read=True,
    )
    ordered = sorted(rows, key=lambda row: int(row.position))
    return [
        Section(
            tenant_id=row.tenant_id,
            tenant_name=row.tenant_name,
            lines=tuple(
                Line(
                    kind=line["kind"],
                    code=line["code"],
                    description=line["description"],
                    days=int(line["days"]),
                    days_in_month=int(line["days_in_month"]),
                    monthly_price_cents=int(line["monthly_price_cents"]),
                    amount_cents=int(line["amount_cents"]),
                )
                for line in (entry.as_dict() if hasattr(entry, "as_dict") else entry for entry in row.lines)
            ),
        )
        for row in ordered
    ]
