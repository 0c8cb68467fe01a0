"""Additional accounts, members and roles, invitations: the accounts functions with sample events."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from kontor.errors import Conflict
from tests.integration.conftest import Lambda
from tests.support import SIGNUP, claims_for, event, link_token

NO_KEY = {"Idempotency-Key": None}


def signed_up(
    invoke: Lambda, email: str = "anna@example.com", tenant: str = "Schmidt GmbH"
) -> tuple[dict, str]:
    body = {**SIGNUP, "email": email, "tenant_name": tenant}
    reply = invoke("SignupFunction", event("signup", body=body, headers=NO_KEY))
    assert reply.status == 202, reply.body
    secret = link_token(invoke.mails(email)[-1].body)
    verified = invoke(
        "SignupFunction", event("signup_verify", body={"token": secret, "password": body["password"]})
    )
    assert verified.status == 200, verified.body
    claims = claims_for(verified.body["id"], email)
    return claims, invoke("MeFunction", event("me", claims=claims)).body["memberships"][0]["tenant_id"]


def invite(invoke: Lambda, claims: dict, tenant_id: str, email: str, role: str = "member", **headers):
    return invoke(
        "InvitationsFunction",
        event(
            "invitation_create",
            claims=claims,
            path_parameters={"tenantId": tenant_id},
            body={"email": email, "role": role},
            headers={**NO_KEY, **headers},
        ),
    )


def accept(invoke: Lambda, secret: str, body: dict | None = None):
    return invoke(
        "InvitationsFunction",
        event(
            "invitation_accept",
            path_parameters={"token": secret},
            body=body if body is not None else {"name": "Ben Berger", "password": "quiet-meadow-lantern-58"},
        ),
    )


def joined(invoke: Lambda, admin: dict, tenant_id: str, email: str, role: str) -> dict:
    """Invite a new person and let them accept; their claims."""
    assert invite(invoke, admin, tenant_id, email, role).status == 201
    reply = accept(invoke, link_token(invoke.mails(email)[-1].body))
    assert reply.status == 200, reply.body
    return claims_for(reply.body["user_id"], email)


def members_of(invoke: Lambda, claims: dict, tenant_id: str):
    return invoke(
        "MembersFunction", event("members_list", claims=claims, path_parameters={"tenantId": tenant_id})
    )


def change_role(invoke: Lambda, claims: dict, tenant_id: str, user_id: str, role: str):
    return invoke(
        "MembersFunction",
        event(
            "member_change_role",
            claims=claims,
            path_parameters={"tenantId": tenant_id, "userId": user_id},
            body={"role": role},
        ),
    )


def remove(invoke: Lambda, claims: dict, tenant_id: str, user_id: str):
    return invoke(
        "MembersFunction",
        event("member_remove", claims=claims, path_parameters={"tenantId": tenant_id, "userId": user_id}),
    )


def admin_count(invoke: Lambda, tenant_id: str) -> int:
    [tenant] = [
        i for i in invoke.table() if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"] == "TENANT"
    ]
    return int(tenant["admin_count"]["N"])


# ------------------------------------------------------------------ additional accounts
def test_a_signed_in_user_creates_a_further_tenant_and_is_its_admin(invoke: Lambda) -> None:
    claims, first = signed_up(invoke)

    reply = invoke(
        "AdditionalAccountFunction", event("tenant_create", claims=claims, body={"name": "Zweitfirma"})
    )

    assert reply.status == 201, reply.body
    assert reply.body["name"] == "Zweitfirma"
    assert reply.body["role"] == "admin"
    second = reply.body["id"]
    assert second != first
    me = invoke("MeFunction", event("me", claims=claims)).body
    assert {(m["tenant_name"], m["role"]) for m in me["memberships"]} == {
        ("Schmidt GmbH", "admin"),
        ("Zweitfirma", "admin"),
    }
    assert admin_count(invoke, second) == 1
    # The two tenants share nothing: each has only its own member.
    assert [m["user_id"] for m in members_of(invoke, claims, second).body["items"]] == [claims["sub"]]


def test_creating_a_tenant_twice_with_one_key_makes_one(invoke: Lambda) -> None:
    claims, _ = signed_up(invoke)
    sent = event(
        "tenant_create", claims=claims, body={"name": "Zweitfirma"}, headers={"Idempotency-Key": "k1"}
    )

    first = invoke("AdditionalAccountFunction", sent)
    again = invoke("AdditionalAccountFunction", sent)

    assert first.status == again.status == 201
    assert again.body == first.body
    assert len(invoke("MeFunction", event("me", claims=claims)).body["memberships"]) == 2


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 121}, {"name": "A", "admin": "x"}])
def test_a_bad_tenant_body_is_refused_and_nothing_is_written(invoke: Lambda, body: dict) -> None:
    claims, _ = signed_up(invoke)
    before = invoke.table()

    reply = invoke(
        "AdditionalAccountFunction", event("tenant_create", claims=claims, body=body, headers=NO_KEY)
    )

    assert reply.status == 422
    assert reply.body["error"]["code"] == "validation_error"
    assert invoke.table() == before


# ------------------------------------------------------------------ invitations
def test_an_admin_invites_and_a_new_person_accepts_with_name_and_password(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)

    sent = invite(invoke, admin, tenant_id, "Ben@Example.com", "viewer")

    assert sent.status == 201, sent.body
    assert sent.body["email"] == "ben@example.com"
    assert sent.body["state"] == "pending"
    assert sent.body["role"] == "viewer"
    [mail] = invoke.mails("ben@example.com")
    assert "Schmidt GmbH" in mail.subject
    secret = link_token(mail.body)
    assert secret not in str(invoke.table())

    preview = invoke("InvitationsFunction", event("invitation_preview", path_parameters={"token": secret}))
    assert preview.status == 200
    assert preview.body["tenant_name"] == "Schmidt GmbH"
    assert preview.body["inviter_name"] == "Anna Schmidt"
    assert preview.body["role"] == "viewer"
    assert preview.body["has_identity"] is False

    accepted = accept(invoke, secret)

    assert accepted.status == 200, accepted.body
    assert accepted.body["role"] == "viewer"
    tokens = invoke.sign_in("ben@example.com", "quiet-meadow-lantern-58")["AuthenticationResult"]
    assert tokens["IdToken"]
    ben = claims_for(accepted.body["user_id"], "ben@example.com")
    me = invoke("MeFunction", event("me", claims=ben)).body
    assert me["user"]["email_verified"] is True
    assert [(m["tenant_id"], m["role"]) for m in me["memberships"]] == [(tenant_id, "viewer")]
    listed = invoke(
        "InvitationsFunction",
        event("invitations_list", claims=admin, path_parameters={"tenantId": tenant_id}),
    )
    assert [i["state"] for i in listed.body["items"]] == ["accepted"]


def test_me_lists_pending_invitations_of_the_users_address(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    ben, _ = signed_up(invoke, "ben@example.com", "Bens Firma")

    invite(invoke, admin, tenant_id, "ben@example.com", "member")

    me = invoke("MeFunction", event("me", claims=ben)).body
    assert [(i["tenant_name"], i["role"], i["inviter_name"]) for i in me["invitations"]] == [
        ("Schmidt GmbH", "member", "Anna Schmidt")
    ]


def test_inviting_a_member_or_a_pending_address_again_is_409(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201
    before = invoke.table()

    pending = invite(invoke, admin, tenant_id, "BEN@example.com")
    member = invite(invoke, admin, tenant_id, "anna@example.com")

    assert pending.status == member.status == 409
    assert pending.body["error"]["code"] == "invitation_pending"
    assert member.body["error"]["code"] == "already_member"
    assert invoke.table() == before
    assert len(invoke.mails("ben@example.com")) == 1


def test_an_expired_invitation_can_be_replaced_by_a_new_one(invoke: Lambda) -> None:
    from kontor import clock

    admin, tenant_id = signed_up(invoke)
    invite(invoke, admin, tenant_id, "ben@example.com")
    old = link_token(invoke.mails("ben@example.com")[-1].body)
    clock.advance(timedelta(days=7, seconds=1))

    assert accept(invoke, old).status == 410
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201


def test_revoked_and_replaced_links_stop_working(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    first = invite(invoke, admin, tenant_id, "ben@example.com").body
    old = link_token(invoke.mails("ben@example.com")[-1].body)
    ids = {"tenantId": tenant_id, "invitationId": first["id"]}

    resent = invoke("InvitationsFunction", event("invitation_resend", claims=admin, path_parameters=ids))

    assert resent.status == 200, resent.body
    assert resent.body["sent_count"] == 2
    new = link_token(invoke.mails("ben@example.com")[-1].body)
    assert accept(invoke, old).body["error"]["code"] == "token_revoked"

    revoked = invoke("InvitationsFunction", event("invitation_revoke", claims=admin, path_parameters=ids))

    assert revoked.status == 200
    assert revoked.body["state"] == "revoked"
    refused = accept(invoke, new)
    assert refused.status == 410
    assert refused.body["error"]["code"] == "token_revoked"
    assert invoke.cognito_users()[0]["Attributes"]  # only Anna's login exists
    assert len(invoke.cognito_users()) == 1
    again = invoke("InvitationsFunction", event("invitation_revoke", claims=admin, path_parameters=ids))
    assert again.status == 409
    assert again.body["error"]["code"] == "invitation_not_pending"
    # The address is free for a new invitation once the old one is closed.
    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201


def test_accepting_twice_is_safe(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    invite(invoke, admin, tenant_id, "ben@example.com")
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    assert accept(invoke, secret).status == 200
    before = invoke.table()

    again = accept(invoke, secret)

    assert again.status == 410
    assert again.body["error"]["code"] in {"token_used", "invitation_accepted"}
    assert invoke.table() == before
    assert len(invoke.cognito_users()) == 2


def test_an_address_with_a_login_must_sign_in_to_accept(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    signed_up(invoke, "ben@example.com", "Bens Firma")
    invite(invoke, admin, tenant_id, "ben@example.com")
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    before = invoke.table()

    reply = accept(invoke, secret)

    assert reply.status == 403
    assert reply.body["error"]["code"] == "sign_in_required"
    assert invoke.table() == before


def test_accepting_replaces_a_login_that_never_proved_the_address(invoke: Lambda) -> None:
    # Given someone signed up with Ben's address (unverified, their password) before Ben was invited
    admin, tenant_id = signed_up(invoke)
    squat = {**SIGNUP, "email": "ben@example.com", "tenant_name": "Fremde Firma"}
    assert invoke("SignupFunction", event("signup", body=squat, headers=NO_KEY)).status == 202
    invite(invoke, admin, tenant_id, "ben@example.com")
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    preview = invoke("InvitationsFunction", event("invitation_preview", path_parameters={"token": secret}))

    # When Ben accepts as a new person: the link proved the address
    reply = accept(invoke, secret)

    assert preview.body["has_identity"] is False
    assert reply.status == 200, reply.body
    names = {i["name"]["S"] for i in invoke.table() if i["sk"]["S"] == "TENANT"}
    assert names == {"Schmidt GmbH"}  # the squatter's tenant went with its login
    assert invoke.sign_in("ben@example.com", "quiet-meadow-lantern-58")["AuthenticationResult"]
    with pytest.raises(ClientError):
        invoke.sign_in("ben@example.com", SIGNUP["password"])


def test_an_acceptance_whose_reply_was_lost_after_the_commit_keeps_the_login(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import invitations

    admin, tenant_id = signed_up(invoke)
    invite(invoke, admin, tenant_id, "ben@example.com")
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    committed = invitations.accept

    def commit_then_lose_the_reply(*args, **kwargs):
        committed(*args, **kwargs)
        raise ConnectionError("the reply was lost")

    monkeypatch.setattr(invitations, "accept", commit_then_lose_the_reply)

    reply = accept(invoke, secret)

    assert reply.status == 200, reply.body
    assert invoke.sign_in("ben@example.com", "quiet-meadow-lantern-58")["AuthenticationResult"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "name_and_password_required"),
        ({"name": "Ben"}, "name_and_password_required"),
        ({"name": "Ben Berger", "password": "password1234"}, "weak_password"),
        ({"name": "Ben Berger", "password": "ben-berger-2024-!"}, "weak_password"),
    ],
)
def test_a_new_person_needs_a_name_and_a_strong_password(invoke: Lambda, body: dict, code: str) -> None:
    admin, tenant_id = signed_up(invoke)
    invite(invoke, admin, tenant_id, "ben@example.com")
    secret = link_token(invoke.mails("ben@example.com")[-1].body)
    before = invoke.table()

    reply = accept(invoke, secret, body)

    assert reply.status == 400
    assert reply.body["error"]["code"] == code
    assert invoke.table() == before
    assert len(invoke.cognito_users()) == 1


def test_unknown_links_are_400(invoke: Lambda) -> None:
    preview = invoke("InvitationsFunction", event("invitation_preview", path_parameters={"token": "nope"}))
    accepted = accept(invoke, "nope")

    assert preview.status == accepted.status == 400
    assert preview.body["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "role": "member"}, "body.email"),
        ({"email": "ben@example.com", "role": "owner"}, "body.role"),
        ({"role": "member"}, "body.email"),
    ],
)
def test_a_bad_invitation_is_422_and_nothing_is_written(invoke: Lambda, body: dict, field: str) -> None:
    admin, tenant_id = signed_up(invoke)
    before = invoke.table()

    reply = invoke(
        "InvitationsFunction",
        event(
            "invitation_create",
            claims=admin,
            path_parameters={"tenantId": tenant_id},
            body=body,
            headers=NO_KEY,
        ),
    )

    assert reply.status == 422
    assert field in [p["field"] for p in reply.body["error"]["details"]]
    assert invoke.table() == before
    assert invoke.mails("ben@example.com") == []


def test_invitations_are_throttled_per_address_and_per_tenant(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_INVITATIONS_PER_ADDRESS", "2")
    monkeypatch.setenv("KONTOR_INVITATIONS_PER_TENANT", "3")
    settings.cache_clear()
    admin, tenant_id = signed_up(invoke)
    first = invite(invoke, admin, tenant_id, "ben@example.com").body
    ids = {"tenantId": tenant_id, "invitationId": first["id"]}
    assert (
        invoke("InvitationsFunction", event("invitation_resend", claims=admin, path_parameters=ids)).status
        == 200
    )

    per_address = invoke("InvitationsFunction", event("invitation_resend", claims=admin, path_parameters=ids))
    assert invite(invoke, admin, tenant_id, "carla@example.com").status == 201
    per_tenant = invite(invoke, admin, tenant_id, "dora@example.com")

    assert per_address.status == per_tenant.status == 429
    assert per_address.body["error"]["code"] == per_tenant.body["error"]["code"] == "too_many_invitations"
    assert "address" in per_address.body["error"]["message"]
    assert "tenant" in per_tenant.body["error"]["message"]
    assert len(invoke.mails("ben@example.com")) == 2
    assert invoke.mails("dora@example.com") == []
    assert not [i for i in invoke.table() if i.get("email", {}).get("S") == "dora@example.com"]


# ------------------------------------------------------------------ members and roles
def test_members_are_listed_with_a_cursor(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    for n in range(3):
        joined(invoke, admin, tenant_id, f"p{n}@example.com", "member")

    first = invoke(
        "MembersFunction", event("members_list", claims=admin, path_parameters={"tenantId": tenant_id})
    )
    assert first.status == 200
    assert len(first.body["items"]) == 4
    assert first.body["next_cursor"] is None

    ids = {"tenantId": tenant_id}
    one = invoke(
        "MembersFunction", event("members_list", claims=admin, path_parameters=ids, query={"limit": "3"})
    )
    cursor = one.body["next_cursor"]
    two = invoke(
        "MembersFunction",
        event("members_list", claims=admin, path_parameters=ids, query={"limit": "3", "cursor": cursor}),
    )

    assert len(one.body["items"]) == 3
    assert len(two.body["items"]) == 1
    assert {m["user_id"] for m in one.body["items"] + two.body["items"]} == {
        m["user_id"] for m in first.body["items"]
    }
    assert one.calls == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1, "dynamodb.Query": 1}


def test_a_cursor_of_another_tenant_is_refused(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    other, other_tenant = signed_up(invoke, "eve@example.com", "Eve")
    joined(invoke, other, other_tenant, "p@example.com", "member")
    theirs = event(
        "members_list", claims=other, path_parameters={"tenantId": other_tenant}, query={"limit": "1"}
    )
    foreign_cursor = invoke("MembersFunction", theirs).body["next_cursor"]
    assert foreign_cursor

    mine = event(
        "members_list",
        claims=admin,
        path_parameters={"tenantId": tenant_id},
        query={"cursor": foreign_cursor},
    )
    reply = invoke("MembersFunction", mine)

    assert reply.status == 400
    assert reply.body["error"]["code"] == "invalid_cursor"


def test_an_admin_changes_roles_and_the_last_admin_stays(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    ben = joined(invoke, admin, tenant_id, "ben@example.com", "member")

    promoted = change_role(invoke, admin, tenant_id, ben["sub"], "admin")
    assert promoted.status == 200
    assert promoted.body["role"] == "admin"
    assert admin_count(invoke, tenant_id) == 2
    assert change_role(invoke, ben, tenant_id, admin["sub"], "viewer").status == 200
    assert admin_count(invoke, tenant_id) == 1
    before = invoke.table()

    demote_last = change_role(invoke, ben, tenant_id, ben["sub"], "member")
    remove_last = remove(invoke, ben, tenant_id, ben["sub"])

    assert demote_last.status == remove_last.status == 409
    assert demote_last.body["error"]["code"] == remove_last.body["error"]["code"] == "last_admin"
    assert invoke.table() == before


def test_members_and_viewers_cannot_manage_members(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    member = joined(invoke, admin, tenant_id, "m@example.com", "member")
    viewer = joined(invoke, admin, tenant_id, "v@example.com", "viewer")
    before = invoke.table()

    for caller in (member, viewer):
        assert change_role(invoke, caller, tenant_id, caller["sub"], "admin").status == 403
        refused = remove(invoke, caller, tenant_id, admin["sub"])
        assert refused.status == 403
        assert refused.body["error"]["code"] == "forbidden"
    assert invoke.table() == before


def test_anyone_may_leave_and_loses_access_at_once(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    viewer = joined(invoke, admin, tenant_id, "v@example.com", "viewer")
    assert members_of(invoke, viewer, tenant_id).status == 200

    left = remove(invoke, viewer, tenant_id, viewer["sub"])

    assert left.status == 204
    assert members_of(invoke, viewer, tenant_id).status == 404
    actions = [i["action"]["S"] for i in invoke.table() if i["sk"]["S"].startswith("AUDIT#")]
    assert "member.left" in actions


def test_an_admin_removes_a_member(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    ben = joined(invoke, admin, tenant_id, "ben@example.com", "member")

    assert remove(invoke, admin, tenant_id, ben["sub"]).status == 204
    assert members_of(invoke, ben, tenant_id).status == 404
    gone = remove(invoke, admin, tenant_id, ben["sub"])
    assert gone.status == 404
    assert gone.body["error"]["code"] == "member_not_found"


def test_every_membership_and_invitation_change_is_audited(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    ben = joined(invoke, admin, tenant_id, "ben@example.com", "member")
    change_role(invoke, admin, tenant_id, ben["sub"], "viewer")
    remove(invoke, admin, tenant_id, ben["sub"])

    entries = [
        i
        for i in invoke.table()
        if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith("AUDIT#")
    ]
    assert [e["action"]["S"] for e in entries] == [
        "tenant.created",
        "invitation.created",
        "invitation.accepted",
        "member.role_changed",
        "member.removed",
    ]
    assert {e["actor_id"]["S"] for e in entries[3:]} == {admin["sub"]}
    assert all("ttl" in e for e in entries)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests read the memberships before either writes: the transaction's condition on the
    tenant's admin count lets exactly one through."""
    from accounts import members, store
    from kontor.access import Access, Caller, Role

    admin, tenant_id = signed_up(invoke)
    ben = joined(invoke, admin, tenant_id, "ben@example.com", "admin")
    both_read = threading.Barrier(2)
    original_get = store.members.get

    def get_then_wait(tenant: str, user_id: str):
        member = original_get(tenant, user_id)
        both_read.wait(timeout=10)
        return member

    monkeypatch.setattr(store.members, "get", get_then_wait)
    outcomes: list[str] = []

    def demote(actor: dict, target: dict) -> None:
        context = Access(tenant_id, Caller(actor["sub"], actor["email"]), Role.ADMIN, "member")
        try:
            members.change_role(context, target["sub"], Role.MEMBER)
            outcomes.append("changed")
        except Conflict as conflict:
            outcomes.append(conflict.code)

    threads = [threading.Thread(target=demote, args=pair) for pair in ((admin, ben), (ben, admin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["changed", "last_admin"]
    assert admin_count(invoke, tenant_id) == 1
    roles = [i["role"]["S"] for i in invoke.table() if i["sk"]["S"].startswith("MEMBER#")]
    assert sorted(roles) == ["admin", "member"]


def test_one_tenant_using_up_an_addresss_invitations_leaves_other_tenants_free(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_INVITATIONS_PER_ADDRESS", "1")
    settings.cache_clear()
    first_admin, first = signed_up(invoke)
    second_admin, second = signed_up(invoke, email="bea@example.com", tenant="Zweite GmbH")
    invitation = invite(invoke, first_admin, first, "ben@example.com").body
    ids = {"tenantId": first, "invitationId": invitation["id"]}

    again = invoke("InvitationsFunction", event("invitation_resend", claims=first_admin, path_parameters=ids))
    elsewhere = invite(invoke, second_admin, second, "ben@example.com")

    assert (again.status, again.body["error"]["code"]) == (429, "too_many_invitations")
    assert elsewhere.status == 201, elsewhere.body


def test_invitation_mails_quote_names_as_text_under_a_fixed_subject(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke, tenant="Gewinn bei www.evil.example")

    assert invite(invoke, admin, tenant_id, "ben@example.com").status == 201

    [sent] = invoke.mails("ben@example.com")
    assert sent.subject == "Your invitation to Gewinn bei www evil example on Kontor"
    assert "www.evil.example" not in sent.body


def test_a_login_creates_tenants_up_to_its_quota(invoke: Lambda, monkeypatch: pytest.MonkeyPatch) -> None:
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_TENANTS_PER_USER", "2")
    settings.cache_clear()
    claims, _ = signed_up(invoke)  # the first tenant counts

    def create(name: str):
        sent = event("tenant_create", claims=claims, body={"name": name}, headers=NO_KEY)
        return invoke("AdditionalAccountFunction", sent)

    second = create("Zweitfirma")
    before = invoke.table()
    third = create("Drittfirma")

    assert second.status == 201
    assert third.status == 409
    assert third.body["error"]["code"] == "quota_exceeded"
    assert third.body["error"]["details"] == {"quota": "tenants_per_user", "limit": 2}
    assert invoke.table() == before
