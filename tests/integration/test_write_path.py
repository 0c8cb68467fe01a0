"""The one write path under real DynamoDB's rules that moto does not apply: concurrent transactions
touching one item are cancelled (`TransactionConflict`), and a resent commit is recognised by its
`ClientRequestToken`. A stand-in for DynamoDB's conflict detection wraps the table's transactions."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from kontor import db, fences, keys
from kontor.access import Access, Caller, Role
from kontor.models import TenantItem
from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up


def _keys(request: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for item in request["TransactItems"]:
        [(_kind, action)] = item.items()
        key = action.get("Key") or action["Item"]
        found.append((key["pk"]["S"], key["sk"]["S"]))
    return found


class ConflictingDynamoDB:
    """DynamoDB's rule: a transaction that touches an item another transaction is touching at the
    same moment is cancelled with TransactionConflict. `forced` cancels the next n sends regardless."""

    def __init__(self, real: Any, window: float = 0.05) -> None:
        self.real = real
        self.window = window
        self.in_flight: list[set[tuple[str, str]]] = []
        self.lock = threading.Lock()
        self.conflicts = 0
        self.forced = 0
        self.tokens: list[str | None] = []

    def __call__(self, operation: str, params: dict[str, Any]) -> Any:
        if operation != "TransactWriteItems":
            return self.real(operation, params)
        touched = _keys(params)
        with self.lock:
            self.tokens.append(params.get("ClientRequestToken"))
            busy = set().union(*self.in_flight) if self.in_flight else set()
            if self.forced or busy & set(touched):
                self.forced = max(0, self.forced - 1)
                self.conflicts += 1
                raise ClientError(
                    {
                        "Error": {"Code": "TransactionCanceledException", "Message": "[TransactionConflict]"},
                        "CancellationReasons": [
                            {"Code": "TransactionConflict" if key in busy or not busy else "None"}
                            for key in touched
                        ],
                    },
                    operation,
                )
            mine = set(touched)
            self.in_flight.append(mine)
        try:
            time.sleep(self.window)  # a real commit takes a moment: long enough for others to collide
            return self.real(operation, params)
        finally:
            with self.lock:
                self.in_flight.remove(mine)


@pytest.fixture
def dynamodb(invoke: Lambda, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConflictingDynamoDB]:
    client = db._shared_connection().client
    stand_in = ConflictingDynamoDB(client._make_api_call)
    monkeypatch.setattr(client, "_make_api_call", stand_in)
    monkeypatch.setattr(db, "CONFLICT_PAUSE", 0.01)
    return stand_in


def _person(name: str) -> dict[str, Any]:
    return {
        "kind": "person",
        "name": name,
        "email": None,
        "phone": None,
        "address": None,
        "notes": None,
        "tags": [],
    }


def _access(tenant_id: str, user_id: str) -> Access:
    return Access(tenant_id, Caller(user_id, "anna@example.com"), Role.ADMIN, "member")


def _in_parallel(count: int, work: Any) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        barrier.wait()
        try:
            work(n)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_parallel_writes_to_different_records_of_one_tenant_never_conflict(
    invoke: Lambda, dynamodb: ConflictingDynamoDB
) -> None:
    from records import records

    claims, tenant_id = signed_up(invoke)
    access = _access(tenant_id, claims["sub"])

    errors = _in_parallel(8, lambda n: records.create_contact(access, _person(f"Kontakt {n}")))

    assert errors == []
    assert dynamodb.conflicts == 0  # no tenant-wide item in the write transactions
    contacts = [i for i in invoke.table() if i["sk"]["S"].startswith("CONTACT#")]
    assert len(contacts) == 8


def test_the_stand_in_does_cancel_transactions_that_share_an_item(
    invoke: Lambda, dynamodb: ConflictingDynamoDB
) -> None:
    # What a fence checked inside every write would cost: the same tenant row in each transaction.
    _claims, tenant_id = signed_up(invoke)

    def guarded(n: int) -> None:
        with db.transaction() as tx:
            tx.condition_check(
                TenantItem, keys.tenant_pk(tenant_id), keys.TENANT_SK, condition=TenantItem.pk.exists()
            )
            tx.save(
                TenantItem(
                    keys.tenant_pk(tenant_id), f"PROBE#{n}", id="x", name="x", created_at="x", created_by="x"
                )
            )

    _in_parallel(8, guarded)

    assert dynamodb.conflicts > 0


def test_a_conflict_is_sent_again_with_a_new_token_and_commits_once(
    invoke: Lambda, dynamodb: ConflictingDynamoDB
) -> None:
    from records import records

    claims, tenant_id = signed_up(invoke)
    dynamodb.tokens.clear()
    dynamodb.forced = 2

    contact = records.create_contact(_access(tenant_id, claims["sub"]), _person("Dora"))

    assert dynamodb.conflicts == 2
    assert len(dynamodb.tokens) == 3 and None not in dynamodb.tokens
    assert len(set(dynamodb.tokens)) == 3  # a cancelled send wrote nothing: the next is a new request
    stored = [i for i in invoke.table() if i["sk"]["S"] == f"CONTACT#{contact.id}"]
    assert len(stored) == 1


def test_conflicts_that_outlast_the_retries_answer_409_and_write_nothing(
    invoke: Lambda, dynamodb: ConflictingDynamoDB
) -> None:
    from tests.support import event

    claims, tenant_id = signed_up(invoke)
    before = invoke.table()
    dynamodb.forced = db.CONFLICT_ATTEMPTS

    reply = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            body={"kind": "person", "name": "Erik"},
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            headers={"Idempotency-Key": None},
        ),
    )

    assert reply.status == 409
    assert reply.body["error"]["code"] == "concurrent_change"
    assert invoke.table() == before


def test_every_transaction_carries_a_client_request_token(
    invoke: Lambda, dynamodb: ConflictingDynamoDB
) -> None:
    signed_up(invoke)  # signup: one transaction of many items

    assert dynamodb.tokens and None not in dynamodb.tokens


def test_a_write_relies_on_a_fence_read_only_while_it_is_fresh(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from records import records

    claims, tenant_id = signed_up(invoke)
    access = _access(tenant_id, claims["sub"])
    open_read = fences.current(tenant_id, read_again=True)  # what the gate saw: no fence
    fences.remember(open_read)
    TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK).update(
        actions=fences.raise_fence(fences.Fence.RESTORING, "r1", "2026-11-23T09:00:00Z")
    )

    # Within MAX_AGE the write trusts the gate's read (the restore waits out the grace period) ...
    records.create_contact(access, _person("Noch rechtzeitig"))
    # ... past it, the write reads the fence again and is refused.
    monkeypatch.setattr(fences, "MAX_AGE", 0.0)
    with pytest.raises(fences.Conflict) as refused:
        records.create_contact(access, _person("Zu spät"))

    assert refused.value.code == "tenant_restoring"
    names = {i["name"]["S"] for i in invoke.table() if i["sk"]["S"].startswith("CONTACT#")}
    assert names == {"Noch rechtzeitig"}
    fences.remember(None)
