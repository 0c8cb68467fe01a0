"""Invitations: an admin's routes under /tenants/{tenantId}/invitations, and the invitee's public
GET /invitations/{token} and POST /invitations/{token}/accept."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from accounts import invitations
from accounts.api.schemas import (
    AcceptRequest,
    InvitationPreviewResponse,
    InvitationResponse,
    InvitationsPage,
    InviteRequest,
    MemberResponse,
)
from kontor import api, pages

app = api.make_resolver()


@app.post("/tenants/<tenantId>/invitations", responses={201: {"description": "Invited; the mail is sent."}})
@api.idempotent(app, "invitation.create")
def invite(tenantId: str, body: InviteRequest) -> Response[InvitationResponse]:
    return api.created(InvitationResponse.of(invitations.invite(api.access(app), body.email, body.role)))


@app.get("/tenants/<tenantId>/invitations")
def list_invitations(
    tenantId: str,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> InvitationsPage:
    page = invitations.list_invitations(api.access(app), limit, cursor)
    return InvitationsPage(items=[InvitationResponse.of(i) for i in page.items], next_cursor=page.next_cursor)


@app.delete("/tenants/<tenantId>/invitations/<invitationId>")
def revoke(tenantId: str, invitationId: str) -> InvitationResponse:
    return InvitationResponse.of(invitations.revoke(api.access(app), invitationId))


@app.post("/tenants/<tenantId>/invitations/<invitationId>/resend")
def resend(tenantId: str, invitationId: str) -> InvitationResponse:
    return InvitationResponse.of(invitations.resend(api.access(app), invitationId))


@app.get("/invitations/<token>")
def preview(token: str) -> InvitationPreviewResponse:
    return InvitationPreviewResponse.of(invitations.preview(token))


@app.post("/invitations/<token>/accept")
@api.idempotent(app, "invitation.accept")
def accept(token: str, body: AcceptRequest) -> MemberResponse:
    # Public at the gateway, so a new person can accept; a signed-in one proves who they are here.
    return MemberResponse.of(invitations.accept(token, api.optional_caller(app), body.name, body.password))


handler = api.lambda_handler(app)
