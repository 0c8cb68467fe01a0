"""An HTTP front that behaves like the template's API Gateway, calling the handlers in-process.

Routes, public flags and CORS come from template.yaml. Each function is loaded once and serves one
request at a time, like a single Lambda instance. Local-only routes live under /_local.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from local import iam
from local.authorizer import CognitoAuthorizer
from local.console import Console
from local.provision import Stack
from local.recorder import recorder
from local.template import ROOT, Route, Template

CALLS_HEADER = "X-Kontor-Aws-Calls"
# The calls of the edge's once-a-minute refresh of its cached maintenance windows, apart from the route's.
EDGE_CALLS_HEADER = "X-Kontor-Edge-Calls"
# The functions refuse larger bodies too (`kontor.api.MAX_BODY_BYTES`); refusing here keeps a large
# upload from occupying the one local instance while it is read and decoded.
MAX_BODY_BYTES = 1024 * 1024
log = logging.getLogger("local.gateway")
STAGE = "v1"


@dataclass
class LambdaContext:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = ""
    timeout: float = 15.0  # the function's Timeout from the template
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started + self.timeout - time.monotonic()) * 1000))


def _too_large(request: Request) -> bool:
    """Whether the declared body is over the limit, decided before reading any of it. (A chunked body
    without Content-Length is read whole and refused by the function's own edge.)"""
    return (request.content_length or 0) > MAX_BODY_BYTES


class Functions:
    """The template's functions, imported from their code folders on first use."""

    def __init__(self, template: Template) -> None:
        self._template = template
        self._handlers: dict[str, Any] = {}
        # The permissions each function's calls needed so far, for proving its role (GET /_local/iam).
        self.needs: dict[str, Counter[iam.Need]] = {name: Counter() for name in template.functions}
        self._locks = {name: threading.Lock() for name in template.functions}
        # Each function's own environment variables (its queue, its dead-letter queue): the process
        # runs every function, so an invocation reads its function's settings, not the last one's.
        self.environments: dict[str, dict[str, str]] = {}
        # Each function's timeout as its context reports it; a benchmark may scale one down.
        self.timeouts = {name: float(f.timeout) for name, f in template.functions.items()}
        for path in [ROOT / "layers" / "common", *{f.code_uri for f in template.functions.values()}]:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))
        from kontor import maintenance

        maintenance.read_windows = recorder.counted_apart(maintenance.read_windows)

    def handler(self, name: str) -> Any:
        if name not in self._handlers:
            module, attribute = self._template.functions[name].handler.rsplit(".", 1)
            self._handlers[name] = getattr(importlib.import_module(module), attribute)
        return self._handlers[name]

    def invoke(
        self, name: str, event: dict[str, Any], edge: Counter[str] | None = None
    ) -> tuple[Any, dict[str, int]]:
        """Run one invocation; also return the AWS calls it made, by operation (those of the edge's
        cached maintenance windows into `edge`)."""
        trail: list[dict[str, Any]] = []
        from kontor.settings import function_environment

        with (
            self._locks[name],
            function_environment(self.environments.get(name, {})),
            recorder.recording(trail, edge) as calls,
        ):
            try:
                context = LambdaContext(name, str(uuid.uuid4()), timeout=self.timeouts[name])
                result = self.handler(name)(event, context)
            finally:
                self._account(name, trail)
        return result, dict(calls)

    def _account(self, name: str, trail: list[dict[str, Any]]) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID

        fallback = boto3.session.Session().region_name or "us-east-1"
        for call in trail:
            self.needs[name].update(
                iam.needs(
                    call["service"],
                    call["operation"],
                    call["params"],
                    region=call["region"] or fallback,
                    account=DEFAULT_ACCOUNT_ID,
                    error_code=call["error"],
                )
            )


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


