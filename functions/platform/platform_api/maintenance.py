"""Maintenance windows, planned by operators: when, how (`read_only` or `unavailable`), and what
users read about it in German and English. Every function's edge enforces them
(`kontor.maintenance`) from a copy at most a minute old."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from kontor import clock, ids
from kontor import maintenance as edge
from kontor.access import Caller
from kontor.errors import NotFound, Unprocessable
from platform_api import store
from platform_api.domain import Window

MAX_LENGTH = timedelta(days=7)
# An ended window stays listed this long (for the operators' record), then the next change drops it.
KEEP_ENDED = timedelta(days=30)


def listing() -> list[Window]:
    return store.maintenance.read()[0]


def get(window_id: str) -> Window:
    return _find(listing(), window_id)


def create(
    caller: Caller,
    *,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    title: dict[str, str],
    text: dict[str, str],
) -> Window:
    now = clock.now()
    _check_times(starts_at, ends_at, now)
    window = Window(
        id=ids.new_id(),
        starts_at=clock.iso(starts_at),
        ends_at=clock.iso(ends_at),
        mode=mode,
        title=title,
        text=text,
        created_at=clock.iso(now),
        created_by=caller.user_id,
    )
    windows, version = store.maintenance.read()
    store.maintenance.save([*_kept(windows, now), window], version)
    edge.forget()
    return window


def update(caller: Caller, window_id: str, changes: dict[str, Any]) -> Window:
    """Change the fields given; a window that moved is announced again (`platform_api.announcements`)."""
    now = clock.now()
    windows, version = store.maintenance.read()
    window = _find(windows, window_id)
    starts = changes.get("starts_at") or window.starts
    ends = changes.get("ends_at") or window.ends
    _check_times(starts, ends, now)
    moved = clock.iso(starts) != window.starts_at
    changed = replace(
        window,
        starts_at=clock.iso(starts),
        ends_at=clock.iso(ends),
        mode=changes.get("mode") or window.mode,
        title=changes.get("title") or window.title,
        text=changes.get("text") or window.text,
        updated_at=clock.iso(now),
        announced_at=None if moved else window.announced_at,
    )
    store.maintenance.save([changed if w.id == window_id else w for w in _kept(windows, now)], version)
    edge.forget()
    return changed


def delete(window_id: str) -> None:
    """Remove a window: a running one ends at once."""
    windows, version = store.maintenance.read()
    _find(windows, window_id)
    store.maintenance.save([w for w in _kept(windows, clock.now()) if w.id != window_id], version)
    edge.forget()


def _find(windows: list[Window], window_id: str) -> Window:
    for window in windows:
        if window.id == window_id:
            return window
    raise NotFound("No such maintenance window.", code="window_not_found")


def _kept(windows: list[Window], now: datetime) -> list[Window]:
    return [window for window in windows if window.ends + KEEP_ENDED > now]


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise Unprocessable("ends_at must be after starts_at.", code="invalid_time_range")
    if ends_at - starts_at > MAX_LENGTH:
        raise Unprocessable("A maintenance window lasts at most 7 days.", code="window_too_long")
    if ends_at <= now:
        raise Unprocessable("This window would be over already.", code="invalid_time_range")
