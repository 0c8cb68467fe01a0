"""Signup, verification and resending, through the signup function with events from events/."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import Lambda
from tests.support import EVENTS, SIGNUP, event, link_token

FN = "SignupFunction"
PASSWORD = SIGNUP["password"]


def signup(invoke: Lambda, headers: dict[str, str | None] | None = None, **changes: str):
    """POST /signup; without an Idempotency-Key unless the test sends one."""
    headers = headers or {"Idempotency-Key": None}
    return invoke(FN, event("signup", body={**SIGNUP, **changes}, headers=headers))


def kinds(table: list[dict]) -> list[str]:
    return sorted(f"{item['pk']['S'].split('#')[0]}:{item['sk']['S'].split('#')[0]}" for item in table)


def kept(table: list[dict]) -> list[dict]:
    """What a signup keeps, without the day's signup counter of the address."""
    return [item for item in table if not item["pk"]["S"].startswith("THROTTLE#")]


def test_signup_creates_identity_tenant_admin_and_sends_a_verification_link(invoke: Lambda) -> None:
    reply = signup(invoke, email="Anna@Example.COM")

    assert reply.status == 202, reply.body
    assert set(reply.body) == {"verification"}  # no ids: a known address gets the same answer
    assert reply.body["verification"]["sent_to"] == "anna@example.com"

    table = kept(invoke.table())
    [profile] = [i for i in table if i["sk"]["S"] == "PROFILE"]
    user = {"id": profile["id"]["S"], "email": profile["email"]["S"]}
    [tenant_row] = [i for i in table if i["sk"]["S"] == "TENANT"]
    tenant = {"id": tenant_row["id"]["S"], "name": tenant_row["name"]["S"]}
    assert user["email"] == "anna@example.com"
    assert profile["email_verified"]["BOOL"] is False
    assert tenant["name"] == "Schmidt GmbH"
    assert kinds(table) == [
        "EMAIL:EMAIL",
        "TENANT:AUDIT",
        *["TENANT:BILLING"] * 3,  # its own billing account, its place on it, its plan from now on
        "TENANT:MEMBER",
        *["TENANT:TEMPLATE"] * 3,  # the standard content of a STANDARD tenant
        *["TENANT:TEMPLATENAME"] * 3,
        "TENANT:TENANT",
        "TENANT:USAGE",  # the template counter (kontor.quotas), starting at the standard ones
        "TOKEN:TOKEN",
        "USER:PROFILE",
    ]
    membership = next(i for i in table if i["sk"]["S"].startswith("MEMBER#"))
    assert membership["pk"]["S"] == f"TENANT#{tenant['id']}"
    assert membership["role"]["S"] == "admin"
    assert membership["gsi1pk"]["S"] == f"USER#{user['id']}"

    [mail] = invoke.mails("anna@example.com")
    secret = link_token(mail.body)
    assert mail.body.count("http://localhost:5173/signup/verify?token=") == 1
    # Only the hash of the one-time secret is stored.
    assert secret not in str(table)
    [cognito_user] = invoke.cognito_users()
    assert cognito_user["Enabled"] is False


def test_cannot_sign_in_before_verifying_then_can(invoke: Lambda) -> None:
    signup(invoke)
    with pytest.raises(ClientError) as refused:
        invoke.sign_in(SIGNUP["email"], SIGNUP["password"])
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    secret = link_token(invoke.mails()[0].body)
    reply = invoke(FN, event("signup_verify", body={"token": secret, "password": PASSWORD}))

    assert reply.status == 200, reply.body
    assert reply.body["email_verified"] is True
    tokens = invoke.sign_in(SIGNUP["email"], SIGNUP["password"])["AuthenticationResult"]
    assert tokens["IdToken"]
    profile = next(i for i in invoke.table() if i["sk"]["S"] == "PROFILE")
    assert profile["email_verified"]["BOOL"] is True
    attributes = {a["Name"]: a["Value"] for a in invoke.cognito_users()[0]["Attributes"]}
    assert attributes["email_verified"] == "true"