def _refusal(
    status: int, code: str, message: str, *, details: Any = None, headers: dict[str, str] | None = None
) -> Response:
    """What API Gateway itself answers (no route, too large, not signed in), as Kontor's error JSON
    with a request id like every other answer."""
    request_id = str(uuid.uuid4())
    error: dict[str, Any] = {"code": code, "message": message, "request_id": request_id}
    if details is not None:
        error["details"] = details
    return _json(status, {"error": error}, {**(headers or {}), "X-Request-Id": request_id})


class Gateway:
    def __init__(self, template: Template, stack: Stack, *, endpoint: str, region: str) -> None:
        self.template = template
        self.stack = stack
        self.functions = Functions(template)
        self.jobs = Jobs(template, stack, self.functions)
        self.authorizer = CognitoAuthorizer(
            endpoint=endpoint,
            region=region,
            user_pool_id=stack.refs["UserPool"],
            client_id=stack.refs["UserPoolClient"],
        )
        self.cors = template.resources["Api"]["Properties"].get("Cors", {})
        self.console = Console()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        log.info("%s %s -> %s", request.method, request.full_path.rstrip("?"), response.status_code)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path.startswith("/_local/"):
            return self._local(request)
        if request.method == "OPTIONS":
            return self._preflight()
        matched = self._match(request.method, request.path)
        page = self.console.page(request, api_route=matched is not None)
        if page is not None:
            return page
        if matched is None:
            allowed = self._methods(request.path)
            if not allowed:
                return _refusal(404, "route_not_found", "There is no such route.")
            return _refusal(
                405,
                "method_not_allowed",
                f"{request.method} is not answered here; try {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        route, parameters = matched
        if _too_large(request):
            return _refusal(
                413,
                "payload_too_large",
                f"The request body exceeds {MAX_BODY_BYTES} bytes.",
                details={"max_bytes": MAX_BODY_BYTES},
            )
        claims = None
        if not route.public:
            claims = self.authorizer.claims(request.headers.get("Authorization"))
            if claims is None:
                return _refusal(
                    401, "unauthorized", "Sign in first: the bearer token is missing, expired or not valid."
                )
        edge: Counter[str] = Counter()
        result, calls = self.functions.invoke(
            route.function, self._event(request, route, parameters, claims), edge
        )
        headers = Headers(result.get("headers") or {})
        for name, values in (result.get("multiValueHeaders") or {}).items():
            for value in values:
                headers.add(name, value)
        headers[CALLS_HEADER] = json.dumps(calls, sort_keys=True)
        headers[EDGE_CALLS_HEADER] = json.dumps(dict(edge), sort_keys=True)
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        return Response(payload, status=result["statusCode"], headers=headers)

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.template.routes:
            found = route.pattern.match(path)
            if found and route.method == method:
                return route, found.groupdict()
        return None

    def _methods(self, path: str) -> list[str]:
        """The methods the API answers on `path` (CORS preflights included), for `Allow`."""
        found = {route.method for route in self.template.routes if route.pattern.match(path)}
        return sorted(found | {"OPTIONS"}) if found else []

    def _preflight(self) -> Response:
        headers = {
            "Access-Control-Allow-Origin": str(self.stack.resolve(self.cors.get("AllowOrigin", "'*'"))).strip(
                "'"
            ),
            "Access-Control-Allow-Headers": self.cors.get("AllowHeaders", "'*'").strip("'"),
            "Access-Control-Allow-Methods": self.cors.get("AllowMethods", "'*'").strip("'"),
            "Access-Control-Max-Age": str(self.cors.get("MaxAge", "'600'")).strip("'"),
        }
        return Response(status=204, headers=headers)

    @staticmethod
    def _event(
        request: Request, route: Route, parameters: dict[str, str], claims: dict[str, str] | None
    ) -> dict[str, Any]:
        """An API Gateway REST proxy event, as the Lambda integration sends it."""
        query = request.args.to_dict(flat=False)
        body = request.get_data()
        try:
            text, encoded = body.decode(), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        context: dict[str, Any] = {
            "resourcePath": route.path,
            "httpMethod": route.method,
            "path": f"/{STAGE}{request.path}",
            "stage": STAGE,
            "domainName": request.host,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1"},
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": route.method,
            "headers": dict(request.headers.items()),
            "multiValueHeaders": {name: request.headers.getlist(name) for name in request.headers.keys()},  # noqa: SIM118 - Headers iterate as pairs
            "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": parameters or None,
            "stageVariables": None,
            "requestContext": context,
            "body": text or None,
            "isBase64Encoded": encoded,
        }

    # ------------------------------------------------------------ local-only routes
    def _local(self, request: Request) -> Response:
        from kontor import clock

        parts = request.path.strip("/").split("/")[1:]
        if parts == ["outbox"] and request.method == "GET":
            return _json(200, {"messages": outbox(request.args.get("to"))})
        if parts == ["schedules"] and request.method == "GET":
            return _json(
                200,
                {
                    "schedules": [
                        {"name": s.name, "job": s.job, "function": s.function, "expression": s.expression}
                        for s in self.template.schedules
                    ]
                },
            )
        if len(parts) == 2 and parts[0] == "schedules" and request.method == "POST":
            # By the schedule's name in template.yaml, or by the job it starts.
            found = next((s for s in self.template.schedules if parts[1] in (s.name, s.job)), None)
            if found is None:
                return _json(404, {"error": {"code": "schedule_not_found", "message": "No such schedule."}})
            return _json(200, self.jobs.fire(found.name))
        if parts == ["operators"] and request.method == "POST":
            return self._grant_operator((request.get_json(silent=True) or {}).get("email"))
        if parts == ["iam"] and request.method == "GET":
            return _json(200, self._iam())
        if parts == ["queues", "drain"] and request.method == "POST":
            return _json(200, self.jobs.drain_now())
        if parts == ["clock"] and request.method == "GET":
            return _json(
                200, {"now": clock.iso(clock.now()), "offset_days": clock.offset() / timedelta(days=1)}
            )
        if parts == ["clock"] and request.method == "POST":
            try:
                sent = request.get_json(silent=True) or {}
                # Minutes for what counts in hours (a sync is stale after one), days for the rest.
                if "advance_minutes" in sent:
                    days = float(sent["advance_minutes"]) / (24 * 60)
                else:
                    days = float(sent["advance_days"])
            except (KeyError, TypeError, ValueError):
                return _json(
                    422,
                    {
                        "error": {
                            "code": "validation_error",
                            "message": 'Send {"advance_days": N} or {"advance_minutes": N} with N >= 0.',
                        }
                    },
                )
            if days < 0:
                return _json(
                    422, {"error": {"code": "validation_error", "message": "The clock only moves forward."}}
                )
            clock.advance(timedelta(days=days))
            return _json(
                200, {"now": clock.iso(clock.now()), "offset_days": clock.offset() / timedelta(days=1)}
            )
        return _json(404, {"error": {"code": "route_not_found", "message": "There is no such local route."}})

    @staticmethod
    def _grant_operator(email: Any) -> Response:
        """`make operator EMAIL=…` against the local stack (kontor.operators, as on AWS)."""
        from kontor import operators
        from kontor.errors import KontorError

        if not isinstance(email, str) or "@" not in email:
            return _json(422, {"error": {"code": "validation_error", "message": 'Send {"email": "…"}.'}})
        try:
            user_id = operators.grant(email, added_by="local")
        except KontorError as refused:
            return _json(refused.status, {"error": {"code": refused.code, "message": refused.message}})
        return _json(200, {"user_id": user_id, "email": email.lower()})

    def _iam(self) -> dict[str, Any]:
        """What each function's calls needed, and what the template's names resolve to here."""
        from moto.core import DEFAULT_ACCOUNT_ID

        return {
            "environment": {
                "refs": self.stack.refs,
                "arns": self.stack.arns,
                "parameters": self.stack.parameters,
                "region": boto3.session.Session().region_name,
                "account": DEFAULT_ACCOUNT_ID,
            },
            "needs": {
                name: [{**need.as_dict(), "count": count} for need, count in sorted(counted.items(), key=str)]
                for name, counted in self.functions.needs.items()
            },
        }


def outbox(to: str | None) -> list[dict[str, Any]]:
    """Every mail sent through the emulated SES, newest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    region = boto3.session.Session().region_name
    messages = [
        {
            "to": message.destinations.get("ToAddresses", []),
            "subject": message.subject,
            # moto keeps one part: the HTML one where a mail has both; shown as its text
            "text": _as_text(message.body),
        }
        for message in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages
    ]
    if to:
        messages = [m for m in messages if to.lower() in (a.lower() for a in m["to"])]
    return list(reversed(messages))


def _as_text(body: str) -> str:
    """A mail's HTML part as the plain text beside it reads (paragraphs, line breaks, no tags)."""
    if not body.lstrip().lower().startswith(("<!doctype html", "<html")):
        return body
    import html
    import re

    text = re.sub(r"(?i)<br\s*/?>", "\n", body)
    text = re.sub(r"(?i)</p>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip() + "\n"


class Jobs:
    """Fires a schedule's function, then runs the work it queued until every queue is drained."""

    MAX_ROUNDS = 1000

    def __init__(self, template: Template, stack: Stack, functions: Functions) -> None:
        self.template = template
        self.stack = stack
        self.functions = functions
        # One delivery at a time, as one event source mapping: a fired schedule's work is its own.
        self.lock = threading.RLock()
        self._sqs: Any = None

    def deliver_in_background(self, interval: float = 0.5) -> threading.Thread:
        """Poll the queues like Lambda's SQS event source mappings do (for `make run`)."""

        def poll() -> None:
            while True:
                try:
                    self.drain_now()
                except Exception:
                    log.exception("delivering queued work failed")
                threading.Event().wait(interval)

        thread = threading.Thread(target=poll, name="sqs-delivery", daemon=True)
        thread.start()
        return thread

    def drain_now(self) -> dict[str, Any]:
        """Run everything queued so far to the end; what it cost."""
        with self.lock:
            calls: Counter[str] = Counter()
            return {"processed": self.drain(calls), "calls": dict(calls)}

    def fire(self, name: str) -> dict[str, Any]:
        with self.lock:
            return self._fire(name)

    def _fire(self, name: str) -> dict[str, Any]:
        from kontor import clock

        schedule = next(s for s in self.template.schedules if s.name == name)
        # EventBridge Scheduler hands a Lambda target the schedule's Input as the event itself.
        event = (
            json.loads(schedule.input)
            if schedule.input is not None
            else {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Scheduled Event",
                "source": "aws.scheduler",
                "time": clock.iso(clock.now()),
                "resources": [f"schedule/{name}"],
                "detail": {},
            }
        )
        result, dispatch_calls = self.functions.invoke(schedule.function, event)
        work_calls: Counter[str] = Counter()
        processed = self.drain(work_calls)
        # The AWS calls of the dispatcher and of all the work it queued, for call budgets.
        return {
            "schedule": name,
            "processed": processed,
            "result": result,
            "calls": {"dispatch": dispatch_calls, "work": dict(work_calls)},
        }

    def drain(self, calls: Counter[str] | None = None) -> int:
        """Deliver queued messages to their consumers, honouring partial batch failures."""
        if self._sqs is None:  # one client: the background poller calls this twice a second
            self._sqs = boto3.client("sqs")
        sqs = self._sqs
        processed = 0
        for _ in range(self.MAX_ROUNDS):
            delivered = 0
            for consumer in self.template.queue_consumers:
                url = self.stack.refs[consumer.queue]
                received = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=min(consumer.batch_size, 10), AttributeNames=["All"]
                ).get("Messages", [])
                if not received:
                    continue
                event = {"Records": [_sqs_record(m, self.stack.arns[consumer.queue]) for m in received]}
                result, made = self.functions.invoke(consumer.function, event)
                if calls is not None:
                    calls.update(made)
                failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
                for message in received:
                    if message["MessageId"] not in failed:
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                        processed += 1
                delivered += len(received) - len(failed)
            if delivered == 0:
                return processed
        return processed


def _sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }
