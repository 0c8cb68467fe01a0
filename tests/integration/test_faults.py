"""Faults at every AWS call of backups and restores: the client's retry converges, no tenant stays
locked past the bound without a `failed` state and a mail, catalog and S3 agree.

Each scenario first runs once without faults and records the AWS calls of its phase. Then, for
each call (the first two of each operation, so the cases stay bounded), a fresh tenant runs it
again with that call failing in one of two ways:

- `never_arrived`: the call raises before it reaches AWS (nothing happened);
- `reply_lost`: the call reaches AWS and takes effect, then its reply is lost (the caller sees an
  error, though the effect is there).

Afterwards the client retries as a client would (same `Idempotency-Key`), SQS redelivers as on AWS
(every failed delivery again, the fifth receive moves a message to the dead-letter queue), and the
product clock runs past the bound (35 minutes) with the watches firing every 5 minutes. Then every
invariant is checked. `FAULT_CASES=all` injects at every call, not only the first two of each
operation. The restore worker's scenario makes many calls, each case redelivering a restore step
by step, so by default it runs a representative few (`REPRESENTATIVE`: the first transaction, the
restore's claim, and the first batch write that replaces the tenant's data), each both ways, in
well under a minute; `FAULT_CASES=first` (the first call of each operation) or `all` runs every
one, which takes many minutes.

Scenarios are `SCENARIOS` entries: another context's journeys (signup, accepting an invitation)
extend the same harness with a `Scenario` of their own and their own invariants.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
import botocore.client
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from tests.conftest import FUNCTIONS
from tests.integration.conftest import Lambda
from tests.integration.tenancy import add_member, run_queued, run_until_dead_lettered
from tests.integration.test_backups import backups_call, business, contact, dispatch

NEVER_ARRIVED, REPLY_LOST = "never_arrived", "reply_lost"
BOUND = timedelta(minutes=35)
IN_PROGRESS = -409  # the answer `409 request_in_progress`, told apart from other 409s
IN_PROGRESS_SECONDS = 1.0  # README: writable again at most 35 minutes after a request


class Faults:
    """Counts the AWS calls made while armed, and fails the `target`-th of them."""

    def __init__(self) -> None:
        self.armed = False
        self.calls: list[str] = []
        self.target: int | None = None
        self.mode = NEVER_ARRIVED
        self.fired: str | None = None
        self.in_function = False

    def invoking(self, real: Callable[..., Any]) -> Callable[..., Any]:
        """Functions.invoke, noting that the calls now made are the product's."""

        def invoke(name: str, event: dict[str, Any]) -> Any:
            self.in_function = True
            try:
                return real(name, event)
            finally:
                self.in_function = False

        return invoke

    def arm(self, target: int | None, mode: str) -> None:
        self.armed, self.calls, self.target, self.mode, self.fired = True, [], target, mode, None

    def disarm(self) -> None:
        self.armed = False

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if not self.armed or not self.in_function:  # the test's own calls do not fail
                return real(client, operation, params)
            name = f"{client.meta.service_model.service_name}.{operation}"
            self.calls.append(name)
            if len(self.calls) != self.target:
                return real(client, operation, params)
            self.fired = name
            url = client.meta.endpoint_url
            if self.mode == NEVER_ARRIVED:
                raise EndpointConnectionError(endpoint_url=url)
            real(client, operation, params)
            raise ReadTimeoutError(endpoint_url=url)

        return call


@pytest.fixture
def faults(invoke: Lambda, monkeypatch: pytest.MonkeyPatch) -> Faults:
    from kontor.settings import settings

    injected = Faults()
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", injected.wrap(botocore.client.BaseClient._make_api_call)
    )
    monkeypatch.setattr(FUNCTIONS, "invoke", injected.invoking(FUNCTIONS.invoke))
    # An idempotency record left "in progress" by a lost reply lets a retry through once the
    # invocation that wrote it has timed out: a short timeout keeps the client's wait short.
    monkeypatch.setitem(FUNCTIONS.timeouts, "BackupsFunction", IN_PROGRESS_SECONDS)
    # Small steps, so a restore's checkpoints and hand-overs are among the calls that fail.
    monkeypatch.setenv("KONTOR_BACKUP_STEP_ITEMS", "4")
    settings.cache_clear()
    return injected