def test_a_verification_link_works_once(invoke: Lambda) -> None:
    signup(invoke)
    secret = link_token(invoke.mails()[0].body)
    assert invoke(FN, event("signup_verify", body={"token": secret, "password": PASSWORD})).status == 200
    before = invoke.table()

    again = invoke(FN, event("signup_verify", body={"token": secret, "password": PASSWORD}))

    assert again.status == 410
    assert again.body["error"]["code"] == "token_used"
    assert kept(invoke.table()) == kept(before)


def test_an_expired_verification_link_is_refused(invoke: Lambda) -> None:
    from kontor import clock

    signup(invoke)
    secret = link_token(invoke.mails()[0].body)
    clock.advance(timedelta(hours=24, seconds=1))

    reply = invoke(FN, event("signup_verify", body={"token": secret, "password": PASSWORD}))

    assert reply.status == 410
    assert reply.body["error"]["code"] == "token_expired"
    assert invoke.cognito_users()[0]["Enabled"] is False


def test_an_unknown_verification_token_is_refused(invoke: Lambda) -> None:
    signup(invoke)
    before = invoke.table()

    reply = invoke(FN, event("signup_verify", body={"token": "not-a-token-we-sent", "password": PASSWORD}))

    assert reply.status == 400
    assert reply.body["error"]["code"] == "invalid_token"
    assert kept(invoke.table()) == kept(before)


def test_a_known_address_gets_the_answer_a_new_one_gets_and_its_owner_a_mail(invoke: Lambda) -> None:
    first = signup(invoke)
    secret = link_token(invoke.mails()[0].body)
    assert invoke(FN, event("signup_verify", body={"token": secret, "password": PASSWORD})).status == 200
    before = invoke.table()

    reply = signup(invoke, email="ANNA@example.com", tenant_name="Zweitfirma")

    # Same status, same shape: nothing tells the caller that the address has a login
    assert reply.status == first.status == 202
    assert reply.body.keys() == first.body.keys()
    assert reply.body["verification"].keys() == first.body["verification"].keys()
    assert reply.body["verification"]["sent_to"] == "anna@example.com"
    assert kept(invoke.table()) == kept(before)
    assert len(invoke.cognito_users()) == 1
    note = invoke.mails("anna@example.com")[-1]
    # in the owner's language (German, the signup's default), through the outbox, none left there
    assert note.subject == "Ihr Kontor-Zugang" and "bereits einen Kontor-Zugang" in note.body
    assert "token=" not in note.body


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-1A", "at least 12"),
        ("password1234", "Choose a stronger password"),
        ("aaaaaaaaaaaaaaaa", "Choose a stronger password"),
        ("anna-schmidt-2024", "email address, your name or the account name"),
        ("schmidtgmbh!!2024", "email address, your name or the account name"),
        (" velvet-otter-harbour-93", "start or end with a space"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason_and_nothing_is_written(
    invoke: Lambda, password: str, reason: str
) -> None:
    reply = signup(invoke, password=password)

    assert reply.status == 400
    assert reply.body["error"]["code"] == "weak_password"
    assert reason in reply.body["error"]["message"]
    assert invoke.table() == []
    assert invoke.cognito_users() == []
    assert invoke.mails() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in SIGNUP.items() if k != "email"}, "body.email"),
        ({**SIGNUP, "email": "not-an-email"}, "body.email"),
        ({**SIGNUP, "name": "   "}, "body.name"),
        ({**SIGNUP, "tenant_name": "x" * 121}, "body.tenant_name"),
        ({**SIGNUP, "password": "p" * 257}, "body.password"),
        ({**SIGNUP, "role": "admin"}, "body.role"),
    ],
)
def test_a_bad_body_gets_a_422_naming_the_field_and_nothing_is_written(
    invoke: Lambda, body: dict, field: str
) -> None:
    reply = invoke(FN, event("signup", body=body))

    assert reply.status == 422
    assert reply.body["error"]["code"] == "validation_error"
    assert field in [problem["field"] for problem in reply.body["error"]["details"]]
    assert SIGNUP["password"] not in str(reply.body)
    assert invoke.table() == []
    assert invoke.cognito_users() == []


def test_a_body_that_is_not_json_gets_a_422(invoke: Lambda) -> None:
    reply = invoke(FN, event("signup", raw_body="{not json"))

    assert reply.status == 422
    assert reply.body["error"]["code"] == "validation_error"
    assert invoke.table() == []


