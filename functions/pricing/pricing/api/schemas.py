"""Request and response bodies of the price calculation routes (they shape the OpenAPI document)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pricing.domain import Calculation

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
ContactId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# At most 1,000,000,000.00 in cents: far above any one article, far below Decimal's precision.
Cents = Annotated[int, Field(ge=0, le=100_000_000_000)]


def _in_range(value: str) -> str:
    if not Decimal(0) <= Decimal(value) <= Decimal(1000):
        raise ValueError("a percentage is between 0 and 1000")
    return str(Decimal(value))


Percent = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,4}(\.[0-9]{1,4})?$"),
    AfterValidator(_in_range),
    Field(description='A percentage as a decimal string, 0-1000 with up to 4 decimals ("12.5").'),
]
Direction = Literal["forward", "backward"]
DISCOUNTS = ("cash_discount_pct", "discount_pct")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _discounts_below_100(body: BaseModel) -> None:
    for name in DISCOUNTS:
        value = getattr(body, name)
        if value is not None and Decimal(value) >= 100:
            raise ValueError(f"{name} must be below 100")


class CreateCalculationRequest(_Body):
    name: Name
    direction: Direction
    purchase_cost_cents: Cents | None = Field(default=None, description="The input of a forward calculation.")
    target_net_price_cents: Cents | None = Field(
        default=None, description="The input of a backward calculation."
    )
    currency: Currency = "EUR"
    overhead_pct: Percent = "0"
    margin_pct: Percent = "0"
    cash_discount_pct: Percent = "0"
    discount_pct: Percent = "0"
    vat_pct: Percent = "19"
    supplier_contact_id: ContactId | None = None
    notes: Notes | None = None

    @model_validator(mode="after")
    def _one_input(self) -> CreateCalculationRequest:
        given, other = (
            ("purchase_cost_cents", "target_net_price_cents")
            if self.direction == "forward"
            else ("target_net_price_cents", "purchase_cost_cents")
        )
        if getattr(self, given) is None:
            raise ValueError(f"a {self.direction} calculation needs {given}")
        if getattr(self, other) is not None:
            raise ValueError(f"a {self.direction} calculation takes no {other}")
        _discounts_below_100(self)
        return self

    def fields(self) -> dict[str, Any]:
        return self.model_dump()


class UpdateCalculationRequest(_Body):
    """Only the fields sent change; `null` clears `supplier_contact_id` and `notes`."""

    name: Name | None = None
    direction: Direction | None = None
    purchase_cost_cents: Cents | None = None
    target_net_price_cents: Cents | None = None
    currency: Currency | None = None
    overhead_pct: Percent | None = None
    margin_pct: Percent | None = None
    cash_discount_pct: Percent | None = None
    discount_pct: Percent | None = None
    vat_pct: Percent | None = None
    supplier_contact_id: ContactId | None = None
    notes: Notes | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> UpdateCalculationRequest:
        optional = {"supplier_contact_id", "notes"}
        for name in self.model_fields_set - optional:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        if {"purchase_cost_cents", "target_net_price_cents"} <= self.model_fields_set:
            raise ValueError(
                "send purchase_cost_cents (forward) or target_net_price_cents (backward), not both"
            )
        _discounts_below_100(self)
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class StepResponse(BaseModel):
    name: str = Field(
        description="purchase_cost, overhead, cost_price, profit, cash_price, cash_discount, "
        "target_price, discount, net_price, vat, gross_price"
    )
    amount_cents: int
    percent: str | None = Field(description="The rate this step applied; null for a subtotal.")


class CalculationResponse(BaseModel):
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
    steps: list[StepResponse]
    supplier_contact_id: str | None
    notes: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, calculation: Calculation) -> CalculationResponse:
        steps = [
            StepResponse(
                name=s.name,
                amount_cents=s.amount_cents,
                percent=None if s.percent is None else str(s.percent),
            )
            for s in calculation.steps
        ]
        return cls(**{**calculation.__dict__, "steps": steps})


class CalculationPage(BaseModel):
    items: list[CalculationResponse]
    next_cursor: str | None
