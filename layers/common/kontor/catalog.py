"""What the vendor sells: plans (a tenant's edition) and add-on modules, with prices and terms.

The catalogue is data (`data/catalog.json`), validated when a function first reads it: a catalogue
that does not parse, names a module twice or offers a booking period it cannot bill fails the cold
start (and `tests/unit/test_catalog.py`), never a customer's booking.
"""

from __future__ import annotations

import calendar
import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kontor.licences import PERIOD_MONTHS, Module, Plan


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Names(_Frozen):
    de: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Terms(_Frozen):
    version: str = Field(min_length=1)
    text: str = Field(min_length=1)


class PlanOffer(_Frozen):
    id: Plan
    name: Names
    monthly_price_cents: int = Field(ge=0)

    @property
    def rank(self) -> int:
        return list(Plan).index(self.id)


class ModuleOffer(_Frozen):
    id: Module
    name: Names
    monthly_price_cents: int = Field(ge=0)
    included: bool
    # `self_service`: an admin books it; `operator`: granted by the vendor's staff (after a
    # consultation); `included`: part of every plan, never booked.
    booking: Literal["self_service", "operator", "included"]
    periods: tuple[str, ...]
    retention_days: int = Field(ge=0)
    terms: Terms

    @model_validator(mode="after")
    def _consistent(self) -> ModuleOffer:
        if (self.booking == "included") != self.included:
            raise ValueError(f"{self.id}: only an included module is booked as `included`")
        if not self.included and not self.periods:
            raise ValueError(f"{self.id}: a bookable module needs at least one period")
        unknown = set(self.periods) - PERIOD_MONTHS.keys()
        if unknown:
            raise ValueError(f"{self.id}: unknown periods {sorted(unknown)}")
        return self


class Catalog(_Frozen):
    currency: Literal["EUR"]
    plans: tuple[PlanOffer, ...]
    plan_terms: Terms
    modules: tuple[ModuleOffer, ...]

    @model_validator(mode="after")
    def _complete(self) -> Catalog:
        for kind, offered, known in (("plan", self.plans, Plan), ("module", self.modules, Module)):
            ids = [offer.id for offer in offered]
            if sorted(ids) != sorted(known):
                raise ValueError(f"the catalogue must offer every {kind} exactly once: {ids}")
        return self

    def plan(self, plan: str) -> PlanOffer:
        return next(offer for offer in self.plans if offer.id == plan)

    def module(self, module: str) -> ModuleOffer:
        return next(offer for offer in self.modules if offer.id == module)


PATH = Path(__file__).with_name("data") / "catalog.json"


@functools.cache
def catalog() -> Catalog:
    return Catalog.model_validate(json.loads(PATH.read_text(encoding="utf-8")))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, or the month's last day where it is shorter."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
