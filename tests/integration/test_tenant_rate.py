"""Each tenant's request rate (`kontor.throttles.admit`): one tenant over its rate is refused with
`429 rate_limited` and `Retry-After`, while every other tenant is served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up
from tests.support import REQUEST_RATE_PREFIX, event

MOMENT = datetime(2026, 11, 23, 10, 0, 0, 400_000, tzinfo=UTC)  # 0.6 s before the next second
GATE_AND_READ = {"dynamodb.BatchGetItem": 1, "dynamodb.GetItem": 1}
COUNTED = {**GATE_AND_READ, "dynamodb.UpdateItem": 1}


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The product's clock stands at `MOMENT` until the test moves it."""
    from kontor import clock

    moment = [MOMENT]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


def _read(invoke: Lambda, claims: dict[str, str], tenant_id: str):
    return invoke(
        "TenantsFunction", event("tenant_get", claims=claims, path_parameters={"tenantId": tenant_id})
    )


def _counted(invoke: Lambda, tenant_id: str) -> list[tuple[str, str]]:
    found = boto3.client("dynamodb").query(
        TableName=invoke.stack.refs["Table"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"{REQUEST_RATE_PREFIX}{tenant_id}"}},
    )
    return [(i["sk"]["S"], i["count"]["N"]) for i in found["Items"]]


def test_a_tenant_over_its_rate_gets_429_with_retry_after_while_another_is_served(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch, frozen: list[datetime]
) -> None:
    busy_claims, busy = signed_up(invoke)
    calm_claims, calm = signed_up(invoke, email="ruhig@example.net", tenant_name="Ruhig KG")
    monkeypatch.setenv("KONTOR_TENANT_REQUESTS_PER_SECOND", "3")

    served = [_read(invoke, busy_claims, busy) for _ in range(3)]
    refused = _read(invoke, busy_claims, busy)
    other = _read(invoke, calm_claims, calm)

    assert [r.status for r in served] == [200, 200, 200]
    assert all(r.calls == COUNTED for r in served)  # one conditional UpdateItem a request
    assert refused.status == 429, refused.body
    assert refused.body["error"]["code"] == "rate_limited"
    assert refused.body["error"]["details"] == {"limit": 3, "per": "second"}
    assert refused.headers["Retry-After"] == ["1"]
    assert refused.calls == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1}  # the route never ran
    assert other.status == 200 and other.body["id"] == calm
    assert _counted(invoke, busy) == [("2026-11-23T10:00:00Z", "3")]  # the refusal counted nothing
    assert _counted(invoke, calm) == [("2026-11-23T10:00:00Z", "1")]

    frozen[0] = MOMENT + timedelta(seconds=1)  # the next second: served again
    again = _read(invoke, busy_claims, busy)

    assert again.status == 200, again.body
    assert _counted(invoke, busy)[-1] == ("2026-11-23T10:00:01Z", "1")


def test_an_outsider_cannot_spend_a_tenants_rate(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch, frozen: list[datetime]
) -> None:
    claims, tenant_id = signed_up(invoke)
    outsider, _ = signed_up(invoke, email="eve@example.net", tenant_name="Eve Ltd")
    monkeypatch.setenv("KONTOR_TENANT_REQUESTS_PER_SECOND", "2")

    probes = [_read(invoke, outsider, tenant_id) for _ in range(5)]
    member = [_read(invoke, claims, tenant_id) for _ in range(2)]

    assert {p.status for p in probes} == {404}
    assert all("dynamodb.UpdateItem" not in p.calls for p in probes)
    assert [m.status for m in member] == [200, 200]
    assert _counted(invoke, tenant_id) == [("2026-11-23T10:00:00Z", "2")]