@dataclass
class Case:
    """One tenant's run of a scenario."""

    invoke: Lambda
    claims: dict[str, str]
    tenant_id: str
    backup_id: str | None = None  # a completed backup made before the phase
    saved: list[dict[str, Any]] = field(default_factory=list)  # its business data
    expected: list[dict[str, Any]] | None = None  # the business data the phase must end with
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # the client's Idempotency-Key
    answers: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Case], None]  # before the phase, without faults
    phase: Callable[[Case], Any]  # the calls that fail, one per case
    retry: Callable[[Case], None]  # what the client does when its call failed
    converged: Callable[[Case], None]  # what the client's intent must have come to
    # Many calls: without FAULT_CASES only the `REPRESENTATIVE` ones fail (see `_targets`).
    heavy: bool = False


# ---------------------------------------------------------------- the client
def _ok(status: int) -> bool:
    return 200 <= status < 300


def _retrying(case: Case, call: Callable[[], Any], done: Callable[[Any], bool]) -> None:
    """The client sends its request again (same key) until it gets an answer, at most three times;
    told `request_in_progress`, it waits a little first."""
    for _ in range(3):
        if case.answers and done(case.answers[-1]):
            return
        if case.answers and case.answers[-1] == IN_PROGRESS:
            time.sleep(IN_PROGRESS_SECONDS + 0.1)
        reply = call()
        code = reply.body.get("error", {}).get("code") if isinstance(reply.body, dict) else None
        case.answers.append(IN_PROGRESS if code == "request_in_progress" else reply.status)


def _backup_made(case: Case) -> None:
    _backup_request(case)
    run_queued(case.invoke)
    found = backups_call(
        case.invoke, "backup_get", case.claims, case.tenant_id, backupId=case.backup_id or ""
    )
    assert found.body["state"] == "completed", found.body


def _backup_request(case: Case) -> Any:
    reply = backups_call(
        case.invoke,
        "backup_create",
        case.claims,
        case.tenant_id,
        body={"note": "faults"},
        headers={"Idempotency-Key": case.key},
    )
    if _ok(reply.status):
        case.backup_id = case.backup_id or reply.body["id"]
    return reply


def _restore_request(case: Case) -> Any:
    reply = backups_call(case.invoke, "backup_restore", case.claims, case.tenant_id, backupId=case.backup_id)
    if reply.status == 409 and reply.body["error"]["code"] == "restore_in_progress":
        # Accepted before (its reply was lost): the client follows the restore it asked for.
        return dataclasses.replace(reply, status=202)
    return reply


def _delete(case: Case) -> Any:
    return backups_call(case.invoke, "backup_delete", case.claims, case.tenant_id, backupId=case.backup_id)


def _with_backup_and_changes(case: Case) -> None:
    _backup_made(case)
    case.saved = business(tenant_items(case.invoke, case.tenant_id))
    contact(case.invoke, case.claims, case.tenant_id, "Danach")
    case.key = str(uuid.uuid4())


def _restored(case: Case) -> None:
    status = backups_call(case.invoke, "restore_get", case.claims, case.tenant_id).body
    assert "state" in status, (status, case.answers)
    if status.get("state") == "failed":  # told, unlocked: the admin restores again
        assert _mailed(case, "Wiederherstellung")
        assert _ok(_restore_request(case).status)
        _settle(case.invoke)
        status = backups_call(case.invoke, "restore_get", case.claims, case.tenant_id).body
    assert status["state"] == "completed", status
    assert business(tenant_items(case.invoke, case.tenant_id)) == case.saved


def _mailed(case: Case, word: str) -> bool:
    return any(word in m.subject for m in case.invoke.mails(case.claims["email"]))


def _export_phase(case: Case) -> None:
    run_queued(case.invoke, limit=1)


def _restore_phase(case: Case) -> None:
    run_queued(case.invoke)


def _restore_prepared(case: Case) -> None:
    _with_backup_and_changes(case)
    assert _ok(_restore_request(case).status)


def _export_prepared(case: Case) -> None:
    contact(case.invoke, case.claims, case.tenant_id, "Anna")
    assert _ok(_backup_request(case).status)


def _exported(case: Case) -> None:
    found = backups_call(
        case.invoke, "backup_get", case.claims, case.tenant_id, backupId=case.backup_id or ""
    )
    assert found.body["state"] == "completed", found.body


