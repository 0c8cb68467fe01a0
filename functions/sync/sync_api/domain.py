"""What online sync works with, free of table rows and HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Client:
    """One on-premises installation (a workstation or the server of a company database)."""

    id: str
    machine_name: str
    database_id: str
    database_name: str
    sample_database: bool
    app_version: str
    registered_by: str
    registered_at: str
    host: bool = False  # the one client of the tenant that runs the sync
    last_sync_at: str | None = None
    # Where its pulls start without a cursor: the change feed's epoch and position when it
    # registered or last took a new baseline.
    baseline_epoch: int = 0
    baseline_sequence: int = 0


@dataclass(frozen=True)
class Binding:
    """The company database the tenant's `online_sync` licence is bound to (the first real one)."""

    database_id: str
    database_name: str
    bound_at: str


@dataclass(frozen=True)
class Check:
    check: str
    ok: bool
    reason: str
    fix: str | None


@dataclass(frozen=True)
class Prerequisites:
    ready: bool
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Run:
    """One sync run a client reported: what it moved, and whether it ended without errors."""

    id: str
    client_id: str
    started_at: str
    ended_at: str
    pushed: int
    pulled: int
    conflicts: int
    errors: int
    recorded_at: str

    @property
    def succeeded(self) -> bool:
        return self.errors == 0


@dataclass(frozen=True)
class ClientStatus:
    id: str
    machine_name: str
    host: bool
    last_sync_at: str | None
    stale: bool
    running: bool


@dataclass(frozen=True)
class Status:
    last_sync_at: str | None
    stale: bool
    binding: Binding | None
    clients: tuple[ClientStatus, ...]


@dataclass(frozen=True)
class Plan:
    """The tenant's first sync: scheduled for `start_at`, picked up by its client within 30 minutes
    (else it has lapsed and is scheduled again), running behind the sync fence, completed."""

    client_id: str
    start_at: str
    state: str  # scheduled | running | completed (lapsed: scheduled, and not picked up in time)
    scheduled_at: str
    scheduled_by: str
    started_at: str | None = None
    completed_at: str | None = None
    items: int | None = None


@dataclass(frozen=True)
class Conflict:
    """A client's change that met a newer cloud version: the cloud kept its version, the client's
    is kept here until someone decides (`keep`: cloud or client)."""

    id: str
    kind: str
    record_id: str
    client_id: str
    operation: str
    base_version: int
    cloud_version: int | None
    client_record: dict[str, object] | None
    state: str  # open | resolved
    created_at: str
    resolved_at: str | None = None
    resolved_by: str | None = None
    kept: str | None = None  # cloud | client
