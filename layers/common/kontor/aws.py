"""boto3 clients, created on first use (never at import) and shared by every request of a process."""

from __future__ import annotations

import threading
from typing import Any

from kontor.settings import settings

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    found = _clients.get(service)
    if found is None:
        import boto3  # deferred: handlers that never call AWS directly do not pay for it

        with _lock:  # boto3's default session is not thread-safe when creating clients
            found = _clients.get(service) or boto3.client(service, region_name=settings().region)
            _clients[service] = found
    return found
