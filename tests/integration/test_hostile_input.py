"""Inputs an attacker sends on purpose: each answers a 4xx JSON error with a stable code, nothing written.

Issue 9, item 8: each of these answered 500 before (or, for the sort key, was stored where real
DynamoDB would refuse it).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from kontor.api import MAX_BODY_BYTES
from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up
from tests.support import SIGNUP, event

CONTACT = {"kind": "person", "name": "Erika Mustermann"}
DEEP = "[" * 50_000 + "]" * 50_000
NOT_UTF8 = b'{"name": "\xff\xfe"}'


def signup_event(**changes: Any) -> dict[str, Any]:
    return event("signup", body={**SIGNUP, **changes}, headers={"Idempotency-Key": None})


def contact_event(claims: dict[str, str], tenant_id: str, **changes: Any) -> dict[str, Any]:
    return event(
        "contact_create",
        body={**CONTACT, **changes},
        claims=claims,
        path_parameters={"tenantId": tenant_id},
        headers={"Idempotency-Key": None},
    )


def with_raw_body(sample: dict[str, Any], raw: bytes) -> dict[str, Any]:
    """The event as API Gateway sends a body that is not UTF-8: base64-encoded."""
    return {**sample, "body": base64.b64encode(raw).decode(), "isBase64Encoded": True}


def refused(reply: Any, status: int, code: str) -> None:
    assert reply.status == status, reply.body
    assert reply.body["error"]["code"] == code
    assert reply.body["error"]["request_id"]


# ---------------------------------------------------------------- passwords


def test_a_password_longer_than_zxcvbn_checks_is_judged_by_its_first_72_characters(invoke: Lambda) -> None:
    # Given a strong password of 90 characters (zxcvbn itself raises past 72; moto's Cognito refuses
    # 99 and more, real Cognito 257 and more)
    password = ("velvet-otter-harbour-93-" * 5)[:90]

    # When someone signs up with it
    reply = invoke("SignupFunction", signup_event(password=password))

    # Then the account is created
    assert reply.status == 202, reply.body
    assert [i for i in invoke.table() if i["sk"]["S"] == "TENANT"]


def test_a_password_over_256_characters_is_refused_and_nothing_is_written(invoke: Lambda) -> None:
    reply = invoke("SignupFunction", signup_event(password="velvet-otter-harbour-93" * 12))

    refused(reply, 422, "validation_error")
    assert reply.body["error"]["details"][0]["field"] == "body.password"
    assert invoke.table() == []
    assert invoke.cognito_users() == []


def test_a_long_password_on_accepting_an_invitation_is_not_a_500(invoke: Lambda) -> None:
    from tests.integration.test_accounts import accept, invite
    from tests.support import link_token

    admin, tenant_id = signed_up(invoke)
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201
    secret = link_token(invoke.mails("ben@example.com")[-1].body)

    reply = accept(invoke, secret, {"name": "Ben Berger", "password": ("quiet-meadow-lantern-58-" * 5)[:90]})

    assert reply.status == 200, reply.body


# ---------------------------------------------------------------- If-Match


@pytest.mark.parametrize("header", ["²", '"²"', "١٢", "9" * 40, "-1", '"1.0"'])
def test_an_if_match_that_is_no_version_is_412(invoke: Lambda, header: str) -> None:
    # Given a contact
    claims, tenant_id = signed_up(invoke)
    created = invoke("ContactsFunction", contact_event(claims, tenant_id))
    before = invoke.table()

    # When it is updated with an If-Match of digits int() cannot read, or no version at all
    reply = invoke(
        "ContactsFunction",
        event(
            "contact_update",
            body={"notes": "x"},
            claims=claims,
            path_parameters={"tenantId": tenant_id, "contactId": created.body["id"]},
            headers={"If-Match": header},
        ),
    )

    # Then it is refused as a failed precondition and nothing changed
    refused(reply, 412, "precondition_failed")
    assert invoke.table() == before


# ---------------------------------------------------------------- index keys


def test_a_name_that_nfkd_multiplies_keeps_its_sort_key_within_dynamodbs_limit(invoke: Lambda) -> None:
    # Given a name of 200 characters that NFKD makes 3,600 (U+FDFA is 18 characters decomposed)
    claims, tenant_id = signed_up(invoke)
    name = "\ufdfa" * 200

    # When a contact is created with it
    reply = invoke("ContactsFunction", contact_event(claims, tenant_id, name=name))

    # Then it is stored with the name as given and an index key DynamoDB accepts (1,024 bytes)
    assert reply.status == 201, reply.body
    assert reply.body["name"] == name
    [row] = [i for i in invoke.table() if i["sk"]["S"].startswith("CONTACT#")]
    assert len(row["gsi1sk"]["S"].encode()) <= 1024
    # And a prefix search finds it
    listed = invoke(
        "ContactsFunction",
        event(
            "contact_list",
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            query={"prefix": "\ufdfa" * 50},
        ),
    )
    assert [c["id"] for c in listed.body["items"]] == [reply.body["id"]]


# ---------------------------------------------------------------- bodies


def test_json_nested_50000_deep_is_400_on_the_public_signup(invoke: Lambda) -> None:
    reply = invoke("SignupFunction", {**signup_event(), "body": DEEP})

    refused(reply, 400, "invalid_json")
    assert invoke.table() == []


def test_json_nested_50000_deep_is_400_for_a_member(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    before = invoke.table()

    reply = invoke("ContactsFunction", {**contact_event(claims, tenant_id), "body": '{"name": ' + DEEP + "}"})

    refused(reply, 400, "invalid_json")
    assert invoke.table() == before


def test_a_body_that_is_not_utf8_is_400_on_public_routes(invoke: Lambda) -> None:
    reply = invoke("SignupFunction", with_raw_body(signup_event(), NOT_UTF8))

    refused(reply, 400, "invalid_encoding")
    assert invoke.table() == []


def test_a_body_that_is_not_utf8_is_400_for_a_member(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    before = invoke.table()

    reply = invoke("ContactsFunction", with_raw_body(contact_event(claims, tenant_id), NOT_UTF8))

    refused(reply, 400, "invalid_encoding")
    assert invoke.table() == before


def test_a_body_over_1_mib_is_413_before_anything_else(invoke: Lambda) -> None:
    # Given a body just over the limit (the rest of the request would be valid)
    body = json.dumps({**SIGNUP, "name": "x" * MAX_BODY_BYTES})

    # When it is sent to a public route
    reply = invoke("SignupFunction", {**signup_event(), "body": body})

    # Then it is refused at once, nothing parsed, nothing written
    refused(reply, 413, "payload_too_large")
    assert reply.body["error"]["details"] == {"max_bytes": MAX_BODY_BYTES}
    assert invoke.table() == []
    assert reply.calls == {}


def test_a_dynamodb_failure_in_the_tenant_gate_is_the_json_500(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given DynamoDB failing while the gate reads the caller's membership
    claims, tenant_id = signed_up(invoke)
    import kontor.api

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "down"}}, "TransactGetItems")

    monkeypatch.setattr(kontor.api, "resolve", unavailable)

    # When a member creates a contact
    reply = invoke("ContactsFunction", contact_event(claims, tenant_id))

    # Then the answer is the product's JSON 500 with the request id, not an escaped exception
    refused(reply, 500, "internal_error")
    assert reply.headers["X-Request-Id"] == [reply.body["error"]["request_id"]]


# ---------------------------------------------------------------- idempotency keys of public routes


def accept_with_key(invoke: Lambda, secret: str, key: str, authorization: str | None = None, **body: str):
    headers: dict[str, str | None] = {"Idempotency-Key": key}
    if authorization is not None:
        headers["Authorization"] = authorization
    return invoke(
        "InvitationsFunction",
        event(
            "invitation_accept",
            path_parameters={"token": secret},
            body={"name": "Ben Berger", "password": "quiet-meadow-lantern-58", **body},
            headers=headers,
        ),
    )


@pytest.mark.parametrize("changes", [{}, {"password": "other-meadow-lantern-77"}])
def test_another_account_reusing_an_accepts_key_gets_422_and_nothing_of_the_accepter(
    invoke: Lambda, changes: dict[str, str]
) -> None:
    from tests.integration.test_accounts import invite
    from tests.support import link_token

    # Given Ben accepted an invitation with an Idempotency-Key
    admin, tenant_id = signed_up(invoke)
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    first = accept_with_key(invoke, secret, "accept-1")
    assert first.status == 200, first.body
    before = invoke.table()

    # When another signed-in account sends the same key (with the same link and body, or another password)
    token = invoke.sign_in(SIGNUP["email"], SIGNUP["password"])["AuthenticationResult"]["IdToken"]
    other = accept_with_key(invoke, secret, "accept-1", f"Bearer {token}", **changes)

    # Then it is refused as a reused key, without Ben's id, name or address, and nothing is written
    refused(other, 422, "idempotency_key_reused")
    text = json.dumps(other.body)
    assert first.body["user_id"] not in text
    assert "Ben" not in text and "ben@example.com" not in text
    assert invoke.table() == before


def test_an_anonymous_retry_of_an_accept_with_another_password_gets_422(invoke: Lambda) -> None:
    from tests.integration.test_accounts import invite
    from tests.support import link_token

    admin, tenant_id = signed_up(invoke)
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    assert accept_with_key(invoke, secret, "accept-2").status == 200
    before = invoke.table()

    other = accept_with_key(invoke, secret, "accept-2", password="other-meadow-lantern-77")

    refused(other, 422, "idempotency_key_reused")
    assert "user_id" not in other.body
    assert invoke.table() == before


# ---------------------------------------------------------------- ids in paths


def _licence_every_module(invoke: Lambda, tenant_id: str) -> None:
    import boto3

    from kontor.licences import Module

    entry = {
        "M": {
            "expires_at": {"S": "2999-01-01T00:00:00Z"},
            "purge_at": {"S": "2999-06-01T00:00:00Z"},
            "period": {"S": "P12M"},
            "active_since": {"S": "2026-01-01T00:00:00Z"},
            "granted_by": {"S": "operator"},
        }
    }
    boto3.client("dynamodb").update_item(
        TableName=invoke.stack.refs["Table"],
        Key={"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": "TENANT"}},
        UpdateExpression="SET licences = :all",
        ExpressionAttributeValues={":all": {"M": {m.value: entry for m in Module if m != Module.CORE}}},
    )


@pytest.mark.parametrize("bad_id", ["x" * 3_000, "\ufdfa" * 60, "..%2F..", "a b"])
def test_an_id_in_a_path_that_names_nothing_is_404_on_every_route(invoke: Lambda, bad_id: str) -> None:
    from local.template import load

    # Given a tenant and its admin, with every licensed module (else a module route answers 403
    # licence_required at the gate, before any id is looked at)
    claims, tenant_id = signed_up(invoke)
    _licence_every_module(invoke, tenant_id)
    before = invoke.table()
    routes = [r for r in load().routes if re.search(r"\{(?!tenantId)\w+\}", r.path)]
    assert len(routes) > 15

    for route in routes:
        # When any id of the path but the tenant's is far too long, or not an id at all
        names = re.findall(r"\{(\w+)\}", route.path)
        parameters = {n: tenant_id if n == "tenantId" else bad_id for n in names}
        sample = event(
            "health",
            claims=None if route.public else claims,
            headers={"If-Match": '"1"', "Content-Type": "application/json"},
        )
        sample.update(
            resource=route.path,
            path=re.sub(r"\{(\w+)\}", lambda m, given=parameters: given[m.group(1)], route.path),
            httpMethod=route.method,
            pathParameters=parameters,
            body=None if route.method in ("GET", "DELETE") else "{}",
        )
        sample["requestContext"]["resourcePath"] = route.path
        reply = invoke(route.function, sample)

        # Then it names nothing: 404 before any key is built from it
        assert reply.status == 404, (route.key, reply.body)
        # (an operator route answers a non-operator as a route that does not exist, before that)
        expected = "route_not_found" if route.path.startswith("/operator/") else "not_found"
        assert reply.body["error"]["code"] == expected, route.key
    assert invoke.table() == before
