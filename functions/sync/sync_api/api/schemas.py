"""Request and response bodies of the online sync routes (they shape the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kontor import clock
from kontor.types import Email, Moment
from sync_api.domain import Binding, Check, Client, ClientStatus, Prerequisites, Run, Status

ClientId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
# The desktop's own id of its company database: printable ASCII, as its installations write it.
DatabaseId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\x21-\x7e]{1,128}$")]
AppVersion = Annotated[str, StringConstraints(pattern=r"^\d{1,4}(\.\d{1,4}){0,3}$")]
Count = Annotated[int, Field(ge=0, le=100_000_000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterClientRequest(_Body):
    machine_name: Name = Field(description="The workstation or server the installation runs on.")
    database_id: DatabaseId = Field(description="The company database's id in the desktop program.")
    database_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    sample_database: bool = Field(description="The desktop's sample database (it binds no licence).")
    app_version: AppVersion = Field(description="The desktop program's version, e.g. `14.2`.")


class ClientResponse(BaseModel):
    id: str
    machine_name: str
    database_id: str
    database_name: str
    sample_database: bool
    app_version: str
    host: bool
    registered_by: str
    registered_at: str
    last_sync_at: str | None

    @classmethod
    def of(cls, client: Client) -> ClientResponse:
        return cls(**{name: getattr(client, name) for name in cls.model_fields})


class ClientPage(BaseModel):
    items: list[ClientResponse]
    next_cursor: str | None


class HostRequest(_Body):
    client_id: ClientId


class CheckResponse(BaseModel):
    check: str
    ok: bool
    reason: str
    fix: str | None = Field(description="What to do when the check failed; null when it passed.")

    @classmethod
    def of(cls, check: Check) -> CheckResponse:
        return cls(check=check.check, ok=check.ok, reason=check.reason, fix=check.fix)


class PrerequisitesResponse(BaseModel):
    ready: bool
    checks: list[CheckResponse]

    @classmethod
    def of(cls, found: Prerequisites) -> PrerequisitesResponse:
        return cls(ready=found.ready, checks=[CheckResponse.of(c) for c in found.checks])


class RunRequest(_Body):
    started_at: AwareDatetime
    ended_at: AwareDatetime
    pushed: Count = 0
    pulled: Count = 0
    conflicts: Count = 0
    errors: Count = 0

    def fields(self) -> dict[str, Any]:
        return {
            **self.model_dump(),
            "started_at": clock.iso(self.started_at),
            "ended_at": clock.iso(self.ended_at),
        }


class RunResponse(BaseModel):
    id: str
    client_id: str
    started_at: str
    ended_at: str
    pushed: int
    pulled: int
    conflicts: int
    errors: int
    recorded_at: str
    succeeded: bool

    @classmethod
    def of(cls, run: Run) -> RunResponse:
        return cls(**{name: getattr(run, name) for name in cls.model_fields})


class RunPage(BaseModel):
    items: list[RunResponse]
    next_cursor: str | None


class BindingResponse(BaseModel):
    database_id: str
    database_name: str
    bound_at: str

    @classmethod
    def of(cls, binding: Binding) -> BindingResponse:
        return cls(
            database_id=binding.database_id, database_name=binding.database_name, bound_at=binding.bound_at
        )


class ClientStatusResponse(BaseModel):
    id: str
    machine_name: str
    host: bool
    last_sync_at: str | None
    stale: bool
    running: bool

    @classmethod
    def of(cls, client: ClientStatus) -> ClientStatusResponse:
        return cls(**{name: getattr(client, name) for name in cls.model_fields})


class StatusResponse(BaseModel):
    last_sync_at: str | None = Field(description="The last sync that ended without errors.")
    stale: bool = Field(description="More than an hour since `last_sync_at`.")
    licence_binding: BindingResponse | None = Field(
        description="The company database the licence is bound to."
    )
    clients: list[ClientStatusResponse]

    @classmethod
    def of(cls, status: Status) -> StatusResponse:
        return cls(
            last_sync_at=status.last_sync_at,
            stale=status.stale,
            licence_binding=BindingResponse.of(status.binding) if status.binding else None,
            clients=[ClientStatusResponse.of(c) for c in status.clients],
        )


class ChangeResponse(BaseModel):
    kind: str = Field(description="`contact` or `appointment`.")
    id: str
    operation: str = Field(description="`create`, `update` or `delete`.")
    version: int = Field(
        description="The record's version after the change (a delete: the one after the last)."
    )
    record: dict[str, Any] | None = Field(description="The record as it was written; null for a delete.")


class ChangePage(BaseModel):
    items: list[ChangeResponse]
    next_cursor: str = Field(description="Always given: poll from it (the same one when nothing was new).")


class BaselineResponse(BaseModel):
    cursor: str = Field(description="Pull from here once the records are read.")


# ---------------------------------------------------------------- pushed changes
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{26}$")]
BatchId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


class PushedAddress(_Body):
    street: Short | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    city: Short | None = None
    country: Short | None = None


class PushedContact(_Body):
    kind: Literal["person", "company"]
    name: Short
    email: Email | None = None
    phone: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()/.\-]{3,40}$")] | None
    ) = None
    address: PushedAddress | None = None
    notes: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=50
    )


class PushedAppointment(_Body):
    title: Short
    starts_at: Moment
    ends_at: Moment
    location: Short | None = None
    contact_ids: list[RecordId] = Field(default_factory=list, max_length=100)


class PushedChange(_Body):
    kind: Literal["contact", "appointment"]
    id: RecordId = Field(description="The record's id (a new record's too: the client makes it).")
    operation: Literal["create", "update", "delete"]
    base_version: int = Field(
        ge=0, le=10**9, description="The cloud version the client's change is based on (0 for a create)."
    )
    record: dict[str, Any] | None = Field(default=None, description="The whole record; none for a delete.")

    @model_validator(mode="after")
    def _consistent(self) -> PushedChange:
        if self.operation == "create" and self.base_version != 0:
            raise ValueError("a create is based on version 0")
        if self.operation != "create" and self.base_version < 1:
            raise ValueError("an update or delete names the version it is based on")
        if (self.operation == "delete") != (self.record is None):
            raise ValueError("a delete sends no record; a create or update sends the whole record")
        if self.record is not None:
            shape = PushedContact if self.kind == "contact" else PushedAppointment
            parsed = shape.model_validate(self.record)
            record = parsed.model_dump()
            if isinstance(parsed, PushedAppointment):
                if parsed.ends_at < parsed.starts_at:
                    raise ValueError("ends_at must not be before starts_at")
                record["starts_at"], record["ends_at"] = (
                    clock.iso(parsed.starts_at),
                    clock.iso(parsed.ends_at),
                )
            else:
                record["tags"] = list(dict.fromkeys(parsed.tags))
            self.record = record
        return self


class PushRequest(_Body):
    batch_id: BatchId = Field(
        description="The client's id of this batch: sent again, it is answered the same."
    )
    changes: list[PushedChange] = Field(min_length=1, max_length=25)

    @model_validator(mode="after")
    def _one_change_per_record(self) -> PushRequest:
        if len({(c.kind, c.id) for c in self.changes}) != len(self.changes):
            raise ValueError("a batch changes each record once")
        return self


class PushResult(BaseModel):
    kind: str
    id: str
    operation: str
    outcome: Literal["applied", "conflict"]
    version: int | None = Field(
        description="applied: the record's new version; conflict: the cloud's version (null: it has none)."
    )


class PushResponse(BaseModel):
    batch_id: str
    results: list[PushResult]


# ---------------------------------------------------------------- the first sync
class InitialSyncRequest(_Body):
    start_at: Moment | None = Field(default=None, description="When to start; none or a past time: now.")
    api_users_signed_in: Count = Field(
        default=0, description="As the client counts them on its installation."
    )
    integrations_open: Count = Field(default=0, description="As the client counts them on its installation.")

    def start(self) -> str | None:
        return clock.iso(self.start_at) if self.start_at else None


class InitialSyncChange(_Body):
    state: Literal["running", "completed"] = Field(description="`running`: picked up; `completed`: done.")
    items: Count = Field(default=0, description="With `completed`: the items the first sync loaded.")


class PlanResponse(BaseModel):
    client_id: str
    start_at: str
    state: str = Field(
        description="`scheduled`, `lapsed` (not picked up within 30 minutes), `running`, `completed`."
    )
    scheduled_at: str
    scheduled_by: str
    started_at: str | None
    completed_at: str | None
    items: int | None

    @classmethod
    def of(cls, plan: Any) -> PlanResponse:
        return cls(**{name: getattr(plan, name) for name in cls.model_fields})


# ---------------------------------------------------------------- conflicts
class ConflictResponse(BaseModel):
    id: str
    kind: str
    record_id: str
    client_id: str
    operation: str
    base_version: int
    cloud_version: int | None
    client_record: dict[str, Any] | None = Field(description="The client's version, kept.")
    state: str = Field(description="`open` or `resolved`.")
    created_at: str
    resolved_at: str | None
    resolved_by: str | None
    kept: str | None = Field(description="`cloud` or `client` once resolved.")

    @classmethod
    def of(cls, conflict: Any) -> ConflictResponse:
        return cls(**{name: getattr(conflict, name) for name in cls.model_fields})


class ConflictPage(BaseModel):
    items: list[ConflictResponse]
    next_cursor: str | None


class ResolveRequest(_Body):
    keep: Literal["cloud", "client"]