def test_a_retried_signup_with_the_same_key_answers_as_the_first(invoke: Lambda) -> None:
    first = signup(invoke, headers={"Idempotency-Key": "retry-1"})
    second = signup(invoke, headers={"Idempotency-Key": "retry-1"})

    assert first.status == second.status == 202
    assert second.body == first.body
    assert len(invoke.cognito_users()) == 1
    assert len(invoke.mails()) == 1
    tenants = [i for i in invoke.table() if i["sk"]["S"] == "TENANT"]
    assert len(tenants) == 1


def test_the_same_key_with_another_body_is_refused(invoke: Lambda) -> None:
    assert signup(invoke, headers={"Idempotency-Key": "retry-2"}).status == 202

    reply = signup(invoke, headers={"Idempotency-Key": "retry-2"}, tenant_name="Andere GmbH")

    assert reply.status == 422
    assert reply.body["error"]["code"] == "idempotency_key_reused"
    assert len([i for i in invoke.table() if i["sk"]["S"] == "TENANT"]) == 1


def test_someone_reusing_a_public_key_with_another_password_gets_no_answer(invoke: Lambda) -> None:
    first = signup(invoke, headers={"Idempotency-Key": "shared-key"})

    # The same address and names, another password: not the same request, so not its answer.
    other = signup(invoke, headers={"Idempotency-Key": "shared-key"}, password="another-velvet-otter-77")

    assert first.status == 202
    assert (other.status, other.body["error"]["code"]) == (422, "idempotency_key_reused")
    assert "user" not in other.body
    stored = [i for i in invoke.table() if i["pk"]["S"].startswith("IDEMPOTENCY#")]
    assert stored and all("velvet" not in json.dumps(i) for i in stored)  # no password, not even hashed in


def test_a_malformed_idempotency_key_is_refused(invoke: Lambda) -> None:
    reply = signup(invoke, headers={"Idempotency-Key": "x" * 300})

    assert reply.status == 400
    assert reply.body["error"]["code"] == "invalid_idempotency_key"
    assert invoke.table() == []
    assert invoke.cognito_users() == []


