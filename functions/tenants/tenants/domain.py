"""What tenant administration works with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TenantType(StrEnum):
    STANDARD = "STANDARD"  # starts with the standard content, always UTF-8
    CUSTOM = "CUSTOM"  # starts empty and awaits configuration


class Edition(StrEnum):
    BASIC = "BASIC"
    PROFESSIONAL = "PROFESSIONAL"
    ENTERPRISE = "ENTERPRISE"


class Charset(StrEnum):
    UTF_8 = "UTF-8"
    ISO_8859_1 = "ISO-8859-1"
    ISO_8859_15 = "ISO-8859-15"
    WINDOWS_1252 = "Windows-1252"


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    status: str
    created_at: str
    type: str
    edition: str
    charset: str
    configuration: str
    version: int
    parent_id: str | None
    ancestors: tuple[str, ...]
    partner_access: bool
    subtenant_count: int
    admin_count: int
    logo_key: str | None
    handed_over_at: str | None
    bill_to: str | None = None  # the billing account whose invoice bills this tenant
    pending_plan: str | None = None  # a downgrade waiting for the next billing day
    plan_changes_at: str | None = None
    closed_at: str | None = None  # billing stops at this day


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    kind: str
    subject: str | None
    body: str
    created_at: str
    updated_at: str
    version: int
    copied_from: str | None


@dataclass(frozen=True)
class CopyReport:
    copied: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: str
    actor_id: str
    actor_via: str
    action: str
    target: str | None
    details: dict


class Status(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


@dataclass(frozen=True)
class DirectoryEntry:
    """A tenant as the operators' directory lists it (what the directory indexes project)."""

    id: str
    name: str
    status: str
    type: str
    edition: str
    configuration: str
    parent_id: str | None
    created_at: str


@dataclass(frozen=True)
class Admin:
    user_id: str
    email: str
    name: str


@dataclass(frozen=True)
class TenantFile:
    """One tenant as an operator reads it: the tenant, its admins and how much it holds."""

    tenant: Tenant
    admins: tuple[Admin, ...]
    member_count: int
