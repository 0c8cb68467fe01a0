"""Contacts: /tenants/{tenantId}/contacts — viewers read, members write."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from kontor.access import Role
from records import records
from records.api import replies
from records.api.schemas import ContactPage, ContactResponse, CreateContactRequest, UpdateContactRequest

app = api.make_resolver()
Prefix = Annotated[str | None, Query(max_length=200, description="Name prefix; accents and case ignored.")]


@app.post(
    "/tenants/<tenantId>/contacts", responses={201: {"description": "Created; ETag holds its version."}}
)
@api.idempotent(app, "contact.create")
def create(tenantId: str, body: CreateContactRequest) -> Response[ContactResponse]:
    contact = records.create_contact(api.access(app, Role.MEMBER), body.fields())
    return replies.record(ContactResponse.of(contact), contact.version, status=201)


@app.get("/tenants/<tenantId>/contacts")
def list_contacts(
    tenantId: str,
    prefix: Prefix = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> ContactPage:
    page = records.list_contacts(api.access(app), prefix, limit, cursor)
    return ContactPage(items=[ContactResponse.of(c) for c in page.items], next_cursor=page.next_cursor)


@app.get("/tenants/<tenantId>/contacts/<contactId>")
def read(tenantId: str, contactId: str) -> Response[ContactResponse]:
    contact = records.get_contact(api.access(app), contactId)
    return replies.record(ContactResponse.of(contact), contact.version)


@app.patch("/tenants/<tenantId>/contacts/<contactId>")
def update(tenantId: str, contactId: str, body: UpdateContactRequest) -> Response[ContactResponse]:
    tenant = api.access(app, Role.MEMBER)
    contact = records.update_contact(tenant, contactId, api.if_match(app), body.changes())
    return replies.record(ContactResponse.of(contact), contact.version)


@app.delete("/tenants/<tenantId>/contacts/<contactId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, contactId: str) -> Response[None]:
    records.delete_contact(api.access(app, Role.MEMBER), contactId, replies.expected_version(app))
    return replies.no_content()


handler = api.lambda_handler(app)
