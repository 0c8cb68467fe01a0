"""The trading calculation: a worked example to the cent, and forward then backward giving back the
purchase cost for any inputs (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pricing.arithmetic import Rates, backward, forward

EXAMPLE = Rates(
    overhead_pct=Decimal("25"),
    margin_pct=Decimal("12.5"),
    cash_discount_pct=Decimal("2"),
    discount_pct=Decimal("10"),
    vat_pct=Decimal("19"),
)


def test_forward_from_cost_to_price_step_by_step() -> None:
    result = forward(12000, EXAMPLE)

    assert [(s.name, s.amount_cents) for s in result.steps] == [
        ("purchase_cost", 12000),
        ("overhead", 3000),  # 25 % of 120.00
        ("cost_price", 15000),
        ("profit", 1875),  # 12.5 % of 150.00
        ("cash_price", 16875),
        ("cash_discount", 344),  # 168.75 is 98 %: 172.19 (172.1938…) is the price before skonto
        ("target_price", 17219),
        ("discount", 1913),  # 172.19 is 90 %: 191.32 (191.3222…)
        ("net_price", 19132),
        ("vat", 3635),  # 19 % of 191.32 = 36.3508
        ("gross_price", 22767),
    ]
    assert (result.purchase_cost_cents, result.net_price_cents, result.gross_price_cents) == (
        12000,
        19132,
        22767,
    )
    assert result.steps[1].percent == Decimal("25") and result.steps[2].percent is None


def test_backward_from_a_target_price_to_the_allowed_cost() -> None:
    result = backward(19132, EXAMPLE)

    assert [(s.name, s.amount_cents) for s in result.steps] == [
        ("purchase_cost", 12000),
        ("overhead", 3000),
        ("cost_price", 15000),
        ("profit", 1875),
        ("cash_price", 16875),
        ("cash_discount", 344),
        ("target_price", 17219),
        ("discount", 1913),
        ("net_price", 19132),
        ("vat", 3635),
        ("gross_price", 22767),
    ]


def test_amounts_round_half_up_once_per_step() -> None:
    half = Rates(*(Decimal(x) for x in ("50", "0", "0", "0", "0")))
    assert forward(1, half).steps[1].amount_cents == 1  # 0.5 cent rounds up
    assert forward(3, half).steps[1].amount_cents == 2  # 1.5 cents


percent = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
discount = st.decimals(
    min_value=0, max_value=Decimal("99.9999"), places=4, allow_nan=False, allow_infinity=False
)


@settings(max_examples=2000, deadline=None)
@given(
    cost=st.integers(min_value=0, max_value=100_000_000_000),
    overhead=percent,
    margin=percent,
    cash_discount=discount,
    rebate=discount,
    vat=percent,
)
def test_forward_then_backward_returns_the_cost_within_a_cent(
    cost: int, overhead: Decimal, margin: Decimal, cash_discount: Decimal, rebate: Decimal, vat: Decimal
) -> None:
    rates = Rates(overhead, margin, cash_discount, rebate, vat)
    there = forward(cost, rates)
    back = backward(there.net_price_cents, rates)

    assert abs(back.purchase_cost_cents - cost) <= 1
    assert back.net_price_cents == there.net_price_cents
    assert back.gross_price_cents == there.gross_price_cents
    for result in (there, back):  # the subtotals are what their steps add up to
        amounts = {s.name: s.amount_cents for s in result.steps}
        assert amounts["purchase_cost"] + amounts["overhead"] == amounts["cost_price"]
        assert amounts["cost_price"] + amounts["profit"] == amounts["cash_price"]
        assert amounts["cash_price"] + amounts["cash_discount"] == amounts["target_price"]
        assert amounts["target_price"] + amounts["discount"] == amounts["net_price"]
        assert amounts["net_price"] + amounts["vat"] == amounts["gross_price"]
