"""Tenant administration with sample events: settings and ETags, partners and sub-tenants, templates
and copy-content, handover, connection file, audit log and logo checks."""

from __future__ import annotations

import io
import struct
import zlib

import boto3
import pytest
from PIL import Image

from tests.integration.conftest import Lambda
from tests.integration.test_accounts import NO_KEY, accept, invite, signed_up
from tests.support import claims_for, event, link_token


def call(invoke: Lambda, function: str, name: str, claims: dict, ids: dict, **kwargs):
    return invoke(function, event(name, claims=claims, path_parameters=ids, **kwargs))


def get_tenant(invoke: Lambda, claims: dict, tenant_id: str):
    return call(invoke, "TenantsFunction", "tenant_get", claims, {"tenantId": tenant_id})


def patch_tenant(invoke: Lambda, claims: dict, tenant_id: str, body: dict, etag: str | None):
    headers = {"If-Match": etag}
    return call(
        invoke,
        "TenantsFunction",
        "tenant_update",
        claims,
        {"tenantId": tenant_id},
        body=body,
        headers=headers,
    )


def etag(reply) -> str:
    return reply.headers["ETag"][0]


def book(invoke: Lambda, claims: dict, tenant_id: str, module: str = "tenant_management"):
    """Book `module` for the tenant, accepting the catalogue's current terms."""
    from kontor.catalog import catalog

    terms = {"version": catalog().module(module).terms.version}
    return call(
        invoke,
        "LicencesFunction",
        "licence_book",
        claims,
        {"tenantId": tenant_id},
        body={"module": module, "period": "P1M", "accept_terms": terms},
        headers=NO_KEY,
    )


def subtenant(invoke: Lambda, claims: dict, parent: str, name: str = "Kunde Müller", **body) -> str:
    """A sub-tenant of `parent`, which gets the tenant management licence first if it has none."""
    held = call(invoke, "LicencesFunction", "licences_list", claims, {"tenantId": parent})
    if not any(item["module"] == "tenant_management" for item in held.body["items"]):
        booked = book(invoke, claims, parent)
        assert booked.status == 201, booked.body
    reply = call(
        invoke,
        "SubtenantsFunction",
        "subtenant_create",
        claims,
        {"tenantId": parent},
        body={"name": name, **body},
        headers=NO_KEY,
    )
    assert reply.status == 201, reply.body
    return reply.body["id"]


def list_subtenants(invoke: Lambda, claims: dict, tenant_id: str, **query: str):
    return invoke(
        "SubtenantsFunction",
        event("subtenants_list", claims=claims, path_parameters={"tenantId": tenant_id}, query=query),
    )


def rows(invoke: Lambda, tenant_id: str, prefix: str) -> list[dict]:
    return [
        i for i in invoke.table() if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith(prefix)
    ]


# ------------------------------------------------------------------ settings
def test_settings_are_read_with_an_etag_and_changed_with_if_match(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    read = get_tenant(invoke, admin, tenant_id)
    assert read.status == 200
    assert read.body["type"] == "STANDARD"
    assert read.body["edition"] == "BASIC"
    assert read.body["charset"] == "UTF-8"
    assert read.body["display"] == {"kind": "name", "text": "Schmidt GmbH", "logo_url": None}

    changed = patch_tenant(invoke, admin, tenant_id, {"name": "Schmidt KG", "charset": "UTF-8"}, etag(read))

    assert changed.status == 200, changed.body
    assert changed.body["name"] == "Schmidt KG"
    assert etag(changed) != etag(read)
    [entry] = [e for e in rows(invoke, tenant_id, "AUDIT#") if e["action"]["S"] == "tenant.settings_changed"]
    assert entry["details"]["M"]["name"]["S"] == "Schmidt KG"
    [row] = rows(invoke, tenant_id, "TENANT")
    assert row["gsi3sk"]["S"] == f"schmidt kg#{tenant_id}"  # the operators find it by its new name


def test_a_stale_or_missing_etag_changes_nothing(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    first = etag(get_tenant(invoke, admin, tenant_id))
    assert patch_tenant(invoke, admin, tenant_id, {"name": "Erste Änderung"}, first).status == 200
    before = invoke.table()

    stale = patch_tenant(invoke, admin, tenant_id, {"name": "Verlorene Änderung"}, first)
    missing = patch_tenant(invoke, admin, tenant_id, {"name": "Ohne ETag"}, None)
    garbage = patch_tenant(invoke, admin, tenant_id, {"name": "Unsinn"}, "W/abc")

    assert stale.status == 412
    assert stale.body["error"]["code"] == "precondition_failed"
    assert missing.status == 428
    assert missing.body["error"]["code"] == "precondition_required"
    assert garbage.status == 412
    assert invoke.table() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"charset": "ISO-8859-1"}, 422, "charset_fixed"),
        ({"edition": "GOLD"}, 422, "validation_error"),
        ({"type": "CUSTOM"}, 422, "validation_error"),
        ({"status": "deleted"}, 422, "validation_error"),
        ({}, 422, "nothing_to_change"),
        ({"edition": "ENTERPRISE"}, 403, "operator_only"),
        ({"configuration": "ready"}, 403, "operator_only"),
        ({"name": "Neu", "edition": "PROFESSIONAL"}, 403, "operator_only"),
    ],
)
def test_settings_that_break_the_rules_are_refused(
    invoke: Lambda, body: dict, status: int, code: str
) -> None:
    admin, tenant_id = signed_up(invoke)
    tag = etag(get_tenant(invoke, admin, tenant_id))
    before = invoke.table()

    reply = patch_tenant(invoke, admin, tenant_id, body, tag)

    assert reply.status == status
    assert reply.body["error"]["code"] == code
    assert invoke.table() == before


