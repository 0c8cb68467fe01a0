"""The HTTP edge every function shares: the resolver, error mapping, the gates, responses.

Every request whose path holds `{tenantId}` passes the tenant gate in `lambda_handler` before
routing and body validation: a route cannot forget it, and a caller outside the tenant learns
nothing about it, not even whether their body would have been valid. The gate reads the caller's
membership and the tenant row in one round trip, applies the route's minimum role
(`permissions`), and refuses writes to a fenced tenant (`fences`). Routes under `/operator/` pass
the operator gate instead. Every response carries `X-Request-Id`, every error body `request_id`.

Before any of that, a write's body must be declared JSON (or not declared), at most
`MAX_BODY_BYTES`, UTF-8, and JSON no deeper than `MAX_JSON_DEPTH` (`_check_body`): hostile bodies get
a 4xx with a stable code, never a 5xx.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import inspect
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths

from kontor import clock, fences, licences, maintenance, permissions, throttles
from kontor.access import Access, Caller, Role, caller_from_claims, resolve
from kontor.errors import (
    BadRequest,
    Forbidden,
    KontorError,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
    UnsupportedMediaType,
)
from kontor.observability import logger, metrics
from kontor.settings import settings

Route = TypeVar("Route", bound=Callable[..., Any])
TENANT_PARAM = "tenantId"
OPERATOR_PREFIX = "/operator/"
REQUEST_ID_HEADER = "X-Request-Id"
READS = {"GET", "HEAD", "OPTIONS"}
EXPOSED_HEADERS = "ETag, X-Request-Id, Retry-After"
_ID = re.compile(r"^[0-9a-z]{26}$")
# Every id in a path (ULIDs, Cognito subs, link tokens) fits this; anything else names nothing, and
# would otherwise reach DynamoDB as a key over its size limits (moto accepts those, DynamoDB does not).
# The public feed routes name files: an id with the extension of what it serves.
_PATH_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,128}(\.(xml|mp3|m4a|jpg|png))?$")
# A JSON body is at most 1 MiB (API Gateway would take 10 MB and Lambda 6 MB: far more than any route
# needs, and enough to keep an instance busy parsing).
MAX_BODY_BYTES = 1024 * 1024
# DynamoDB stores at most 32 levels of nested attributes; no route's body needs more than a few.
MAX_JSON_DEPTH = 32


def _error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        payload["details"] = details
    return {"error": payload}


def error(status: int, code: str, message: str, details: Any = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=_error_body(code, message, details),
    )


def created(body: Any) -> Response:
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body)


def no_content() -> Response:
    return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body=None)


def accepted(body: Any) -> Response:
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=body)


def make_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)

    @app.exception_handler(KontorError)
    def domain_error(ex: KontorError) -> Response:
        logger.info("request refused", status=ex.status, code=ex.code)
        return error(ex.status, ex.code, ex.message, ex.details)

    @app.exception_handler(RequestValidationError)
    def invalid_request(ex: RequestValidationError) -> Response:
        # Location and reason only: the rejected input may be a password.
        problems = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ())),
                "reason": problem.get("msg", ""),
            }
            for problem in ex.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems) or "The request is not valid."
        logger.info("request refused", status=422, code="validation_error")
        return error(422, "validation_error", summary, problems)

    @app.not_found
    def no_route(ex: Exception) -> Response:
        return error(404, "route_not_found", "There is no such route.")

    @app.exception_handler(Exception)
    def unexpected(ex: Exception) -> Response:
        logger.exception("unhandled error")
        return error(500, "internal_error", "Something went wrong on our side.")

    return app


def lambda_handler(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request_id = request_id_of(event)
        claims = _claims(event)
        if claims.get("sub"):
            logger.append_keys(user_id=claims["sub"])
        fences.remember(None)
        try:
            # A running maintenance window refuses before anything else is read (`kontor.maintenance`).
            maintenance.check(str(event.get("httpMethod", "")), str(event.get("resource", "")))
            _check_body(event)
            access = _gate(event)
            _check_path(event)
        except KontorError as ex:
            logger.info("request refused", status=ex.status, code=ex.code)
            result = _proxy_error(ex)
        except Exception:
            # The gate reads DynamoDB outside the resolver: its failures get the same JSON 500.
            logger.exception("unhandled error")
            result = _proxy_error(_INTERNAL)
        else:
            if access is not None:
                logger.append_keys(tenant_id=access.tenant_id, via=access.via)
                app.append_context(access=access)
            result = app.resolve(event, context)
            # A refused request leaves no trace, a partner's answered one is on the tenant's record.
            if access is not None and access.via == "partner" and result["statusCode"] < 400:
                _audit_partner(access, event, result["statusCode"])
        headers = result.setdefault("multiValueHeaders", {})
        # API Gateway answers CORS preflights; the actual responses must name the SPA's origin.
        headers["Access-Control-Allow-Origin"] = [settings().spa_base_url]
        # A browser on another origin sees only these of the headers: the SPA needs the ETag for
        # If-Match and the request id for a report.
        headers["Access-Control-Expose-Headers"] = [EXPOSED_HEADERS]
        headers[REQUEST_ID_HEADER] = [request_id]
        if result["statusCode"] >= 400:
            result["body"] = _with_request_id(result.get("body"), request_id)
        return result

    return handler


def request_id_of(event: dict[str, Any]) -> str:
    """API Gateway's id of the request: in every response, error body, log line and queued message."""
    return str((event.get("requestContext") or {}).get("requestId") or "")


