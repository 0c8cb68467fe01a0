"""Tenant administration over HTTP: a partner's sub-tenant from creation to handover, the logo
through a real presigned upload, and partners kept inside their own hierarchy."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from local.template import load
from tests.e2e.conftest import PASSWORD, Account, Api
from tests.e2e.test_isolation_matrix import fill
from tests.integration.test_tenants import pixel_bomb, png
from tests.support import link_token


def test_a_partner_sets_up_a_sub_tenant_and_hands_it_over(api: Api) -> None:
    partner = api.new_account("Partner AG")
    api.book(partner, "tenant_management")
    created = api.call(
        "POST",
        f"/tenants/{partner.tenant_id}/subtenants",
        token=partner.token,
        json_body={"name": "Kunde Krause", "type": "CUSTOM", "plan": "PROFESSIONAL"},
    )
    assert created.status == 201, created.body
    sub = created.body["id"]
    assert created.body["configuration"] == "awaiting_configuration"

    # The partner acts inside with its own role, and copies its templates in.
    inside = api.call("GET", f"/tenants/{sub}", token=partner.token)
    assert (inside.status, inside.body["via"], inside.body["role"]) == (200, "partner", "admin")
    copied = api.call(
        "POST",
        f"/tenants/{partner.tenant_id}/subtenants/{sub}/copy-content",
        token=partner.token,
        json_body={"kinds": ["email"]},
    )
    assert sorted(copied.body["copied"]) == ["Terminbestätigung", "Willkommen"]
    listed = api.call("GET", f"/tenants/{sub}/templates", token=partner.token).body["items"]
    assert sorted(t["name"] for t in listed) == ["Terminbestätigung", "Willkommen"]

    # No handover without an admin of its own; the partner invites one, who accepts.
    refused = api.call("POST", f"/tenants/{sub}/handover", token=partner.token)
    assert (refused.status, refused.body["error"]["code"]) == (409, "admin_required")
    owner_email = f"krause-{partner.user_id[:8]}@example.com"
    invited = api.call(
        "POST",
        f"/tenants/{sub}/invitations",
        token=partner.token,
        json_body={"email": owner_email, "role": "admin"},
    )
    assert invited.status == 201, invited.body
    link = link_token(api.outbox(owner_email)[0]["text"])
    accepted = api.call(
        "POST", f"/invitations/{link}/accept", json_body={"name": "Karla Krause", "password": PASSWORD}
    )
    assert accepted.status == 200, accepted.body
    owner = Account(owner_email, accepted.body["user_id"], sub, api.sign_in(owner_email)["IdToken"])

    handed = api.call("POST", f"/tenants/{sub}/handover", token=partner.token)
    assert handed.status == 200, handed.body
    assert any("gehört jetzt Ihnen" in m["subject"] for m in api.outbox(owner_email))

    # The customer's admin switches partner access off: the partner is locked out.
    read = api.call("GET", f"/tenants/{sub}", token=owner.token)
    switched = api.call(
        "PATCH",
        f"/tenants/{sub}",
        token=owner.token,
        json_body={"partner_access": False},
        headers={"If-Match": read.headers["ETag"]},
    )
    assert switched.status == 200, switched.body
    assert api.call("GET", f"/tenants/{sub}", token=partner.token).status == 404
    assert api.call("GET", f"/tenants/{sub}/templates", token=partner.token).status == 404
    reached = api.call("GET", f"/tenants/{partner.tenant_id}/subtenants?depth=all", token=partner.token)
    assert reached.status == 200 and sub not in {t["id"] for t in reached.body["items"]}

    # All of it is in the sub-tenant's audit log, with how each actor got in.
    entries = api.call("GET", f"/tenants/{sub}/audit?limit=100", token=owner.token).body["items"]
    seen = {(e["action"], e["actor_via"]) for e in entries}
    assert {
        ("tenant.created", "partner"),
        ("content.copied", "partner"),
        ("invitation.created", "partner"),
        ("invitation.accepted", "member"),
        ("tenant.handed_over", "partner"),
        ("tenant.settings_changed", "member"),
        ("partner.request", "partner"),
    } <= seen
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)


def test_a_good_logo_is_served_and_bad_ones_are_refused_with_a_reason(api: Api) -> None:
    admin = api.new_account("Logo GmbH")
    confirm = f"/tenants/{admin.tenant_id}/logo/confirm"

    for data, reason in (
        (b"\x89PNG" + b"\x00" * (1024 * 1024 + 10), "at most 1048576"),
        (b"%PDF-1.7 an invoice", "not a PNG, JPEG or WebP"),
        (pixel_bomb(), "more than"),
    ):
        upload_id = api.upload_logo(admin, data)
        refused = api.call("POST", confirm, token=admin.token, json_body={"upload_id": upload_id})
        assert (refused.status, refused.body["error"]["code"]) == (422, "invalid_logo")
        assert reason in refused.body["error"]["message"]

    good = api.call(
        "POST", confirm, token=admin.token, json_body={"upload_id": api.upload_logo(admin, png(300, 300))}
    )

    assert good.status == 200, good.body
    assert good.body["display"]["kind"] == "logo"
    served = requests.get(good.body["display"]["logo_url"], timeout=10)
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).format == "PNG"
    keys = [
        o["Key"]
        for o in api.aws("s3").list_objects_v2(Bucket="kontor-local-logosbucket").get("Contents", [])
        if o["Key"].startswith(f"tenants/{admin.tenant_id}/")
    ]
    assert keys == [f"tenants/{admin.tenant_id}/logo/logo-" + keys[0].rsplit("logo-", 1)[1]]


@pytest.fixture(scope="module")
def hierarchies(local_stack: Api) -> dict[str, str | Account]:
    """Two partners, each with a sub-tenant, and a lone tenant."""
    a = local_stack.new_account("Partner A")
    b = local_stack.new_account("Partner B")
    return {"a": a, "a_sub": local_stack.subtenant(a, "A1"), "b": b, "b_sub": local_stack.subtenant(b, "B1")}


TENANT_ROUTES = [route for route in load().routes if "{tenantId}" in route.path]


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda route: route.key)
def test_a_partner_cannot_reach_a_tenant_outside_its_own_hierarchy(
    api: Api, hierarchies: dict, route
) -> None:
    partner: Account = hierarchies["a"]
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    before = api.table()

    for victim in (hierarchies["b"].tenant_id, hierarchies["b_sub"]):
        reply = api.call(route.method, fill(route, victim), token=partner.token, json_body=body)
        assert reply.status in {403, 404}, (victim, reply.body)

    assert api.table() == before


def test_after_handover_the_partner_works_with_data_but_no_longer_with_people(api: Api) -> None:
    partner = api.new_account("Übergabe Partner AG")
    sub = api.subtenant(partner, "Kunde Eigenständig")
    owner = api.join(partner, "admin", tenant_id=sub)  # before handover, the partner sets the tenant up
    assert api.call("POST", f"/tenants/{sub}/handover", token=partner.token).status == 200
    own = api.call(
        "POST",
        f"/tenants/{sub}/invitations",
        token=owner.token,
        json_body={"email": f"kollege-{sub}@example.com"},
    )
    assert own.status == 201, own.body
    before = api.table()

    refused = [
        api.call(
            "POST",
            f"/tenants/{sub}/invitations",
            token=partner.token,
            json_body={"email": partner.email, "role": "admin"},
        ),
        api.call(
            "PATCH",
            f"/tenants/{sub}/members/{owner.user_id}",
            token=partner.token,
            json_body={"role": "viewer"},
        ),
        api.call("DELETE", f"/tenants/{sub}/members/{owner.user_id}", token=partner.token),
        api.call("POST", f"/tenants/{sub}/invitations/{own.body['id']}/resend", token=partner.token),
        api.call("DELETE", f"/tenants/{sub}/invitations/{own.body['id']}", token=partner.token),
    ]

    assert [(r.status, r.body["error"]["code"]) for r in refused] == [(403, "handed_over")] * 5
    assert api.table() == before
    # The tenant's data stays the partner's to work with, as its role allows.
    template = api.call(
        "POST",
        f"/tenants/{sub}/templates",
        token=partner.token,
        json_body={"name": "Vom Partner", "kind": "document", "body": "Hallo"},
    )
    assert template.status == 201, template.body


def test_a_cut_off_holds_below_it_for_the_gate_me_listings_and_copy_content(api: Api) -> None:
    partner = api.new_account("Kette Partner AG")
    child = api.subtenant(partner, "Kette Kind")
    grandchild = api.subtenant(partner, "Kette Enkel", parent=child)
    owner = api.join(partner, "admin", tenant_id=child)
    etag = api.call("GET", f"/tenants/{child}", token=owner.token).headers["ETag"]
    cut = api.call(
        "PATCH",
        f"/tenants/{child}",
        token=owner.token,
        json_body={"partner_access": False},
        headers={"If-Match": etag},
    )
    assert cut.status == 200, cut.body
    before = api.table()

    copied = api.call(
        "POST",
        f"/tenants/{partner.tenant_id}/subtenants/{grandchild}/copy-content",
        token=partner.token,
        json_body={"on_conflict": "overwrite"},
    )
    inside = api.call("GET", f"/tenants/{grandchild}", token=partner.token)
    me = api.call("GET", "/me", token=partner.token)
    reached = api.call("GET", f"/tenants/{partner.tenant_id}/subtenants?depth=all", token=partner.token)
    listed_by_owner = api.call("GET", f"/tenants/{child}/subtenants", token=owner.token)

    assert (copied.status, copied.body["error"]["code"]) == (403, "partner_access_off")
    assert "skipped" not in copied.body and "Willkommen" not in str(copied.body)  # no names leak
    assert (inside.status, inside.body["error"]["code"]) == (404, "tenant_not_found")
    assert not {child, grandchild} & {m["tenant_id"] for m in me.body["memberships"]}
    assert reached.status == 200 and not {child, grandchild} & {t["id"] for t in reached.body["items"]}
    assert [t["id"] for t in listed_by_owner.body["items"]] == [grandchild]  # C still reaches G
    assert api.table() == before
