"""A tenant's licences of add-on modules, and the one guard every module route passes.

A licence lives in the tenant row (`licences`, a map by module), so the tenant gate reads it in the
same BatchGetItem as the membership and the write fences: the guard adds no round trip. Its state
follows from the product clock, not from a job: a licence is `active` until `expires_at`, then
`locked` until `purge_at` (its data kept), then its data is purged by the licence job, which marks it
`purged`. Booking again while locked brings everything back; after the purge the module starts empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from kontor import clock
from kontor.errors import Forbidden


class Plan(StrEnum):
    """A tenant's edition, billed monthly (prices in `kontor.catalog`)."""

    BASIC = "BASIC"
    PROFESSIONAL = "PROFESSIONAL"
    ENTERPRISE = "ENTERPRISE"


class Module(StrEnum):
    CORE = "core"
    TENANT_MANAGEMENT = "tenant_management"
    PRICE_CALCULATION = "price_calculation"
    PODCASTS = "podcasts"
    ONLINE_SYNC = "online_sync"


# A licence runs for one of these periods, in whole months; a booking adds one to its expiry.
PERIOD_MONTHS = {"P1M": 1, "P3M": 3, "P12M": 12}
# Days before expiry the tenant's admins are told (the first also opens the notice area's
# warning); 0 is the notice that it expired and locked.
WARN_DAYS = (14, 3, 0)


class State(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"
    PURGING = "purging"  # past its retention: the data is being deleted
    PURGED = "purged"


@dataclass(frozen=True)
class Licence:
    module: str
    expires_at: str
    purge_at: str
    period: str
    active_since: str
    granted_by: str  # "admin" (booked) or "operator"
    purged: bool = False  # its data was deleted after the retention ended
    warned: tuple[int, ...] = ()  # the expiry warnings (days ahead) already mailed for `expires_at`

    @classmethod
    def of(cls, module: str, entry: dict[str, Any]) -> Licence:
        return cls(
            module=module,
            expires_at=entry["expires_at"],
            purge_at=entry["purge_at"],
            period=entry.get("period", ""),
            active_since=entry.get("active_since", ""),
            granted_by=entry.get("granted_by", "admin"),
            purged=bool(entry.get("purged", False)),
            warned=tuple(int(days) for days in entry.get("warned") or ()),
        )

    def state(self, now: datetime) -> State:
        at = clock.iso(now)
        if at < self.expires_at:
            return State.ACTIVE
        if self.purged:
            return State.PURGED
        return State.LOCKED if at < self.purge_at else State.PURGING


def keeps_data(licences: dict[str, Licence], module: str, now: datetime) -> bool:
    """Whether the tenant may hold the module's data now: licensed, or locked within its retention.
    A restore skips the items of any other module, so a purge is never undone by a backup."""
    licence = licences.get(module)
    return licence is not None and licence.state(now) in (State.ACTIVE, State.LOCKED)


def of_row(licences: Any) -> dict[str, Licence]:
    """The licences of a tenant row's `licences` map (a PynamoDB MapAttribute or a plain dict)."""
    entries = licences.as_dict() if hasattr(licences, "as_dict") else dict(licences or {})
    return {module: Licence.of(module, dict(entry)) for module, entry in entries.items()}


def require(licences: dict[str, Licence], module: str, now: datetime | None = None) -> None:
    """Refuse a module route unless the tenant's licence of `module` is active now."""
    if module == Module.CORE:
        return
    licence = licences.get(module)
    state = licence.state(now or clock.now()) if licence else None
    if licence is None or state == State.PURGED:
        raise Forbidden(
            f"This needs a licence of the module `{module}`.",
            code="licence_required",
            details={"module": module},
        )
    if state != State.ACTIVE:
        raise Forbidden(
            f"The licence of the module `{module}` expired on {licence.expires_at}; book it again "
            f"to unlock it. Its data is kept until {licence.purge_at}.",
            code="licence_expired",
            details={"module": module, "expired_at": licence.expires_at, "purge_at": licence.purge_at},
        )
