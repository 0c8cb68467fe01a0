"""The trading calculation (Handelskalkulation), forward from cost to price and backward from a
target price to the purchase cost it allows. Pure arithmetic: no AWS, no HTTP.

Amounts are integer cents, percentages `Decimal`s. Each step's amount is computed exactly and
rounded to a whole cent once (half up); every subtotal is the sum or difference of amounts already
rounded, so the steps always add up to the price shown.

Forward (`purchase_cost` given), percentages *on* the amount above, discounts *within* the price
they are granted from (im Hundert), as a seller quotes them:

    purchase cost (Bezugspreis)
  + overhead       = purchase cost × overhead %        (Handlungskosten)
  = cost price                                          (Selbstkosten)
  + profit         = cost price × margin %              (Gewinn)
  = cash price                                          (Barverkaufspreis)
  + cash discount  = target price × cash discount %     (Kundenskonto, im Hundert)
  = target price                                        (Zielverkaufspreis)
  + discount       = net price × discount %             (Kundenrabatt, im Hundert)
  = net price                                           (Listenverkaufspreis netto)
  + VAT            = net price × VAT %
  = gross price

Backward (`target_net_price` given) runs the same lines upwards: the discounts come off the net
price, profit and overhead are taken out of the prices they were added to (vom Hundert reversed).
Forward then backward gives back the purchase cost to the cent (a property test proves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

Direction = Literal["forward", "backward"]
HUNDRED = Decimal(100)
MAX_PERCENT = Decimal(1000)


@dataclass(frozen=True)
class Rates:
    """The calculation's percentages (0–1000; discounts below 100, else no price could carry them)."""

    overhead_pct: Decimal
    margin_pct: Decimal
    cash_discount_pct: Decimal
    discount_pct: Decimal
    vat_pct: Decimal


@dataclass(frozen=True)
class Step:
    name: str
    amount_cents: int
    percent: Decimal | None = None  # the rate this step applied; None for a subtotal


@dataclass(frozen=True)
class Result:
    purchase_cost_cents: int
    net_price_cents: int
    gross_price_cents: int
    steps: tuple[Step, ...]


def _cents(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _share(base: int, percent: Decimal) -> int:
    """`percent` of `base`, to the cent."""
    return _cents(Decimal(base) * percent / HUNDRED)


def _within(amount: int, percent: Decimal) -> int:
    """The price of which `amount` is what remains after `percent` off (im Hundert), to the cent."""
    return _cents(Decimal(amount) * HUNDRED / (HUNDRED - percent))


def _before(amount: int, percent: Decimal) -> int:
    """The amount that `percent` was added to, to make `amount` (vom Hundert reversed), to the cent."""
    return _cents(Decimal(amount) * HUNDRED / (HUNDRED + percent))


def forward(purchase_cost_cents: int, rates: Rates) -> Result:
    with localcontext() as exact:
        exact.prec = 40
        purchase = purchase_cost_cents
        overhead = _share(purchase, rates.overhead_pct)
        cost = purchase + overhead
        profit = _share(cost, rates.margin_pct)
        cash = cost + profit
        target = _within(cash, rates.cash_discount_pct)
        net = _within(target, rates.discount_pct)
        return _result(purchase, overhead, cost, profit, cash, target, net, rates)


def backward(target_net_price_cents: int, rates: Rates) -> Result:
    with localcontext() as exact:
        exact.prec = 40
        net = target_net_price_cents
        target = net - _share(net, rates.discount_pct)
        cash = target - _share(target, rates.cash_discount_pct)
        cost = _before(cash, rates.margin_pct)
        purchase = _before(cost, rates.overhead_pct)
        return _result(purchase, cost - purchase, cost, cash - cost, cash, target, net, rates)


def _result(
    purchase: int, overhead: int, cost: int, profit: int, cash: int, target: int, net: int, rates: Rates
) -> Result:
    vat = _share(net, rates.vat_pct)
    steps = (
        Step("purchase_cost", purchase),
        Step("overhead", overhead, rates.overhead_pct),
        Step("cost_price", cost),
        Step("profit", profit, rates.margin_pct),
        Step("cash_price", cash),
        Step("cash_discount", target - cash, rates.cash_discount_pct),
        Step("target_price", target),
        Step("discount", net - target, rates.discount_pct),
        Step("net_price", net),
        Step("vat", vat, rates.vat_pct),
        Step("gross_price", net + vat),
    )
    return Result(purchase_cost_cents=purchase, net_price_cents=net, gross_price_cents=net + vat, steps=steps)


def calculate(direction: Direction, amount_cents: int, rates: Rates) -> Result:
    return forward(amount_cents, rates) if direction == "forward" else backward(amount_cents, rates)
