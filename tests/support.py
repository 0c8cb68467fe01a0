"""Helpers the tests share: sample events from events/, replies, and table snapshots."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import boto3

from local.recorder import recorder
from local.template import ROOT

EVENTS = ROOT / "events"
SIGNUP = {
    "email": "anna@example.com",
    "password": "velvet-otter-harbour-93",
    "name": "Anna Schmidt",
    "tenant_name": "Schmidt GmbH",
}


def event(
    name: str,
    *,
    body: Any = ...,
    claims: dict[str, str] | None = ...,  # type: ignore[assignment]
    path_parameters: dict[str, str] | None = None,
    headers: dict[str, str | None] | None = None,
    raw_body: str | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The sample event `events/<name>.json`, with the parts a test changes."""
    sample = json.loads((EVENTS / f"{name}.json").read_text())
    result = copy.deepcopy(sample)
    if body is not ...:
        result["body"] = json.dumps(body)
    if raw_body is not None:
        result["body"] = raw_body
    if claims is None:
        result["requestContext"].pop("authorizer", None)
    elif claims is not ...:
        result["requestContext"]["authorizer"] = {"claims": claims}
    if path_parameters:
        result["pathParameters"] = path_parameters
        result["path"] = re.sub(r"\{(\w+)\}", lambda m: path_parameters[m.group(1)], result["resource"])
    if query is not None:
        result["queryStringParameters"] = query or None
        result["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    for key, value in (headers or {}).items():  # None removes a header of the sample
        if value is None:
            result["headers"].pop(key, None)
            result["multiValueHeaders"].pop(key, None)
        else:
            result["headers"][key] = value
            result["multiValueHeaders"][key] = [value]
    return result


def claims_for(user_id: str, email: str) -> dict[str, str]:
    """Claims as API Gateway's Cognito authorizer passes them on after verifying the token."""
    return {"sub": user_id, "email": email, "token_use": "id", "email_verified": "true"}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, list[str]]
    calls: dict[str, int]


def reply_of(result: dict[str, Any], calls: dict[str, int]) -> Reply:
    text = result.get("body") or ""
    try:
        body = json.loads(text) if text else None
    except json.JSONDecodeError:
        body = text
    return Reply(result["statusCode"], body, result.get("multiValueHeaders") or {}, calls)


# Every request the tenant gate admits is counted against the tenant's rate (`kontor.throttles.admit`),
# refused ones included once they got past the membership check: metering, not data, so "nothing
# was written" leaves these counters out (tests/integration/test_tenant_rate.py reads them itself).
REQUEST_RATE_PREFIX = "THROTTLE#requests#"


def table_snapshot(table_name: str, client: Any = None) -> list[dict[str, Any]]:
    """Every item of the table but the request-rate counters, in key order (tests only: requests
    never scan)."""
    dynamodb = client or boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    with recorder.scan_allowed():
        for page in dynamodb.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
            items.extend(i for i in page["Items"] if not i["pk"]["S"].startswith(REQUEST_RATE_PREFIX))
    return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def link_token(text: str) -> str:
    """The one-time token of the link in a mail."""
    found = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", text)
    assert found, f"no link with a token in: {text!r}"
    return found.group(1)