def test_connection_file_has_what_a_workstation_needs_and_no_secret(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)

    reply = call(invoke, "TenantsFunction", "tenant_connection_file", admin, {"tenantId": tenant_id})

    assert reply.status == 200
    assert reply.headers["Content-Disposition"] == [f'attachment; filename="kontor-{tenant_id}.json"']
    assert reply.body["tenant_id"] == tenant_id
    assert reply.body["tenant_name"] == "Schmidt GmbH"
    assert reply.body["user_pool_id"] == invoke.stack.refs["UserPool"]
    assert reply.body["user_pool_client_id"] == invoke.stack.refs["UserPoolClient"]
    assert reply.body["api_url"] == "https://api.kontor.example.com/v1"
    assert not {"password", "secret", "token", "key"} & {k.split("_")[-1] for k in reply.body}


# ------------------------------------------------------------------ partners and sub-tenants
def test_a_standard_subtenant_gets_the_standard_content_and_a_custom_one_starts_empty(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)

    standard = subtenant(invoke, partner, partner_id, "Standard Kunde")
    custom = subtenant(invoke, partner, partner_id, "Spezial Kunde", type="CUSTOM", charset="ISO-8859-15")

    assert len(rows(invoke, standard, "TEMPLATE#")) == 3
    assert rows(invoke, custom, "TEMPLATE#") == []
    custom_view = get_tenant(invoke, partner, custom).body
    assert custom_view["configuration"] == "awaiting_configuration"
    assert custom_view["charset"] == "ISO-8859-15"
    assert custom_view["parent_id"] == partner_id
    listed = call(invoke, "SubtenantsFunction", "subtenants_list", partner, {"tenantId": partner_id})
    assert {t["id"] for t in listed.body["items"]} == {standard, custom}


