"""Counts AWS calls per request through botocore's event hooks, and forbids DynamoDB Scan.

On request it also keeps a trail of each call's parameters and outcome (and of presigned URLs and
forms, which make no call but are authorized with the signer's role), from which `local.iam`
derives the permissions each call needs.

Installed once per process before any botocore session exists: every session created afterwards
(boto3's and PynamoDB's per-thread ones) carries the hook. Counting is per thread, so concurrent
requests do not mix their counts.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.handlers

Trail = list[dict[str, Any]]


class ScanForbidden(RuntimeError):
    """No request and no job may scan the table: they query keys and indexes."""


class CallRecorder:
    def __init__(self) -> None:
        self._local = threading.local()
        self._installed = False

    def install(self) -> CallRecorder:
        if not self._installed:
            botocore.handlers.BUILTIN_HANDLERS.extend(
                [
                    ("before-call", self._before_call),
                    ("before-parameter-build", self._before_parameter_build),
                    ("after-call", self._after_call),
                    ("creating-client-class.s3", self._wrap_presigned_post),
                ]
            )
            self._installed = True
        return self

    def _before_call(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if service == "dynamodb" and model.name == "Scan" and not getattr(self._local, "scan_allowed", False):
            raise ScanForbidden("DynamoDB Scan issued: query a key or an index instead")
        calls: Counter[str] | None = getattr(self._local, "calls", None)
        if calls is not None:
            calls[f"{service}.{model.name}"] += 1

    def _before_parameter_build(self, params: Any, model: Any, context: Any, **_: Any) -> None:
        trail: Trail | None = getattr(self._local, "trail", None)
        if trail is None:
            return
        context["kontor_params"] = params
        # A presigned URL makes no call, but whoever uses it acts with the signer's permissions.
        # (A presigned POST builds on CreateBucket's model; `_wrap_presigned_post` records it.)
        if context.get("is_presign_request") and model.name != "CreateBucket":
            self._note(trail, model.service_model.service_name, model.name, params, None, presigned=True)

    def _after_call(self, http_response: Any, parsed: Any, model: Any, context: Any, **_: Any) -> None:
        trail: Trail | None = getattr(self._local, "trail", None)
        if trail is None:
            return
        error = None
        if http_response.status_code >= 300:
            error = str((parsed or {}).get("Error", {}).get("Code") or http_response.status_code)
        params = context.get("kontor_params", {})
        self._note(
            trail,
            model.service_model.service_name,
            model.name,
            params,
            error,
            region=context.get("client_region"),
        )

    def _wrap_presigned_post(self, class_attributes: dict[str, Any], **_: Any) -> None:
        original = class_attributes.get("generate_presigned_post")
        if original is None or getattr(original, "_recorded", False):
            return
        recorder = self

        def generate_presigned_post(client: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:  # noqa: N803 - botocore's names
            trail: Trail | None = getattr(recorder._local, "trail", None)
            if trail is not None:
                recorder._note(trail, "s3", "PutObject", {"Bucket": Bucket, "Key": Key}, None, presigned=True)
            return original(client, Bucket, Key, *args, **kwargs)

        generate_presigned_post._recorded = True  # type: ignore[attr-defined]
        class_attributes["generate_presigned_post"] = generate_presigned_post

    @staticmethod
    def _note(
        trail: Trail,
        service: str,
        operation: str,
        params: Any,
        error: str | None,
        *,
        presigned: bool = False,
        region: str | None = None,
    ) -> None:
        trail.append(
            {
                "service": service,
                "operation": operation,
                "params": params,
                "error": error,
                "presigned": presigned,
                "region": region,
            }
        )

    @contextmanager
    def recording(
        self, trail: Trail | None = None, apart: Counter[str] | None = None
    ) -> Iterator[Counter[str]]:
        """Count the calls this thread makes inside the block; with `trail`, also keep what each asked.
        Calls made inside `counted_apart` go to `apart` instead of the block's count."""
        calls: Counter[str] = Counter()
        previous, previous_trail = getattr(self._local, "calls", None), getattr(self._local, "trail", None)
        previous_apart = getattr(self._local, "apart", None)
        self._local.calls = calls
        self._local.trail = trail
        self._local.apart = apart if apart is not None else Counter()
        try:
            yield calls
        finally:
            self._local.calls = previous
            self._local.trail = previous_trail
            self._local.apart = previous_apart

    def counted_apart(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` with its calls counted apart from the request's own: the edge's refresh of a
        cached copy (maintenance windows) happens once a minute in whichever request comes first,
        so it belongs to no route's budget; it is reported, and pinned, on its own."""
        if getattr(function, "_counted_apart", False):
            return function

        @functools.wraps(function)
        def apart(*args: Any, **kwargs: Any) -> Any:
            calls, elsewhere = getattr(self._local, "calls", None), getattr(self._local, "apart", None)
            if calls is None or elsewhere is None:
                return function(*args, **kwargs)
            self._local.calls = elsewhere
            try:
                return function(*args, **kwargs)
            finally:
                self._local.calls = calls

        apart._counted_apart = True  # type: ignore[attr-defined]
        return apart

    @contextmanager
    def scan_allowed(self) -> Iterator[None]:
        """For test harnesses only: read a whole table to prove what a request did not change."""
        self._local.scan_allowed = True
        try:
            yield
        finally:
            self._local.scan_allowed = False


recorder = CallRecorder()
