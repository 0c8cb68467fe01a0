"""Closing a tenant: its admin confirms with the tenant's name; the tenant becomes `closed`
(invisible to everyone, gone from `/me`), its admins are mailed, and 30 days later the purge job
(`platform_api.purge`) removes it. Until then the vendor's operators can reopen it.

Billing stops at the day of `closed_at`, which the tenant row keeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kontor import clock, mail, outbox, system_mail
from kontor.access import Access, Caller
from kontor.errors import Conflict, Unprocessable
from kontor.fences import Status
from kontor.observability import count, logger
from tenants import store
from tenants.domain import Tenant

REOPEN_WITHIN = timedelta(days=30)  # and the purge is due when it has passed


def close(context: Access, confirm_name: str) -> Tenant:
    tenant = store.settings.get(context.tenant_id)
    if confirm_name.strip() != tenant.name:
        raise Unprocessable(
            "confirm_name must be the tenant's name exactly as it is shown.", code="confirm_name_mismatch"
        )
    return _close(tenant, store.closing.Closer(context.caller.user_id, context.via))


def close_by_operator(operator: Caller, tenant: Tenant, reason: str) -> Tenant:
    """The vendor's staff close a tenant (active or suspended; as just read) the same way as its
    admin does: the purge is due after `REOPEN_WITHIN`, its admins are mailed, and it can be
    reopened until then."""
    return _close(tenant, store.closing.Closer(operator.user_id, "operator", reason))


def _close(tenant: Tenant, closer: store.closing.Closer) -> Tenant:
    if store.closing.open_subtenants(tenant.id):
        raise Conflict(
            "Close the sub-tenants or hand them over to their own admins first.", code="has_subtenants"
        )
    now = clock.now()
    closed_at, purge_at = clock.iso(now), clock.iso(now + REOPEN_WITHIN)
    message = closed_message(tenant.name, purge_at)
    queued = store.closing.close(tenant.id, closer, closed_at, purge_at, message)
    outbox.deliver(queued)
    count("TenantClosed", tenant.id)
    logger.info("tenant closed", tenant_id=tenant.id, purge_at=purge_at, actor_via=closer.via)
    return store.settings.get(tenant.id)


def reopen(operator: Caller, tenant_id: str, reason: str | None) -> Tenant:
    tenant = store.settings.get(tenant_id)
    if tenant.status != Status.CLOSED or tenant.closed_at is None:
        raise Conflict("Only a closed tenant can be reopened.", code="not_reopenable")
    closed_at = datetime.fromisoformat(tenant.closed_at.replace("Z", "+00:00"))
    if clock.now() >= closed_at + REOPEN_WITHIN:
        raise Conflict("A tenant can be reopened within 30 days of closing only.", code="reopen_expired")
    store.closing.reopen(tenant_id, operator.user_id, tenant.closed_at, reason)
    logger.info("tenant reopened", tenant_id=tenant_id)
    return store.settings.get(tenant_id)


def purge_at(tenant: Tenant) -> str:
    """When a closed tenant's purge is due (and it can no longer be reopened)."""
    closed_at = datetime.fromisoformat((tenant.closed_at or "").replace("Z", "+00:00"))
    return clock.iso(closed_at + REOPEN_WITHIN)


def closed_message(name: str, purge_at: str) -> system_mail.Message:
    quoted, day = mail.plain(name), purge_at[:10]
    return system_mail.Message(
        subject={"de": "Mandant geschlossen", "en": "Tenant closed"},
        paragraphs={
            "de": [
                f"der Mandant „{quoted}“ wurde geschlossen und ist für niemanden mehr sichtbar.",
                f"Am {day} werden alle seine Daten endgültig gelöscht; bis dahin kann der Support ihn "
                "wieder öffnen.",
            ],
            "en": [
                f"the tenant “{quoted}” was closed and is no longer visible to anyone.",
                f"On {day} all of its data will be deleted for good; until then support can reopen it.",
            ],
        },
    )
