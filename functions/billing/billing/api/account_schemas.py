"""Request and response bodies of a billing account's routes: the company profile and invoices."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from billing.charges import Line, Section
from billing.store.company import Company
from billing.store.invoices import Invoice
from kontor.types import Email

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompanyAddressBody(_Body):
    street: Text | None = None
    postal_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None
    ) = None
    city: Text | None = None


class OwnerBody(_Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    email: Email | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None


class CompanyRequest(_Body):
    """The whole profile: a field left out is cleared."""

    legal_name: Text | None = None
    address: CompanyAddressBody | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-2, e.g. DE; it decides the invoices' VAT."
    )
    vat_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$")]
        | None
    ) = Field(default=None, description="With its country prefix, e.g. DE123456789.")
    registration_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None
    ) = None
    billing_email: Email | None = Field(default=None, description="Where invoices are mailed.")
    owner: OwnerBody | None = Field(default=None, description="The owner, kept as a person in the contacts.")

    def fields(self) -> dict[str, Any]:
        address = self.address or CompanyAddressBody()
        return {
            "legal_name": self.legal_name,
            "street": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            "country": self.country,
            "vat_id": self.vat_id,
            "registration_number": self.registration_number,
            "billing_email": self.billing_email,
        }


class CompanyAddressResponse(BaseModel):
    street: str | None
    postal_code: str | None
    city: str | None


class OwnerResponse(BaseModel):
    contact_id: str | None = Field(description="The owner's contact in the tenant's contacts.")
    name: str
    email: str | None
    phone: str | None


class CompanyResponse(BaseModel):
    legal_name: str | None
    address: CompanyAddressResponse
    country: str | None
    vat_id: str | None
    registration_number: str | None
    billing_email: str | None
    owner: OwnerResponse | None
    complete: bool = Field(description="Whether invoices have everything they need.")
    missing: list[str] = Field(description="What is missing for a complete profile.")
    version: int
    updated_at: str | None

    @classmethod
    def of(cls, company: Company) -> CompanyResponse:
        owner = company.owner
        return cls(
            legal_name=company.legal_name,
            address=CompanyAddressResponse(
                street=company.street, postal_code=company.postal_code, city=company.city
            ),
            country=company.country,
            vat_id=company.vat_id,
            registration_number=company.registration_number,
            billing_email=company.billing_email,
            owner=OwnerResponse(
                contact_id=owner.contact_id, name=owner.name, email=owner.email, phone=owner.phone
            )
            if owner
            else None,
            complete=not company.missing,
            missing=list(company.missing),
            version=company.version,
            updated_at=company.updated_at,
        )


# ---------------------------------------------------------------- invoices
class InvoiceLineResponse(BaseModel):
    kind: str = Field(description="plan or module")
    code: str
    description: str
    days: int = Field(description="Days of the month billed (pro rata when fewer than the month has).")
    days_in_month: int
    monthly_price_cents: int
    amount_cents: int

    @classmethod
    def of(cls, line: Line) -> InvoiceLineResponse:
        return cls(**line.__dict__)


class InvoiceSectionResponse(BaseModel):
    tenant_id: str
    tenant_name: str
    lines: list[InvoiceLineResponse]
    net_cents: int

    @classmethod
    def of(cls, section: Section) -> InvoiceSectionResponse:
        return cls(
            tenant_id=section.tenant_id,
            tenant_name=section.tenant_name,
            lines=[InvoiceLineResponse.of(line) for line in section.lines],
            net_cents=section.net_cents,
        )


class InvoiceSummaryResponse(BaseModel):
    id: str = Field(description="The month billed (YYYY-MM): one invoice per account and month.")
    number: str = Field(description="KT-<year>-<six digits>, gapless across the vendor.")
    month: str
    issued_at: str
    currency: str
    net_cents: int
    vat_rate: str = Field(description="Percent, e.g. 19.")
    vat_rule: str = Field(description="domestic, eu_consumer, reverse_charge or outside_eu.")
    vat_note: str | None
    vat_cents: int
    gross_cents: int
    mailed_at: str | None

    @classmethod
    def fields_of(cls, invoice: Invoice) -> dict[str, Any]:
        return {
            "id": invoice.month,
            "number": invoice.number,
            "month": invoice.month,
            "issued_at": invoice.issued_at,
            "currency": invoice.currency,
            "net_cents": invoice.net_cents,
            "vat_rate": invoice.vat_rate,
            "vat_rule": invoice.vat_rule,
            "vat_note": invoice.vat_note,
            "vat_cents": invoice.vat_cents,
            "gross_cents": invoice.gross_cents,
            "mailed_at": invoice.mailed_at,
        }

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceSummaryResponse:
        return cls(**cls.fields_of(invoice))


class InvoicesPage(BaseModel):
    items: list[InvoiceSummaryResponse]
    next_cursor: str | None


class InvoiceResponse(InvoiceSummaryResponse):
    recipient: dict[str, str] = Field(
        description="The company profile as it was when the invoice was issued."
    )
    sections: list[InvoiceSectionResponse] = Field(description="One per billed tenant: the account first.")

    @classmethod
    def with_sections(cls, invoice: Invoice, sections: list[Section]) -> InvoiceResponse:
        return cls(
            **cls.fields_of(invoice),
            recipient={k: str(v) for k, v in invoice.recipient.items()},
            sections=[InvoiceSectionResponse.of(section) for section in sections],
        )
