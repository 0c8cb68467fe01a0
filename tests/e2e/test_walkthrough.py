"""The README's walkthrough over HTTP: signup -> verify -> sign in -> /me, and the local extras."""

from __future__ import annotations

import re

from tests.e2e.conftest import PASSWORD, Api
from tests.support import link_token


def test_signup_verify_sign_in_and_me(api: Api) -> None:
    signup = api.call(
        "POST",
        "/signup",
        json_body={
            "email": "walk@example.com",
            "password": PASSWORD,
            "name": "Walk Through",
            "tenant_name": "Walk AG",
        },
    )
    assert signup.status == 202, signup.body
    assert set(signup.body) == {"verification"}  # no ids: a known address gets the same answer

    [mail] = api.outbox("walk@example.com")
    assert mail["to"] == ["walk@example.com"]
    assert re.search(r"http://localhost:5173/signup/verify\?token=", mail["text"])
    verified = api.call(
        "POST", "/signup/verify", json_body={"token": link_token(mail["text"]), "password": PASSWORD}
    )
    assert verified.status == 200, verified.body

    token = api.sign_in("walk@example.com")["IdToken"]
    me = api.call("GET", "/me", token=token)

    assert me.status == 200, me.body
    assert me.body["user"]["email"] == "walk@example.com"
    assert me.body["memberships"] == [
        {
            "tenant_id": me.body["memberships"][0]["tenant_id"],
            "tenant_name": "Walk AG",
            "role": "admin",
            "via": "member",
            "subtenant_count": 0,
            "sync": {"last_sync_at": None, "stale": False},
        }
    ]


def test_config_tells_a_spa_how_to_sign_in(api: Api) -> None:
    config = api.call("GET", "/config")

    assert config.status == 200
    assert config.body == {
        "region": "eu-central-1",
        "user_pool_id": api.info["pool_id"],
        "user_pool_client_id": api.info["client_id"],
        "cognito_endpoint": api.endpoint,
        "support": {"email": "no-reply@kontor.example.com", "url": None},
    }


def test_openapi_document_and_swagger_ui_are_served(api: Api) -> None:
    document = api.call("GET", "/openapi.json")
    docs = api.call("GET", "/docs")

    assert document.status == 200
    assert {"/signup", "/signup/verify", "/me", "/tenants/{tenantId}"} <= set(document.body["paths"])
    assert document.body["paths"]["/me"]["get"]["security"] == [{"cognito": []}]
    assert "security" not in document.body["paths"]["/signup"]["post"]
    assert docs.status == 200
    assert "swagger-ui" in docs.body.lower()
    # Offline: Swagger UI and the document are inlined, nothing is loaded from elsewhere.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", docs.body)


def test_an_unknown_method_answers_405_with_the_methods_there_are(api: Api) -> None:
    reply = api.call("DELETE", "/me")

    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, OPTIONS"
    assert reply.body["error"]["code"] == "method_not_allowed"
    assert reply.body["error"]["request_id"] == reply.headers["X-Request-Id"]


def test_cors_preflight_names_the_spa(api: Api) -> None:
    reply = api.http.options(api.url + "/me", headers={"Origin": "http://localhost:5173"}, timeout=10)

    assert reply.status_code == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "Idempotency-Key" in reply.headers["Access-Control-Allow-Headers"]
    assert api.call("GET", "/health").headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_unknown_routes_answer_json_404(api: Api) -> None:
    reply = api.call("GET", "/nowhere")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "route_not_found"


def test_local_clock_moves_forward_only(api: Api) -> None:
    before = api.call("GET", "/_local/clock").body
    moved = api.call("POST", "/_local/clock", json_body={"advance_days": 0})
    backwards = api.call("POST", "/_local/clock", json_body={"advance_days": -1})
    garbage = api.call("POST", "/_local/clock", json_body={"days": 1})

    assert moved.status == 200
    assert moved.body["offset_days"] == before["offset_days"]
    assert backwards.status == garbage.status == 422


def test_local_schedules_lists_the_templates_schedules(api: Api) -> None:
    from local.template import load

    listed = api.call("GET", "/_local/schedules")
    unknown = api.call("POST", "/_local/schedules/no-such-schedule")

    assert listed.status == 200
    assert listed.body["schedules"] == [
        {"name": s.name, "job": s.job, "function": s.function, "expression": s.expression}
        for s in load().schedules
    ]
    assert unknown.status == 404
