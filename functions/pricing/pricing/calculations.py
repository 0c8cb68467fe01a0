"""Calculation sheets: what may be written, and the result each write stores with the inputs."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import NotFound, PreconditionFailed, Unprocessable
from kontor.observability import count
from kontor.pages import Page
from kontor.tenancy import name_key
from pricing import arithmetic, store
from pricing.domain import Calculation

_ID = re.compile(r"^[0-9a-z]{26}$")
RATES = ("overhead_pct", "margin_pct", "cash_discount_pct", "discount_pct", "vat_pct")
DISCOUNTS = ("cash_discount_pct", "discount_pct")
# What a sheet is made of; everything else of it is calculated from these.
INPUTS = ("name", "direction", "currency", "purchase_cost_cents", *RATES, "supplier_contact_id", "notes")


def _known(calculation_id: str) -> str:
    if not _ID.match(calculation_id):  # a malformed id names nothing: the same 404, without a read
        raise NotFound("No such price calculation.", code="calculation_not_found")
    return calculation_id


def _rates(values: dict[str, Any]) -> arithmetic.Rates:
    rates = {name: Decimal(str(values[name])) for name in RATES}
    # Checked here too (the schemas check a body alone): a change may combine with stored values.
    for name, rate in rates.items():
        if not Decimal(0) <= rate <= arithmetic.MAX_PERCENT:
            raise Unprocessable(f"{name} must be between 0 and 1000.", code="validation_error")
    for name in DISCOUNTS:
        if rates[name] >= arithmetic.HUNDRED:
            raise Unprocessable(f"{name} must be below 100.", code="validation_error")
    return arithmetic.Rates(**rates)


def _computed(values: dict[str, Any]) -> dict[str, Any]:
    """The sheet's fields with the result of its inputs (`direction` names the amount given)."""
    given = values["purchase_cost_cents" if values["direction"] == "forward" else "target_net_price_cents"]
    result = arithmetic.calculate(values["direction"], given, _rates(values))
    kept = {k: v for k, v in values.items() if k != "target_net_price_cents"}
    return {
        **kept,
        **{name: str(Decimal(str(values[name]))) for name in RATES},
        "purchase_cost_cents": result.purchase_cost_cents,
        "net_price_cents": result.net_price_cents,
        "gross_price_cents": result.gross_price_cents,
        "steps": result.steps,
    }


def create(tenant: Access, fields: dict[str, Any]) -> Calculation:
    now = clock.iso(clock.now())
    calculation = Calculation(id=ids.new_id(), version=1, created_at=now, updated_at=now, **_computed(fields))
    store.calculations.write(
        tenant.tenant_id,
        tenant.caller.user_id,
        "create",
        calculation,
        new_supplier=calculation.supplier_contact_id,
    )
    count("PriceCalculationCreated", tenant.tenant_id)
    return calculation


def get(tenant: Access, calculation_id: str) -> Calculation:
    return store.calculations.get(tenant.tenant_id, _known(calculation_id))


def _expect(current: Calculation, expected_version: int | None) -> int:
    if expected_version is not None and expected_version != current.version:
        raise PreconditionFailed(
            "This price calculation was changed by someone else; read it again and retry.",
            code="precondition_failed",
        )
    return current.version


def update(
    tenant: Access, calculation_id: str, expected_version: int, changes: dict[str, Any]
) -> Calculation:
    """Change the fields sent and calculate again. Turning a sheet round keeps its price or cost:
    `direction: backward` alone starts from the net price it had, `forward` from its purchase cost."""
    current = get(tenant, calculation_id)
    version = _expect(current, expected_version)
    values = {name: getattr(current, name) for name in INPUTS}
    values["target_net_price_cents"] = current.net_price_cents
    values.update(changes)
    direction = values["direction"]
    wrong = "target_net_price_cents" if direction == "forward" else "purchase_cost_cents"
    if wrong in changes:
        raise Unprocessable(
            f"A {direction} calculation takes no {wrong}; change `direction` with it.",
            code="validation_error",
            details=[{"field": wrong, "reason": f"not an input of a {direction} calculation"}],
        )
    updated = dataclasses.replace(
        current, **_computed(values), version=version + 1, updated_at=clock.iso(clock.now())
    )
    supplier = updated.supplier_contact_id
    store.calculations.write(
        tenant.tenant_id,
        tenant.caller.user_id,
        "update",
        updated,
        expected_version=version,
        new_supplier=supplier if supplier and supplier != current.supplier_contact_id else None,
    )
    count("PriceCalculationUpdated", tenant.tenant_id)
    return updated


def delete(tenant: Access, calculation_id: str, expected_version: int | None) -> None:
    current = get(tenant, calculation_id)
    version = _expect(current, expected_version)
    store.calculations.write(
        tenant.tenant_id, tenant.caller.user_id, "delete", current, expected_version=version
    )
    count("PriceCalculationDeleted", tenant.tenant_id)


def list_by_name(tenant: Access, prefix: str | None, limit: int, cursor: str | None) -> Page[Calculation]:
    """Sheets by name (accents and case ignored), those starting with `prefix` if given."""
    return store.calculations.by_name(tenant.tenant_id, name_key(prefix or ""), limit, cursor)
