"""Maintenance windows at the edge: every function refuses what a running window forbids.

Operators plan windows (`platform_api.maintenance`); all of them live in one item
(`PLATFORM#MAINTENANCE` / `WINDOWS`). Each function keeps a copy of it in memory for at most
`CACHE_SECONDS` of the product's clock and reads it again after that — one GetItem a minute per
warm instance, never one per request, and never a hot item: a busy API reads it as often as it
has instances, not as often as it has requests.

During a `read_only` window every write answers `503 maintenance` with `Retry-After` (seconds to
the window's end) and reads go on; during an `unavailable` one every route but `EXEMPT` answers
503. Operators' routes stay open, so the vendor's staff can end a window early. Queued work waits
too (`kontor.jobs`): a worker sends a message it receives during a window back, delayed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kontor import clock, keys
from kontor.errors import KontorError

CACHE_SECONDS = 60
# What answers during any window: the notices that explain it, what the SPA needs to start, health.
EXEMPT = frozenset({"/notices", "/notices/public", "/config", "/health"})
OPERATOR_PREFIX = "/operator/"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class Mode(StrEnum):
    READ_ONLY = "read_only"  # reads go on, writes are refused
    UNAVAILABLE = "unavailable"  # everything but the notices, the configuration and health


@dataclass(frozen=True)
class Window:
    id: str
    starts_at: str
    ends_at: str
    mode: str
    title: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    created_by: str = ""
    updated_at: str | None = None
    announced_at: str | None = None

    @property
    def starts(self) -> datetime:
        return datetime.fromisoformat(self.starts_at.replace("Z", "+00:00"))

    @property
    def ends(self) -> datetime:
        return datetime.fromisoformat(self.ends_at.replace("Z", "+00:00"))

    def running(self, now: datetime) -> bool:
        return self.starts <= now < self.ends

    def over(self, now: datetime) -> bool:
        return self.ends <= now


class UnderMaintenance(KontorError):
    status = 503
    code = "maintenance"

    def __init__(self, window: Window, now: datetime) -> None:
        what = "reads only" if window.mode == Mode.READ_ONLY else "nothing"
        super().__init__(
            f"Kontor is under maintenance until {window.ends_at} and answers {what} until then.",
            details={"window_id": window.id, "mode": window.mode, "ends_at": window.ends_at},
        )
        self.retry_after = max(1, math.ceil((window.ends - now).total_seconds()))


def of_item(raw: dict[str, Any]) -> list[Window]:
    """The windows of the item's `windows` map, earliest first."""
    found = [
        Window(
            id=window_id,
            starts_at=str(entry["starts_at"]),
            ends_at=str(entry["ends_at"]),
            mode=str(entry["mode"]),
            title=dict(entry.get("title") or {}),
            text=dict(entry.get("text") or {}),
            created_at=str(entry.get("created_at") or ""),
            created_by=str(entry.get("created_by") or ""),
            updated_at=entry.get("updated_at"),
            announced_at=entry.get("announced_at"),
        )
        for window_id, entry in raw.items()
    ]
    return sorted(found, key=lambda window: (window.starts_at, window.id))


def read_windows() -> list[Window]:
    """Every window as the table holds it (one eventually consistent GetItem)."""
    from pynamodb.attributes import MapAttribute
    from pynamodb.exceptions import DoesNotExist

    from kontor.models import MaintenanceItem

    try:
        row = MaintenanceItem.get(keys.MAINTENANCE_PK, keys.MAINTENANCE_SK)
    except DoesNotExist:
        return []
    raw = row.windows.as_dict() if isinstance(row.windows, MapAttribute) else dict(row.windows or {})
    return of_item(raw)


# The copy this instance relies on, and when (product clock) it was read.
_cache: dict[str, Any] = {}


def windows() -> list[Window]:
    """Every window, from this instance's copy while it is at most `CACHE_SECONDS` old."""
    now = clock.now()
    loaded_at: datetime | None = _cache.get("loaded_at")
    if loaded_at is None or not (timedelta() <= now - loaded_at < timedelta(seconds=CACHE_SECONDS)):
        _cache["windows"] = read_windows()
        _cache["loaded_at"] = now
    return list(_cache["windows"])


def forget() -> None:
    """Drop this instance's copy (after an operator changed the windows through it)."""
    _cache.clear()


def running(now: datetime | None = None) -> Window | None:
    """The window running now, if any (the stricter one where two overlap)."""
    now = now or clock.now()
    current = [window for window in windows() if window.running(now)]
    current.sort(key=lambda window: (window.mode != Mode.UNAVAILABLE, window.ends_at))
    return current[0] if current else None


def check(method: str, resource: str) -> None:
    """Refuse the request when a running window forbids it (`UnderMaintenance`)."""
    if resource in EXEMPT or resource.startswith(OPERATOR_PREFIX):
        return
    now = clock.now()
    window = running(now)
    if window is None:
        return
    if window.mode == Mode.READ_ONLY and method in READS:
        return
    raise UnderMaintenance(window, now)
