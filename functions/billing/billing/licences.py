"""Licences of add-on modules: booking them, granting them, and the daily job that warns, locks and
purges. What a licence's state is at a moment is `kontor.licences`' rule; the gate enforces it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from billing import mails, store
from kontor import clock, outbox
from kontor.access import Access, Caller
from kontor.catalog import ModuleOffer, add_months, catalog
from kontor.errors import Conflict, Forbidden, Unprocessable
from kontor.licences import PERIOD_MONTHS, WARN_DAYS, Licence, State
from kontor.observability import count, logger


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _offer(module: str, period: str) -> ModuleOffer:
    offer = catalog().module(module)
    if offer.booking == "included":
        raise Unprocessable(f"The module `{module}` is part of every plan.", code="module_included")
    if period not in offer.periods:
        raise Unprocessable(
            f"The module `{module}` is licensed for one of {list(offer.periods)}.",
            code="invalid_period",
            details={"periods": list(offer.periods)},
        )
    return offer


def _check_terms(version: str, current: str) -> None:
    if version != current:
        raise Unprocessable(
            f"Accept the current terms (version {current}) to book; they are in GET /catalog.",
            code="terms_not_accepted",
            details={"terms_version": current},
        )


def book(access: Access, module: str, period: str, terms_version: str) -> Licence:
    """An admin books a self-service module (or books it again: the licence is extended)."""
    offer = _offer(module, period)
    if offer.booking != "self_service":
        raise Forbidden(
            f"The module `{module}` is granted by our staff, e.g. after a consultation; ask support.",
            code="operator_only",
        )
    _check_terms(terms_version, offer.terms.version)
    licence = _extend(
        access.tenant_id,
        offer,
        period,
        held=access.licences,  # read by the gate; the write is conditional on it
        actor_id=access.caller.user_id,
        actor_via=access.via,
        action="licence.booked",
        granted_by="admin",
        extra={"terms_version": terms_version},
    )
    count("LicenceBooked", access.tenant_id)
    return licence


def grant(operator: Caller, tenant_id: str, module: str, period: str, note: str) -> Licence:
    """The vendor's staff grant any bookable module, with a note of why (e.g. the consultation)."""
    offer = _offer(module, period)
    licence = _extend(
        tenant_id,
        offer,
        period,
        held=store.licences.of_tenant(tenant_id),
        actor_id=operator.user_id,
        actor_via="operator",
        action="licence.granted",
        granted_by="operator",
        extra={"note": note},
    )
    count("LicenceGranted", tenant_id)
    return licence


def _extend(
    tenant_id: str,
    offer: ModuleOffer,
    period: str,
    *,
    held: dict[str, Licence],
    actor_id: str,
    actor_via: str,
    action: str,
    granted_by: str,
    extra: dict[str, str],
) -> Licence:
    """Active: its expiry moves one period on. Locked: active again from now, its data intact.
    Purged (or never booked): active from now and empty. Being purged: refused until that is done.
    The admins get the activation with its terms, written with the licence."""
    now = clock.now()
    module = offer.id.value
    previous = held.get(module)
    state = previous.state(now) if previous else None
    if state == State.PURGING:
        raise Conflict(
            f"The data of the module `{module}` is being deleted after its retention ended; "
            "book it again in a few minutes.",
            code="licence_purging",
        )
    continues = previous is not None and state == State.ACTIVE
    covers_from = _parse(previous.expires_at) if continues and previous else now
    expires = add_months(covers_from, PERIOD_MONTHS[period])
    licence = Licence(
        module=module,
        expires_at=clock.iso(expires),
        purge_at=clock.iso(expires + timedelta(days=offer.retention_days)),
        period=period,
        active_since=previous.active_since if continues and previous else clock.iso(now),
        granted_by=granted_by,
    )
    queued = store.licences.grant(
        tenant_id,
        licence,
        previous=previous,
        covers_from=clock.iso(covers_from),
        price_cents=offer.monthly_price_cents,
        now=clock.iso(now),
        next_check=next_check(licence),
        actor_id=actor_id,
        actor_via=actor_via,
        action=action,
        details={"module": module, "period": period, "expires_at": licence.expires_at, **extra},
        message=mails.licence_booked(offer, licence),
    )
    outbox.deliver(queued)
    logger.info("licence granted", tenant_id=tenant_id, licence_module=module, expires_at=licence.expires_at)
    return licence


def next_check(licence: Licence) -> str:
    """When the licence job next has something to do for `licence`: a warning not yet mailed, the
    expiry (to tell the admins it locked: "0 days"), or the end of its retention (to purge)."""
    expires = _parse(licence.expires_at)
    for days in WARN_DAYS:
        if days not in licence.warned:
            return clock.iso(expires - timedelta(days=days))
    return licence.purge_at


# ---------------------------------------------------------------- the daily job
def look_after(tenant_id: str) -> None:
    """The licence job for one tenant: mail due warnings, purge what is past its retention."""
    now = clock.now()
    for module, licence in store.licences.of_tenant(tenant_id).items():
        _look_after(tenant_id, module, licence, now)


def _look_after(tenant_id: str, module: str, licence: Licence, now: datetime) -> None:
    state = licence.state(now)
    if state == State.PURGED:
        return
    if state == State.PURGING:
        while store.licences.purge_items(tenant_id, module):
            pass
        store.licences.purge_objects(tenant_id, module)
        done = replace(licence, purged=True)
        if store.licences.settle(tenant_id, done, expected=licence, next_check=None) is not None:
            count("LicencePurged", tenant_id)
            logger.info("licence data purged", tenant_id=tenant_id, licence_module=module)
        return
    due = [
        days
        for days in WARN_DAYS
        if days not in licence.warned and now >= _parse(licence.expires_at) - timedelta(days=days)
    ]
    if not due:
        return
    warned = replace(licence, warned=(*licence.warned, *due))
    # Only the latest notice is mailed: a job that ran late does not send three at once.
    message = mails.licence_reminder(catalog().module(module), licence, min(due))
    queued = store.licences.settle(
        tenant_id, warned, expected=licence, next_check=next_check(warned), message=message
    )
    outbox.deliver(queued or [])
