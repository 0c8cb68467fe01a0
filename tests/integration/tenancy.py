"""Test-only set-up of tenants and their people for the integration tests.

The invitation API lives on another branch: members and viewers are written straight into the
table as membership rows, the shape `kontor.context.resolve` reads.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.integration.conftest import Lambda
from tests.support import EVENTS, SIGNUP, claims_for, event, link_token


def signed_up(invoke: Lambda, **changes: str) -> tuple[dict[str, str], str]:
    """Sign up and verify through the signup function; the admin's claims and their tenant id."""
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


def add_member(tenant_id: str, role: str) -> dict[str, str]:
    """A user with `role` in the tenant (TEST ONLY: a membership row, no invitation)."""
    from kontor import keys
    from kontor.models import MembershipItem

    user_id = str(uuid.uuid4())
    email = f"{role}-{user_id[:8]}@example.org"
    MembershipItem(
        keys.tenant_pk(tenant_id),
        keys.member_sk(user_id),
        gsi1pk=keys.user_pk(user_id),
        gsi1sk=keys.tenant_pk(tenant_id),
        tenant_id=tenant_id,
        user_id=user_id,
        role=role,
        email=email,
        name=role.title(),
        joined_at="2026-11-23T09:00:00Z",
    ).save()
    return claims_for(user_id, email)


@dataclass
class Worked:
    jobs: list[str] = field(default_factory=list)
    failed: int = 0
    calls: Counter[str] = field(default_factory=Counter)


def run_queued(
    invoke: Lambda, function: str = "BackupWorkerFunction", *, limit: int = 100, queue: str = "BackupsQueue"
) -> Worked:
    """Hand every message on the work queue to the worker, as the SQS event source would (with the
    sample event's shape); messages the worker reports failed stay queued."""
    import boto3

    from tests.conftest import FUNCTIONS

    sqs = boto3.client("sqs")
    url = invoke.stack.refs[queue]
    sample = json.loads((EVENTS / "backup_work.json").read_text())["Records"][0]
    worked = Worked()
    for _ in range(limit):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5, AttributeNames=["All"]).get(
            "Messages", []
        )
        if not messages:
            break
        records = [
            {**sample, "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in messages
        ]
        result, calls = FUNCTIONS.invoke(function, {"Records": records})
        worked.calls.update(calls)
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        worked.failed += len(failed)
        for message in messages:
            try:
                worked.jobs.append(json.loads(message["Body"])["job"])
            except (ValueError, TypeError, KeyError):
                worked.jobs.append(message["Body"])
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if failed:
            break
    return worked


def run_until_dead_lettered(invoke: Lambda, *, rounds: int = 20) -> Worked:
    """Deliver the work queue's messages as SQS does when every failed delivery is retried at once:
    the queue's own redrive policy (maxReceiveCount, from template.yaml) moves a message that was
    received that often to the dead-letter queue. Each round is one delivery of what is visible."""
    import boto3

    sqs = boto3.client("sqs")
    url = invoke.stack.refs["BackupsQueue"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    worked = Worked()
    for _ in range(rounds):
        round_ = run_queued(invoke)
        worked.jobs += round_.jobs
        worked.failed += round_.failed
        worked.calls.update(round_.calls)
        if not round_.jobs:
            break
    return worked


def dead_lettered(invoke: Lambda) -> list[dict[str, Any]]:
    """The bodies of the messages on the work queue's dead-letter queue (left there)."""
    import boto3

    url = invoke.stack.refs["BackupsDeadLetterQueue"]
    found = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in found.get("Messages", [])]


def queued(invoke: Lambda) -> list[dict[str, Any]]:
    """The bodies of the messages waiting on the work queue (left there)."""
    import boto3

    sqs = boto3.client("sqs")
    url = invoke.stack.refs["BackupsQueue"]
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(m["Body"]) for m in found]
