"""The OpenAPI document the platform function serves is the one the code describes today."""

from __future__ import annotations

from local import openapi
from local.template import load


def test_the_committed_document_is_current() -> None:
    assert openapi.DOCUMENT.read_text(encoding="utf-8") == openapi.render(load()), "run `make openapi`"


def test_every_route_is_documented_and_protected_routes_say_so() -> None:
    document = openapi.build(load())
    for route in load().routes:
        if route.path in {"/openapi.json", "/docs"}:
            continue
        operation = document["paths"][route.path][route.method.lower()]
        assert ("security" in operation) is (not route.public), route.key


DOCUMENT = openapi.build(load())
OPERATIONS = [
    (path, method, operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]


def _codes(response: dict) -> set[str]:
    error, codes = response["content"]["application/json"]["schema"]["allOf"]
    assert error == {"$ref": "#/components/schemas/Error"}
    return set(codes["properties"]["error"]["properties"]["code"]["enum"])


def test_every_error_answer_is_the_one_error_schema_with_the_codes_it_uses() -> None:
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]
    for path, method, operation in OPERATIONS:
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert {"429", "500"} <= set(errors), (method, path)
        for status, response in errors.items():
            assert _codes(response), (method, path, status)
            assert "X-Request-Id" in response["headers"], (method, path, status)


def test_the_edge_refusals_are_documented_by_route_kind() -> None:
    public = {(route.method.lower(), route.path) for route in load().routes if route.public}
    for path, method, operation in OPERATIONS:
        responses = operation["responses"]
        if (method, path) not in public:
            assert "unauthorized" in _codes(responses["401"]), (method, path)
        if "{tenantId}" in path and not path.startswith("/operator/"):
            assert "tenant_not_found" in _codes(responses["404"]), (method, path)
            assert "forbidden" in _codes(responses["403"]), (method, path)
            if method != "get":
                assert "tenant_restoring" in _codes(responses["409"]), (method, path)
                assert "tenant_suspended" in _codes(responses["423"]), (method, path)
        if "requestBody" in operation:
            assert {"invalid_encoding", "invalid_json"} <= _codes(responses["400"]), (method, path)
            assert _codes(responses["413"]) == {"payload_too_large"}, (method, path)
            assert _codes(responses["415"]) == {"unsupported_media_type"}, (method, path)
            assert "validation_error" in _codes(responses["422"]), (method, path)
        if path.startswith("/operator/"):
            assert "route_not_found" in _codes(responses["404"]), (method, path)


def test_codes_raised_in_the_logic_reach_the_operations_that_call_it() -> None:
    paths = DOCUMENT["paths"]
    create = paths["/tenants/{tenantId}/templates"]["post"]["responses"]
    assert "template_name_taken" in _codes(create["409"])
    assert "quota_exceeded" in _codes(paths["/tenants"]["post"]["responses"]["409"])
    assert "invalid_token" in _codes(paths["/signup/verify"]["post"]["responses"]["400"])
    assert {"token_used", "token_expired", "token_revoked"} <= _codes(
        paths["/signup/verify"]["post"]["responses"]["410"]
    )
    assert "last_admin" in _codes(paths["/tenants/{tenantId}/members/{userId}"]["delete"]["responses"]["409"])
    patch = paths["/tenants/{tenantId}/contacts/{contactId}"]["patch"]["responses"]
    assert "nothing_to_change" in _codes(patch["422"])  # from the body's own method


def test_headers_are_declared_where_the_code_reads_or_sends_them() -> None:
    for path, method, operation in OPERATIONS:
        parameters = operation.get("parameters", [])
        # A role change and an operator's window change carry no ETag: the first is checked against
        # the last admin, the second against the windows' version it read (`kontor.maintenance`).
        if method == "patch" and path not in (
            "/tenants/{tenantId}/members/{userId}",
            "/operator/maintenance-windows/{windowId}",
            # A first sync's state moves on the condition of the state it read (`sync_api.store.plans`).
            "/tenants/{tenantId}/sync/clients/{clientId}/initial-sync",
        ):
            assert {"$ref": "#/components/parameters/IfMatchRequired"} in parameters, path
            assert "precondition_required" in _codes(operation["responses"]["428"]), path
            assert "ETag" in operation["responses"]["200"]["headers"], path
        for status, response in operation["responses"].items():
            assert "X-Request-Id" in response["headers"], (method, path, status)
            if status == "429":
                assert "Retry-After" in response["headers"]
    creates = DOCUMENT["paths"]["/tenants/{tenantId}/contacts"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in creates["parameters"]
    assert "idempotency_key_reused" in _codes(creates["responses"]["422"])
    read = DOCUMENT["paths"]["/tenants/{tenantId}/contacts/{contactId}"]["get"]["responses"]["200"]
    assert "ETag" in read["headers"]


def test_shapes_say_what_the_server_takes_and_answers() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for path, method, operation in OPERATIONS:
        if "204" in operation["responses"]:
            assert "content" not in operation["responses"]["204"], (method, path)
    connection = DOCUMENT["paths"]["/tenants/{tenantId}/connection-file"]["get"]["responses"]["200"]
    assert connection["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ConnectionFileResponse"
    }
    assert schemas["SignupRequest"]["properties"]["password"]["minLength"] == 12
    contact = schemas["UpdateContactRequest"]
    assert contact["minProperties"] == 1
    assert "anyOf" not in contact["properties"]["name"]  # cannot be removed: no null
    assert {"type": "null"} in contact["properties"]["email"]["anyOf"]  # can
    assert schemas["UpdateTenantRequest"]["minProperties"] == 1


def test_navigation_tags_servers_links_and_examples() -> None:
    assert DOCUMENT["servers"][0]["url"] == "."
    tags = {tag["name"] for tag in DOCUMENT["tags"]}
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    for path, method, operation in OPERATIONS:
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, (method, path)
    created = DOCUMENT["paths"]["/tenants/{tenantId}/contacts"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in created.values()} == {
        "contacts.read",
        "contacts.update",
        "contacts.delete",
    }
    update = next(link for link in created.values() if link["operationId"] == "contacts.update")
    assert update["parameters"]["header.If-Match"] == "$response.header.ETag"
    assert DOCUMENT["components"]["schemas"]["SignupRequest"]["examples"]
