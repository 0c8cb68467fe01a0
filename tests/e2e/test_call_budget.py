"""Each route's AWS calls, counted by the local stack per request and pinned here.

Every route of template.yaml needs a scenario and a budget: a new route fails until it has both.
Listing /me must not grow with the table, and no request may Scan (the stack's guard fails it).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from local.template import load
from tests.e2e import budgets_records_backups as records_backups
from tests.e2e.conftest import PASSWORD, Account, Api, HttpReply
from tests.support import link_token

SIGNUP_CALLS = {
    "cognito-idp.AdminCreateUser": 1,
    "cognito-idp.AdminDisableUser": 1,
    "cognito-idp.AdminSetUserPassword": 1,
    "dynamodb.GetItem": 1,
    "dynamodb.TransactWriteItems": 1,
    "ses.SendEmail": 1,
}

BUDGETS: dict[str, dict[str, int]] = {
    "GET /health": {},
    "GET /config": {},
    "GET /openapi.json": {},
    "GET /docs": {},
    "POST /signup": SIGNUP_CALLS,
    "POST /signup/verify": {
        "cognito-idp.AdminEnableUser": 1,
        "cognito-idp.AdminUpdateUserAttributes": 1,
        "dynamodb.GetItem": 2,
        "dynamodb.TransactWriteItems": 1,
    },
    "POST /signup/resend": {"dynamodb.GetItem": 2, "dynamodb.TransactWriteItems": 1, "ses.SendEmail": 1},
    "GET /me": {"dynamodb.GetItem": 1, "dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    "GET /tenants/{tenantId}": {"dynamodb.GetItem": 2},
}


def _signup(api: Api, email: str) -> HttpReply:
    body = {"email": email, "password": PASSWORD, "name": "Budget", "tenant_name": "Budget KG"}
    return api.call("POST", "/signup", json_body=body)


def _verify(api: Api, account: Account) -> HttpReply:
    email = account.email.replace("@", "+verify@")
    assert _signup(api, email).status == 201
    return api.call("POST", "/signup/verify", json_body={"token": link_token(api.outbox(email)[0]["text"])})


def _resend(api: Api, account: Account) -> HttpReply:
    email = account.email.replace("@", "+resend@")
    assert _signup(api, email).status == 201
    api.call("POST", "/_local/clock", json_body={"advance_days": 0.01})  # past the one-minute throttle
    return api.call("POST", "/signup/resend", json_body={"email": email})


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "GET /health": lambda api, _: api.call("GET", "/health"),
    "GET /config": lambda api, _: api.call("GET", "/config"),
    "GET /openapi.json": lambda api, _: api.call("GET", "/openapi.json"),
    "GET /docs": lambda api, _: api.call("GET", "/docs"),
    "POST /signup": lambda api, account: _signup(api, account.email.replace("@", "+signup@")),
    "POST /signup/verify": _verify,
    "POST /signup/resend": _resend,
    "GET /me": lambda api, account: api.call("GET", "/me", token=account.token),
    "GET /tenants/{tenantId}": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}", token=account.token
    ),
}

# Records and backups keep their scenarios and budgets beside them.
SCENARIOS.update(records_backups.SCENARIOS)
BUDGETS.update(records_backups.BUDGETS)


@pytest.fixture(scope="module")
def account(local_stack: Api) -> Account:
    return local_stack.new_account("Budget GmbH")


@pytest.mark.parametrize("route", [route.key for route in load().routes])
def test_every_route_has_its_calls_pinned(api: Api, account: Account, route: str) -> None:
    assert route in SCENARIOS and route in BUDGETS, f"{route}: add a scenario and pin its AWS calls"

    reply = SCENARIOS[route](api, account)

    assert 200 <= reply.status < 300, reply.body
    assert reply.calls == BUDGETS[route]


def test_an_idempotency_key_adds_one_record_write_and_one_completion(api: Api, account: Account) -> None:
    body = {
        "email": account.email.replace("@", "+key@"),
        "password": PASSWORD,
        "name": "K",
        "tenant_name": "K KG",
    }
    first = api.call("POST", "/signup", json_body=body, headers={"Idempotency-Key": "budget-1"})
    retry = api.call("POST", "/signup", json_body=body, headers={"Idempotency-Key": "budget-1"})

    assert first.status == retry.status == 201
    assert first.calls == {**SIGNUP_CALLS, "dynamodb.PutItem": 1, "dynamodb.UpdateItem": 1}
    assert retry.calls == {"dynamodb.PutItem": 1}  # the failed conditional put returns the stored answer
    assert retry.body == first.body


def test_me_does_not_grow_with_the_table(api: Api, account: Account) -> None:
    before = api.call("GET", "/me", token=account.token).calls
    for _ in range(3):
        api.new_account("Filler GmbH")

    assert api.call("GET", "/me", token=account.token).calls == before == BUDGETS["GET /me"]
