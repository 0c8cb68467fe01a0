"""`python -m local.openapi`: merge every function's routes into the one OpenAPI document.

Each function has its own resolver; the platform function serves the merged document, so it is
written at build time into its code folder. A test fails when the committed copy is stale.

Powertools describes the bodies; this module adds what it cannot know, from the code and the
template rather than by hand, so a route added later is described without being listed here:

- every error an operation can answer, as the one `Error` schema with the codes it uses per status:
  the errors its code constructs (`local.raises` follows the route into the logic and storage), and
  the edge's refusals by route kind (`EDGE`: any route, routes with path ids or bodies, signed-in,
  tenant-scoped, tenant writes, operator routes, creating POSTs with `Idempotency-Key`);
- the headers: `If-Match` (required on PATCH) where the route reads it, `ETag` where it answers one,
  `Idempotency-Key` on idempotent routes, `X-Request-Id` on every answer, `Retry-After` on 429;
- tags per context (the function's folder), links from a create to the operations on what it created,
  a server that works on AWS (behind the stage prefix) and locally, readable operation ids.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from local import raises
from local.gateway import Functions
from local.template import ROOT, Route, Template, load

DOCUMENT = ROOT / "functions" / "platform" / "platform_api" / "openapi.json"
TITLE = "Kontor API"
VERSION = "1.0.0"
DESCRIPTION = """\
The multi-tenant backbone of a CRM-style SaaS product.

**Sign-in**: send the Cognito ID token as `Authorization: Bearer <token>`.

**Errors** are `{"error": {"code", "message", "details"?, "request_id"}}` (`Error`) with a stable `code`;
each operation lists, per status, the codes it can answer. `validation_error` (422) has `details`,
one `{field, reason}` per problem.

