"""Generated hostile input against every write route of the template, sent by the tenant's own admin.

Whatever arrives (unicode of every category, names NFKD multiplies, huge and deeply nested values,
wrong types, bodies that are not UTF-8 or not JSON, odd If-Match and Idempotency-Key headers), the
answer is a JSON error with `error.code` and a 4xx status, and the table is unchanged; or a 2xx when
the input happens to be valid. Never a 5xx. Routes come from template.yaml and field names from the
OpenAPI document, so a new write route is covered without new test code. Examples are few per route
to keep `make test` short (`HOSTILE_EXAMPLES=100` for a longer run).
"""

from __future__ import annotations

import base64
import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local.template import ROOT, Route, load
from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up
from tests.support import event

PLACEHOLDER_ID = "01h00000000000000000000000"  # well-formed, belongs to nobody
WRITE_ROUTES = [route for route in load().routes if route.method != "GET"]
OPENAPI = json.loads((ROOT / "functions/platform/platform_api/openapi.json").read_text())
EXAMPLES_PER_ROUTE = int(os.environ.get("HOSTILE_EXAMPLES", "6"))  # more: HOSTILE_EXAMPLES=100


def body_fields(route: Route) -> list[str]:
    """The names of the route's body fields, from the OpenAPI document."""
    operation = OPENAPI["paths"].get(route.path, {}).get(route.method.lower(), {})
    schema = (
        (operation.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema", {})
    )
    while "$ref" in schema:
        schema = OPENAPI["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return sorted(schema.get("properties", {}))


CATEGORIES = ["Lu", "Ll", "Lo", "Mn", "Me", "Nd", "No", "So", "Sm", "Zs", "Zl", "Cc", "Cf", "Co", "Cs"]
SPECIAL = st.sampled_from(
    [
        "\ufdfa" * 200,  # NFKD: 18 characters each
        "\u3300" * 300,
        "\u0130" * 120,  # lower-cases to two code points
        "x" * 100_000,
        "",
        " ",
        "\x00",
        "²",
        "9" * 400,
        "1e309",
        "a@b.c",
        "\ud800",  # a lone surrogate
        "<script>alert(1)</script>",
        "https://evil.example/phish",
        "TENANT#x#MEMBER#y",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(categories=CATEGORIES), max_size=60)
    | SPECIAL
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def bodies(fields: list[str]) -> st.SearchStrategy[tuple[str, bool]]:
    """A body as the event carries it: the text and whether it is base64 (a body that is not UTF-8)."""
    names = st.sampled_from([*fields, "unexpected"]) if fields else st.just("unexpected")
    as_json = st.tuples(st.dictionaries(names, VALUES, max_size=len(fields) + 1), st.booleans()).map(
        lambda pair: json.dumps(pair[0], ensure_ascii=pair[1])
    )
    wrong_type = VALUES.map(json.dumps)
    deep_field = st.tuples(names, st.sampled_from([33, 900, 5_000, 50_000])).map(
        lambda pair: "{" + json.dumps(pair[0]) + ": " + deep(pair[1]) + "}"
    )
    raw = st.sampled_from(["{", "not json", '{"a": 1,}', "\ud800", "{" * 3 + "\x00"])
    text = (as_json | wrong_type | deep_field | raw).map(lambda body: (body, False))
    not_utf8 = st.binary(min_size=1, max_size=40).filter(lambda data: not _utf8(data))
    encoded = (not_utf8 | st.just(b'{"name": "\xff"}')).map(
        lambda data: (base64.b64encode(data).decode(), True)
    )
    huge = st.just((json.dumps({"name": "x" * (1024 * 1024)}), False))
    return text | encoded | huge


def _utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


IDEMPOTENCY_KEY = st.sampled_from([None, "hostile-1", "x" * 300, "ä", " "])
IF_MATCH = st.sampled_from([None, '"1"', "²", '"²"', 'W/"1"', "*", "x" * 2_000, "-1", "9" * 40])


def hostile_event(
    route: Route,
    ids: dict[str, str],
    claims: dict[str, str],
    body: tuple[str, bool],
    if_match: str | None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    parameters = {name: ids.get(name, PLACEHOLDER_ID) for name in re.findall(r"\{(\w+)\}", route.path)}
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    text, encoded = body
    sample = {
        "resource": route.path,
        "path": re.sub(r"\{(\w+)\}", lambda m: parameters[m.group(1)], route.path),
        "httpMethod": route.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "requestContext": {
            **event("health")["requestContext"],
            "resourcePath": route.path,
            "httpMethod": route.method,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if route.public:
        sample["requestContext"].pop("authorizer", None)
    else:
        sample["requestContext"]["authorizer"] = {"claims": claims}
    return sample


def test_every_write_route_is_covered() -> None:
    assert len(WRITE_ROUTES) > 25
    assert {"SignupFunction", "ContactsFunction", "TemplatesFunction", "InvitationsFunction"} <= {
        route.function for route in WRITE_ROUTES
    }
    assert all(
        body_fields(route)
        for route in WRITE_ROUTES
        if route.method in ("POST", "PUT", "PATCH")
        and route.path.endswith(("/contacts", "/templates", "/signup"))
    )


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda route: route.key)
def test_hostile_input_is_a_4xx_json_error_and_writes_nothing(invoke: Lambda, route: Route) -> None:
    # Given a tenant with its admin, a contact and the standard templates
    claims, tenant_id = signed_up(invoke)
    ids = {"tenantId": tenant_id, "userId": claims["sub"]}
    contact = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": "Erika"},
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )
    assert contact.status == 201, contact.body
    ids["contactId"] = contact.body["id"]
    templates = [
        i["sk"]["S"].removeprefix("TEMPLATE#") for i in invoke.table() if i["sk"]["S"].startswith("TEMPLATE#")
    ]
    ids["templateId"] = templates[0]

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(body=bodies(body_fields(route)), if_match=IF_MATCH, idempotency_key=IDEMPOTENCY_KEY)
    def sent(body: tuple[str, bool], if_match: str | None, idempotency_key: str | None) -> None:
        before = invoke.table()

        # When the admin (or anyone, on a public route) sends it
        reply = invoke(route.function, hostile_event(route, ids, claims, body, if_match, idempotency_key))

        # Then: valid by chance, or a 4xx JSON error with a code that changed nothing; never a 5xx
        assert reply.status < 500, (reply.status, reply.body)
        if reply.status >= 400:
            assert isinstance(reply.body, dict) and reply.body["error"]["code"], reply.body
            assert invoke.table() == before, reply.body

    sent()
