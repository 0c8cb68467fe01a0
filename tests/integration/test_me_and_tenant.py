"""GET /me and GET /tenants/{tenantId}: the caller's standing is read from the table per request."""

from __future__ import annotations

import boto3

from tests.integration.conftest import Lambda
from tests.support import SIGNUP, claims_for, event, link_token


def signed_up(invoke: Lambda, **changes: str) -> tuple[dict[str, str], str]:
    """Sign up and verify; the caller's claims and their tenant id."""
    body = {**SIGNUP, **changes}
    reply = invoke("SignupFunction", event("signup", body=body, headers={"Idempotency-Key": None}))
    assert reply.status == 202, reply.body
    secret = link_token(invoke.mails(body["email"])[-1].body)
    verified = invoke(
        "SignupFunction", event("signup_verify", body={"token": secret, "password": body["password"]})
    )
    assert verified.status == 200, verified.body
    claims = claims_for(verified.body["id"], body["email"])
    return claims, invoke("MeFunction", event("me", claims=claims)).body["memberships"][0]["tenant_id"]


def test_me_lists_the_user_and_every_tenant_they_can_enter(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)

    reply = invoke("MeFunction", event("me", claims=claims))

    assert reply.status == 200, reply.body
    assert reply.body["user"] == {
        "id": claims["sub"],
        "email": "anna@example.com",
        "name": "Anna Schmidt",
        "email_verified": True,
        "language": "de",
    }
    assert reply.body["memberships"] == [
        {
            "tenant_id": tenant_id,
            "tenant_name": "Schmidt GmbH",
            "role": "admin",
            "via": "member",
            "subtenant_count": 0,
            "sync": {"last_sync_at": None, "stale": False},  # never synced
        }
    ]
    assert reply.body["invitations"] == []


def test_me_costs_the_same_calls_whatever_else_is_in_the_table(invoke: Lambda) -> None:
    claims, _ = signed_up(invoke)
    first = invoke("MeFunction", event("me", claims=claims))
    for n in range(5):
        signed_up(invoke, email=f"other{n}@example.org", tenant_name=f"Firma {n}")

    again = invoke("MeFunction", event("me", claims=claims))

    assert again.body == first.body
    assert (
        again.calls
        == first.calls
        == {
            "dynamodb.GetItem": 1,
            "dynamodb.Query": 2,  # memberships, and invitations waiting for the address
            "dynamodb.BatchGetItem": 1,
        }
    )


def test_me_without_claims_is_401(invoke: Lambda) -> None:
    reply = invoke("MeFunction", event("me", claims=None))

    assert reply.status == 401
    assert reply.body["error"]["code"] == "unauthorized"


def test_me_for_a_login_without_an_account_is_404(invoke: Lambda) -> None:
    reply = invoke("MeFunction", event("me", claims=claims_for("0b1c2d3e-nobody", "nobody@example.com")))

    assert reply.status == 404
    assert reply.body["error"]["code"] == "user_not_found"


def test_a_member_reads_their_tenant(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)

    reply = invoke(
        "TenantsFunction", event("tenant_get", claims=claims, path_parameters={"tenantId": tenant_id})
    )

    assert reply.status == 200, reply.body
    assert reply.body["id"] == tenant_id
    assert reply.body["name"] == "Schmidt GmbH"
    assert reply.body["role"] == "admin"
    assert reply.body["via"] == "member"
    # the gate (membership and tenant, the tenant's rate), the route's read
    assert reply.calls == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1, "dynamodb.GetItem": 1}


def test_another_tenants_member_gets_404_and_an_unknown_id_too(invoke: Lambda) -> None:
    _, victim = signed_up(invoke)
    intruder, _ = signed_up(invoke, email="eve@example.net", tenant_name="Eve Ltd")

    foreign = invoke(
        "TenantsFunction", event("tenant_get", claims=intruder, path_parameters={"tenantId": victim})
    )
    unknown = invoke(
        "TenantsFunction",
        event("tenant_get", claims=intruder, path_parameters={"tenantId": "0" * 26}),
    )
    malformed = invoke(
        "TenantsFunction",
        event("tenant_get", claims=intruder, path_parameters={"tenantId": "..%2F..%2Fx"}),
    )

    assert foreign.status == unknown.status == malformed.status == 404
    assert foreign.body == unknown.body == malformed.body
    assert foreign.body["error"]["code"] == "tenant_not_found"


def test_removing_a_membership_ends_access_at_once(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    assert (
        invoke(
            "TenantsFunction", event("tenant_get", claims=claims, path_parameters={"tenantId": tenant_id})
        ).status
        == 200
    )
    boto3.client("dynamodb").delete_item(
        TableName=invoke.stack.refs["Table"],
        Key={"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": f"MEMBER#{claims['sub']}"}},
    )

    reply = invoke(
        "TenantsFunction", event("tenant_get", claims=claims, path_parameters={"tenantId": tenant_id})
    )

    assert reply.status == 404


def test_health_and_config_are_public(invoke: Lambda) -> None:
    health = invoke("PlatformFunction", event("health"))
    config = invoke("PlatformFunction", event("config"))

    assert health.status == 200
    assert health.body == {"status": "ok"}
    assert config.status == 200
    assert config.body == {
        "region": "eu-central-1",
        "user_pool_id": invoke.stack.refs["UserPool"],
        "user_pool_client_id": invoke.stack.refs["UserPoolClient"],
        # SupportEmail left empty: the sender address; no SupportUrl
        "support": {"email": "no-reply@kontor.example.com", "url": None},
    }
    assert health.calls == config.calls == {}
