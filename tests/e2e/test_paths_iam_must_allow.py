"""Paths that only a real AWS account would break: each makes a call the happy paths never make,
so the IAM check (test_iam.py) sees it. On moto they work whatever the role says."""

from __future__ import annotations

import json
import os
from itertools import count

import pytest
import requests

from local.template import load
from tests.e2e.conftest import PASSWORD, Api
from tests.support import link_token

_n = count()


def _stray_login(api: Api, email: str) -> None:
    """A login without Kontor's records: what a signup that crashed half-way leaves behind."""
    api.aws("cognito-idp").admin_create_user(
        UserPoolId=api.info["pool_id"],
        Username=email,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}],
    )


def test_a_signup_that_meets_a_young_stray_login_is_told_to_retry(api: Api) -> None:
    # Given a login left by a signup that is (as far as anyone can tell) still in flight
    email = f"stray{next(_n)}-{os.getpid()}@example.com"
    _stray_login(api, email)
    before = api.table()

    # When the address signs up
    reply = api.call(
        "POST",
        "/signup",
        json_body={"email": email, "password": PASSWORD, "name": "Streu", "tenant_name": "Streu KG"},
    )

    # Then the login's age was looked up (AdminGetUser), the answer says retry, nothing was written
    assert (reply.status, reply.body["error"]["code"]) == (409, "signup_in_progress")
    assert reply.calls.get("cognito-idp.AdminGetUser") == 1
    assert api.table() == before
    assert api.outbox(email) == []


def test_accepting_an_invitation_that_meets_a_young_stray_login_is_told_to_retry(api: Api) -> None:
    # Given an invitation to an address that has a stray login and no records
    admin = api.new_account("Einlader GmbH")
    email = f"stray-invitee{next(_n)}-{os.getpid()}@example.com"
    sent = api.call(
        "POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": email}
    )
    assert sent.status == 201, sent.body
    secret = link_token(api.outbox(email)[0]["text"])
    _stray_login(api, email)
    before = api.table()

    # When the invitee accepts as a new person
    reply = api.call("POST", f"/invitations/{secret}/accept", json_body={"name": "Neu", "password": PASSWORD})

    # Then the same: 409, the login's age was looked up, no membership was written
    assert (reply.status, reply.body["error"]["code"]) == (409, "signup_in_progress")
    assert reply.calls.get("cognito-idp.AdminGetUser") == 1
    assert api.table() == before


def test_confirming_a_logo_when_nothing_was_uploaded_is_not_found(api: Api) -> None:
    # Given an upload form that was never used
    admin = api.new_account("Leer GmbH")
    form = api.call(
        "POST",
        f"/tenants/{admin.tenant_id}/logo/upload",
        token=admin.token,
        json_body={"content_type": "image/png"},
    )
    assert form.status == 200, form.body
    before = api.table()

    # When the upload is confirmed
    reply = api.call(
        "POST",
        f"/tenants/{admin.tenant_id}/logo/confirm",
        token=admin.token,
        json_body={"upload_id": form.body["upload_id"]},
    )

    # Then 404 from S3's HeadObject (on AWS only with s3:ListBucket; else 403 and a 500 here)
    assert (reply.status, reply.body["error"]["code"]) == (404, "upload_not_found")
    assert reply.calls.get("s3.HeadObject") == 1
    assert api.table() == before


def test_a_tenant_with_a_logo_links_to_it_and_the_link_serves_it(api: Api) -> None:
    # Given a tenant whose logo was uploaded and confirmed
    from tests.integration.test_tenants import png

    admin = api.new_account("Bild GmbH")
    upload_id = api.upload_logo(admin, png(40, 40))
    confirmed = api.call(
        "POST",
        f"/tenants/{admin.tenant_id}/logo/confirm",
        token=admin.token,
        json_body={"upload_id": upload_id},
    )
    assert confirmed.status == 200, confirmed.body

    # When the tenant is read (TenantsFunction presigns the link with its own role)
    read = api.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token)

    # Then the link serves the PNG
    assert read.status == 200, read.body
    served = requests.get(read.body["display"]["logo_url"], timeout=10)
    assert served.status_code == 200
    assert served.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/tenants", {"name": "Schlüssel GmbH"}),
        ("/tenants/{tenant}/contacts", {"kind": "person", "name": "Schlüssel"}),
        (
            "/tenants/{tenant}/appointments",
            {"title": "Schlüssel", "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-01T10:00:00Z"},
        ),
    ],
)
def test_a_create_with_an_idempotency_key_completes_its_record_and_a_retry_replays_it(
    api: Api, path: str, body: dict[str, str]
) -> None:
    # Given an admin and a create request with an Idempotency-Key
    admin = api.new_account("Schlüssel GmbH")
    url = path.format(tenant=admin.tenant_id)
    key = {"Idempotency-Key": f"iam-{next(_n)}-{os.getpid()}"}

    # When it is sent twice
    first = api.call("POST", url, token=admin.token, json_body=body, headers=key)
    retry = api.call("POST", url, token=admin.token, json_body=body, headers=key)

    # Then the record was completed (UpdateItem; records also move the tenant's usage counter and
    # count the request against the tenant's rate) and the retry answers the same without a write
    assert first.status == retry.status == 201, first.body
    assert retry.body == first.body
    assert first.calls.get("dynamodb.UpdateItem") == (1 if path == "/tenants" else 3)
    assert "dynamodb.TransactWriteItems" not in retry.calls


def test_a_partner_reading_a_sub_tenants_company_profile_is_counted_on_its_audit_log(api: Api) -> None:
    # Given a partner and its sub-tenant, whose own admin reads the audit log
    partner = api.new_account("Profil Partner AG")
    sub = api.subtenant(partner, "Profil Kunde")
    owner = api.join(partner, "admin", tenant_id=sub)

    # When the partner reads the sub-tenant's company profile
    read = api.call("GET", f"/tenants/{sub}/company", token=partner.token)

    # Then the read is counted in the sub-tenant's audit log (an UpdateItem of the hour's entry)
    assert read.status == 200, read.body
    [entry] = api.call("GET", f"/tenants/{sub}/audit?action=partner.reads", token=owner.token).body["items"]
    assert entry["details"]["requests"] == 1


@pytest.mark.parametrize("consumer", load().queue_consumers, ids=lambda c: c.function)
def test_every_worker_moves_a_message_naming_no_job_it_knows_to_its_dead_letter_queue(
    api: Api, consumer
) -> None:
    # Given a message on the worker's queue that names no job of its context
    template = load()
    dead_letter = template.resources[consumer.queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]
    sqs = api.aws("sqs")
    urls = sqs.list_queues()["QueueUrls"]
    queue = next(u for u in urls if u.lower().endswith(consumer.queue.lower()))
    dead = next(u for u in urls if u.lower().endswith(dead_letter["Fn::GetAtt"][0].lower()))
    body = json.dumps({"job": "nobody.knows", "tenant_id": "01h00000000000000000000000", "n": next(_n)})
    sqs.send_message(QueueUrl=queue, MessageBody=body)

    # When the queues are delivered
    api.call("POST", "/_local/queues/drain")

    # Then it is in the dead-letter queue at once, not retried five times
    received = sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10).get("Messages", [])
    assert body in [m["Body"] for m in received]