def _claims(event: dict[str, Any]) -> dict[str, Any]:
    return ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}


def _with_request_id(body: str | None, request_id: str) -> str | None:
    """The error body with `request_id`, so a user's report can be found in the logs."""
    try:
        payload = json.loads(body or "")
    except ValueError:
        return body
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        payload["error"]["request_id"] = request_id
        return json.dumps(payload)
    return body


class _Internal(KontorError):
    status = 500
    code = "internal_error"


_INTERNAL = _Internal("Something went wrong on our side.")


def _check_path(event: dict[str, Any]) -> None:
    """Refuse an id no resource can have (after the gates: an outsider learns nothing from it)."""
    for name, value in (event.get("pathParameters") or {}).items():
        if not isinstance(value, str) or not _PATH_PARAMETER.match(value):
            if name == TENANT_PARAM:
                raise NotFound("No such tenant.", code="tenant_not_found")
            raise NotFound("There is no such resource.", code="not_found")


def _check_body(event: dict[str, Any]) -> None:
    """Refuse a body no route can take before anything parses it: too large, not UTF-8, not JSON,
    or nested deeper than any route's schema (a deep body would exhaust the parser's recursion)."""
    body = event.get("body")
    if not body:
        return
    if not _json_content(event.get("headers") or {}):
        raise UnsupportedMediaType(
            "Send the request body as JSON (Content-Type: application/json).", code="unsupported_media_type"
        )
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("The request body is not valid base64.", code="invalid_body") from None
    else:
        try:
            raw = body.encode()
        except UnicodeEncodeError:  # lone surrogates: what an invalid byte sequence becomes
            raise BadRequest("The request body is not valid UTF-8.", code="invalid_encoding") from None
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(
            f"The request body exceeds {MAX_BODY_BYTES} bytes.",
            code="payload_too_large",
            details={"max_bytes": MAX_BODY_BYTES},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.", code="invalid_encoding") from None
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise BadRequest(
            f"The request body nests deeper than {MAX_JSON_DEPTH} levels.",
            code="invalid_json",
            details={"max_depth": MAX_JSON_DEPTH},
        )


def _json_content(headers: dict[str, Any]) -> bool:
    """Whether a body is declared JSON, or not declared at all (read as JSON, as before)."""
    declared = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
    media = declared.split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or (media.startswith("application/") and media.endswith("+json"))


_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _json_depth(text: str) -> int:
    """How deep brackets nest in a JSON text (strings skipped), counted without recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _gate(event: dict[str, Any]) -> Access | None:
    """The operator gate for `/operator/` routes; the tenant gate for routes with a tenant id."""
    if str(event.get("resource", "")).startswith(OPERATOR_PREFIX):
        from kontor import operators

        operators.require(caller_from_claims(_claims(event)))
        return None
    tenant_id = (event.get("pathParameters") or {}).get(TENANT_PARAM)
    if tenant_id is None:
        return None
    return _tenant_gate(event, tenant_id)


def _tenant_gate(event: dict[str, Any], tenant_id: str) -> Access:
    """The caller's access to the path's tenant with the role the route needs (`permissions`);
    a write must find the tenant unfenced."""
    if not _ID.match(tenant_id):
        raise NotFound("No such tenant.", code="tenant_not_found")
    access = resolve(caller_from_claims(_claims(event)), tenant_id)
    # Only who may enter spends the tenant's rate: an outsider cannot use it up (`kontor.throttles`).
    throttles.admit(tenant_id, settings().tenant_requests_per_second, clock.now())
    minimum = permissions.minimum_role(event.get("httpMethod", ""), event.get("resource", ""))
    if minimum is None:  # a tenant route nobody classified: refuse rather than guess
        raise Forbidden("This route is not open to anyone yet.", code="forbidden")
    access.require(minimum)
    fences.remember(access.fences)
    if event.get("httpMethod", "") not in READS and access.fences is not None:
        access.fences.writable(passes=permissions.fences_passed(event["httpMethod"], event["resource"]))
    try:
        module = permissions.module_of(event.get("httpMethod", ""), event.get("resource", ""))
    except permissions.UnlistedModuleRoute:
        raise Forbidden("This route is not open to anyone yet.", code="forbidden") from None
    if module is not None:  # the module's licence, read with the tenant row (`kontor.licences`)
        licences.require(access.licences, module)
    return access


def _audit_partner(access: Access, event: dict[str, Any], status: int) -> None:
    """Every request a partner makes inside a sub-tenant is recorded there: each change on its own,
    reads counted by the hour (a burst of reads must not write an item per request)."""
    from kontor import audit

    if event.get("httpMethod", "") in READS:
        audit.count_read(
            tenant_id=access.tenant_id,
            actor_id=access.caller.user_id,
            details={"partner_tenant_id": access.partner_tenant_id, "role": access.role.value},
        )
        return
    audit.record_now(
        tenant_id=access.tenant_id,
        actor_id=access.caller.user_id,
        actor_via="partner",
        action="partner.request",
        details={
            "method": event.get("httpMethod", ""),
            "route": event.get("resource", ""),
            "status": status,
            "partner_tenant_id": access.partner_tenant_id,
            "role": access.role.value,
        },
    )


def _proxy_error(ex: KontorError) -> dict[str, Any]:
    body = _error_body(ex.code, ex.message, ex.details)
    headers = {"Content-Type": [content_types.APPLICATION_JSON]}
    retry_after = getattr(ex, "retry_after", None)
    if retry_after is not None:  # a maintenance window: when to come back
        headers["Retry-After"] = [str(retry_after)]
    return {
        "statusCode": ex.status,
        "multiValueHeaders": headers,
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def caller(app: APIGatewayRestResolver) -> Caller:
    return caller_from_claims(app.current_event.request_context.authorizer.claims)


def optional_caller(app: APIGatewayRestResolver) -> Caller | None:
    """On a public route: the caller if they sent a valid ID token, None if they sent none."""
    authorization = app.current_event.headers.get("Authorization")
    if not authorization:
        return None
    from kontor import identity_tokens

    current = settings()
    try:
        claims = identity_tokens.verify(
            authorization.removeprefix("Bearer ").strip(),
            region=current.region,
            user_pool_id=current.user_pool_id,
            client_id=current.user_pool_client_id,
            endpoint=current.aws_endpoint_url,
        )
    except identity_tokens.InvalidIdToken:
        raise Unauthorized("The bearer token is expired or not valid; sign in again.") from None
    return caller_from_claims(claims)


def access(app: APIGatewayRestResolver, minimum: Role | None = None) -> Access:
    """The caller's access the tenant gate resolved; the route's role (`permissions`) is already
    checked, `minimum` adds a stricter need of one route."""
    found: Access = app.context["access"]
    if minimum is not None:
        found.require(minimum)
    return found


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(app: APIGatewayRestResolver) -> int:
    """The version an update expects (`If-Match: "<version>"` from an earlier GET's ETag)."""
    header = app.current_event.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of your last read, so concurrent edits are not lost.",
            code="precondition_required",
        )
    value = header.strip().removeprefix("W/").strip('"')
    # ASCII digits only: `"²".isdigit()` is true, yet `int("²")` raises.
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise PreconditionFailed(
            "If-Match does not hold an ETag of this resource.", code="precondition_failed"
        )
    return int(value)


# Inputs that are secrets: a public route's fingerprint holds their hash, never the value.
SECRET_INPUTS = frozenset({"password", "token"})


def idempotent(app: APIGatewayRestResolver, operation: str) -> Callable[[Route], Route]:
    """Run a creating route once per `Idempotency-Key`: a retry answers what the first call did.

    `operation` is named `<noun>.<verb>`. The key is scoped to the tenant and the caller on a
    signed-in route; on a public one (signup, accepting an invitation) the whole input is the
    fingerprint, secrets as their hash, so someone else reusing a key gets `422
    idempotency_key_reused` and never another person's answer (`kontor.idempotency`).
    """

    def decorate(route: Route) -> Route:
        @functools.wraps(route)
        def once(**inputs: Any) -> Response:
            key = app.current_event.headers.get("Idempotency-Key")
            if key is None:
                return route(**inputs)
            from kontor import idempotency

            scope, fingerprint = _fingerprint(app, inputs)
            answer = idempotency.once(
                operation,
                key,
                scope=scope,
                payload=fingerprint,
                produce=lambda: _stored(route(**inputs)),
                lambda_context=app.lambda_context,
            )
            return Response(
                answer["status"], content_types.APPLICATION_JSON, answer["body"], answer["headers"]
            )

        # The resolver reads parameters and answer from the signature: resolve the route's
        # annotations where they were written, not in this module.
        once.__signature__ = inspect.signature(route, eval_str=True)  # type: ignore[attr-defined]
        return once  # type: ignore[return-value]

    return decorate


def _fingerprint(app: APIGatewayRestResolver, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    from aws_lambda_powertools.event_handler.openapi.encoders import jsonable_encoder

    payload = jsonable_encoder(inputs)
    access = app.context.get("access")
    if access is not None:
        from kontor import keys

        return keys.idempotency_scope(access.tenant_id, access.caller.user_id), payload
    claims = _claims(app.current_event.raw_event)
    if claims.get("sub"):
        return f"USER#{claims['sub']}", payload
    # Public: every input counts, the caller's bearer token too (as a hash, like every secret).
    payload = _hash_secrets(payload)
    payload["authorization"] = _digest(app.current_event.headers.get("Authorization") or "")
    return "PUBLIC", payload


def _hash_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            name: _digest(str(item)) if name in SECRET_INPUTS else _hash_secrets(item)
            for name, item in value.items()
        }
    return value


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _stored(answer: Any) -> dict[str, Any]:
    """A route's answer as the idempotency record keeps it (status, JSON body, the headers that count)."""
    from aws_lambda_powertools.event_handler.openapi.encoders import jsonable_encoder

    if not isinstance(answer, Response):
        answer = Response(200, content_types.APPLICATION_JSON, answer)
    body = answer.body
    if isinstance(body, str | bytes) and body:
        body = json.loads(body)
    headers = {name: value for name, value in (answer.headers or {}).items() if name in ("ETag", "Location")}
    return {"status": answer.status_code, "body": jsonable_encoder(body), "headers": headers}
