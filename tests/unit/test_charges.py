"""What an invoice charges, without AWS: days billed, lines, rounding and the VAT rule."""

from __future__ import annotations

import pytest

from billing.charges import Span, billed_days, lines, vat_cents, vat_for

PLAN = Span("plan", "BASIC", "2026-11-23T10:00:00Z", "9999-12-31T00:00:00Z", 1900)
NAMES = {("plan", "BASIC"): "Tarif Basis", ("module", "podcasts"): "Modul Podcasts"}


def test_a_span_bills_from_its_first_day_up_to_not_including_its_last() -> None:
    assert billed_days(PLAN, "2026-11") == 8  # 23rd to 30th
    assert billed_days(PLAN, "2026-12") == 31
    assert billed_days(PLAN, "2026-10") == 0
    ended = Span("plan", "BASIC", "2026-11-01T00:00:00Z", "2026-11-23T10:00:00Z", 1900)
    assert billed_days(ended, "2026-11") == 22  # the day of the change belongs to what begins


def test_a_tenants_window_on_the_invoice_cuts_its_spans() -> None:
    assert billed_days(PLAN, "2026-11", since="2026-11-25T00:00:00Z") == 6
    assert billed_days(PLAN, "2026-11", until="2026-11-28T09:00:00Z") == 5
    assert billed_days(PLAN, "2026-12", until="2026-11-28T09:00:00Z") == 0


def test_spans_of_one_module_at_one_price_make_one_line_rounded_once() -> None:
    first = Span("module", "podcasts", "2026-11-15T08:00:00Z", "2026-12-15T08:00:00Z", 990)
    extension = Span("module", "podcasts", "2026-12-15T08:00:00Z", "2027-01-15T08:00:00Z", 990)

    [plan, module] = lines([extension, PLAN, first], "2026-12", NAMES)

    assert (plan.code, plan.days, plan.amount_cents) == ("BASIC", 31, 1900)
    assert (module.description, module.days, module.amount_cents) == ("Modul Podcasts", 31, 990)


def test_pro_rata_rounds_half_away_from_zero_per_line() -> None:
    [line] = lines([Span("plan", "X", "2026-11-23T00:00:00Z", "9999-12-31T00:00:00Z", 3)], "2026-11", {})
    assert line.amount_cents == 1  # 3 * 8/30 = 0.8 -> 1
    [half] = lines([Span("plan", "X", "2026-11-16T00:00:00Z", "9999-12-31T00:00:00Z", 1)], "2026-11", {})
    assert half.amount_cents == 1  # 1 * 15/30 = 0.5 -> 1


@pytest.mark.parametrize(
    ("net", "rate", "vat"),
    [(771, "19", 146), (2603, "19", 495), (250, "7", 18), (1000, "0", 0), (-771, "19", -146)],
)
def test_vat_is_rounded_half_away_from_zero_on_the_net_total(net: int, rate: str, vat: int) -> None:
    assert vat_cents(net, rate) == vat


@pytest.mark.parametrize(
    ("country", "vat_id", "rule", "rate"),
    [
        ("DE", "DE123456789", "domestic", "19"),
        (None, None, "domestic", "19"),
        ("AT", "ATU12345678", "reverse_charge", "0"),
        ("AT", None, "eu_consumer", "20"),
        ("FR", None, "eu_consumer", "19"),  # no rate configured for France: the vendor's
        ("CH", "CHE123456789", "outside_eu", "0"),
        ("US", None, "outside_eu", "0"),
    ],
)
def test_the_vat_rule_follows_the_customers_country(country, vat_id, rule: str, rate: str) -> None:
    found = vat_for(country, vat_id, vendor_country="DE", vendor_rate="19", rates={"AT": "20"})

    assert (found.rule, found.rate) == (rule, rate)
    assert (found.note is not None) == (rule in {"reverse_charge", "outside_eu"})
