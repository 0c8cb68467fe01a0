"""What an invoice charges: lines from billed spans, pro rata by days, and the VAT rule. No AWS.

**Days.** A span bills the calendar days from the day it starts up to, not including, the day it
ends (UTC): a plan changed on the 23rd is billed at the old price for the 1st to the 22nd and at
the new one from the 23rd, so no day is billed twice and the day of a change counts in full for
what begins that day. The same cut applies to when a tenant joined or left the account's invoice
(`since`/`until`, a handover) and to a closed tenant's `closed_at`.

**Lines.** One line per plan and per module (spans of one module at one price — a licence and its
extension — add their days up): `pro_rata(monthly price, days, days in the month)`, rounded half
away from zero to a cent once per line. A whole month is exactly the monthly price.

**VAT** (the vendor is in `vendor_country`, Germany by default), on the invoice's net total, rounded
half away from zero to a cent once per invoice:

- customer in the vendor's country, or no country in the profile: the vendor's rate (`vat_rate`, 19);
- customer in another EU country **with a VAT id**: 0 %, reverse charge — the customer accounts for
  the VAT (Art. 196 VAT Directive), and the invoice says so;
- customer in another EU country without a VAT id (a consumer): that country's rate from `vat_rates`
  (one-stop shop), the vendor's rate where none is configured;
- customer outside the EU: 0 %, not taxable in the vendor's country (place of supply abroad).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from kontor.billing import pro_rata

EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


@dataclass(frozen=True)
class Span:
    kind: str  # plan | module
    code: str
    starts_at: str
    ends_at: str
    monthly_price_cents: int


@dataclass(frozen=True)
class Line:
    kind: str
    code: str
    description: str
    days: int
    days_in_month: int
    monthly_price_cents: int
    amount_cents: int


@dataclass(frozen=True)
class Section:
    tenant_id: str
    tenant_name: str
    lines: tuple[Line, ...]

    @property
    def net_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class Vat:
    rate: str  # percent, a decimal string
    rule: str  # domestic | eu_consumer | reverse_charge | outside_eu
    note: str | None = None


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).date()


def month_bounds(month: str) -> tuple[date, date, int]:
    """First day of `month`, first day of the next, and how many days it has."""
    year, number = (int(part) for part in month.split("-"))
    days = calendar.monthrange(year, number)[1]
    following = date(year + number // 12, number % 12 + 1, 1)
    return date(year, number, 1), following, days


def billed_days(span: Span, month: str, *, since: str | None = None, until: str | None = None) -> int:
    """Days of `month` the span bills, within the tenant's time on the invoice `[since, until)`."""
    first, following, _ = month_bounds(month)
    start = max(_day(span.starts_at), first, _day(since) if since else first)
    end = min(_day(span.ends_at), following, _day(until) if until else following)
    return max(0, (end - start).days)


def lines(
    spans: list[Span],
    month: str,
    names: dict[tuple[str, str], str],
    *,
    since: str | None = None,
    until: str | None = None,
) -> tuple[Line, ...]:
    """The month's lines of one tenant: the plan(s) first, then modules by code; no empty line."""
    _, _, days_in_month = month_bounds(month)
    days: dict[tuple[str, str, int], int] = {}
    for span in spans:
        billed = billed_days(span, month, since=since, until=until)
        if billed:
            key = (span.kind, span.code, span.monthly_price_cents)
            days[key] = days.get(key, 0) + billed
    found = [
        Line(
            kind=kind,
            code=code,
            description=names.get((kind, code), code),
            days=min(count, days_in_month),
            days_in_month=days_in_month,
            monthly_price_cents=price,
            amount_cents=pro_rata(price, min(count, days_in_month), days_in_month),
        )
        for (kind, code, price), count in days.items()
    ]
    return tuple(sorted(found, key=lambda line: (line.kind != "plan", line.code, line.monthly_price_cents)))


def vat_for(
    country: str | None,
    vat_id: str | None,
    *,
    vendor_country: str,
    vendor_rate: str,
    rates: dict[str, str],
) -> Vat:
    """The VAT rule of an invoice to a customer in `country` (see the module's docstring)."""
    if not country or country == vendor_country:
        return Vat(vendor_rate, "domestic")
    if country in EU and vat_id:
        return Vat(
            "0",
            "reverse_charge",
            "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL).",
        )
    if country in EU:
        return Vat(rates.get(country, vendor_rate), "eu_consumer")
    return Vat("0", "outside_eu", "Nicht im Inland steuerbare Leistung (Leistungsort im Drittland).")


def vat_cents(net_cents: int, rate: str) -> int:
    """VAT on the net total, rounded half away from zero to a cent (once per invoice)."""
    exact = Decimal(net_cents) * Decimal(rate) / Decimal(100)
    sign = -1 if exact < 0 else 1
    return sign * int(abs(exact).quantize(Decimal(1), rounding=ROUND_HALF_UP))
