"""Write fences: the reasons a tenant refuses writes for a while, and the one write path that checks them.

A fence is an entry in the tenant row's `fences` map (`{"restoring": {"since": …, "by": …}}`); the
tenant's `status` fences it too (`suspended` refuses writes, `closed` hides the tenant). The tenant
gate reads the row with the caller's membership in one round trip and refuses a fenced write before
the route runs; `write()` then commits the route's transaction.

Why the fence is not a condition inside every write transaction: DynamoDB cancels concurrent
transactions that touch one item, even as a mere condition check (`TransactionConflict`), so a
tenant-wide item in every write would make parallel writes to *different* records of one tenant fail.
Instead each write checks the fence it read — at most `MAX_AGE` old, else it reads it again just
before committing — and whoever raises a fence waits `settings().fence_grace_seconds` (longer than
`MAX_AGE` plus any transaction's commit, and longer than an API function may run) before it
relies on it. A restore therefore replaces nothing until every write that saw the tenant open
has committed or died.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from kontor import clock, db, keys, licences
from kontor.errors import Conflict, KontorError, Locked, NotFound
from kontor.models import TenantItem

MAX_AGE = 10.0  # seconds a fence read may be relied on before a write reads it again


class Status(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # reads go on, writes are refused
    CLOSED = "closed"  # invisible, as if it did not exist; purged later


class Fence(StrEnum):
    """Reasons for refusing writes, besides the tenant's status. Later: maintenance."""

    RESTORING = "restoring"
    SYNCING = "syncing"  # an on-premises company database's first sync is being loaded


@dataclass(frozen=True)
class Fences:
    """What one read of the tenant row said about its writability, and when it was read."""

    tenant_id: str
    status: str = Status.ACTIVE
    raised: dict[str, Any] = field(default_factory=dict)
    read_at: float = field(default_factory=time.monotonic)
    # Online sync, read with the fences: whether the tenant keeps a change feed (it holds the
    # `online_sync` licence, or its data) and the feed's epoch, which every restore moves on.
    feed: bool = False
    sync_epoch: int = 0
    last_sync_at: str | None = None  # when a sync client last synced (`kontor.sync_state`)

    @classmethod
    def of(cls, row: TenantItem) -> Fences:
        raised = row.fences.as_dict() if isinstance(row.fences, MapAttribute) else dict(row.fences or {})
        return cls(
            tenant_id=row.id,
            status=row.status or Status.ACTIVE,
            raised=raised,
            feed=licences.keeps_data(licences.of_row(row.licences), licences.Module.ONLINE_SYNC, clock.now()),
            sync_epoch=int(row.sync_epoch or 0),
            last_sync_at=row.last_sync_at,
        )

    @property
    def fresh(self) -> bool:
        return time.monotonic() - self.read_at < MAX_AGE

    def visible(self) -> None:
        if self.status == Status.CLOSED:
            raise NotFound("No such tenant.", code="tenant_not_found")

    def writable(self, *, system: bool = False, passes: frozenset[Fence] = frozenset()) -> None:
        """Raise the refusal of the first fence that is up; nothing when writes may go ahead.

        `system` work the product does for the tenant by itself (scheduled backups) goes on while
        the tenant is suspended; only its own users are held to read-only. `passes` names fences a
        route is built to work behind (a new restore after a failed one).
        """
        self.visible()
        refusal = refusal_for(self.status, self.raised, system=system, passes=passes)
        if refusal is not None:
            raise refusal


def refusal_for(
    status: str, raised: dict[str, Any], *, system: bool = False, passes: frozenset[Fence] = frozenset()
) -> KontorError | None:
    if status == Status.SUSPENDED and not system:
        return Locked(
            "This tenant is suspended: it can be read, but not changed. Contact support.",
            code="tenant_suspended",
        )
    if Fence.RESTORING in raised and Fence.RESTORING not in passes:
        return Conflict(
            "A backup is being restored into this tenant; changes are refused until it has finished.",
            code="tenant_restoring",
        )
    if Fence.SYNCING in raised and Fence.SYNCING not in passes:
        return Conflict(
            "The company database's first sync is running; changes are refused until it has finished "
            "(reads go on).",
            code="tenant_syncing",
        )
    return None


# The fences the tenant gate read for this request (one request at a time per Lambda instance;
# a context variable keeps threads of the local stack apart).
_seen: ContextVar[Fences | None] = ContextVar("fences_seen", default=None)


def remember(fences: Fences | None) -> None:
    _seen.set(fences)


def current(tenant_id: str, *, read_again: bool = False) -> Fences:
    """The tenant's fences as the gate read them if that is recent enough, else as they are now."""
    seen = _seen.get()
    if not read_again and seen is not None and seen.tenant_id == tenant_id and seen.fresh:
        return seen
    try:
        row = TenantItem.get(
            keys.tenant_pk(tenant_id),
            keys.TENANT_SK,
            consistent_read=True,
            attributes_to_get=["id", "status", "fences", "licences", "sync_epoch"],
        )
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None
    fresh = Fences.of(row)
    _seen.set(fresh)
    return fresh


@contextmanager
def write(tenant_id: str, *, system: bool = False) -> Iterator[TransactWrite]:
    """The one write path into a tenant's data: a transaction, committed only while no fence is up.

    Every write a restore would replace (records, templates, settings, logos, module data) goes
    through here; refusals are the fences' own (`409 tenant_restoring`, `423 tenant_suspended`).
    Other cancellations are re-raised as `db.Cancelled` for the caller to explain.
    """
    # Work the product does by itself is bound to no request: it reads the fences it checks.
    current(tenant_id, read_again=system).writable(system=system)
    with db.transaction() as tx:
        yield tx


# ---------------------------------------------------------------- raising and lowering
def raise_fence(fence: Fence, owner: str, since: str) -> list[Action]:
    """Update actions on the tenant row that raise `fence` for `owner` (e.g. a restore's id)."""
    return [TenantItem.fences[fence.value].set({"since": since, "by": owner})]


def lower_fence(fence: Fence) -> list[Action]:
    actions = [TenantItem.fences[fence.value].remove()]
    if fence == Fence.RESTORING:
        # The records went back in time: sync clients must start from a new baseline (`410
        # resync_required` on a cursor of the old epoch).
        actions.append(TenantItem.sync_epoch.add(1))
    return actions


def raised_by(fence: Fence, owner: str) -> Condition:
    """The condition that `fence` is up and `owner`'s, so nobody lowers another's fence."""
    return TenantItem.fences[fence.value]["by"] == owner


def settled(since: str, now: datetime, grace: timedelta) -> float:
    """Seconds still to wait after a fence raised at `since` before every write that saw the tenant
    open has committed or died (0 when that time has come)."""
    raised_at = datetime.fromisoformat(since.replace("Z", "+00:00"))
    return max(0.0, (raised_at + grace - now).total_seconds())
