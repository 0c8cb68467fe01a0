"""What accounts work with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    email_verified: bool


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str


@dataclass(frozen=True)
class Membership:
    tenant_id: str
    tenant_name: str
    role: str


@dataclass(frozen=True)
class Signup:
    user: User
    tenant: Tenant
    verification_expires_at: str


@dataclass(frozen=True)
class Me:
    user: User
    memberships: list[Membership]
