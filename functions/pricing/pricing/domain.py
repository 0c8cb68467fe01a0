"""What price calculation works with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from pricing.arithmetic import Direction, Step


@dataclass(frozen=True)
class Calculation:
    """A calculation sheet: its inputs, and the result they gave when it was last written.

    `direction` says which amount was given: `purchase_cost_cents` (forward) or
    `target_net_price_cents` (backward); the other is the result. Percentages are decimal strings.
    """

    id: str
    name: str
    direction: Direction
    currency: str
    purchase_cost_cents: int
    net_price_cents: int
    gross_price_cents: int
    overhead_pct: str
    margin_pct: str
    cash_discount_pct: str
    discount_pct: str
    vat_pct: str
    steps: tuple[Step, ...]
    supplier_contact_id: str | None
    notes: str | None
    version: int
    created_at: str
    updated_at: str
