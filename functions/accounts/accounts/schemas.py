"""Request and response bodies of the accounts routes (they shape the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from accounts.domain import Me, Signup, User
from kontor.types import Email

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(_Body):
    email: Email
    password: str = Field(max_length=256, json_schema_extra={"format": "password"})
    name: Name
    tenant_name: Name


class VerifyRequest(_Body):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ResendRequest(_Body):
    email: Email


class UserResponse(BaseModel):
    id: str
    email: str
    name: str
    email_verified: bool

    @classmethod
    def of(cls, user: User) -> UserResponse:
        return cls(id=user.id, email=user.email, name=user.name, email_verified=user.email_verified)


class TenantSummary(BaseModel):
    id: str
    name: str
    role: str


class VerificationResponse(BaseModel):
    sent_to: str
    expires_at: str


class SignupResponse(BaseModel):
    user: UserResponse
    tenant: TenantSummary
    verification: VerificationResponse

    @classmethod
    def of(cls, signup: Signup) -> SignupResponse:
        return cls(
            user=UserResponse.of(signup.user),
            tenant=TenantSummary(id=signup.tenant.id, name=signup.tenant.name, role="admin"),
            verification=VerificationResponse(
                sent_to=signup.user.email, expires_at=signup.verification_expires_at
            ),
        )


class ResendResponse(BaseModel):
    status: str = "accepted"
    message: str = "If this address awaits verification, a new link is on its way."


class MembershipResponse(BaseModel):
    tenant_id: str
    tenant_name: str
    role: str


class MeResponse(BaseModel):
    user: UserResponse
    memberships: list[MembershipResponse]

    @classmethod
    def of(cls, me: Me) -> MeResponse:
        return cls(
            user=UserResponse.of(me.user),
            memberships=[
                MembershipResponse(tenant_id=m.tenant_id, tenant_name=m.tenant_name, role=m.role)
                for m in me.memberships
            ],
        )
