"""Calculation sheets in the table. Rows in, domain objects out.

A sheet lives in the tenant's range under the module's prefix (`keys.module_prefix`), so the
licence job's purge removes exactly the module's data and nothing else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from kontor import db, fences, keys, mapping, pages
from kontor.errors import NotFound, PreconditionFailed, Unprocessable
from kontor.models import ContactItem, Gsi1, Item
from kontor.pages import Page
from kontor.tenancy import name_key
from pricing.arithmetic import Step
from pricing.domain import Calculation


class StepMap(MapAttribute):
    name = UnicodeAttribute()
    amount_cents = NumberAttribute()
    percent = UnicodeAttribute(null=True)


class PriceCalculationItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#price_calculation#CALCULATION#<calculation_id>
    GSI1: TENANT#<tenant_id>#MOD#price_calculation#CALCULATIONS / <name key>#<id>  (by name prefix)"""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_name = Gsi1()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    direction = UnicodeAttribute()
    currency = UnicodeAttribute()
    purchase_cost_cents = NumberAttribute()
    net_price_cents = NumberAttribute()
    gross_price_cents = NumberAttribute()
    overhead_pct = UnicodeAttribute()
    margin_pct = UnicodeAttribute()
    cash_discount_pct = UnicodeAttribute()
    discount_pct = UnicodeAttribute()
    vat_pct = UnicodeAttribute()
    steps = ListAttribute(of=StepMap)
    supplier_contact_id = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


def _calculation(item: PriceCalculationItem) -> Calculation:
    steps = tuple(
        Step(s.name, int(s.amount_cents), Decimal(s.percent) if s.percent is not None else None)
        for s in item.steps
    )
    return mapping.domain(item, Calculation, steps=steps)


def _item(tenant_id: str, calculation: Calculation, actor_id: str) -> PriceCalculationItem:
    fields = mapping.attributes(calculation, PriceCalculationItem, exclude=frozenset({"steps"}))
    return PriceCalculationItem(
        keys.tenant_pk(tenant_id),
        keys.price_calculation_sk(calculation.id),
        gsi1pk=keys.price_calculations_by_name_pk(tenant_id),
        gsi1sk=keys.price_calculation_name_sk(name_key(calculation.name), calculation.id),
        steps=[
            StepMap(
                name=s.name,
                amount_cents=s.amount_cents,
                percent=None if s.percent is None else str(s.percent),
            )
            for s in calculation.steps
        ],
        updated_by=actor_id,
        **fields,
    )


def get(tenant_id: str, calculation_id: str) -> Calculation:
    try:
        item = PriceCalculationItem.get(
            keys.tenant_pk(tenant_id), keys.price_calculation_sk(calculation_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such price calculation.", code="calculation_not_found") from None
    return _calculation(item)


def by_name(tenant_id: str, name_prefix: str, limit: int, cursor: str | None) -> Page[Calculation]:
    """One Query of the name index: the sheets whose name key starts with `name_prefix`."""
    partition = keys.price_calculations_by_name_pk(tenant_id)
    results = PriceCalculationItem.by_name.query(
        partition,
        range_key_condition=PriceCalculationItem.gsi1sk.startswith(name_prefix) if name_prefix else None,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="gsi1pk", partition=partition),
    )
    items = [_calculation(item) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def write(
    tenant_id: str,
    actor_id: str,
    operation: Literal["create", "update", "delete"],
    calculation: Calculation,
    expected_version: int | None = None,
    new_supplier: str | None = None,
) -> None:
    """Store one change of a sheet in one transaction through the tenant's write path, conditional
    on the version the writer read; a supplier it newly links must exist as a contact then."""
    tenant_pk = keys.tenant_pk(tenant_id)
    sk = keys.price_calculation_sk(calculation.id)
    model = PriceCalculationItem
    try:
        with fences.write(tenant_id) as tx:
            if new_supplier is not None:
                tx.condition_check(
                    ContactItem, tenant_pk, keys.contact_sk(new_supplier), condition=ContactItem.pk.exists()
                )
            condition: Any = (
                model.pk.does_not_exist() if operation == "create" else model.version == expected_version
            )
            if operation == "delete":
                tx.delete(model(tenant_pk, sk), condition=condition)
            else:
                tx.save(_item(tenant_id, calculation, actor_id), condition=condition)
    except db.Cancelled as cancelled:
        if new_supplier is not None and (tenant_pk, keys.contact_sk(new_supplier)) in cancelled.failed:
            raise Unprocessable(
                f"The supplier {new_supplier} is not a contact of this tenant.",
                code="contact_not_found",
                details=[{"field": "supplier_contact_id", "reason": f"no contact {new_supplier}"}],
            ) from None
        if (tenant_pk, sk) in cancelled.failed:
            raise PreconditionFailed(
                "This price calculation was changed by someone else; read it again and retry.",
                code="precondition_failed",
            ) from None
        raise
