"""The vendor's operators: a role outside every tenant, kept in the table, with routes under
/operator/ that do not exist for anyone else; tenant status as the tenant gate applies it."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from local.template import ROOT
from tests.e2e.conftest import Account, Api

OPERATOR_ROUTES = [
    ("GET", "/operator/tenants"),
    ("GET", "/operator/tenants/{tenant}"),
    ("PUT", "/operator/tenants/{tenant}/status"),
    ("PUT", "/operator/tenants/{tenant}/edition"),
    ("PUT", "/operator/tenants/{tenant}/configuration"),
]


@pytest.fixture(scope="module")
def operator(local_stack: Api) -> Account:
    return local_stack.operator()


def audit(api: Api, account: Account, action: str) -> list[dict]:
    page = api.call("GET", f"/tenants/{account.tenant_id}/audit?action={action}", token=account.token)
    return page.body["items"]


def test_the_directory_lists_tenants_newest_first_one_query_a_page(api: Api, operator: Account) -> None:
    first = api.new_account("Directory Alpha GmbH")
    second = api.new_account("Directory Beta GmbH")

    page = api.call("GET", "/operator/tenants?limit=2", token=operator.token)

    assert page.status == 200, page.body
    assert [t["id"] for t in page.body["items"]] == [second.tenant_id, first.tenant_id]
    assert page.body["items"][0] == {
        "id": second.tenant_id,
        "name": "Directory Beta GmbH",
        "status": "active",
        "type": "STANDARD",
        "edition": "BASIC",
        "configuration": "ready",
        "parent_id": None,
        "created_at": page.body["items"][0]["created_at"],
    }
    assert page.body["next_cursor"]
    assert page.calls == {"dynamodb.GetItem": 1, "dynamodb.Query": 1}  # the operator check, one Query
    following = api.call(
        "GET", f"/operator/tenants?limit=2&cursor={page.body['next_cursor']}", token=operator.token
    )
    assert following.status == 200
    assert not {t["id"] for t in following.body["items"]} & {first.tenant_id, second.tenant_id}


def test_the_directory_finds_tenants_by_name_prefix_whatever_the_case_and_accents(
    api: Api, operator: Account
) -> None:
    marker = uuid.uuid4().hex[:8]
    muller = api.new_account(f"Müller {marker} KG")
    api.new_account(f"Mueller {marker} AG")

    found = api.call("GET", f"/operator/tenants?name_prefix=MULLER%20{marker}", token=operator.token)
    both = api.call("GET", "/operator/tenants?name_prefix=mu&limit=100", token=operator.token)
    nothing = api.call("GET", f"/operator/tenants?name_prefix=zz{marker}", token=operator.token)

    assert [t["id"] for t in found.body["items"]] == [muller.tenant_id]
    assert muller.tenant_id in {t["id"] for t in both.body["items"]}
    assert nothing.body == {"items": [], "next_cursor": None}
    foreign = api.call(
        "GET",
        f"/operator/tenants?name_prefix=mu&cursor={found.body['next_cursor'] or 'x'}",
        token=operator.token,
    )
    assert foreign.status == 400 and foreign.body["error"]["code"] == "invalid_cursor"


def test_an_operator_reads_a_tenant_with_its_admins_and_counts(api: Api, operator: Account) -> None:
    owner = api.new_account("Akte GmbH")
    api.join(owner, "member")

    reply = api.call("GET", f"/operator/tenants/{owner.tenant_id}", token=operator.token)

    assert reply.status == 200, reply.body
    assert reply.body["tenant"]["id"] == owner.tenant_id
    assert reply.body["tenant"]["admin_count"] == 1
    assert reply.body["admins"] == [{"user_id": owner.user_id, "email": owner.email, "name": "Test User"}]
    assert reply.body["member_count"] == 2
    missing = api.call("GET", "/operator/tenants/01h00000000000000000000000", token=operator.token)
    assert (missing.status, missing.body["error"]["code"]) == (404, "tenant_not_found")


def test_a_suspended_tenant_is_read_only_and_a_closed_one_is_gone_until_reopened(
    api: Api, operator: Account
) -> None:
    owner = api.new_account("Status GmbH")
    base = f"/tenants/{owner.tenant_id}"

    suspended = api.call(
        "PUT",
        f"/operator/tenants/{owner.tenant_id}/status",
        token=operator.token,
        json_body={"status": "suspended", "reason": "Rechnung offen (Ticket 4711)"},
    )
    read = api.call("GET", f"{base}/contacts", token=owner.token)
    before = api.table()
    write = api.call("POST", f"{base}/contacts", token=owner.token, json_body={"kind": "person", "name": "X"})
    unchanged = api.table() == before

    assert suspended.status == 200, suspended.body
    assert suspended.body["status"] == "suspended"
    assert read.status == 200
    assert (write.status, write.body["error"]["code"]) == (423, "tenant_suspended")
    assert unchanged
    [entry] = audit(api, owner, "tenant.status_changed")
    assert entry["actor_via"] == "operator" and entry["actor_id"] == operator.user_id
    assert entry["details"] == {"status": "suspended", "reason": "Rechnung offen (Ticket 4711)"}

    closed = api.call(
        "PUT",
        f"/operator/tenants/{owner.tenant_id}/status",
        token=operator.token,
        json_body={"status": "closed", "reason": "Kündigung zum Monatsende"},
    )
    gone = api.call("GET", base, token=owner.token)
    me = api.call("GET", "/me", token=owner.token)

    assert closed.status == 200
    assert (gone.status, gone.body["error"]["code"]) == (404, "tenant_not_found")
    assert owner.tenant_id not in {m["tenant_id"] for m in me.body["memberships"]}

    reopened = api.call(
        "PUT",
        f"/operator/tenants/{owner.tenant_id}/status",
        token=operator.token,
        json_body={"status": "active", "reason": "Versehentlich geschlossen"},
    )
    assert reopened.status == 200
    assert (
        api.call(
            "POST", f"{base}/contacts", token=owner.token, json_body={"kind": "person", "name": "Y"}
        ).status
        == 201
    )


def test_editions_and_configuration_are_the_operators_to_set(api: Api, operator: Account) -> None:
    partner = api.new_account("Konfig Partner AG")
    api.book(partner, "tenant_management")
    custom = api.call(
        "POST",
        f"/tenants/{partner.tenant_id}/subtenants",
        token=partner.token,
        json_body={"name": "Sonderkunde", "type": "CUSTOM", "charset": "ISO-8859-15"},
    ).body["id"]
    etag = api.call("GET", f"/tenants/{partner.tenant_id}", token=partner.token).headers["ETag"]

    by_admin = api.call(
        "PATCH",
        f"/tenants/{partner.tenant_id}",
        token=partner.token,
        json_body={"edition": "ENTERPRISE"},
        headers={"If-Match": etag},
    )
    edition = api.call(
        "PUT",
        f"/operator/tenants/{partner.tenant_id}/edition",
        token=operator.token,
        json_body={"edition": "ENTERPRISE", "reason": "Vertrag vom 1. Dezember"},
    )
    configured = api.call("PUT", f"/operator/tenants/{custom}/configuration", token=operator.token)
    standard = api.call("PUT", f"/operator/tenants/{partner.tenant_id}/configuration", token=operator.token)

    assert (by_admin.status, by_admin.body["error"]["code"]) == (403, "operator_only")
    assert edition.status == 200 and edition.body["edition"] == "ENTERPRISE"
    assert configured.status == 200 and configured.body["configuration"] == "ready"
    assert (standard.status, standard.body["error"]["code"]) == (409, "configuration_fixed")
    # The admin's old ETag no longer fits: the operator's change raised the version.
    stale = api.call(
        "PATCH",
        f"/tenants/{partner.tenant_id}",
        token=partner.token,
        json_body={"name": "Konfig Partner SE"},
        headers={"If-Match": etag},
    )
    assert stale.status == 412


@pytest.mark.parametrize(("method", "path"), OPERATOR_ROUTES)
def test_operator_routes_do_not_exist_for_anyone_else(api: Api, method: str, path: str) -> None:
    owner = api.new_account("Neugierig GmbH")
    body = {"status": "closed", "reason": "x"} if path.endswith("status") else {}
    before = api.table()

    reply = api.call(method, path.format(tenant=owner.tenant_id), token=owner.token, json_body=body)

    assert (reply.status, reply.body["error"]["code"]) == (404, "route_not_found")
    assert api.table() == before


def test_make_operator_grants_the_role_to_a_login(api: Api) -> None:
    staff = api.new_account("Support Team")
    before = api.call("GET", "/operator/tenants", token=staff.token)

    granted = subprocess.run(
        [sys.executable, "-m", "ops.operator", "--email", staff.email, "--api", api.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    unknown = subprocess.run(
        [sys.executable, "-m", "ops.operator", "--email", "nobody@example.com", "--api", api.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    after = api.call("GET", "/operator/tenants", token=staff.token)

    assert before.status == 404
    assert granted.returncode == 0, granted.stderr
    assert f"{staff.email} ({staff.user_id}) is an operator now." in granted.stdout
    assert unknown.returncode != 0 and "No Kontor login" in unknown.stderr
    assert after.status == 200


def test_a_closed_sub_tenant_is_gone_for_its_partner_too(api: Api, operator: Account) -> None:
    partner = api.new_account("Schliess Partner AG")
    kept = api.subtenant(partner, "Bleibt")
    closed = api.subtenant(partner, "Geht")

    api.call(
        "PUT",
        f"/operator/tenants/{closed}/status",
        token=operator.token,
        json_body={"status": "closed", "reason": "gekündigt"},
    )
    listed = api.call("GET", f"/tenants/{partner.tenant_id}/subtenants", token=partner.token)
    inside = api.call("GET", f"/tenants/{closed}", token=partner.token)
    me = api.call("GET", "/me", token=partner.token)

    assert [t["id"] for t in listed.body["items"]] == [kept]
    assert (inside.status, inside.body["error"]["code"]) == (404, "tenant_not_found")
    assert closed not in {m["tenant_id"] for m in me.body["memberships"]}