def test_partner_members_act_in_sub_tenants_with_their_partner_role(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    invite(invoke, partner, partner_id, "mia@example.com", "member")
    mia_reply = accept(invoke, link_token(invoke.mails("mia@example.com")[-1].body))
    mia = claims_for(mia_reply.body["user_id"], "mia@example.com")
    level1 = subtenant(invoke, partner, partner_id, "Ebene 1")
    level2 = subtenant(invoke, partner, level1, "Ebene 2")
    level3 = subtenant(invoke, partner, level2, "Ebene 3")

    shallow = get_tenant(invoke, partner, level1)
    deep = get_tenant(invoke, partner, level3)
    as_member = get_tenant(invoke, mia, level3)

    assert (shallow.body["via"], shallow.body["role"]) == ("partner", "admin")
    assert (deep.body["via"], deep.body["role"]) == ("partner", "admin")
    assert (as_member.body["via"], as_member.body["role"]) == ("partner", "member")
    # The access check costs the same reads at depth 1 and at depth 3.
    assert shallow.calls == deep.calls
    # /me names the partner tenant with its count; the reached ones are paged below it.
    me = invoke("MeFunction", event("me", claims=partner)).body
    assert [(m["tenant_id"], m["via"], m["subtenant_count"]) for m in me["memberships"]] == [
        (partner_id, "member", 1)
    ]
    below = list_subtenants(invoke, partner, partner_id, depth="all")
    assert below.status == 200, below.body
    assert {t["id"] for t in below.body["items"]} == {level1, level2, level3}
    # A member of the partner may not do what needs an admin in the sub-tenant.
    tag = etag(as_member)
    assert patch_tenant(invoke, mia, level3, {"name": "Nope"}, tag).status == 403


def test_every_partner_request_is_audited_in_the_sub_tenant(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    sub = subtenant(invoke, partner, partner_id)

    get_tenant(invoke, partner, sub)
    get_tenant(invoke, partner, sub)
    invite(invoke, partner, sub, "kunde@example.com", "admin")

    changes = [e for e in rows(invoke, sub, "AUDIT#") if e["action"]["S"] == "partner.request"]
    reads = [e for e in rows(invoke, sub, "AUDIT#") if e["action"]["S"] == "partner.reads"]
    assert len(changes) == 1  # each change on its own
    assert changes[0]["actor_id"]["S"] == partner["sub"]
    assert changes[0]["actor_via"]["S"] == "partner"
    assert changes[0]["details"]["M"]["route"]["S"] == "/tenants/{tenantId}/invitations"
    assert len(reads) == 1  # reads counted by the hour
    assert reads[0]["actor_id"]["S"] == partner["sub"]
    assert reads[0]["requests"]["N"] == "2"
    assert reads[0]["details"]["M"]["partner_tenant_id"]["S"] == partner_id


def test_switching_partner_access_off_locks_partners_out(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    sub = subtenant(invoke, partner, partner_id)
    child = subtenant(invoke, partner, sub, "Enkel")
    invite(invoke, partner, sub, "kunde@example.com", "admin")
    owner_reply = accept(invoke, link_token(invoke.mails("kunde@example.com")[-1].body))
    owner = claims_for(owner_reply.body["user_id"], "kunde@example.com")

    # A partner cannot decide on partner access; the sub-tenant's own admin can.
    tag = etag(get_tenant(invoke, owner, sub))
    refused = patch_tenant(invoke, partner, sub, {"partner_access": False}, tag)
    assert refused.status == 403
    assert patch_tenant(invoke, owner, sub, {"partner_access": False}, tag).status == 200

    locked = get_tenant(invoke, partner, sub)
    below = get_tenant(invoke, partner, child)

    assert locked.status == below.status == 404
    assert get_tenant(invoke, owner, sub).status == 200
    tag = etag(get_tenant(invoke, owner, sub))
    assert patch_tenant(invoke, owner, sub, {"partner_access": True}, tag).status == 200
    assert get_tenant(invoke, partner, sub).status == 200


def test_sub_tenants_nest_at_most_five_levels(invoke: Lambda) -> None:
    partner, parent = signed_up(invoke)
    for level in range(5):
        parent = subtenant(invoke, partner, parent, f"Ebene {level + 1}")
    assert book(invoke, partner, parent).status == 201  # the fifth level may manage tenants too
    before = invoke.table()

    reply = call(
        invoke,
        "SubtenantsFunction",
        "subtenant_create",
        partner,
        {"tenantId": parent},
        body={"name": "6"},
        headers=NO_KEY,
    )

    assert reply.status == 409
    assert reply.body["error"]["code"] == "quota_exceeded"
    assert reply.body["error"]["details"] == {"quota": "subtenant_depth", "limit": 5}
    assert invoke.table() == before


# ------------------------------------------------------------------ copy content and handover
def copy(invoke: Lambda, claims: dict, partner_id: str, sub_id: str, **body):
    ids = {"tenantId": partner_id, "subId": sub_id}
    return call(invoke, "SubtenantsFunction", "subtenant_copy_content", claims, ids, body=body)


def create_template(invoke: Lambda, claims: dict, tenant_id: str, **body):
    return call(
        invoke,
        "TemplatesFunction",
        "template_create",
        claims,
        {"tenantId": tenant_id},
        body=body,
        headers=NO_KEY,
    )


def test_copy_content_copies_templates_into_an_own_sub_tenant_and_is_safe_to_repeat(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    sub = subtenant(invoke, partner, partner_id, type="CUSTOM")
    create_template(invoke, partner, partner_id, name="Rechnung", kind="document", body="Rechnung v1")

    first = copy(invoke, partner, partner_id, sub, kinds=["document"])
    again = copy(invoke, partner, partner_id, sub, kinds=["document"])

    assert first.status == 200, first.body
    assert sorted(first.body["copied"]) == ["Angebot", "Rechnung"]
    assert again.body == {"copied": [], "overwritten": [], "skipped": ["Angebot", "Rechnung"]}
    assert {r["name"]["S"] for r in rows(invoke, sub, "TEMPLATE#")} == {"Angebot", "Rechnung"}

    templates = call(
        invoke, "TemplatesFunction", "templates_list", partner, {"tenantId": partner_id}, query={}
    ).body
    rechnung = next(t for t in templates["items"] if t["name"] == "Rechnung")
    ids = {"tenantId": partner_id, "templateId": rechnung["id"]}
    headers = {"If-Match": f'"{rechnung["version"]}"'}
    call(
        invoke,
        "TemplatesFunction",
        "template_update",
        partner,
        ids,
        body={"body": "Rechnung v2"},
        headers=headers,
    )

    overwritten = copy(invoke, partner, partner_id, sub, kinds=["document"], on_conflict="overwrite")

    assert sorted(overwritten.body["overwritten"]) == ["Angebot", "Rechnung"]
    bodies = {r["name"]["S"]: r["body"]["S"] for r in rows(invoke, sub, "TEMPLATE#")}
    assert bodies["Rechnung"] == "Rechnung v2"
    assert len(rows(invoke, sub, "TEMPLATE#")) == 2
    actions = [e["action"]["S"] for e in rows(invoke, sub, "AUDIT#")]
    assert actions.count("content.copied") == 3


def test_copy_content_only_reaches_own_sub_tenants(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    other, other_id = signed_up(invoke, "other@example.com", "Andere AG")
    foreign_sub = subtenant(invoke, other, other_id)
    sibling_parent = subtenant(invoke, partner, partner_id, "Zweig A")
    sibling = subtenant(invoke, partner, partner_id, "Zweig B")
    before = invoke.table()

    foreign = copy(invoke, partner, partner_id, foreign_sub)
    sideways = copy(invoke, partner, sibling_parent, sibling)
    upwards = copy(invoke, partner, sibling, partner_id)

    assert foreign.status == sideways.status == upwards.status == 404
    assert foreign.body["error"]["code"] == "subtenant_not_found"
    assert invoke.table() == before


def test_handover_needs_an_own_verified_admin(invoke: Lambda) -> None:
    partner, partner_id = signed_up(invoke)
    sub = subtenant(invoke, partner, partner_id)
    before = invoke.table()

    refused = call(invoke, "SubtenantsFunction", "tenant_handover", partner, {"tenantId": sub})

    assert refused.status == 409
    assert refused.body["error"]["code"] == "admin_required"
    assert invoke.table() == before

    invite(invoke, partner, sub, "kunde@example.com", "admin")
    owner_reply = accept(invoke, link_token(invoke.mails("kunde@example.com")[-1].body))
    owner = claims_for(owner_reply.body["user_id"], "kunde@example.com")

    by_owner = call(invoke, "SubtenantsFunction", "tenant_handover", owner, {"tenantId": sub})
    done = call(invoke, "SubtenantsFunction", "tenant_handover", partner, {"tenantId": sub})

    assert by_owner.status == 403
    assert by_owner.body["error"]["code"] == "partner_only"
    assert done.status == 200, done.body
    assert done.body["handed_over_at"]
    assert done.body["admin_count"] == 1
    [mail] = [m for m in invoke.mails("kunde@example.com") if "gehört jetzt Ihnen" in m.subject]
    assert "Kunde Müller" in mail.subject
    assert "tenant.handed_over" in [e["action"]["S"] for e in rows(invoke, sub, "AUDIT#")]


# ------------------------------------------------------------------ templates
def test_templates_are_created_read_changed_and_deleted(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)

    created = create_template(
        invoke, admin, tenant_id, name="Mahnung", kind="email", subject="Erinnerung", body="…"
    )
    duplicate = create_template(invoke, admin, tenant_id, name="mahnung", kind="document", body="x")

    assert created.status == 201, created.body
    assert duplicate.status == 409
    assert duplicate.body["error"]["code"] == "template_name_taken"
    ids = {"tenantId": tenant_id, "templateId": created.body["id"]}
    read = call(invoke, "TemplatesFunction", "template_get", admin, ids)
    assert read.headers["ETag"] == ['"1"']

    renamed = call(
        invoke,
        "TemplatesFunction",
        "template_update",
        admin,
        ids,
        body={"name": "Zahlungserinnerung"},
        headers={"If-Match": '"1"'},
    )
    stale = call(
        invoke,
        "TemplatesFunction",
        "template_update",
        admin,
        ids,
        body={"body": "alt"},
        headers={"If-Match": '"1"'},
    )
    taken = call(
        invoke,
        "TemplatesFunction",
        "template_update",
        admin,
        ids,
        body={"name": "Angebot"},
        headers={"If-Match": '"2"'},
    )

    assert renamed.status == 200
    assert renamed.body["name"] == "Zahlungserinnerung"
    assert stale.status == 412
    assert taken.status == 409
    # The old name is free again, the new one taken.
    assert create_template(invoke, admin, tenant_id, name="Mahnung", kind="email", body="neu").status == 201

    deleted = call(invoke, "TemplatesFunction", "template_delete", admin, ids)
    assert deleted.status == 204
    assert call(invoke, "TemplatesFunction", "template_get", admin, ids).status == 404
    assert (
        create_template(invoke, admin, tenant_id, name="Zahlungserinnerung", kind="email", body="y").status
        == 201
    )


def test_viewers_read_templates_and_members_write_them(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    invite(invoke, admin, tenant_id, "v@example.com", "viewer")
    viewer_reply = accept(invoke, link_token(invoke.mails("v@example.com")[-1].body))
    viewer = claims_for(viewer_reply.body["user_id"], "v@example.com")

    listed = call(invoke, "TemplatesFunction", "templates_list", viewer, {"tenantId": tenant_id}, query={})
    refused = create_template(invoke, viewer, tenant_id, name="X", kind="email", body="x")

    assert listed.status == 200
    assert len(listed.body["items"]) == 3
    assert refused.status == 403


# ------------------------------------------------------------------ audit log
def test_the_audit_log_is_newest_first_filterable_and_paginated(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    for n in range(3):
        create_template(invoke, admin, tenant_id, name=f"T{n}", kind="email", body="b")

    everything = call(invoke, "TenantsFunction", "tenant_audit", admin, {"tenantId": tenant_id}, query={})
    created = call(
        invoke,
        "TenantsFunction",
        "tenant_audit",
        admin,
        {"tenantId": tenant_id},
        query={"action": "template.created", "limit": "2"},
    )
    rest = call(
        invoke,
        "TenantsFunction",
        "tenant_audit",
        admin,
        {"tenantId": tenant_id},
        query={"action": "template.created", "limit": "2", "cursor": created.body["next_cursor"]},
    )

    assert [e["action"] for e in everything.body["items"]] == [
        "template.created",
        "template.created",
        "template.created",
        "tenant.created",
    ]
    assert [e["target"] for e in created.body["items"] + rest.body["items"]] == [
        e["target"] for e in everything.body["items"][:3]
    ]
    assert all(e["actor_via"] == "member" for e in everything.body["items"])


# ------------------------------------------------------------------ logo
def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def pixel_bomb(width: int = 6000, height: int = 6000) -> bytes:
    """A valid grey PNG of width×height pixels that compresses to a few kilobytes."""
    raw = zlib.compress(b"\x00" * ((width + 1) * height), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def upload(invoke: Lambda, claims: dict, tenant_id: str, data: bytes) -> str:
    form = call(
        invoke,
        "LogoFunction",
        "logo_upload",
        claims,
        {"tenantId": tenant_id},
        body={"content_type": "image/png"},
    )
    assert form.status == 200, form.body
    assert form.body["max_bytes"] == 1024 * 1024
    boto3.client("s3").put_object(
        Bucket=invoke.stack.refs["LogosBucket"], Key=form.body["fields"]["key"], Body=data
    )
    return form.body["upload_id"]


def logo_objects(invoke: Lambda) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=invoke.stack.refs["LogosBucket"])
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_a_good_logo_is_checked_reencoded_and_shown(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    upload_id = upload(invoke, admin, tenant_id, png(1200, 600))

    reply = call(
        invoke, "LogoFunction", "logo_confirm", admin, {"tenantId": tenant_id}, body={"upload_id": upload_id}
    )

    assert reply.status == 200, reply.body
    assert reply.body["display"]["kind"] == "logo"
    [stored] = logo_objects(invoke)
    assert stored == f"tenants/{tenant_id}/logo/logo-{upload_id}.png"
    body = boto3.client("s3").get_object(Bucket=invoke.stack.refs["LogosBucket"], Key=stored)["Body"].read()
    assert Image.open(io.BytesIO(body)).size == (512, 256)

    removed = call(invoke, "LogoFunction", "logo_remove", admin, {"tenantId": tenant_id})
    assert removed.body["display"] == {"kind": "name", "text": "Schmidt GmbH", "logo_url": None}
    assert logo_objects(invoke) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4 not an image", "not a PNG, JPEG or WebP image"),
        (b"GIF89a" + b"\x00" * 100, "not a PNG, JPEG or WebP image"),
        (png(3000, 20), "at most 2048×2048"),
        (png(8, 8), "at least 16×16"),
        (pixel_bomb(), "more than"),
        (png(64, 64)[:-30], "damaged"),
        (b"\x89PNG" + b"\x00" * (1024 * 1024 + 1), "at most 1048576"),
    ],
    ids=["pdf", "gif", "too-wide", "too-small", "pixel-bomb", "truncated", "too-large"],
)
def test_a_bad_logo_is_refused_with_the_reason_and_removed(invoke: Lambda, data: bytes, reason: str) -> None:
    admin, tenant_id = signed_up(invoke)
    upload_id = upload(invoke, admin, tenant_id, data)
    before = [i for i in invoke.table() if i["sk"]["S"] == "TENANT"]

    reply = call(
        invoke, "LogoFunction", "logo_confirm", admin, {"tenantId": tenant_id}, body={"upload_id": upload_id}
    )

    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_logo"
    assert reason in reply.body["error"]["message"]
    assert logo_objects(invoke) == []
    assert [i for i in invoke.table() if i["sk"]["S"] == "TENANT"] == before


def test_confirming_nothing_uploaded_is_404(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)

    reply = call(
        invoke, "LogoFunction", "logo_confirm", admin, {"tenantId": tenant_id}, body={"upload_id": "0" * 26}
    )

    assert reply.status == 404
    assert reply.body["error"]["code"] == "upload_not_found"


def test_a_partner_creates_sub_tenants_up_to_its_quota(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_SUBTENANTS_PER_PARTNER", "1")
    settings.cache_clear()
    partner, partner_id = signed_up(invoke)
    subtenant(invoke, partner, partner_id, "Erster Kunde")
    before = invoke.table()

    refused = call(
        invoke,
        "SubtenantsFunction",
        "subtenant_create",
        partner,
        {"tenantId": partner_id},
        body={"name": "Zweiter Kunde"},
        headers=NO_KEY,
    )

    assert (refused.status, refused.body["error"]["code"]) == (409, "quota_exceeded")
    assert refused.body["error"]["details"] == {"quota": "subtenants_per_partner", "limit": 1}
    assert invoke.table() == before


def test_a_tenant_keeps_at_most_its_quota_of_templates_copies_included(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor.settings import settings

    # A STANDARD tenant starts with 3 templates, counted from the start
    monkeypatch.setenv("KONTOR_TEMPLATES_PER_TENANT", "4")
    settings.cache_clear()
    partner, partner_id = signed_up(invoke)
    assert create_template(invoke, partner, partner_id, name="Vier", kind="email", body="x").status == 201
    before = invoke.table()

    refused = create_template(invoke, partner, partner_id, name="Fünf", kind="email", body="x")

    assert (refused.status, refused.body["error"]["code"]) == (409, "quota_exceeded")
    assert refused.body["error"]["details"] == {"quota": "templates_per_tenant", "limit": 4}
    assert invoke.table() == before
    # Copying the partner's 4 templates into an empty sub-tenant that may keep 3: refused, none copied
    sub = subtenant(invoke, partner, partner_id, type="CUSTOM")
    monkeypatch.setenv("KONTOR_TEMPLATES_PER_TENANT", "3")
    settings.cache_clear()
    too_many = copy(invoke, partner, partner_id, sub)
    assert (too_many.status, too_many.body["error"]["code"]) == (409, "quota_exceeded")
    assert rows(invoke, sub, "TEMPLATE#") == []
    monkeypatch.setenv("KONTOR_TEMPLATES_PER_TENANT", "4")
    settings.cache_clear()
    assert copy(invoke, partner, partner_id, sub).status == 200
    assert create_template(invoke, partner, sub, name="Mehr", kind="email", body="x").status == 409
    settings.cache_clear()
    assert create_template(invoke, partner, sub, name="Mehr", kind="email", body="x").body["error"][
        "code"
    ] == ("quota_exceeded")
    settings.cache_clear()
