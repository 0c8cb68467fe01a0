"""Responses the records routes share: a record with its ETag."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from kontor import api


def record(body: BaseModel, version: int, status: int = 200) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(),
        headers={"ETag": api.etag(version)},
    )


def no_content() -> Response[Any]:
    return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body="")


def expected_version(app: Any) -> int | None:
    """The If-Match version of a delete, which may be sent but need not be."""
    return api.if_match(app) if app.current_event.headers.get("If-Match") is not None else None
