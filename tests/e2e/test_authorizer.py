"""The local stack verifies Cognito ID tokens as API Gateway's authorizer does: only valid ones pass."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from tests.e2e.conftest import Account, Api


@pytest.fixture(scope="module")
def account(local_stack: Api) -> Account:
    return local_stack.new_account("Token AG")


def moto_signed(claims: dict[str, Any]) -> str:
    """A token signed with the emulated user pool's own key: genuine but for its claims."""
    key = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"), algorithm="RS256").key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def claims_of(api: Api, account: Account, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.eu-central-1.amazonaws.com/{api.info['pool_id']}",
        "sub": account.user_id,
        "aud": api.info["client_id"],
        "token_use": "id",
        "email": account.email,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_valid_token_passes(api: Api, account: Account) -> None:
    assert api.call("GET", "/me", token=account.token).status == 200
    assert api.call("GET", "/me", token=moto_signed(claims_of(api, account))).status == 200


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"exp": int(time.time()) - 5}, id="expired"),
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param(
            {"iss": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_other"}, id="wrong-pool"
        ),
        pytest.param({"token_use": "access"}, id="access-token"),
        pytest.param({"exp": None}, id="no-expiry"),
    ],
)
def test_tokens_that_are_not_valid_id_tokens_get_401(api: Api, account: Account, changes: dict) -> None:
    reply = api.call("GET", "/me", token=moto_signed(claims_of(api, account, **changes)))

    assert reply.status == 401
    assert reply.body["error"]["code"] == "unauthorized"
    assert reply.calls == {}


def test_a_forged_token_gets_401(api: Api, account: Account) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims_of(api, account), forger, algorithm="RS256", headers={"kid": "dummy"})
    unsigned = jwt.encode(claims_of(api, account), key=None, algorithm="none")

    for token in (forged, unsigned, "not-a-jwt"):
        reply = api.call("GET", "/me", token=token)
        assert reply.status == 401
        assert reply.body["error"]["code"] == "unauthorized"


def test_no_token_gets_401(api: Api) -> None:
    reply = api.call("GET", "/me")

    assert reply.status == 401
    assert reply.body["error"]["code"] == "unauthorized"


def test_a_wrong_password_is_refused_by_cognito(api: Api, account: Account) -> None:
    with pytest.raises(api.aws("cognito-idp").exceptions.NotAuthorizedException):
        api.sign_in(account.email, "not-the-password-at-all")
