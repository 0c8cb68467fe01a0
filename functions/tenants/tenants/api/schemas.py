"""Request and response bodies of tenant administration (they shape the OpenAPI document)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, ClassVar, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from kontor.pages import Page
from kontor.types import Patch
from tenants.domain import (
    AuditEntry,
    Charset,
    DirectoryEntry,
    Edition,
    Status,
    Template,
    Tenant,
    TenantFile,
    TenantType,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Kind = Literal["email", "document"]
Depth = Annotated[
    Literal["1", "all"],
    Query(
        description="`1`: the direct sub-tenants; `all`: every tenant below that the caller reaches "
        "as partner."
    ),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Display(BaseModel):
    """What the SPA shows top left: the logo, or the name where there is none."""

    kind: Literal["logo", "name"]
    text: str
    logo_url: str | None = None


class TenantResponse(BaseModel):
    id: str
    name: str
    type: str
    edition: str
    charset: str
    status: str
    configuration: str
    parent_id: str | None
    partner_access: bool
    subtenant_count: int
    handed_over_at: str | None
    created_at: str
    display: Display
    role: str
    via: str
    pending_plan: str | None = Field(
        default=None, description="A downgrade waiting for the next billing day (POST …/plan)."
    )
    plan_changes_at: str | None = Field(default=None, description="When `pending_plan` takes effect.")

    @classmethod
    def of(cls, tenant: Tenant, role: str, via: str, logo_url: str | None) -> TenantResponse:
        display = (
            Display(kind="logo", text=tenant.name, logo_url=logo_url)
            if logo_url
            else Display(kind="name", text=tenant.name)
        )
        return cls(
            id=tenant.id,
            name=tenant.name,
            type=tenant.type,
            edition=tenant.edition,
            charset=tenant.charset,
            status=tenant.status,
            configuration=tenant.configuration,
            parent_id=tenant.parent_id,
            partner_access=tenant.partner_access,
            subtenant_count=tenant.subtenant_count,
            handed_over_at=tenant.handed_over_at,
            created_at=tenant.created_at,
            display=display,
            role=role,
            via=via,
            pending_plan=tenant.pending_plan,
            plan_changes_at=tenant.plan_changes_at,
        )


class UpdateTenantRequest(Patch):
    EXAMPLE: ClassVar[dict[str, Any]] = {"name": "Schmidt & Partner GmbH"}

    name: Name | None = None
    edition: Edition | None = None
    charset: Charset | None = None
    configuration: Literal["ready", "awaiting_configuration"] | None = None
    partner_access: StrictBool | None = None

    def changes(self) -> dict:
        return {k: (v.value if hasattr(v, "value") else v) for k, v in self.changed().items()}


class CreateSubtenantRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Kunde Nord GmbH", "type": "STANDARD", "plan": "BASIC", "charset": "UTF-8"}]
        }
    )

    name: Name
    type: TenantType = TenantType.STANDARD
    plan: Edition = Field(default=Edition.BASIC, description="The plan (edition) it is billed for.")
    charset: Charset = Charset.UTF_8


class SubtenantResponse(BaseModel):
    id: str
    name: str
    type: str
    edition: str
    charset: str
    configuration: str
    parent_id: str | None
    partner_access: bool
    admin_count: int
    handed_over_at: str | None
    created_at: str

    @classmethod
    def of(cls, tenant: Tenant) -> SubtenantResponse:
        fields = asdict(tenant)
        return cls(**{name: fields[name] for name in cls.model_fields})


class SubtenantsPage(BaseModel):
    items: list[SubtenantResponse]
    next_cursor: str | None


class CopyContentRequest(_Body):
    kinds: list[Kind] = ["email", "document"]
    on_conflict: Literal["skip", "overwrite"] = "skip"


class HandoverRequest(_Body):
    billing: Literal["partner", "own"] = Field(
        default="partner",
        description="`partner`: the partner's invoice goes on billing the tenant; `own`: the tenant gets "
        "invoices of its own from today.",
    )


class CopyContentResponse(BaseModel):
    copied: list[str]
    overwritten: list[str]
    skipped: list[str]


class CreateTemplateRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Begrüßung", "kind": "email", "subject": "Willkommen", "body": "Hallo {name}"}
            ]
        }
    )

    name: Name
    kind: Kind
    subject: Annotated[str, StringConstraints(max_length=300)] | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class UpdateTemplateRequest(Patch):
    REMOVABLE = frozenset({"subject"})
    name: Name | None = None
    kind: Kind | None = None
    subject: Annotated[str, StringConstraints(max_length=300)] | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=100_000)] | None = None


class TemplateResponse(BaseModel):
    id: str
    name: str
    kind: str
    subject: str | None
    body: str
    created_at: str
    updated_at: str
    version: int
    copied_from: str | None

    @classmethod
    def of(cls, template: Template) -> TemplateResponse:
        return cls(**asdict(template))


class TemplatesPage(BaseModel):
    items: list[TemplateResponse]
    next_cursor: str | None


class AuditEntryResponse(BaseModel):
    id: str
    at: str
    actor_id: str
    actor_via: str
    action: str
    target: str | None
    details: dict

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryResponse:
        return cls(**asdict(entry))


class AuditPage(BaseModel):
    items: list[AuditEntryResponse]
    next_cursor: str | None


class LogoUploadRequest(_Body):
    content_type: Literal["image/png", "image/jpeg", "image/webp"]


class LogoUploadResponse(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


class LogoConfirmRequest(_Body):
    upload_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]


# ---------------------------------------------------------------- the operators' directory
class DirectoryEntryResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    status: str
    type: str
    edition: str
    configuration: str
    parent_id: str | None
    created_at: str


class DirectoryPage(BaseModel):
    items: list[DirectoryEntryResponse]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[DirectoryEntry]) -> DirectoryPage:
        return cls.model_validate(page, from_attributes=True)


class TenantRecordResponse(DirectoryEntryResponse):
    """A tenant as the vendor's staff see it: everything its settings hold, and its counts."""

    charset: str
    partner_access: bool
    subtenant_count: int
    admin_count: int
    handed_over_at: str | None
    closed_at: str | None = None
    version: int

    @classmethod
    def of(cls, tenant: Tenant) -> TenantRecordResponse:
        return cls.model_validate(tenant)


class AdminResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: str
    email: str
    name: str


class ConnectionFileResponse(BaseModel):
    """`kontor-<tenant_id>.json`: what a workstation needs to connect to the tenant, and no secret."""

    format: Literal["kontor-connection"]
    version: int
    api_url: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    tenant_id: str
    tenant_name: str
    created_at: str
    # Only where Cognito is emulated (the local stack).
    cognito_endpoint: str | None = Field(default=None, exclude_if=lambda value: value is None)


class TenantFileResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tenant: TenantRecordResponse
    admins: list[AdminResponse]
    member_count: int

    @classmethod
    def of(cls, found: TenantFile) -> TenantFileResponse:
        return cls.model_validate(found)


class StatusRequest(_Body):
    status: Status
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class EditionRequest(_Body):
    edition: Edition
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None = (
        None
    )


class CloseTenantRequest(_Body):
    """The tenant's name, typed again: closing is not a click by accident."""

    confirm_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ClosedTenantResponse(BaseModel):
    id: str
    status: str
    closed_at: str
    purge_at: str


class ReopenRequest(_Body):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None = (
        None
    )