def test_if_storing_the_records_fails_the_identity_is_removed(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import users

    assert signup(invoke).status == 202
    before = invoke.table()
    # A second signup for the same address slips past the first check (a race): the claim in the
    # transaction stops it, the identity it created must go again, and the answer is a new one's.
    boto3.client("cognito-idp").admin_delete_user(
        UserPoolId=invoke.stack.refs["UserPool"], Username=SIGNUP["email"]
    )
    monkeypatch.setattr(users, "holder", lambda email: None)

    reply = signup(invoke, tenant_name="Zweitfirma")

    assert reply.status == 202, reply.body
    assert kept(invoke.table()) == kept(before)
    assert invoke.cognito_users() == []


def test_an_abandoned_identity_without_records_is_replaced(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import identity

    identity.create(SIGNUP["email"], "Half Made", "some-other-password-77", verified=False)
    monkeypatch.setattr(identity, "ABANDONED_AFTER", timedelta(0))

    reply = signup(invoke)

    assert reply.status == 202, reply.body
    [user] = invoke.cognito_users()
    claim = next(i for i in invoke.table() if i["sk"]["S"] == "EMAIL")
    sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    assert claim["user_id"]["S"] == sub


def test_a_young_identity_without_records_is_a_signup_in_flight(invoke: Lambda) -> None:
    from accounts.store import identity

    identity.create(SIGNUP["email"], "In Flight", "some-other-password-77", verified=False)

    reply = signup(invoke)

    assert reply.status == 409
    assert reply.body["error"]["code"] == "signup_in_progress"
    assert kept(invoke.table()) == []
    assert len(invoke.cognito_users()) == 1


def test_resend_replaces_the_link_and_the_old_one_stops_working(invoke: Lambda) -> None:
    from kontor import clock

    signup(invoke)
    old = link_token(invoke.mails()[0].body)
    clock.advance(timedelta(minutes=2))

    reply = invoke(FN, event("signup_resend", body={"email": "ANNA@example.com"}))

    assert reply.status == 202
    mails = invoke.mails("anna@example.com")
    assert len(mails) == 2
    new = link_token(mails[-1].body)
    assert new != old
    refused = invoke(FN, event("signup_verify", body={"token": old, "password": PASSWORD}))
    assert refused.status == 410
    assert refused.body["error"]["code"] == "token_revoked"
    assert invoke(FN, event("signup_verify", body={"token": new, "password": PASSWORD})).status == 200


def test_resend_is_throttled_and_silent_for_unknown_or_verified_addresses(invoke: Lambda) -> None:
    signup(invoke)

    soon = invoke(FN, event("signup_resend", body={"email": "anna@example.com"}))
    unknown = invoke(FN, event("signup_resend", body={"email": "nobody@example.com"}))

    assert soon.status == unknown.status == 202
    assert soon.body == unknown.body
    assert len(invoke.mails()) == 1  # only the signup's own mail


def test_resend_sends_at_most_a_few_links_a_day(invoke: Lambda) -> None:
    from kontor import clock
    from kontor.settings import settings

    signup(invoke)  # the first link
    for _ in range(settings().verification_resends_per_day + 2):
        clock.advance(timedelta(minutes=2))  # past the one-minute throttle every time
        assert invoke(FN, event("signup_resend", body={"email": "anna@example.com"})).status == 202

    assert len(invoke.mails("anna@example.com")) == 1 + settings().verification_resends_per_day


def test_an_unexpected_failure_answers_500_without_internals(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import users

    def broken(email: str) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(users, "holder", broken)

    reply = signup(invoke)

    assert reply.status == 500
    # The request id, and nothing else, lets support find what happened in the logs.
    request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"  # events/signup.json's requestContext
    assert reply.body == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side.",
            "request_id": request_id,
        }
    }
    assert reply.headers["X-Request-Id"] == [request_id]
    assert "X-Request-Id" in reply.headers["Access-Control-Expose-Headers"][0]
    assert kept(invoke.table()) == []


# ---------------------------------------------------------------- squatting and lost replies
OWNER_PASSWORD = "amber-lighthouse-gravel-41"


def _verify(invoke: Lambda, secret: str, password: str):
    return invoke(FN, event("signup_verify", body={"token": secret, "password": password}))


def test_an_unverified_signup_holds_the_address_for_a_day_then_the_owner_takes_it(invoke: Lambda) -> None:
    from kontor import clock

    # Given someone signed up with Anna's address and a password of their choosing
    assert signup(invoke, tenant_name="Fremde Firma").status == 202
    squatter_link = link_token(invoke.mails()[-1].body)
    held = invoke.table()

    # When Anna signs up within the day: the same answer, nothing changes, she is told by mail
    within = signup(invoke, password=OWNER_PASSWORD)
    assert within.status == 202, within.body
    assert kept(invoke.table()) == kept(held)
    assert "auf ihre Bestätigung wartet" in invoke.mails("anna@example.com")[-1].body

    # When she signs up after the hold: the unverified login, its records and its tenant are gone
    clock.advance(timedelta(hours=24, seconds=1))
    after = signup(invoke, password=OWNER_PASSWORD, tenant_name="Annas Firma")

    assert after.status == 202, after.body
    tenants = [i["name"]["S"] for i in invoke.table() if i["sk"]["S"] == "TENANT"]
    assert tenants == ["Annas Firma"]
    assert len(invoke.cognito_users()) == 1
    # The squatter's old link went with the released signup
    stale = _verify(invoke, squatter_link, PASSWORD)
    assert (stale.status, stale.body["error"]["code"]) == (400, "invalid_token")
    assert _verify(invoke, link_token(invoke.mails()[-1].body), OWNER_PASSWORD).status == 200
    assert invoke.sign_in(SIGNUP["email"], OWNER_PASSWORD)["AuthenticationResult"]["IdToken"]
    with pytest.raises(ClientError):
        invoke.sign_in(SIGNUP["email"], PASSWORD)


def test_verifying_sets_the_verifiers_password_not_the_signups(invoke: Lambda) -> None:
    # Given a signup with Anna's address by someone else, whose mail Anna receives and follows
    assert signup(invoke).status == 202

    reply = _verify(invoke, link_token(invoke.mails()[-1].body), OWNER_PASSWORD)

    # Then the login is Anna's: her password signs in, the one chosen at signup does not
    assert reply.status == 200, reply.body
    assert invoke.sign_in(SIGNUP["email"], OWNER_PASSWORD)["AuthenticationResult"]["IdToken"]
    with pytest.raises(ClientError) as refused:
        invoke.sign_in(SIGNUP["email"], PASSWORD)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_verifying_with_a_weak_password_changes_nothing(invoke: Lambda) -> None:
    assert signup(invoke).status == 202
    before = invoke.table()

    reply = _verify(invoke, link_token(invoke.mails()[-1].body), "password1234")

    assert (reply.status, reply.body["error"]["code"]) == (400, "weak_password")
    assert kept(invoke.table()) == kept(before)
    assert invoke.cognito_users()[0]["Enabled"] is False


def test_a_link_of_a_released_signup_does_not_enable_the_new_login(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import users
    from kontor import clock

    assert signup(invoke).status == 202
    old_link = link_token(invoke.mails()[-1].body)
    old_token = _token_of(invoke, old_link)
    clock.advance(timedelta(hours=24, seconds=1))
    assert signup(invoke, password=OWNER_PASSWORD).status == 202
    # The old link outlived its signup (say its expiry were longer than the hold)
    monkeypatch.setattr("kontor.tokens.check", lambda secret, purpose: old_token)
    assert users.holder(SIGNUP["email"]) is not None

    reply = _verify(invoke, old_link, PASSWORD)

    assert (reply.status, reply.body["error"]["code"]) == (410, "token_revoked")
    assert invoke.cognito_users()[0]["Enabled"] is False


def _token_of(invoke: Lambda, secret: str):
    from kontor import keys, tokens
    from kontor.models import TokenItem

    return TokenItem.get(keys.token_pk(tokens.digest(secret)), keys.TOKEN_SK)


def test_a_signup_whose_reply_was_lost_after_the_commit_is_kept(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import users
    from kontor import clock
    from tests.integration.test_outbox import run_outbox_job

    committed = users.create_signup

    def commit_then_lose_the_reply(*args, **kwargs):
        committed(*args, **kwargs)
        raise ConnectionError("the reply was lost")

    monkeypatch.setattr(users, "create_signup", commit_then_lose_the_reply)

    reply = signup(invoke)

    # The commit is found and kept: the login stays, its mail (committed in the outbox with it)
    # goes out with the outbox job, the address works
    assert reply.status == 202, reply.body
    assert len(invoke.cognito_users()) == 1
    clock.advance(timedelta(minutes=3))
    assert run_outbox_job(invoke)["dispatched"] == 1
    assert _verify(invoke, link_token(invoke.mails()[-1].body), PASSWORD).status == 200
    assert invoke.sign_in(SIGNUP["email"], PASSWORD)["AuthenticationResult"]["IdToken"]


def test_a_claim_without_a_login_is_healed(invoke: Lambda) -> None:
    from kontor import clock

    # Given records whose login is gone (an old compensation deleted it after a lost reply)
    assert signup(invoke).status == 202
    stranded_link = link_token(invoke.mails()[-1].body)
    boto3.client("cognito-idp").admin_delete_user(
        UserPoolId=invoke.stack.refs["UserPool"], Username=SIGNUP["email"]
    )

    # Its link answers a clear 410 and releases the records, instead of a 500
    stranded = _verify(invoke, stranded_link, PASSWORD)
    assert (stranded.status, stranded.body["error"]["code"]) == (410, "token_revoked")
    assert [i for i in invoke.table() if i["sk"]["S"] in ("EMAIL", "PROFILE", "TENANT")] == []

    # And a signup after such a loss takes the address again (here: once the loss is 5 minutes old)
    assert signup(invoke).status == 202
    boto3.client("cognito-idp").admin_delete_user(
        UserPoolId=invoke.stack.refs["UserPool"], Username=SIGNUP["email"]
    )
    clock.advance(timedelta(minutes=6))
    again = signup(invoke, tenant_name="Neu GmbH")
    assert again.status == 202
    assert [i["name"]["S"] for i in invoke.table() if i["sk"]["S"] == "TENANT"] == ["Neu GmbH"]
    assert _verify(invoke, link_token(invoke.mails()[-1].body), PASSWORD).status == 200


def test_an_address_starts_a_few_signups_a_day_known_or_not(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KONTOR_SIGNUPS_PER_ADDRESS", "2")
    from kontor.settings import settings

    settings.cache_clear()
    assert signup(invoke).status == 202
    assert signup(invoke).status == 202  # known now: the owner's note
    mails = len(invoke.mails())

    third = signup(invoke)

    assert third.status == 429
    assert third.body["error"]["code"] == "quota_exceeded"
    assert third.body["error"]["details"] == {
        "quota": "signups_per_address_per_day",
        "limit": 2,
        "per": "day",
    }
    assert len(invoke.mails()) == mails  # the owner's mailbox is not flooded
    settings.cache_clear()


def test_an_address_the_user_pool_refuses_is_a_422_and_nothing_is_written(invoke: Lambda) -> None:
    # Given an address the standard allows but the user pool does not take as a username
    # When someone signs up with it (found by the contract test: it answered 500)
    reply = signup(invoke, email="v}o^voev@example.net")

    # Then the answer names the address, and no login, row or mail exists
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_email"
    assert invoke.table() == []
    assert invoke.cognito_users() == []
    assert invoke.mails() == []


# ---------------------------------------------------------------- the release job
def _dispatch_release() -> dict:
    """The hourly schedule fires: the dispatcher queues the signups whose hold ended."""
    from tests.conftest import FUNCTIONS

    result, _ = FUNCTIONS.invoke(
        "AccountsDispatcherFunction", json.loads((EVENTS / "signup_release_schedule.json").read_text())
    )
    return result


def _work_release(invoke: Lambda):
    """The accounts' worker is handed the queued messages as SQS would (again at once if failed)."""
    from tests.integration.tenancy import run_queued

    boto3.client("sqs").set_queue_attributes(
        QueueUrl=invoke.stack.refs["AccountsQueue"], Attributes={"VisibilityTimeout": "0"}
    )
    return run_queued(invoke, "AccountsWorkerFunction", limit=1, queue="AccountsQueue")


def test_a_signup_verified_before_its_release_runs_keeps_everything(invoke: Lambda) -> None:
    from kontor import clock

    # Given a signup whose hold ended, already queued for release
    assert signup(invoke).status == 202
    clock.advance(timedelta(hours=24, seconds=1))
    assert _dispatch_release()["dispatched"] == 1
    # When its owner verifies the address (with a fresh link) before the worker gets the message
    invoke(FN, event("signup_resend", body={"email": SIGNUP["email"]}))
    assert _verify(invoke, link_token(invoke.mails()[-1].body), OWNER_PASSWORD).status == 200
    verified = kept(invoke.table())

    _work_release(invoke)

    # Then nothing is released, and no later run finds the signup again
    assert kept(invoke.table()) == verified
    assert invoke.sign_in(SIGNUP["email"], OWNER_PASSWORD)["AuthenticationResult"]["IdToken"]
    clock.advance(timedelta(days=2))
    assert _dispatch_release()["dispatched"] == 0


def test_a_release_that_failed_half_way_finishes_on_the_retry(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.store import identity
    from kontor import clock

    assert signup(invoke).status == 202
    clock.advance(timedelta(hours=24, seconds=1))
    real_delete = identity.delete
    failures = iter([RuntimeError("Cognito is unavailable")])

    def flaky(email: str) -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        real_delete(email)

    monkeypatch.setattr(identity, "delete", flaky)
    assert _dispatch_release()["dispatched"] == 1

    # The first delivery withdraws the link, then fails at the login: the message stays queued
    first = _work_release(invoke)
    assert first.failed == 1
    assert any(i["sk"]["S"] == "PROFILE" for i in kept(invoke.table()))

    # SQS delivers it again: the release finishes and nothing of the signup is left
    second = _work_release(invoke)

    assert second.failed == 0
    assert kept(invoke.table()) == []
    assert invoke.cognito_users() == []
