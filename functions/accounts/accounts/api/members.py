"""Members of a tenant: GET /tenants/{tenantId}/members, PATCH and DELETE …/members/{userId}."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from accounts import members
from accounts.api.schemas import ChangeRoleRequest, MemberResponse, MembersPage
from kontor import api, pages

app = api.make_resolver()


@app.get("/tenants/<tenantId>/members")
def list_members(
    tenantId: str,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> MembersPage:
    page = members.list_members(api.access(app), limit, cursor)
    return MembersPage(items=[MemberResponse.of(m) for m in page.items], next_cursor=page.next_cursor)


@app.patch("/tenants/<tenantId>/members/<userId>")
def change_role(tenantId: str, userId: str, body: ChangeRoleRequest) -> MemberResponse:
    return MemberResponse.of(members.change_role(api.access(app), userId, body.role))


@app.delete("/tenants/<tenantId>/members/<userId>", responses={204: {"description": "Removed or left."}})
def remove(tenantId: str, userId: str) -> Response[None]:
    members.remove(api.access(app), userId)
    return api.no_content()


handler = api.lambda_handler(app)