def _requested_backup_completed(case: Case) -> None:
    listed = backups_call(case.invoke, "backup_list", case.claims, case.tenant_id).body["items"]
    assert any(b["state"] == "completed" and b.get("note") == "faults" for b in listed), listed


def _deleted(case: Case) -> None:
    assert case.answers[-1] in (204, 404), case.answers
    gone = backups_call(
        case.invoke, "backup_get", case.claims, case.tenant_id, backupId=case.backup_id or "-"
    )
    assert gone.status == 404


def _delete_prepared(case: Case) -> None:
    _backup_made(case)
    case.key = str(uuid.uuid4())
    _backup_request_second(case)


def _backup_request_second(case: Case) -> None:
    """A newer backup, so the one the phase deletes is not the newest completed."""
    reply = backups_call(
        case.invoke, "backup_create", case.claims, case.tenant_id, body={}, headers={"Idempotency-Key": None}
    )
    assert _ok(reply.status)
    run_queued(case.invoke)


SCENARIOS = [
    Scenario(
        "backup request",
        prepare=lambda case: contact(case.invoke, case.claims, case.tenant_id, "Anna"),
        phase=lambda case: case.answers.append(_backup_request(case).status),
        retry=lambda case: _retrying(case, lambda: _backup_request(case), _ok),
        converged=_requested_backup_completed,
    ),
    Scenario(
        "export",
        prepare=_export_prepared,
        phase=_export_phase,
        retry=lambda case: None,  # SQS and the watch retry, not the client
        converged=_exported,
    ),
    Scenario(
        "restore request",
        prepare=_with_backup_and_changes,
        phase=lambda case: case.answers.append(_restore_request(case).status),
        retry=lambda case: _retrying(case, lambda: _restore_request(case), _ok),
        converged=_restored,
    ),
    Scenario(
        "restore",
        prepare=_restore_prepared,
        phase=_restore_phase,
        retry=lambda case: None,
        converged=_restored,
        heavy=True,
    ),
    Scenario(
        "delete",
        prepare=_delete_prepared,
        phase=lambda case: case.answers.append(_delete(case).status),
        retry=lambda case: _retrying(case, lambda: _delete(case), lambda s: s in (204, 404)),
        converged=_deleted,
    ),
]


# ---------------------------------------------------------------- the platform
def _settle(invoke: Lambda, unfinished: Callable[[], bool] = lambda: True) -> None:
    """SQS delivers until every message succeeded or was dead-lettered; then, if work is left
    unfinished, the product clock runs past the bound with the watches firing, each time followed
    by SQS again."""
    from kontor import clock

    run_until_dead_lettered(invoke, rounds=60)
    if not unfinished():
        return
    # Past the resend (5 minutes), past "no progress" (20 more), past "never picked up" (35 in all).
    for minutes in (6, 21, 10):
        clock.advance(timedelta(minutes=minutes))
        for schedule in ("restore_watch_schedule", "export_watch_schedule"):
            dispatch(invoke, schedule)
        run_until_dead_lettered(invoke, rounds=60)


def _invariants(case: Case) -> None:
    invoke, tenant_id = case.invoke, case.tenant_id
    rows = tenant_items(invoke, tenant_id)
    tenant = next(i for i in rows if i["sk"]["S"] == "TENANT")
    assert "restoring" not in tenant.get("fences", {}).get("M", {}), "the tenant stayed locked"
    restore = next((i for i in rows if i["sk"]["S"] == "RESTORE"), None)
    if restore is not None:
        assert restore["state"]["S"] in ("completed", "failed", "refused")
        if restore["state"]["S"] == "failed":
            assert _mailed(case, "Wiederherstellung"), "a restore failed and nobody was told"
    backups = [i for i in rows if i["sk"]["S"].startswith("BACKUP#")]
    assert all(b["state"]["S"] in ("completed", "failed", "deleting") for b in backups), [
        (b["id"]["S"], b["state"]["S"]) for b in backups
    ]
    # Catalog and S3 agree: every completed backup's file is there, as recorded; every current
    # object under the tenant's backups is a completed backup's file; no upload left open.
    s3 = boto3.client("s3")
    bucket = invoke.stack.refs["BackupsBucket"]
    named = {}
    for b in backups:
        if b["state"]["S"] == "completed":
            head = s3.head_object(Bucket=bucket, Key=b["object_key"]["S"], VersionId=b["object_version"]["S"])
            assert head["ContentLength"] == int(b["size"]["N"])
            named[b["object_key"]["S"]] = b["object_version"]["S"]
    prefix = f"tenants/{tenant_id}/backups/"
    current = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    deleting = {f"{prefix}{b['id']['S']}.jsonl.gz" for b in backups if b["state"]["S"] == "deleting"}
    assert {o["Key"] for o in current} - deleting == set(named), "objects without a completed backup"
    uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", [])
    assert uploads == []
    if case.expected is not None:
        assert business(rows) == case.expected


