"""Templates: /tenants/{tenantId}/templates and …/templates/{templateId}."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, pages
from tenants import templates
from tenants.api.schemas import CreateTemplateRequest, TemplateResponse, TemplatesPage, UpdateTemplateRequest

app = api.make_resolver()


def _answer(template, status: int = 200) -> Response[TemplateResponse]:
    body = TemplateResponse.of(template)
    return Response(
        status, content_types.APPLICATION_JSON, body, headers={"ETag": api.etag(template.version)}
    )


@app.post("/tenants/<tenantId>/templates", responses={201: {"description": "The new template."}})
@api.idempotent(app, "template.create")
def create(tenantId: str, body: CreateTemplateRequest) -> Response[TemplateResponse]:
    return _answer(templates.create(api.access(app), body.model_dump()), status=201)


@app.get("/tenants/<tenantId>/templates")
def listing(
    tenantId: str,
    kind: Annotated[
        Literal["email", "document"] | None, Query(description="Only templates of this kind.")
    ] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> TemplatesPage:
    page = templates.listing(api.access(app), kind, limit, cursor)
    return TemplatesPage(items=[TemplateResponse.of(t) for t in page.items], next_cursor=page.next_cursor)


@app.get("/tenants/<tenantId>/templates/<templateId>")
def read(tenantId: str, templateId: str) -> Response[TemplateResponse]:
    return _answer(templates.read(api.access(app), templateId))


@app.patch("/tenants/<tenantId>/templates/<templateId>")
def update(tenantId: str, templateId: str, body: UpdateTemplateRequest) -> Response[TemplateResponse]:
    return _answer(templates.update(api.access(app), templateId, api.if_match(app), body.changed()))


@app.delete("/tenants/<tenantId>/templates/<templateId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, templateId: str) -> Response[None]:
    templates.delete(api.access(app), templateId)
    return api.no_content()


handler = api.lambda_handler(app)
