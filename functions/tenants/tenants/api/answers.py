"""Answers the tenants functions share."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types

from kontor import api
from kontor.access import Access
from tenants import settings
from tenants.api.schemas import TenantResponse
from tenants.domain import Tenant


def tenant_answer(context: Access, tenant: Tenant) -> Response[TenantResponse]:
    """The tenant as the caller sees it, with its ETag for a later If-Match."""
    body = TenantResponse.of(tenant, context.role.value, context.via, settings.logo_url(tenant))
    return Response(200, content_types.APPLICATION_JSON, body, headers={"ETag": api.etag(tenant.version)})
