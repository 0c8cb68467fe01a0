"""Notices: what the notice area shows — the running and upcoming maintenance windows for
everyone, and for a tenant what concerns it: a suspended status, its licences that expire
within `LICENCE_WARN_DAYS` or have expired and are locked, and a stale online sync (all read
with the tenant row by the gate's one batch; no call of their own)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kontor import access, clock, sync_state
from kontor import maintenance as edge
from kontor.access import Caller
from kontor.errors import NotFound
from kontor.fences import Status
from kontor.licences import WARN_DAYS, Licence, State
from platform_api.domain import Notice

_TENANT_ID = re.compile(r"^[0-9a-z]{26}$")

SUSPENDED_TITLE = {"de": "Mandant gesperrt", "en": "Tenant suspended"}
SUSPENDED_TEXT = {
    "de": "Dieser Mandant kann gelesen, aber nicht geändert werden. Bitte wenden Sie sich an den Support.",
    "en": "This tenant can be read, but not changed. Please contact support.",
}


LICENCE_WARN_DAYS = max(WARN_DAYS)  # from the first reminder mail on

SYNC_STALE_TITLE = {"de": "Synchronisierung unterbrochen", "en": "Sync interrupted"}
SYNC_STALE_TEXT = {
    "de": "Seit mehr als einer Stunde wurde nicht mit der Firmendatenbank synchronisiert.",
    "en": "The company database has not synchronised for more than an hour.",
}


def public() -> list[Notice]:
    """The windows not yet over, from this instance's copy (no table read of its own)."""
    now = clock.now()
    return [
        Notice(
            kind="maintenance",
            id=window.id,
            title=window.title,
            text=window.text,
            severity="warning" if window.running(now) else "info",
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            mode=window.mode,
            active=window.running(now),
        )
        for window in edge.windows()
        if not window.over(now)
    ]


def for_caller(caller: Caller, tenant_id: str | None) -> list[Notice]:
    """The public notices, and with `tenant_id` the tenant's own (the caller must be able to enter it)."""
    notices = public()
    if tenant_id is None:
        return notices
    if not _TENANT_ID.match(tenant_id):  # names no tenant: as for an unknown one, before any key is built
        raise NotFound("No such tenant.", code="tenant_not_found")
    found = access.resolve(caller, tenant_id)  # 404 for anyone who cannot enter it
    if found.fences is not None and found.fences.status == Status.SUSPENDED:
        notices.append(
            Notice(
                kind="tenant_suspended",
                id=f"suspended-{tenant_id}",
                title=SUSPENDED_TITLE,
                text=SUSPENDED_TEXT,
                severity="warning",
                active=True,
                tenant_id=tenant_id,
            )
        )
    now = clock.now()
    notices.extend(
        notice
        for module, licence in sorted(found.licences.items())
        if (notice := _licence_notice(tenant_id, module, licence, now)) is not None
    )
    last_sync_at = found.fences.last_sync_at if found.fences is not None else None
    if sync_state.stale(last_sync_at):  # from the tenant row the gate read: no read of its own
        notices.append(
            Notice(
                kind="sync_stale",
                id=f"sync-stale-{tenant_id}",
                title=SYNC_STALE_TITLE,
                text=SYNC_STALE_TEXT,
                severity="warning",
                active=True,
                tenant_id=tenant_id,
                details={"last_sync_at": str(last_sync_at)},
            )
        )
    return notices


def _licence_notice(tenant_id: str, module: str, licence: Licence, now: datetime) -> Notice | None:
    from kontor.catalog import catalog

    state = licence.state(now)
    expires = datetime.fromisoformat(licence.expires_at.replace("Z", "+00:00"))
    expiring = state == State.ACTIVE and expires - now <= timedelta(days=LICENCE_WARN_DAYS)
    if not expiring and state != State.LOCKED:
        return None
    name = catalog().module(module).name
    day, purge_day = licence.expires_at[:10], licence.purge_at[:10]
    common = {"id": f"licence-{module}-{licence.expires_at}", "active": True, "tenant_id": tenant_id}
    if expiring:
        return Notice(
            kind="licence_expiring",
            title={"de": f"{name.de} läuft ab", "en": f"{name.en} expires"},
            text={
                "de": f"Die Lizenz für {name.de} läuft am {day} ab. Verlängern Sie sie rechtzeitig.",
                "en": f"The licence for {name.en} expires on {day}. Renew it in time.",
            },
            severity="info",
            ends_at=licence.expires_at,
            **common,
        )
    return Notice(
        kind="licence_locked",
        title={"de": f"{name.de} gesperrt", "en": f"{name.en} locked"},
        text={
            "de": f"Die Lizenz für {name.de} ist abgelaufen. Die Daten bleiben bis {purge_day} erhalten.",
            "en": f"The licence for {name.en} has expired. Its data is kept until {purge_day}.",
        },
        severity="warning",
        ends_at=licence.purge_at,
        **common,
    )
