"""Monthly invoices: the job that writes one invoice per billing account and month, and reading them.

The job (`billing.monthly`) runs for each account whose due marker says its month is over. It reads
what the month bills — the account's billed tenants (one Query), their rows and the account's
company profile (one BatchGetItem per 99 tenants), and per billed tenant its spans that ended after
the month began (one Query each) — so its reads grow with the accounts and tenants billed, never
with the table. It applies the downgrades whose day has come, and commits the invoice with its
gapless number (`store.invoices.issue`); then it mails it to the profile's billing address.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

from billing import charges, mails, store
from billing.charges import Section
from billing.store.invoices import Invoice, NumberTaken, Recipient, TenantFacts
from kontor import billing, clock, keys, pages
from kontor.access import Access
from kontor.catalog import catalog
from kontor.errors import NotFound
from kontor.observability import count, logger
from kontor.settings import settings

NUMBER_ATTEMPTS = 50  # parallel workers queue up on the one counter; each try reads it afresh


def _names() -> dict[tuple[str, str], str]:
    offers = catalog()
    names = {("plan", plan.id.value): f"Tarif {plan.name.de}" for plan in offers.plans}
    names.update({("module", module.id.value): f"Modul {module.name.de}" for module in offers.modules})
    return names


def month_billed_by(slot: str) -> str:
    """The month a due marker stands for: it falls due at the first second of the month after."""
    due_month = keys.due_at(slot)[:7]
    year, number = (int(part) for part in due_month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


# ---------------------------------------------------------------- the monthly job
def bill(account_id: str, slot: str) -> None:
    """Bill every month of the account that is over, from the one its marker (`slot`) names."""
    now = clock.now()
    while keys.due_at(slot) <= clock.iso(now):
        month = month_billed_by(slot)
        if not _bill_month(account_id, month, slot, now):
            _mail_if_unsent(account_id, month)  # billed before; a lost mail is sent now
            return
        slot = billing.account_due(account_id, billing.next_month(month))["due_sk"]


def _bill_month(account_id: str, month: str, slot: str, now: datetime) -> bool:
    billed = store.invoices.billed_tenants(account_id)
    tenants, recipient = store.invoices.facts(account_id, [b.tenant_id for b in billed])
    _apply_due_downgrades(tenants.values(), now)
    month_start = clock.iso(billing.month_start(month))
    following = clock.iso(billing.month_start(billing.next_month(month)))
    names = _names()
    sections: list[Section] = []
    for entry in billed:
        tenant = tenants.get(entry.tenant_id)
        if tenant is None:
            continue
        ends = [moment for moment in (entry.until, tenant.closed_at) if moment]
        lines = charges.lines(
            store.invoices.spans(entry.tenant_id, month_start),
            month,
            names,
            since=entry.since,
            until=min(ends) if ends else None,
        )
        if lines:
            sections.append(Section(entry.tenant_id, tenant.name, lines))
    # The account first, then the tenants it pays for by name.
    sections.sort(key=lambda s: (s.tenant_id != account_id, s.tenant_name.casefold(), s.tenant_id))
    if not sections:
        done = store.invoices.skip_month(account_id, slot, month)
    else:
        done = _issue(account_id, month, slot, sections, recipient, tenants, now)
    if done:
        moved_away = [b.tenant_id for b in billed if b.until and b.until <= following]
        if moved_away:
            store.invoices.forget_billed(account_id, moved_away)
    return done


def _apply_due_downgrades(tenants: Iterable[TenantFacts], now: datetime) -> None:
    at = clock.iso(now)
    for tenant in tenants:
        plan, changes_at = tenant.pending_plan, tenant.plan_changes_at
        if (
            plan
            and changes_at
            and changes_at <= at
            and store.invoices.apply_downgrade(tenant.tenant_id, plan, changes_at)
        ):
            logger.info("downgrade applied", tenant_id=tenant.tenant_id, plan=tenant.pending_plan)


def _recipient(
    account_id: str, recipient: Recipient | None, tenants: dict[str, TenantFacts]
) -> dict[str, str]:
    found = {k: v for k, v in asdict(recipient).items() if v} if recipient else {}
    if not found.get("legal_name") and account_id in tenants:
        found["legal_name"] = tenants[account_id].name
    return found


def _issue(
    account_id: str,
    month: str,
    slot: str,
    sections: list[Section],
    recipient: Recipient | None,
    tenants: dict[str, TenantFacts],
    now: datetime,
) -> bool:
    config = settings()
    vat = charges.vat_for(
        recipient.country if recipient else None,
        recipient.vat_id if recipient else None,
        vendor_country=config.vendor_country,
        vendor_rate=config.vat_rate,
        rates=config.vat_rates,
    )
    net = sum(section.net_cents for section in sections)
    vat_cents = charges.vat_cents(net, vat.rate)
    year = month[:4]  # numbered in the sequence of the year billed: KT-2026-… for every 2026 month
    for attempt in range(NUMBER_ATTEMPTS):
        last = store.invoices.last_number(year)
        invoice = Invoice(
            account_id=account_id,
            month=month,
            number=f"KT-{year}-{last + 1:06d}",
            issued_at=clock.iso(now),
            currency=catalog().currency,
            recipient=_recipient(account_id, recipient, tenants),
            section_count=len(sections),
            net_cents=net,
            vat_rate=vat.rate,
            vat_rule=vat.rule,
            vat_note=vat.note,
            vat_cents=vat_cents,
            gross_cents=net + vat_cents,
        )
        try:
            if not store.invoices.issue(invoice, sections, slot=slot, previous_number=last):
                return False
        except NumberTaken:
            time.sleep(random.uniform(0, 0.02 * min(attempt + 1, 10)))  # noqa: S311 - jitter
            continue
        count("InvoiceIssued", account_id)
        logger.info("invoice issued", tenant_id=account_id, number=invoice.number, month=month)
        _mail(invoice, sections)
        return True
    raise RuntimeError(f"no invoice number after {NUMBER_ATTEMPTS} attempts; SQS will retry")


def _mail(invoice: Invoice, sections: list[Section]) -> None:
    to = mails.invoice_issued(invoice, sections)
    store.invoices.mark_mailed(invoice.account_id, invoice.month, clock.iso(clock.now()), to)


def _mail_if_unsent(account_id: str, month: str) -> None:
    found = store.invoices.invoice(account_id, month)
    if found is not None and found.mailed_at is None:
        _mail(found, store.invoices.sections(account_id, month))


# ---------------------------------------------------------------- reading
def invoices(access: Access, limit: int, cursor: str | None) -> pages.Page[Invoice]:
    """The invoices addressed to this tenant as a billing account, newest first."""
    return store.invoices.invoices(access.tenant_id, limit, cursor)


def _month(invoice_id: str) -> str:
    # An invoice's id is its month: one invoice per account and month.
    valid = len(invoice_id) == 7 and invoice_id[4] == "-" and invoice_id.replace("-", "", 1).isdigit()
    if not valid or not 1 <= int(invoice_id[5:]) <= 12:
        raise NotFound("No such invoice.", code="invoice_not_found")
    return invoice_id


def invoice(access: Access, invoice_id: str) -> tuple[Invoice, list[Section]]:
    month = _month(invoice_id)
    found = store.invoices.invoice(access.tenant_id, month)
    if found is None:
        raise NotFound("No such invoice.", code="invoice_not_found")
    return found, store.invoices.sections(access.tenant_id, month)
