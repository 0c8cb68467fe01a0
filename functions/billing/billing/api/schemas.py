"""Request and response bodies of the billing routes (they shape the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from billing.plans import PlanChange
from kontor.catalog import Catalog, ModuleOffer, PlanOffer, Terms
from kontor.licences import Licence, Module, Plan, State

Period = Literal["P1M", "P3M", "P12M"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AcceptTerms(_Body):
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="The version of the terms the admin accepted (from GET /catalog)."
    )


class BookLicenceRequest(_Body):
    module: Module
    period: Period
    accept_terms: AcceptTerms


class GrantLicenceRequest(_Body):
    module: Module
    period: Period
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Why it is granted, e.g. the consultation it follows."
    )


class ChangePlanRequest(_Body):
    plan: Plan
    accept_terms: AcceptTerms


# ---------------------------------------------------------------- catalogue
class NamesResponse(BaseModel):
    de: str
    en: str


class TermsResponse(BaseModel):
    version: str
    text: str

    @classmethod
    def of(cls, terms: Terms) -> TermsResponse:
        return cls(version=terms.version, text=terms.text)


class PlanOfferResponse(BaseModel):
    id: Plan
    name: NamesResponse
    monthly_price_cents: int

    @classmethod
    def of(cls, offer: PlanOffer) -> PlanOfferResponse:
        return cls(
            id=offer.id,
            name=NamesResponse(de=offer.name.de, en=offer.name.en),
            monthly_price_cents=offer.monthly_price_cents,
        )


class ModuleOfferResponse(BaseModel):
    id: Module
    name: NamesResponse
    monthly_price_cents: int
    included: bool
    booking: Literal["self_service", "operator", "included"]
    periods: list[str]
    retention_days: int
    terms: TermsResponse

    @classmethod
    def of(cls, offer: ModuleOffer) -> ModuleOfferResponse:
        return cls(
            id=offer.id,
            name=NamesResponse(de=offer.name.de, en=offer.name.en),
            monthly_price_cents=offer.monthly_price_cents,
            included=offer.included,
            booking=offer.booking,
            periods=list(offer.periods),
            retention_days=offer.retention_days,
            terms=TermsResponse.of(offer.terms),
        )


class CatalogResponse(BaseModel):
    currency: str
    plans: list[PlanOfferResponse]
    plan_terms: TermsResponse
    modules: list[ModuleOfferResponse]

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogResponse:
        return cls(
            currency=catalog.currency,
            plans=[PlanOfferResponse.of(offer) for offer in catalog.plans],
            plan_terms=TermsResponse.of(catalog.plan_terms),
            modules=[ModuleOfferResponse.of(offer) for offer in catalog.modules],
        )


# ---------------------------------------------------------------- licences and plans
class LicenceResponse(BaseModel):
    module: Module
    state: State
    expires_at: str
    purge_at: str = Field(description="When a locked licence's data is deleted unless booked again.")
    period: str
    active_since: str
    granted_by: Literal["admin", "operator"]

    @classmethod
    def of(cls, licence: Licence, now: datetime) -> LicenceResponse:
        return cls(
            module=Module(licence.module),
            state=licence.state(now),
            expires_at=licence.expires_at,
            purge_at=licence.purge_at,
            period=licence.period,
            active_since=licence.active_since,
            granted_by="operator" if licence.granted_by == "operator" else "admin",
        )


class LicencesResponse(BaseModel):
    items: list[LicenceResponse]


class PlanChangeResponse(BaseModel):
    plan: Plan
    previous_plan: Plan
    effective_at: str = Field(description="Now for an upgrade; the next billing day for a downgrade.")
    monthly_price_cents: int
    previous_monthly_price_cents: int
    difference_cents: int
    this_month_cents: int = Field(description="What an upgrade adds to this month's invoice, by the day.")
    currency: str

    @classmethod
    def of(cls, change: PlanChange) -> PlanChangeResponse:
        return cls(
            plan=Plan(change.plan),
            previous_plan=Plan(change.previous_plan),
            effective_at=change.effective_at,
            monthly_price_cents=change.monthly_price_cents,
            previous_monthly_price_cents=change.previous_monthly_price_cents,
            difference_cents=change.difference_cents,
            this_month_cents=change.this_month_cents,
            currency=change.currency,
        )
