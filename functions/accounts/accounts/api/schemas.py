"""Request and response bodies of the accounts routes (they shape the OpenAPI document)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from accounts.domain import Invitation, InvitationPreview, Me, Member, Signup, User
from kontor.access import Role
from kontor.licences import Plan
from kontor.types import Email

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "anna@example.com",
                    "password": "velvet-otter-harbour-93",
                    "name": "Anna Schmidt",
                    "tenant_name": "Schmidt GmbH",
                }
            ]
        }
    )

    email: Email
    password: str = Field(max_length=256, json_schema_extra={"format": "password", "minLength": 12})
    name: Name
    tenant_name: Name
    plan: Plan = Field(default=Plan.BASIC, description="The new tenant's plan (edition), billed monthly.")
    # The language of the mails the person gets (verification now, system mails as an admin later).
    language: Literal["de", "en"] = "de"


class VerifyRequest(_Body):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    # The login's password from now on: verifying never keeps a password the verifier did not set.
    password: str = Field(max_length=256, json_schema_extra={"format": "password"})


class ResendRequest(_Body):
    email: Email


class UserResponse(BaseModel):
    id: str
    email: str
    name: str
    email_verified: bool
    language: Literal["de", "en"] = Field(description="The language of the mails the person gets.")

    @classmethod
    def of(cls, user: User) -> UserResponse:
        language = "en" if user.language == "en" else "de"
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            email_verified=user.email_verified,
            language=language,
        )


class LanguageRequest(_Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"language": "en"}]})

    language: Literal["de", "en"] = Field(description="The language of the mails the person gets.")


class TenantSummary(BaseModel):
    id: str
    name: str
    role: str


class VerificationResponse(BaseModel):
    sent_to: str
    expires_at: str


class SignupResponse(BaseModel):
    """The same for a new address and a known one, so signup reveals no address: the ids come with
    the verification (`POST /signup/verify`) and `GET /me`."""

    verification: VerificationResponse

    @classmethod
    def of(cls, signup: Signup) -> SignupResponse:
        return cls(
            verification=VerificationResponse(
                sent_to=signup.sent_to, expires_at=signup.verification_expires_at
            )
        )


class ResendResponse(BaseModel):
    status: str = "accepted"
    message: str = "If this address awaits verification, a new link is on its way."


class SyncBriefResponse(BaseModel):
    last_sync_at: str | None
    stale: bool


class MembershipResponse(BaseModel):
    tenant_id: str
    tenant_name: str
    role: str
    via: str
    subtenant_count: int = Field(
        description="Direct sub-tenants: above zero for a partner tenant. The tenants reached below it "
        "as partner are listed by `GET /tenants/{tenantId}/subtenants?depth=all`."
    )
    sync: SyncBriefResponse = Field(
        description="The tenant's online sync: its last successful sync and whether that is more than "
        "an hour ago (`stale`); null and false for a tenant that never synced."
    )


class PendingInvitationResponse(BaseModel):
    id: str
    tenant_id: str
    tenant_name: str
    role: str
    inviter_name: str
    expires_at: str


class MeResponse(BaseModel):
    user: UserResponse
    memberships: list[MembershipResponse]
    invitations: list[PendingInvitationResponse]

    @classmethod
    def of(cls, me: Me) -> MeResponse:
        return cls(
            user=UserResponse.of(me.user),
            memberships=[MembershipResponse(**asdict(m)) for m in me.memberships],
            invitations=[PendingInvitationResponse(**asdict(i)) for i in me.invitations],
        )


class CreateTenantRequest(_Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Schmidt Beratung"}]})

    name: Name
    plan: Plan = Field(default=Plan.BASIC, description="The new tenant's plan (edition), billed monthly.")


class TenantCreatedResponse(BaseModel):
    id: str
    name: str
    role: str


class MemberResponse(BaseModel):
    user_id: str
    email: str
    name: str
    role: str
    joined_at: str

    @classmethod
    def of(cls, member: Member) -> MemberResponse:
        return cls(
            user_id=member.user_id,
            email=member.email,
            name=member.name,
            role=member.role,
            joined_at=member.joined_at,
        )


class MembersPage(BaseModel):
    items: list[MemberResponse]
    next_cursor: str | None


class ChangeRoleRequest(_Body):
    role: Role


class InviteRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ben@example.com", "role": "member"}]}
    )

    email: Email
    role: Role = Role.MEMBER


class InvitationResponse(BaseModel):
    id: str
    tenant_id: str
    email: str
    role: str
    state: str
    invited_by: str
    inviter_name: str
    created_at: str
    expires_at: str
    sent_count: int
    accepted_at: str | None = None
    revoked_at: str | None = None

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationResponse:
        return cls(**asdict(invitation))


class InvitationsPage(BaseModel):
    items: list[InvitationResponse]
    next_cursor: str | None


class InvitationPreviewResponse(BaseModel):
    invitation_id: str
    tenant_id: str
    tenant_name: str
    inviter_name: str
    email: str
    role: str
    expires_at: str
    has_identity: bool

    @classmethod
    def of(cls, preview: InvitationPreview) -> InvitationPreviewResponse:
        return cls(**asdict(preview))


class AcceptRequest(_Body):
    """Only a person without a login sends these; a signed-in person sends an empty body."""

    name: Name | None = None
    password: str | None = Field(
        default=None, max_length=256, json_schema_extra={"format": "password", "minLength": 12}
    )