**Headers**: every answer carries `X-Request-Id`. Reads and writes of versioned resources answer an
`ETag`; a `PATCH` needs `If-Match` with it (`428` without, `412` when it is stale). Creating `POST`s
take an `Idempotency-Key`: a retry answers what the first call did. `429` may say `Retry-After`.
"""
CONTEXTS = {
    "accounts": "Signup, who am I, further tenants, members and invitations.",
    "tenants": "A tenant's settings, logo, sub-tenants, templates, handover, connection file, audit "
    "log; the operators' directory.",
    "records": "The CRM data a tenant keeps: contacts and appointments.",
    "backups": "Backups, restores and the backup policy.",
    "platform": "Health and the client configuration.",
}
# Every id in a path: the tenant gate refuses a tenant id that is no ULID, the edge any other id
# outside this pattern, both with 404 before anything is read (`kontor.api`).
TENANT_ID = r"^[0-9a-z]{26}$"
PATH_ID = r"^[A-Za-z0-9_-]{1,128}$"
PATH_FILE = r"^[A-Za-z0-9_-]{1,128}\.(xml|mp3|m4a|jpg|png)$"  # a public feed's file: an id and its extension
ERROR_REF = {"$ref": "#/components/schemas/Error"}

COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Error": {
            "type": "object",
            "title": "Error",
            "description": "Every error answer. `request_id` is the answer's `X-Request-Id` (the "
            "firewall's own 429 has none).",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "description": "Stable; what a client branches on."},
                        "message": {"type": "string", "description": "For people; may change."},
                        "details": {
                            "description": "`validation_error`: one `{field, reason}` per problem; "
                            "other codes: an object (e.g. `{quota, limit}`, `{max_bytes}`).",
                            "anyOf": [
                                {"type": "array", "items": {"$ref": "#/components/schemas/ErrorDetail"}},
                                {"type": "object"},
                            ],
                        },
                        "request_id": {"type": "string"},
                    },
                }
            },
        },
        "ErrorDetail": {
            "type": "object",
            "title": "ErrorDetail",
            "required": ["field", "reason"],
            "properties": {
                "field": {"type": "string", "description": "Where: `body.name`, `query.limit`, …"},
                "reason": {"type": "string"},
            },
        },
    },
    "headers": {
        "X-Request-Id": {
            "description": "The request's id: in every error body (`request_id`) and every log line.",
            "schema": {"type": "string"},
        },
        "ETag": {
            "description": 'The resource\'s version (`"<version>"`): send it back as `If-Match`.',
            "schema": {"type": "string", "pattern": r'^(W/)?"[0-9]+"$'},
        },
        "Retry-After": {
            "description": "Seconds to wait before retrying, where the refusal knows it.",
            "schema": {"type": "integer", "minimum": 0},
        },
    },
    "parameters": {
        "IfMatchRequired": {
            "name": "If-Match",
            "in": "header",
            "required": True,
            "description": "The `ETag` of your last read: `428` without it, `412` when someone changed "
            "the resource meanwhile.",
            "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,18}"?$'},
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": "The `ETag` of your last read; when sent, `412` if someone changed the "
            "resource meanwhile.",
            "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,18}"?$'},
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "A retry with the same key answers what the first call answered (24 hours); "
            "with another body `422 idempotency_key_reused`, while the first runs `409 request_in_progress`.",
            "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"},
        },
    },
    "securitySchemes": {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Cognito ID token)"}
    },
}


def _edge() -> dict[str, Callable[[Route, dict[str, Any]], set[raises.Answer]]]:
    """The refusals of the edge (`kontor.api`), by route kind, read from the functions that refuse."""
    from kontor import access, api, fences, idempotency, licences, operators

    licensing = raises.answers(licences.require)

    def tenant(route: Route, operation: dict[str, Any]) -> bool:
        return "{tenantId}" in route.path and not route.path.startswith(api.OPERATOR_PREFIX)

    def write(route: Route, operation: dict[str, Any]) -> bool:
        return route.method not in api.READS

    return {
        # API Gateway's throttle (THROTTLED) and the last resort of every function.
        "any": lambda route, operation: {(429, "throttled"), (500, "internal_error")},
        "path ids": lambda route, operation: raises.answers(api._check_path) if "{" in route.path else set(),
        "body": lambda route, operation: (
            raises.answers(api._check_body) if write(route, operation) else set()
        ),
        "validated": lambda route, operation: (
            {(422, "validation_error")}
            if operation.get("parameters") or "requestBody" in operation
            else set()
        ),
        "signed in": lambda route, operation: set() if route.public else {(401, "unauthorized")},
        "tenant": lambda route, operation: (
            raises.answers(api._tenant_gate, access.resolve, access.Access.require) - licensing
            if tenant(route, operation)
            else set()
        ),
        # The gate's licence check refuses only the routes of a licensed module (`permissions`).
        "licensed": lambda route, operation: (
            licensing if tenant(route, operation) and _module(route) is not None else set()
        ),
        "tenant write": lambda route, operation: (
            raises.answers(fences.Fences.writable)
            if tenant(route, operation) and write(route, operation)
            else set()
        ),
        "operator": lambda route, operation: (
            raises.answers(operators.require) if route.path.startswith(api.OPERATOR_PREFIX) else set()
        ),
        "idempotent": lambda route, operation: (
            raises.answers(idempotency.once) if _idempotent(operation["x-route"]) else set()
        ),
    }


def _module(route: Route) -> Any:
    from kontor import permissions

    try:
        return permissions.module_of(route.method, route.path)
    except permissions.UnlistedModuleRoute:
        return "unlisted"  # refused to everyone by the gate (403 forbidden)


def _idempotent(function: Callable[..., Any]) -> bool:
    # `kontor.api.idempotent` wraps the route; functools.wraps gives the wrapper the route's names,
    # its code object keeps its own.
    return function.__code__.co_qualname.startswith("idempotent.")


def build(template: Template) -> dict[str, Any]:
    Functions(template)  # puts the layer and every code folder on the import path
    routes = {(route.method.lower(), route.path): route for route in template.routes}
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    serving = {route.function for route in template.routes}  # scheduled and queue workers have no API
    for function in template.functions.values():
        if function.logical_id not in serving:
            continue
        module = importlib.import_module(function.handler.rsplit(".", 1)[0])
        app = module.app
        handlers = {
            (route.method.lower(), route.openapi_path): route.func
            for route in app._static_routes + app._dynamic_routes
        }
        document = json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION))
        context = Path(function.code_uri).name
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                operation["x-route"] = handlers[(method, path)]
                _describe(operation, routes[(method, path)], context)
                paths.setdefault(path, {})[method] = operation
        schemas.update(document.get("components", {}).get("schemas", {}))
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    _link(paths)
    ids = [operation["operationId"] for operations in paths.values() for operation in operations.values()]
    if len(ids) != len(set(ids)):
        raise ValueError(f"operation ids (<module>.<function>) must be unique: {sorted(ids)}")
    components = {**COMPONENTS, "schemas": dict(sorted({**schemas, **COMPONENTS["schemas"]}.items()))}
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [
            {
                "url": ".",
                "description": "Where this document is served: the stage's URL on AWS (the output "
                "`ApiUrl`, e.g. `https://<api-id>.execute-api.<region>.amazonaws.com/v1`), "
                "`http://127.0.0.1:3000` under `make run`.",
            },
            {
                "url": "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
                "description": "A deployed stack (`ApiUrl`).",
                "variables": {
                    "apiId": {"default": "api-id", "description": "The REST API's id."},
                    "region": {"default": "eu-central-1"},
                    "stage": {"default": "v1", "enum": ["v1"]},
                },
            },
            {"url": "http://127.0.0.1:3000", "description": "The local stack (`make run`)."},
        ],
        "tags": [{"name": name, "description": text} for name, text in CONTEXTS.items()],
        "paths": dict(sorted(paths.items())),
        "components": components,
    }


def _describe(operation: dict[str, Any], route: Route, context: str) -> None:
    function = operation.pop("x-route")
    handler = inspect.unwrap(function)
    operation["operationId"] = f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__name__}"
    operation["tags"] = [context if context in CONTEXTS else "platform"]
    if not route.public:
        operation["security"] = [{"cognito": []}]
    _parameters(operation, route, function)
    responses = operation["responses"]
    responses.pop("422", None)
    _successes(responses, function)
    operation["x-route"] = function
    answers = raises.answers(function)
    for rule in _edge().values():
        answers |= rule(route, operation)
    del operation["x-route"]
    for status in sorted({status for status, _ in answers}):
        codes = sorted(code for answered, code in answers if answered == status)
        responses[str(status)] = _error_response(status, codes)
    operation["responses"] = dict(sorted(responses.items()))


def _parameters(operation: dict[str, Any], route: Route, function: Callable[..., Any]) -> None:
    from kontor import api

    parameters = operation.setdefault("parameters", [])
    for parameter in parameters:
        if parameter["in"] == "path":
            name = parameter["name"]
            is_file = name.endswith("File") or route.path == "/feeds/{channelId}"  # `<channelId>.xml`
            pattern = TENANT_ID if name == "tenantId" else PATH_FILE if is_file else PATH_ID
            parameter["schema"]["pattern"] = pattern
    if raises.reaches(function, api.if_match):
        required = route.method in ("PATCH", "PUT")
        parameters.append({"$ref": f"#/components/parameters/{'IfMatchRequired' if required else 'IfMatch'}"})
    if _idempotent(function):
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if not parameters:
        del operation["parameters"]


def _successes(responses: dict[str, Any], function: Callable[..., Any]) -> None:
    from kontor import api

    for status, response in responses.items():
        headers = {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}
        if raises.reaches(function, api.etag):
            headers["ETag"] = {"$ref": "#/components/headers/ETag"}
        response["headers"] = headers
        if status == "204":
            response.pop("content", None)
        if response.get("description") == "Successful Response":
            response["description"] = HTTPStatus(int(status)).phrase


def _error_response(status: int, codes: list[str]) -> dict[str, Any]:
    headers: dict[str, Any] = {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}
    if status == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    return {
        "description": f"{HTTPStatus(status).phrase}: " + ", ".join(f"`{code}`" for code in codes),
        "headers": headers,
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        ERROR_REF,
                        {"properties": {"error": {"properties": {"code": {"enum": codes}}}}},
                    ]
                }
            }
        },
    }


_PARAMETER = re.compile(r"\{(\w+)\}")


def _link(paths: dict[str, Any]) -> None:
    """Links from each create (`POST` on a collection answering an object with an `id`) to every
    operation on the created resource: `POST …/contacts` → `GET`, `PATCH`, `DELETE …/contacts/{contactId}`."""
    for path, operations in paths.items():
        create = operations.get("post")
        if create is None:
            continue
        answered = next((create["responses"][s] for s in ("201", "202") if s in create["responses"]), None)
        if answered is None:
            continue
        for target, targets in paths.items():
            # The created resource itself (what hangs below it may answer 404 for reasons of its own).
            found = re.fullmatch(re.escape(path) + r"/\{(\w+)\}", target)
            if found is None:
                continue
            created = found.group(1)
            for method, operation in targets.items():
                parameters = {created: "$response.body#/id"}
                for name in _PARAMETER.findall(path):
                    parameters[name] = f"$request.path.{name}"
                if {"$ref": "#/components/parameters/IfMatchRequired"} in operation.get("parameters", []):
                    parameters["header.If-Match"] = "$response.header.ETag"
                answered.setdefault("links", {})[operation["operationId"].replace(".", "_")] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                    "description": f"{method.upper()} {target} of what this created.",
                }


def render(template: Template) -> str:
    return json.dumps(build(template), indent=2, sort_keys=False) + "\n"


def main(path: Path = DOCUMENT) -> None:
    path.write_text(render(load()), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
