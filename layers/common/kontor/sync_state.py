"""How current a tenant's online sync is: shared by the sync context and `GET /me`.

The seed's desktop shows the time since the last sync once it was interrupted for more than an
hour; Kontor calls that `stale`. The time is the product clock's (`kontor.clock`), so the local
stack can move past the hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kontor import clock

STALE_AFTER = timedelta(hours=1)


def stale(last_sync_at: str | None, now: datetime | None = None) -> bool:
    """More than an hour since the last successful sync; never synced is not stale (nothing to miss)."""
    if not last_sync_at:
        return False
    return (now or clock.now()) - clock.parse(last_sync_at) > STALE_AFTER
