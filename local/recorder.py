"""Counts AWS calls per request through botocore's event hooks, and forbids DynamoDB Scan.

Installed once per process before any botocore session exists: every session created afterwards
(boto3's and PynamoDB's per-thread ones) carries the hook. Counting is per thread, so concurrent
requests do not mix their counts.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.handlers


class ScanForbidden(RuntimeError):
    """No request and no job may scan the table: they query keys and indexes."""


class CallRecorder:
    def __init__(self) -> None:
        self._local = threading.local()
        self._installed = False

    def install(self) -> CallRecorder:
        if not self._installed:
            botocore.handlers.BUILTIN_HANDLERS.append(("before-call", self._before_call))
            self._installed = True
        return self

    def _before_call(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if service == "dynamodb" and model.name == "Scan" and not getattr(self._local, "scan_allowed", False):
            raise ScanForbidden("DynamoDB Scan issued: query a key or an index instead")
        calls: Counter[str] | None = getattr(self._local, "calls", None)
        if calls is not None:
            calls[f"{service}.{model.name}"] += 1

    @contextmanager
    def recording(self) -> Iterator[Counter[str]]:
        """Count the calls this thread makes inside the block."""
        calls: Counter[str] = Counter()
        previous = getattr(self._local, "calls", None)
        self._local.calls = calls
        try:
            yield calls
        finally:
            self._local.calls = previous

    @contextmanager
    def scan_allowed(self) -> Iterator[None]:
        """For test harnesses only: read a whole table to prove what a request did not change."""
        self._local.scan_allowed = True
        try:
            yield
        finally:
            self._local.scan_allowed = False


recorder = CallRecorder()
