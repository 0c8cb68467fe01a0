"""The mail outbox: a mail is written with the change that causes it; when SES fails the request
still succeeds, and the platform's `mail.send` job sends the mail later, with retries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.conftest import FUNCTIONS
from tests.integration.conftest import Lambda
from tests.support import EVENTS, SIGNUP, event, link_token


class SesDown(Exception):
    pass


def ses_down(*_: Any, **__: Any) -> None:
    raise SesDown("Service unavailable")


def outbox_items(invoke: Lambda) -> list[dict[str, Any]]:
    return [item for item in invoke.table() if item["pk"]["S"].startswith("OUTBOX#")]


def run_outbox_job(invoke: Lambda) -> dict[str, Any]:
    """The schedule's dispatcher, then the worker on every message it queued."""
    result, calls = FUNCTIONS.invoke("PlatformDispatcherFunction", {"job": "mail.send"})
    sqs = boto3.client("sqs")
    url = invoke.stack.refs["PlatformQueue"]
    sample = json.loads((EVENTS / "maintenance_announce_work.json").read_text())["Records"][0]
    failed = 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        records = [{**sample, "messageId": m["MessageId"], "body": m["Body"]} for m in messages]
        worked, _ = FUNCTIONS.invoke("PlatformWorkerFunction", {"Records": records})
        failed += len(worked["batchItemFailures"])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return {"dispatched": result["dispatched"], "calls": calls, "failed": failed}


def test_a_signup_whose_mail_ses_refuses_succeeds_and_the_outbox_sends_it_later(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor import clock, mail

    # Given SES refusing every mail
    working = mail.send
    monkeypatch.setattr(mail, "send", ses_down)

    # When someone signs up
    reply = invoke("SignupFunction", event("signup", body=SIGNUP, headers={"Idempotency-Key": None}))

    # Then the signup succeeded, and its mail waits in the outbox, not yet due
    assert reply.status == 202, reply.body
    [waiting] = outbox_items(invoke)
    assert waiting["to"]["L"] == [{"S": SIGNUP["email"]}]
    assert "token=" in waiting["text"]["S"] and invoke.mails() == []
    assert run_outbox_job(invoke)["dispatched"] == 0

    # When SES still fails at the job's first attempt, the mail stays and is tried later again
    clock.advance(timedelta(minutes=3))
    assert run_outbox_job(invoke)["dispatched"] == 1
    [still] = outbox_items(invoke)
    assert still["attempts"]["N"] == "1" and still["last_error"]["S"] == "SesDown"
    assert run_outbox_job(invoke)["dispatched"] == 0  # not due again before its pause

    # When SES is back and the pause is over, the job sends it, once, and the outbox is empty
    monkeypatch.setattr(mail, "send", working)
    clock.advance(timedelta(minutes=5))
    assert run_outbox_job(invoke) == {
        "dispatched": 1,
        "calls": {"dynamodb.Query": 8, "sqs.SendMessageBatch": 1},
        "failed": 0,
    }
    assert outbox_items(invoke) == []
    [sent] = invoke.mails(SIGNUP["email"])
    secret = link_token(sent.body)
    verify = {"token": secret, "password": SIGNUP["password"]}
    assert invoke("SignupFunction", event("signup_verify", body=verify)).status == 200
    assert run_outbox_job(invoke)["dispatched"] == 0


def test_a_mail_ses_takes_at_once_leaves_nothing_in_the_outbox(invoke: Lambda) -> None:
    reply = invoke("SignupFunction", event("signup", body=SIGNUP, headers={"Idempotency-Key": None}))

    assert reply.status == 202
    assert outbox_items(invoke) == [] and len(invoke.mails(SIGNUP["email"])) == 1


def test_a_signup_for_a_known_address_leaves_no_mail_in_the_outbox(invoke: Lambda) -> None:
    assert (
        invoke("SignupFunction", event("signup", body=SIGNUP, headers={"Idempotency-Key": None})).status
        == 202
    )
    again = invoke("SignupFunction", event("signup", body=SIGNUP, headers={"Idempotency-Key": None}))

    # The same answer as a new address gets; the owner is told instead of a second verification.
    assert again.status == 202
    assert outbox_items(invoke) == []
    assert [m.subject for m in invoke.mails(SIGNUP["email"])][-1] == "Ihr Kontor-Zugang"


def _tenant_of(invoke: Lambda, email: str) -> str:
    """The tenant a signup created for `email` (signup answers no ids)."""
    table = invoke.table()
    [claim] = [i for i in table if i["pk"]["S"] == f"EMAIL#{email}"]
    user_id = claim["user_id"]["S"]
    [membership] = [i for i in table if i["sk"]["S"] == f"MEMBER#{user_id}"]
    return membership["tenant_id"]["S"]


def test_system_mails_reach_each_admin_in_their_language_as_text_and_html(invoke: Lambda) -> None:
    from kontor import system_mail

    english = {**SIGNUP, "email": "en@example.com", "language": "en"}
    signed = invoke("SignupFunction", event("signup", body=english, headers={"Idempotency-Key": None}))
    german = invoke(
        "SignupFunction",
        event("signup", body={**SIGNUP, "email": "de@example.com"}, headers={"Idempotency-Key": None}),
    )
    message = system_mail.Message(
        subject={"de": "Störung", "en": "Outage"},
        paragraphs={"de": ["Kontor ist <gestört>."], "en": ["Kontor is <down>."]},
    )

    assert signed.status == german.status == 202
    system_mail.send_to_admins(_tenant_of(invoke, "en@example.com"), message)
    system_mail.send_to_admins(_tenant_of(invoke, "de@example.com"), message)

    [en] = [m for m in invoke.mails("en@example.com") if m.subject == "Outage"]
    [de] = [m for m in invoke.mails("de@example.com") if m.subject == "Störung"]
    assert "Kontor is &lt;down&gt;." in en.body and '<html lang="en">' in en.body
    assert "Kontor ist &lt;gestört&gt;." in de.body and '<html lang="de">' in de.body
    assert [m.subject for m in invoke.mails("en@example.com") if "Confirm" in m.subject] == [
        "Confirm your email address for Kontor"
    ]
    assert outbox_items(invoke) == []