def _tenant() -> tuple[dict[str, str], str]:
    """A tenant with an admin, as rows (signing up per case would be slow; signup has its own
    fault scenarios)."""
    from kontor import ids, keys
    from kontor.models import TenantItem

    tenant_id = ids.new_id()
    TenantItem(
        keys.tenant_pk(tenant_id),
        keys.TENANT_SK,
        id=tenant_id,
        name="Fehler GmbH",
        created_at="2026-11-23T09:00:00Z",
        created_by="test",
    ).save()
    return add_member(tenant_id, "admin"), tenant_id


def tenant_items(invoke: Lambda, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's key range, in key order (one Query: the table grows with every case)."""
    pages = (
        boto3.client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=invoke.stack.refs["Table"],
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"TENANT#{tenant_id}"}},
            ConsistentRead=True,
        )
    )
    return [item for page in pages for item in page["Items"]]


def _unfinished(case: Case) -> bool:
    rows = tenant_items(case.invoke, case.tenant_id)
    return any(
        (r["sk"]["S"] == "RESTORE" or r["sk"]["S"].startswith("BACKUP#"))
        and r["state"]["S"] in ("pending", "running")
        for r in rows
    )


def _run(invoke: Lambda, faults: Faults, scenario: Scenario, target: int | None, mode: str) -> list[str]:
    """One case on a tenant of its own; the calls its phase made."""
    claims, tenant_id = _tenant()
    case = Case(invoke, claims, tenant_id)
    scenario.prepare(case)
    faults.arm(target, mode)
    try:
        scenario.phase(case)
    finally:
        faults.disarm()
    calls = faults.calls
    scenario.retry(case)
    _settle(invoke, lambda: _unfinished(case))
    described = f"{scenario.name}: {mode} at call {target} ({faults.fired}), answers {case.answers}"
    try:
        _invariants(case)
        scenario.converged(case)
    except AssertionError as failed:
        raise AssertionError(f"{described}: {failed}") from failed
    return calls


# The calls of a heavy scenario that fail by default: a commit and a replacing write of a restore.
REPRESENTATIVE = ("dynamodb.TransactWriteItems", "dynamodb.BatchWriteItem")


def _targets(calls: list[str], heavy: bool = False) -> list[int]:
    if os.environ.get("FAULT_CASES") == "all":
        return list(range(1, len(calls) + 1))
    if os.environ.get("FAULT_CASES") == "first":
        return [calls.index(name) + 1 for name in dict.fromkeys(calls)]
    if heavy:  # the first of each representative operation
        return sorted(calls.index(name) + 1 for name in REPRESENTATIVE if name in calls)
    seen: Counter[str] = Counter()
    chosen = []
    for n, name in enumerate(calls, start=1):
        seen[name] += 1
        if seen[name] <= 2:
            chosen.append(n)
    return chosen


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_every_call_failing_either_way_converges(invoke: Lambda, faults: Faults, scenario: Scenario) -> None:
    calls = _run(invoke, faults, scenario, None, NEVER_ARRIVED)
    assert calls, f"{scenario.name} made no AWS calls"
    if scenario.heavy:  # the default subset must keep meaning what it says
        assert set(REPRESENTATIVE) <= set(calls), sorted(set(calls))
    targets = _targets(calls, scenario.heavy)
    cases = [(target, mode) for target in targets for mode in (NEVER_ARRIVED, REPLY_LOST)]
    started = time.monotonic()
    for target, mode in cases:
        _run(invoke, faults, scenario, target, mode)
    took = time.monotonic() - started
    print(f"{scenario.name}: {len(calls)} calls, {len(cases)} cases in {took:.1f} s: {dict(Counter(calls))}")
