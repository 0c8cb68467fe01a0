"""Answers the podcasts routes share: a resource with its version as ETag."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from pydantic import BaseModel

from kontor import api, settings


def versioned(body: BaseModel, version: int, status: int = 200) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(),
        headers={"ETag": api.etag(version)},
    )


def no_content() -> Response[Any]:
    return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body="")


def expected_version(app: APIGatewayRestResolver) -> int | None:
    """The If-Match version of a delete, which may be sent but need not be."""
    return api.if_match(app) if app.current_event.headers.get("If-Match") is not None else None


def public_base_url(app: APIGatewayRestResolver) -> str:
    """The API's public base URL, as configured or as the caller reached it: the feed's links."""
    configured = settings.settings().api_url
    if configured:
        return configured
    context = app.current_event.request_context
    return f"https://{context.domain_name}/{context.stage}"
