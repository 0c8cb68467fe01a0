"""Accounts over HTTP: a second account, invitations for new and existing people, switching, roles,
and the last admin — the accounts issue's whole journey on the local stack."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from kontor import keys
from kontor.permissions import MINIMUM_ROLE
from local.template import load
from tests.e2e.conftest import PASSWORD, Account, Api
from tests.e2e.test_isolation_matrix import fill
from tests.support import link_token


def test_the_accounts_journey(api: Api) -> None:
    # A signs up and creates a second, separate tenant with the same login.
    anna = api.new_account("Anna Erstfirma")
    second = api.call("POST", "/tenants", token=anna.token, json_body={"name": "Anna Zweitfirma"})
    assert second.status == 201, second.body
    second_id = second.body["id"]

    # A invites B (new) and C (an existing user) to the second tenant.
    carla = api.new_account("Carlas eigene Firma")
    ben_email = f"ben-{anna.user_id[:8]}@example.com"
    for email, role in ((ben_email, "member"), (carla.email, "viewer")):
        sent = api.call(
            "POST",
            f"/tenants/{second_id}/invitations",
            token=anna.token,
            json_body={"email": email, "role": role},
        )
        assert sent.status == 201, sent.body

    # C sees the invitation in /me, then accepts while signed in.
    pending = api.call("GET", "/me", token=carla.token).body["invitations"]
    assert [(i["tenant_id"], i["tenant_name"], i["role"]) for i in pending] == [
        (second_id, "Anna Zweitfirma", "viewer")
    ]
    carla_link = link_token(api.outbox(carla.email)[0]["text"])
    preview = api.call("GET", f"/invitations/{carla_link}")
    assert preview.body["has_identity"] is True
    assert api.call("POST", f"/invitations/{carla_link}/accept", json_body={}).status == 403  # must sign in
    joined = api.call("POST", f"/invitations/{carla_link}/accept", token=carla.token, json_body={})
    assert joined.status == 200, joined.body
    assert joined.body["role"] == "viewer"

    # B (new) accepts with a name and a password, then signs in.
    ben_link = link_token(api.outbox(ben_email)[0]["text"])
    assert api.call("GET", f"/invitations/{ben_link}").body["has_identity"] is False
    accepted = api.call(
        "POST", f"/invitations/{ben_link}/accept", json_body={"name": "Ben Berger", "password": PASSWORD}
    )
    assert accepted.status == 200, accepted.body
    ben_token = api.sign_in(ben_email)["IdToken"]

    # Switching: B sees only the second tenant; A's first tenant stays invisible to B.
    ben_me = api.call("GET", "/me", token=ben_token).body
    assert [m["tenant_id"] for m in ben_me["memberships"]] == [second_id]
    assert api.call("GET", f"/tenants/{anna.tenant_id}", token=ben_token).status == 404
    assert api.call("GET", f"/tenants/{second_id}", token=ben_token).status == 200
    anna_me = api.call("GET", "/me", token=anna.token).body
    assert {m["tenant_id"] for m in anna_me["memberships"]} == {anna.tenant_id, second_id}
    carla_me = api.call("GET", "/me", token=carla.token).body
    assert {(m["tenant_id"], m["role"]) for m in carla_me["memberships"]} == {
        (carla.tenant_id, "admin"),
        (second_id, "viewer"),
    }
    assert carla_me["invitations"] == []

    # The last admin can neither leave nor be demoted.
    left = api.call("DELETE", f"/tenants/{second_id}/members/{anna.user_id}", token=anna.token)
    demoted = api.call(
        "PATCH",
        f"/tenants/{second_id}/members/{anna.user_id}",
        token=anna.token,
        json_body={"role": "member"},
    )
    assert left.status == demoted.status == 409
    assert left.body["error"]["code"] == demoted.body["error"]["code"] == "last_admin"

    # Removing C ends C's access at once, though C's token is still valid.
    removed = api.call("DELETE", f"/tenants/{second_id}/members/{carla.user_id}", token=anna.token)
    assert removed.status == 204
    assert api.call("GET", f"/tenants/{second_id}", token=carla.token).status == 404


def test_revoked_and_resent_links_fail(api: Api) -> None:
    admin = api.new_account("Link GmbH")
    email = f"links-{admin.user_id[:8]}@example.com"
    invitation = api.call(
        "POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": email}
    ).body
    first = link_token(api.outbox(email)[0]["text"])
    base = f"/tenants/{admin.tenant_id}/invitations/{invitation['id']}"

    assert api.call("POST", f"{base}/resend", token=admin.token).status == 200
    second = link_token(api.outbox(email)[0]["text"])
    assert api.call("DELETE", base, token=admin.token).status == 200

    for link in (first, second):
        refused = api.call(
            "POST", f"/invitations/{link}/accept", json_body={"name": "X Y", "password": PASSWORD}
        )
        assert refused.status == 410
        assert refused.body["error"]["code"] == "token_revoked"


def test_accepting_with_another_login_is_403(api: Api) -> None:
    admin = api.new_account("Falsch AG")
    stranger = api.new_account("Fremd AG")
    email = f"right-{admin.user_id[:8]}@example.com"
    api.call("POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": email})
    link = link_token(api.outbox(email)[0]["text"])
    before = api.table()

    reply = api.call("POST", f"/invitations/{link}/accept", token=stranger.token, json_body={})
    forged = api.call("POST", f"/invitations/{link}/accept", token="not-a-token", json_body={})

    assert reply.status == 403
    assert reply.body["error"]["code"] == "wrong_account"
    assert forged.status == 401
    assert api.table() == before


def test_a_login_whose_address_is_unproven_cannot_accept(api: Api) -> None:
    # Given an invited address whose login's token says the address is not proven (as after an
    # attribute change, had the app client allowed one: it may write only `name`)
    admin = api.new_account("Beweis AG")
    invitee = api.new_account("Eigene KG")
    api.call(
        "POST",
        f"/tenants/{admin.tenant_id}/invitations",
        token=admin.token,
        json_body={"email": invitee.email},
    )
    link = link_token(api.outbox(invitee.email)[0]["text"])
    api.aws("cognito-idp").admin_update_user_attributes(
        UserPoolId=api.info["pool_id"],
        Username=invitee.email,
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )
    token = api.sign_in(invitee.email)["IdToken"]
    before = api.table()

    reply = api.call("POST", f"/invitations/{link}/accept", token=token, json_body={})

    assert (reply.status, reply.body["error"]["code"]) == (403, "email_unverified")
    assert api.table() == before


def test_an_unverified_login_gives_way_to_an_invitation_and_after_a_day_to_a_signup(api: Api) -> None:
    admin = api.new_account("Einlader AG")
    squatted = f"squatted-{admin.user_id[:8]}@example.com"
    held = f"held-{admin.user_id[:8]}@example.com"
    squatter = {"password": "someone-elses-choice-77", "name": "Fremd", "tenant_name": "Fremd KG"}
    for email in (squatted, held):
        assert api.call("POST", "/signup", json_body={"email": email, **squatter}).status == 202

    # An invitation's link proves the address: accepting replaces the unverified login
    api.call(
        "POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": squatted}
    )
    link = link_token(api.outbox(squatted)[0]["text"])
    accepted = api.call(
        "POST", f"/invitations/{link}/accept", json_body={"name": "Echt", "password": PASSWORD}
    )
    assert accepted.status == 200, accepted.body
    assert api.sign_in(squatted)["IdToken"]

    # A day later the other address is released to the next signup, its owner's
    api.call("POST", "/_local/clock", json_body={"advance_days": 1.01})
    owner = {**squatter, "password": PASSWORD, "tenant_name": "Eigen KG"}
    assert api.call("POST", "/signup", json_body={"email": held, **owner}).status == 202
    token = link_token(api.outbox(held)[0]["text"])
    assert api.call("POST", "/signup/verify", json_body={"token": token, "password": PASSWORD}).status == 200
    assert api.sign_in(held)["IdToken"]
    # Both unverified logins' tenants went with them
    assert "Fremd KG" not in [i["name"]["S"] for i in api.table() if i["sk"]["S"] == "TENANT"]


# One unverified signup's release: its profile; its link withdrawn (a transaction checking the
# profile); its login looked up (its `sub`) and deleted; the profile again, its memberships (gsi1),
# its tenant's row, range and deletion; claim, profile and link deleted together.
RELEASE_PER_SIGNUP = {
    "dynamodb.GetItem": 3,
    "dynamodb.TransactWriteItems": 2,
    "cognito-idp.AdminGetUser": 1,
    "cognito-idp.AdminDeleteUser": 1,
    "dynamodb.Query": 2,
    "dynamodb.BatchWriteItem": 1,
}


def _mentions(item: dict, *needles: str) -> bool:
    return any(needle in json.dumps(item) for needle in needles)


def test_the_release_job_frees_an_address_an_unverified_signup_held_and_leaves_nothing(api: Api) -> None:
    api.call("POST", "/_local/schedules/SignupReleaseSchedule")  # whatever other tests left due
    admin = api.new_account("Freigabe AG")
    held = f"abandoned-{admin.user_id[:8]}@example.com"
    squatter = {"password": "someone-elses-choice-77", "name": "Fremd", "tenant_name": "Liegen KG"}
    assert api.call("POST", "/signup", json_body={"email": held, **squatter}).status == 202
    squatter_link = link_token(api.outbox(held)[0]["text"])
    [profile] = [i for i in api.table() if i["sk"]["S"] == "PROFILE" and i["email"]["S"] == held]
    user_id = profile["id"]["S"]
    [membership] = [i for i in api.table() if i["sk"]["S"] == f"MEMBER#{user_id}"]
    tenant_id = membership["tenant_id"]["S"]

    # Within the day the job leaves the hold alone
    early = api.call("POST", "/_local/schedules/SignupReleaseSchedule").body
    assert early["result"]["dispatched"] == 0
    assert early["calls"] == {"dispatch": {"dynamodb.Query": keys.DUE_SHARDS}, "work": {}}
    assert any(_mentions(i, user_id) for i in api.table())

    # A day later nobody asked for the address: the job releases it
    api.call("POST", "/_local/clock", json_body={"advance_days": 1.01})
    swept = api.call("POST", "/_local/schedules/SignupReleaseSchedule").body

    assert swept["result"]["dispatched"] == 1
    assert swept["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert swept["calls"]["work"] == RELEASE_PER_SIGNUP
    # Nothing of the abandoned signup stays: no login, no claim, profile, link, tenant or marker —
    # only the address's daily signup counter, which keeps the limit and expires by itself.
    left = [
        i
        for i in api.table()
        if _mentions(i, user_id, tenant_id, held) and not i["pk"]["S"].startswith("THROTTLE#")
    ]
    assert left == []
    with pytest.raises(ClientError) as gone:
        api.aws("cognito-idp").admin_get_user(UserPoolId=api.info["pool_id"], Username=held)
    assert gone.value.response["Error"]["Code"] == "UserNotFoundException"
    stale = api.call("POST", "/signup/verify", json_body={"token": squatter_link, "password": PASSWORD})
    assert (stale.status, stale.body["error"]["code"]) == (400, "invalid_token")  # the link went too

    # The address's owner accepts an invitation with it and signs in with her own password
    api.call("POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": held})
    link = link_token(api.outbox(held)[0]["text"])
    accepted = api.call(
        "POST", f"/invitations/{link}/accept", json_body={"name": "Echt", "password": PASSWORD}
    )
    assert accepted.status == 200, accepted.body
    assert api.sign_in(held)["IdToken"]
    with pytest.raises(ClientError):
        api.sign_in(held, squatter["password"])
    # A second run finds nothing: the marker went with the profile
    again = api.call("POST", "/_local/schedules/SignupReleaseSchedule").body
    assert again["result"]["dispatched"] == 0


ADMIN_ONLY = [route for route in load().routes if MINIMUM_ROLE.get(route.key) == "admin"]


@pytest.fixture(scope="module")
def crew(local_stack: Api) -> dict[str, Account]:
    admin = local_stack.new_account("Rollen GmbH")
    return {
        "admin": admin,
        "member": local_stack.join(admin, "member"),
        "viewer": local_stack.join(admin, "viewer"),
    }


def test_there_are_admin_only_routes() -> None:
    assert ADMIN_ONLY


@pytest.mark.parametrize("role", ["member", "viewer"])
@pytest.mark.parametrize("route", ADMIN_ONLY, ids=lambda route: route.key)
def test_members_and_viewers_are_refused_admin_routes_and_change_nothing(
    api: Api, crew: dict[str, Account], route, role: str
) -> None:
    caller = crew[role]
    path = fill(route, caller.tenant_id).replace("01h00000000000000000000000", crew["admin"].user_id)
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    before = api.table()

    reply = api.call(route.method, path, token=caller.token, json_body=body)

    assert reply.status == 403, reply.body
    assert reply.body["error"]["code"] == "forbidden"
    assert api.table() == before
