"""The maintenance windows' one item (`PLATFORM#MAINTENANCE` / `WINDOWS`), read consistently and
changed only under the condition that nobody changed it since it was read."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from kontor import keys
from kontor.errors import Conflict
from kontor.maintenance import Window, of_item
from kontor.models import MaintenanceItem


def read() -> tuple[list[Window], int]:
    """Every window and the item's version (0 while there is none)."""
    try:
        row = MaintenanceItem.get(keys.MAINTENANCE_PK, keys.MAINTENANCE_SK, consistent_read=True)
    except DoesNotExist:
        return [], 0
    raw = row.windows.as_dict() if isinstance(row.windows, MapAttribute) else dict(row.windows or {})
    return of_item(raw), int(row.version or 0)


def save(windows: list[Window], version: int) -> None:
    """Store `windows` as the whole set, if the item is still at `version`."""
    entries: dict[str, Any] = {}
    for window in windows:
        entry = asdict(window)
        entry.pop("id")
        entries[window.id] = {name: value for name, value in entry.items() if value is not None}
    row = MaintenanceItem(keys.MAINTENANCE_PK, keys.MAINTENANCE_SK, windows=entries, version=version + 1)
    condition = MaintenanceItem.pk.does_not_exist() if version == 0 else MaintenanceItem.version == version
    try:
        row.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(
                "Someone changed the maintenance windows at the same moment; nothing was saved. Try again.",
                code="concurrent_change",
            ) from None
        raise


def mark_announced(announced: list[Window], at: str) -> None:
    """Note that these windows were announced, each only if it still starts when it did (a window
    moved meanwhile is announced again)."""
    starts = {window.id: window.starts_at for window in announced}
    windows, version = read()
    marked = [
        replace(window, announced_at=at) if starts.get(window.id) == window.starts_at else window
        for window in windows
    ]
    save(marked, version)
