"""Error reports on the local stack: a member drafts and sends one with the request id an error
showed; support receives it with the tenant, the reporter and the request id; an operator finds it
newest first and answers; the answer reaches the reporter by mail and on the report."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Account, Api

REPORT = {
    "subject": "Speichern schlägt fehl",
    "description": "Beim Speichern eines Kontakts erscheint ein Fehler.",
    "steps": "1. Kontakt öffnen\n2. Speichern",
    "severity": "high",
    "app_version": "2026.11.2",
}


@pytest.fixture(scope="module")
def operator(local_stack: Api) -> Account:
    return local_stack.operator()


def support_address(api: Api) -> str:
    return api.call("GET", "/config").body["support"]["email"]


def test_a_member_sends_a_report_that_support_receives_with_the_request_id_and_answers(
    api: Api, operator: Account
) -> None:
    # Given a member who just met an error (its request id)
    admin = api.new_account("Fehler GmbH")
    member = api.join(admin, "member")
    failed = api.call(
        "GET", f"/tenants/{admin.tenant_id}/contacts/01kf3wb2c3d4e5f6g7h8j9k0m1", token=member.token
    )
    request_id = failed.body["error"]["request_id"]
    reports = f"/tenants/{admin.tenant_id}/error-reports"

    # When they draft a report, correct it and send it
    draft = api.call("POST", reports, token=member.token, json_body={**REPORT, "request_id": request_id})
    assert draft.status == 201, draft.body
    assert draft.body["state"] == "draft" and draft.body["reporter_id"] == member.user_id
    path = f"{reports}/{draft.body['id']}"
    unconditional = api.call("PATCH", path, token=member.token, json_body={"severity": "critical"})
    etag = api.call("GET", path, token=member.token).headers["ETag"]
    changed = api.call(
        "PATCH", path, token=member.token, json_body={"severity": "critical"}, headers={"If-Match": etag}
    )
    stale = api.call(
        "PATCH", path, token=member.token, json_body={"severity": "low"}, headers={"If-Match": etag}
    )
    by_admin = api.call(
        "PATCH",
        path,
        token=admin.token,
        json_body={"severity": "low"},
        headers={"If-Match": changed.headers["ETag"]},
    )
    sent = api.call("POST", f"{path}/send", token=member.token)
    again = api.call("POST", f"{path}/send", token=member.token)
    late_change = api.call(
        "PATCH",
        path,
        token=member.token,
        json_body={"severity": "low"},
        headers={"If-Match": changed.headers["ETag"]},
    )

    # Then it is sent once; support got a mail with the tenant, the reporter and the request id
    assert (unconditional.status, unconditional.body["error"]["code"]) == (428, "precondition_required")
    assert changed.status == 200 and changed.body["severity"] == "critical"
    assert (stale.status, stale.body["error"]["code"]) == (412, "precondition_failed")
    assert (by_admin.status, by_admin.body["error"]["code"]) == (403, "not_reporter")
    assert sent.status == 200 and sent.body["state"] == "sent" and sent.body["sent_at"]
    assert (again.status, again.body["error"]["code"]) == (409, "already_sent")
    assert (late_change.status, late_change.body["error"]["code"]) == (409, "already_sent")
    [mail] = [m for m in api.outbox(support_address(api)) if request_id in m["subject"]]
    for expected in (
        admin.tenant_id,
        "Fehler GmbH",
        member.email,
        member.user_id,
        request_id,
        "critical",
        REPORT["steps"],
    ):
        assert expected in mail["text"], expected

    # And an operator finds it, newest first, by state and by tenant, and answers it
    newest = api.call("GET", "/operator/error-reports?limit=5", token=operator.token)
    of_tenant = api.call("GET", f"/operator/error-reports?tenant={admin.tenant_id}", token=operator.token)
    assert newest.status == 200, newest.body
    assert newest.body["items"][0]["id"] == draft.body["id"]
    assert [r["id"] for r in of_tenant.body["items"]] == [draft.body["id"]]
    answered = api.call(
        "POST",
        f"/operator/tenants/{admin.tenant_id}/error-reports/{draft.body['id']}/answer",
        token=operator.token,
        json_body={"answer": "Behoben, bitte neu laden."},
    )
    assert answered.status == 200, answered.body
    seen = api.call("GET", path, token=member.token).body
    assert seen["state"] == "answered" and seen["answer"] == "Behoben, bitte neu laden."
    assert any("Behoben, bitte neu laden." in m["text"] for m in api.outbox(member.email))
    assert draft.body["id"] in [
        r["id"]
        for r in api.call("GET", "/operator/error-reports?state=answered", token=operator.token).body["items"]
    ]
    assert draft.body["id"] not in [
        r["id"] for r in api.call("GET", "/operator/error-reports", token=operator.token).body["items"]
    ]


def test_a_report_over_20000_characters_or_without_a_subject_is_refused_and_nothing_is_written(
    api: Api,
) -> None:
    member = api.new_account("Lang GmbH")
    before = api.table()
    reports = f"/tenants/{member.tenant_id}/error-reports"

    too_long = api.call(
        "POST",
        reports,
        token=member.token,
        json_body={**REPORT, "description": "x" * 15_000, "steps": "y" * 5_000},
    )
    no_subject = api.call("POST", reports, token=member.token, json_body={**REPORT, "subject": ""})
    bad_request_id = api.call("POST", reports, token=member.token, json_body={**REPORT, "request_id": "a b"})

    assert (too_long.status, too_long.body["error"]["code"]) == (422, "report_too_long")
    assert (no_subject.status, bad_request_id.status) == (422, 422)
    assert api.table() == before


def test_viewers_cannot_report_and_an_outsider_sees_nothing(api: Api) -> None:
    admin = api.new_account("Sicht GmbH")
    viewer = api.join(admin, "viewer")
    outsider = api.new_account("Draußen GmbH")
    reports = f"/tenants/{admin.tenant_id}/error-reports"

    assert api.call("POST", reports, token=viewer.token, json_body=REPORT).status == 403
    assert api.call("GET", reports, token=outsider.token).status == 404
    assert api.call("GET", "/operator/error-reports", token=admin.token).status == 404


def test_config_names_the_support_contact(api: Api) -> None:
    config = api.call("GET", "/config").body

    assert config["support"] == {"email": "no-reply@kontor.example.com", "url": None}
