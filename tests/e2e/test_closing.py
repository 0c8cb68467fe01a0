"""Closing a tenant on the local stack: its admin closes it, it vanishes from `/me`, an operator
reopens it; closed again and 30 days later purged, nothing of it remains — no item, no object, no
object version — and every other tenant's items and objects are unchanged, byte for byte."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Account, Api
from tests.e2e.test_maintenance import advance


def memberships(api: Api, account: Account) -> list[str]:
    return [m["tenant_id"] for m in api.call("GET", "/me", token=account.token).body["memberships"]]


def close(api: Api, account: Account, tenant_id: str, name: str) -> Any:
    return api.call("DELETE", f"/tenants/{tenant_id}", token=account.token, json_body={"confirm_name": name})


def objects(api: Api) -> dict[str, list[tuple[str, str, str]]]:
    """Every object version and delete marker of every bucket: key, version id, ETag."""
    s3 = api.aws("s3")
    found: dict[str, list[tuple[str, str, str]]] = {}
    for bucket in (b["Name"] for b in s3.list_buckets()["Buckets"]):
        listed = s3.list_object_versions(Bucket=bucket)
        found[bucket] = sorted(
            [(v["Key"], v["VersionId"], v["ETag"]) for v in listed.get("Versions", [])]
            + [(m["Key"], m["VersionId"], "delete-marker") for m in listed.get("DeleteMarkers", [])]
        )
    return found


def belongs_to(item: dict[str, Any], tenant_ids: set[str]) -> bool:
    """Whether an item is one of these tenants' (its range, its place in ancestors, the records
    and counters keyed by it, its links)."""
    pk, sk = item["pk"]["S"], item["sk"]["S"]
    for tenant_id in tenant_ids:
        if pk == f"TENANT#{tenant_id}" or pk.startswith(f"TENANT#{tenant_id}#"):
            return True
        if sk == f"DESCENDANT#{tenant_id}":
            return True
        if pk.startswith((f"IDEMPOTENCY#TENANT#{tenant_id}#", f"THROTTLE#tenant#{tenant_id}")):
            return True
        if pk.startswith(f"THROTTLE#address#{tenant_id}/"):
            return True
        if pk.startswith("TOKEN#") and item.get("tenant_id", {}).get("S") == tenant_id:
            return True
    return False


def due_purges(items: list[dict[str, Any]], now: str) -> set[str]:
    return {
        item["pk"]["S"].removeprefix("TENANT#")
        for item in items
        if item["sk"]["S"] == "PURGE" and item["purge_at"]["S"] <= now
    }


@pytest.fixture(scope="module")
def operator(local_stack: Api) -> Account:
    return local_stack.operator()


def test_close_reopen_close_and_purge_leaves_nothing_of_it_and_every_other_tenant_as_it_was(
    api: Api, operator: Account
) -> None:
    # Given a partner with a sub-tenant that has its own admin, a member, records, a logo, backups
    # (with an old object version), a pending invitation and an idempotency record
    partner = api.new_account("Schließ Partner AG")
    sub = api.subtenant(partner, "Schließ Kunde")
    owner = api.join(partner, "admin", tenant_id=sub)
    member = api.join(owner, "member", tenant_id=sub)
    base = f"/tenants/{sub}"
    for name in ("Erika", "Max"):
        made = api.call(
            "POST",
            f"{base}/contacts",
            token=partner.token,
            json_body={"kind": "person", "name": name},
            headers={"Idempotency-Key": f"close-{name}"},
        )
        assert made.status == 201, made.body
    confirmed = api.call(
        "POST",
        f"{base}/logo/confirm",
        token=owner.token,
        json_body={"upload_id": api.upload_logo(owner, _png())},
    )
    assert confirmed.status == 200, confirmed.body
    backups = []
    for _ in range(2):
        made = api.call("POST", f"{base}/backups", token=owner.token, json_body={})
        assert made.status == 202, made.body
        api.call("POST", "/_local/queues/drain")
        backups.append(made.body["id"])
    assert api.call("DELETE", f"{base}/backups/{backups[0]}", token=owner.token).status in (202, 204)
    api.call("POST", "/_local/queues/drain")
    invited = api.call(
        "POST", f"{base}/invitations", token=owner.token, json_body={"email": "offen@example.com"}
    )
    assert invited.status == 201, invited.body
    other = api.new_account("Unbeteiligt GmbH")
    api.call(
        "POST",
        f"/tenants/{other.tenant_id}/contacts",
        token=other.token,
        json_body={"kind": "person", "name": "Bleibt"},
    )

    # A partner with an open sub-tenant cannot close; a wrong name closes nothing
    assert (
        close(api, partner, partner.tenant_id, "Schließ Partner AG").body["error"]["code"] == "has_subtenants"
    )
    wrong = close(api, owner, sub, "Schliess Kunde")
    assert (wrong.status, wrong.body["error"]["code"]) == (422, "confirm_name_mismatch")
    assert sub in memberships(api, member)

    # When its admin closes it
    closed = close(api, owner, sub, "Schließ Kunde")

    # Then it is closed, gone from /me and from every route, and its admins were mailed
    assert closed.status == 200, closed.body
    assert closed.body["status"] == "closed" and closed.body["purge_at"] > closed.body["closed_at"]
    assert sub not in memberships(api, member) and sub not in memberships(api, owner)
    assert api.call("GET", base, token=owner.token).status == 404
    assert api.call("GET", f"/tenants/{partner.tenant_id}/subtenants", token=partner.token).status == 200
    mails = [m for m in api.outbox(owner.email) if m["subject"] == "Mandant geschlossen"]
    assert len(mails) == 1 and "Schließ Kunde" in mails[0]["text"]
    assert [m for m in api.outbox(member.email) if "geschlossen" in m["subject"]] == []

    # When an operator reopens it, it is back, and the reopening is on its record
    reopened = api.call(
        "POST", f"/operator/tenants/{sub}/reopen", token=operator.token, json_body={"reason": "Versehen"}
    )
    assert reopened.status == 200, reopened.body
    assert reopened.body["status"] == "active" and reopened.body["closed_at"] is None
    assert sub in memberships(api, member)
    entries = api.call("GET", f"{base}/audit?action=tenant.reopened", token=owner.token).body["items"]
    assert [(e["actor_id"], e["actor_via"]) for e in entries] == [(operator.user_id, "operator")]
    again = api.call("POST", f"/operator/tenants/{sub}/reopen", token=operator.token, json_body={})
    assert (again.status, again.body["error"]["code"]) == (409, "not_reopenable")

    # When it is closed again and 30 days pass, the purge removes it
    assert close(api, owner, sub, "Schließ Kunde").status == 200
    items_before, objects_before = api.table(), objects(api)
    partner_row = next(
        i for i in items_before if i["pk"]["S"] == f"TENANT#{partner.tenant_id}" and i["sk"]["S"] == "TENANT"
    )
    assert any(
        key.startswith(f"tenants/{sub}/") for versions in objects_before.values() for key, _, _ in versions
    )
    assert any(belongs_to(i, {sub}) and i["pk"]["S"].startswith("IDEMPOTENCY#") for i in items_before)
    advance(api, timedelta(days=29))
    early = api.call("POST", "/_local/schedules/PurgeSchedule").body
    assert sub in {i["pk"]["S"].removeprefix("TENANT#") for i in api.table() if i["sk"]["S"] == "TENANT"}
    advance(api, timedelta(days=1, hours=1))
    late_reopen = api.call("POST", f"/operator/tenants/{sub}/reopen", token=operator.token, json_body={})
    now = api.call("GET", "/_local/clock").body["now"]
    purged = due_purges(items_before, now)
    assert sub in purged
    fired = api.call("POST", "/_local/schedules/PurgeSchedule").body

    # Then nothing of it is left, and everything else is as it was, byte for byte
    assert early["result"]["dispatched"] == 0
    assert (late_reopen.status, late_reopen.body["error"]["code"]) == (409, "reopen_expired")
    assert fired["result"]["dispatched"] >= 1
    items_after, objects_after = api.table(), objects(api)
    assert [i for i in items_after if belongs_to(i, {sub})] == []
    assert not any(
        key.startswith(f"tenants/{sub}/") for versions in objects_after.values() for key, _, _ in versions
    )
    expected = [i for i in items_before if not belongs_to(i, purged) and i != partner_row]
    new_partner_row = next(
        i for i in items_after if i["pk"]["S"] == f"TENANT#{partner.tenant_id}" and i["sk"]["S"] == "TENANT"
    )
    assert [i for i in items_after if i != new_partner_row] == expected
    assert int(new_partner_row["subtenant_count"]["N"]) == int(partner_row["subtenant_count"]["N"]) - 1
    assert {k: v for k, v in new_partner_row.items() if k != "subtenant_count"} == {
        k: v for k, v in partner_row.items() if k != "subtenant_count"
    }
    assert {
        bucket: [
            v
            for v in versions
            if not any(v[0].startswith(f"{p}tenants/{t}/") for t in purged for p in ("", "uploads/"))
        ]
        for bucket, versions in objects_before.items()
    } == objects_after
    # its people keep their logins and their other tenants
    assert memberships(api, owner) == [] and partner.tenant_id in memberships(api, partner)
    assert (
        api.call("GET", f"/tenants/{other.tenant_id}/contacts", token=other.token).body["items"][0]["name"]
        == "Bleibt"
    )


def test_closing_needs_an_admin_and_a_tenant_that_is_not_being_restored(api: Api) -> None:
    admin = api.new_account("Nicht Schließen GmbH")
    viewer = api.join(admin, "viewer")
    made = api.call("POST", f"/tenants/{admin.tenant_id}/backups", token=admin.token, json_body={})
    api.call("POST", "/_local/queues/drain")
    before = api.table()

    by_viewer = close(api, viewer, admin.tenant_id, "Nicht Schließen GmbH")
    restoring = api.call(
        "POST", f"/tenants/{admin.tenant_id}/backups/{made.body['id']}/restore", token=admin.token
    )
    assert restoring.status == 202, restoring.body
    during_restore = close(api, admin, admin.tenant_id, "Nicht Schließen GmbH")

    assert (by_viewer.status, by_viewer.body["error"]["code"]) == (403, "forbidden")
    assert (during_restore.status, during_restore.body["error"]["code"]) == (409, "tenant_restoring")
    assert by_viewer.body["error"]["request_id"] and before
    row = next(
        i for i in api.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}" and i["sk"]["S"] == "TENANT"
    )
    assert row["status"]["S"] == "active" and "closed_at" not in row
    assert not [
        i for i in api.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}" and i["sk"]["S"] == "PURGE"
    ]
    api.call("POST", "/_local/queues/drain")


def _png() -> bytes:
    from tests.e2e.test_call_budget import _png as png

    return png()


def test_an_operator_closing_a_tenant_takes_the_admins_path_and_is_reversible_the_same_way(
    api: Api, operator: Account
) -> None:
    # Given a tenant with two admins, one reading English, suspended by an operator
    owner = api.new_account("Betreiber Schluss GmbH")
    second = api.join(owner, "admin")
    english = api.call("PUT", "/me/language", token=second.token, json_body={"language": "en"})
    assert english.status == 200 and english.body["language"] == "en", english.body
    me = api.call("GET", "/me", token=second.token).body["user"]
    assert me["language"] == "en"
    refused = api.call("PUT", "/me/language", token=second.token, json_body={"language": "fr"})
    assert (refused.status, refused.body["error"]["code"]) == (422, "validation_error")
    status = f"/operator/tenants/{owner.tenant_id}/status"
    suspended = api.call(
        "PUT", status, token=operator.token, json_body={"status": "suspended", "reason": "Rechnung offen"}
    )
    assert suspended.status == 200, suspended.body

    # When an operator sets its status to closed
    closed = api.call(
        "PUT", status, token=operator.token, json_body={"status": "closed", "reason": "Kündigung"}
    )

    # Then it is closed as its admin would close it: the purge is due after 30 days, every admin
    # got the closing mail, and the audit log names the operator and the reason
    assert closed.status == 200, closed.body
    assert closed.body["status"] == "closed" and closed.body["closed_at"]
    assert owner.tenant_id not in memberships(api, owner)
    items = api.table()
    [marker] = [i for i in items if i["pk"]["S"] == f"TENANT#{owner.tenant_id}" and i["sk"]["S"] == "PURGE"]
    purge_at = marker["purge_at"]["S"]
    assert marker["due_sk"]["S"].startswith(purge_at) and marker["due_pk"]["S"].startswith("DUE#PURGE#")
    assert purge_at[:10] == _days_after(closed.body["closed_at"], 30)
    for admin, subject in ((owner, "Mandant geschlossen"), (second, "Tenant closed")):
        mails = [m for m in api.outbox(admin.email) if m["subject"] == subject]
        assert len(mails) == 1 and "Betreiber Schluss GmbH" in mails[0]["text"]
    assert not [i for i in items if i["pk"]["S"].startswith("OUTBOX#")]  # sent, not left behind
    [entry] = [
        i
        for i in items
        if i["pk"]["S"] == f"TENANT#{owner.tenant_id}"
        and i["sk"]["S"].startswith("AUDIT#")
        and i["action"]["S"] == "tenant.closed"
    ]
    assert (entry["actor_id"]["S"], entry["actor_via"]["S"]) == (operator.user_id, "operator")
    assert entry["details"]["M"]["reason"]["S"] == "Kündigung"

    # When the operator sets it active again, it is reopened: back, its purge called off
    reopened = api.call(
        "PUT", status, token=operator.token, json_body={"status": "active", "reason": "Bezahlt"}
    )
    assert reopened.status == 200, reopened.body
    assert reopened.body["status"] == "active" and reopened.body["closed_at"] is None
    assert owner.tenant_id in memberships(api, owner)
    after = api.table()
    assert not [i for i in after if i["pk"]["S"] == f"TENANT#{owner.tenant_id}" and i["sk"]["S"] == "PURGE"]
    assert [
        i["actor_via"]["S"]
        for i in after
        if i["pk"]["S"] == f"TENANT#{owner.tenant_id}"
        and i["sk"]["S"].startswith("AUDIT#")
        and i["action"]["S"] == "tenant.reopened"
    ] == ["operator"]

    # And closing a partner with an open sub-tenant is refused as for its admin, nothing written
    partner = api.new_account("Betreiber Partner AG")
    api.subtenant(partner, "Offen")
    before = api.table()
    refused = api.call(
        "PUT",
        f"/operator/tenants/{partner.tenant_id}/status",
        token=operator.token,
        json_body={"status": "closed", "reason": "x"},
    )
    assert (refused.status, refused.body["error"]["code"]) == (409, "has_subtenants")
    assert api.table() == before


def _days_after(moment: str, days: int) -> str:
    from datetime import datetime

    return (datetime.fromisoformat(moment.replace("Z", "+00:00")) + timedelta(days=days)).strftime("%Y-%m-%d")


def test_a_tenant_whose_first_sync_is_loading_is_closed_by_neither_its_admin_nor_an_operator(
    api: Api, operator: Account
) -> None:
    # Given a tenant whose first sync from its company database is being loaded (the sync fence up,
    # as picking up the first-sync plan raises it)
    admin = api.new_account("Synchron Schluss GmbH")
    api.aws("dynamodb").update_item(
        TableName=api.info["table"],
        Key={"pk": {"S": f"TENANT#{admin.tenant_id}"}, "sk": {"S": "TENANT"}},
        UpdateExpression="SET fences.syncing = :fence",
        ExpressionAttributeValues={
            ":fence": {"M": {"since": {"S": "2026-01-01T00:00:00Z"}, "by": {"S": "plan"}}}
        },
    )
    before = api.table()

    # When its admin closes it, and when an operator sets it closed
    by_admin = close(api, admin, admin.tenant_id, "Synchron Schluss GmbH")
    by_operator = api.call(
        "PUT",
        f"/operator/tenants/{admin.tenant_id}/status",
        token=operator.token,
        json_body={"status": "closed", "reason": "Kündigung"},
    )

    # Then both are refused and nothing of the tenant changed
    assert (by_admin.status, by_admin.body["error"]["code"]) == (409, "tenant_syncing")
    assert (by_operator.status, by_operator.body["error"]["code"]) == (409, "tenant_syncing")
    assert [i for i in api.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}"] == [
        i for i in before if i["pk"]["S"] == f"TENANT#{admin.tenant_id}"
    ]
