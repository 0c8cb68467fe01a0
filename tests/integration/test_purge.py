"""A closed tenant's purge, interrupted at every step by an injected failure, resumes on the next
delivery and converges: nothing of the tenant is left, and nothing else changed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.conftest import FUNCTIONS
from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up
from tests.integration.test_tenants import book
from tests.support import EVENTS, event

STEPS = [
    "delete_objects",
    "partition_keys",
    "delete_keys",
    "delete_tokens",
    "leave_ancestors",
    "archive",
    "finish",
]


def deliver(tenant_id: str) -> list[Any]:
    """One delivery of a purge message to the platform's worker; the messages it reported failed."""
    record = json.loads((EVENTS / "maintenance_announce_work.json").read_text())["Records"][0]
    record["body"] = json.dumps({"job": "tenant.purge", "tenant_id": tenant_id})
    result, _ = FUNCTIONS.invoke("PlatformWorkerFunction", {"Records": [record]})
    return result["batchItemFailures"]


def objects(stack: Any) -> list[tuple[str, str, str]]:
    s3 = boto3.client("s3")
    found = []
    for bucket in (stack.refs["LogosBucket"], stack.refs["BackupsBucket"]):
        listed = s3.list_object_versions(Bucket=bucket)
        found += [(bucket, v["Key"], v["VersionId"]) for v in listed.get("Versions", [])]
        found += [(bucket, m["Key"], m["VersionId"]) for m in listed.get("DeleteMarkers", [])]
    return sorted(found)


def closed_subtenant(invoke: Lambda) -> tuple[str, str]:
    """A partner and its sub-tenant with a contact (made with an idempotency key) and objects in
    both buckets (two versions of a backup), closed by the partner's admin: (partner, sub)."""
    claims, partner = signed_up(invoke)
    assert book(invoke, claims, partner).status == 201  # sub-tenants need tenant management
    made = invoke(
        "SubtenantsFunction",
        event(
            "subtenant_create", claims=claims, path_parameters={"tenantId": partner}, body={"name": "Kunde"}
        ),
    )
    assert made.status == 201, made.body
    sub = made.body["id"]
    contact = invoke(
        "ContactsFunction",
        event(
            "contact_create",
            claims=claims,
            path_parameters={"tenantId": sub},
            body={"kind": "person", "name": "Erika"},
            headers={"Idempotency-Key": "purge-1"},
        ),
    )
    assert contact.status == 201, contact.body
    s3 = boto3.client("s3")
    s3.put_object(Bucket=invoke.stack.refs["LogosBucket"], Key=f"tenants/{sub}/logo/logo.png", Body=b"png")
    for body in (b"first", b"second"):
        s3.put_object(
            Bucket=invoke.stack.refs["BackupsBucket"], Key=f"tenants/{sub}/backups/b.jsonl.gz", Body=body
        )
    s3.put_object(
        Bucket=invoke.stack.refs["BackupsBucket"], Key=f"tenants/{partner}/backups/p.jsonl.gz", Body=b"p"
    )
    closed = invoke(
        "TenantsFunction",
        event(
            "tenant_close", claims=claims, path_parameters={"tenantId": sub}, body={"confirm_name": "Kunde"}
        ),
    )
    assert closed.status == 200, closed.body
    return partner, sub


def mine(item: dict[str, Any], sub: str) -> bool:
    pk, sk = item["pk"]["S"], item["sk"]["S"]
    return (
        pk == f"TENANT#{sub}"
        or pk.startswith(f"TENANT#{sub}#")
        or sk == f"DESCENDANT#{sub}"
        or pk.startswith(f"IDEMPOTENCY#TENANT#{sub}#")
    )


@pytest.mark.parametrize("step", STEPS)
def test_a_purge_interrupted_at_any_step_resumes_and_converges(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from kontor import clock
    from platform_api.store import purge as purge_store

    # Given a closed sub-tenant 31 days later
    partner, sub = closed_subtenant(invoke)
    clock.advance(timedelta(days=31))
    items_before, objects_before = invoke.table(), objects(invoke.stack)
    assert any(i["pk"]["S"].startswith(f"IDEMPOTENCY#TENANT#{sub}#") for i in items_before)
    original = getattr(purge_store, step)
    failures = iter([True])

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        if next(failures, False):
            raise RuntimeError(f"injected failure in {step}")
        return original(*args, **kwargs)

    monkeypatch.setattr(purge_store, step, failing_once)

    # When the first delivery fails half-way and the next one runs
    first = deliver(sub)
    second = deliver(sub)
    third = deliver(sub)  # after it is done: nothing left to do, nothing fails

    # Then the purge converged: nothing of the tenant is left, everything else is as it was
    assert len(first) == 1 and second == [] and third == []
    items_after = invoke.table()
    assert [i for i in items_after if mine(i, sub)] == []
    partner_before = next(
        i for i in items_before if i["pk"]["S"] == f"TENANT#{partner}" and i["sk"]["S"] == "TENANT"
    )
    partner_after = next(
        i for i in items_after if i["pk"]["S"] == f"TENANT#{partner}" and i["sk"]["S"] == "TENANT"
    )
    assert int(partner_after["subtenant_count"]["N"]) == int(partner_before["subtenant_count"]["N"]) - 1 == 0
    expected = [i for i in items_before if not mine(i, sub) and i is not partner_before]
    assert [i for i in items_after if i != partner_after] == expected
    assert objects(invoke.stack) == [o for o in objects_before if f"tenants/{sub}/" not in o[1]]
    assert any(f"tenants/{partner}/" in o[1] for o in objects(invoke.stack))


def test_a_purge_before_its_day_or_of_a_reopened_tenant_does_nothing(invoke: Lambda) -> None:
    from kontor import clock

    _, sub = closed_subtenant(invoke)
    before = invoke.table()
    clock.advance(timedelta(days=29))

    assert deliver(sub) == []

    assert invoke.table() == before
