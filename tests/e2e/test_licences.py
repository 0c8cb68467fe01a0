"""Licences on the local stack with the product clock: book, expire and lock, book again, remind,
purge after the retention — and nothing else. The clock only moves forward, so this module runs its
own stack and leaves the shared one's time alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import Account, Api, running_stack

LOGOS = "kontor-local-logosbucket"


@pytest.fixture(scope="module")
def stack() -> Iterator[Api]:
    with running_stack("--no-delivery") as api:
        yield api


def terms(api: Api, account: Account, module: str) -> dict[str, str]:
    modules = api.call("GET", "/catalog", token=account.token).body["modules"]
    return {"version": next(m for m in modules if m["id"] == module)["terms"]["version"]}


def book(api: Api, account: Account, module: str, **changes) -> object:
    body = {"module": module, "period": "P1M", "accept_terms": terms(api, account, module), **changes}
    return api.call("POST", f"/tenants/{account.tenant_id}/licences", token=account.token, json_body=body)


def advance(api: Api, days: float) -> datetime:
    moved = api.call("POST", "/_local/clock", json_body={"advance_days": days})
    assert moved.status == 200, moved.body
    return now(api)


def now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


def days_until(api: Api, moment: str) -> float:
    return (datetime.fromisoformat(moment.replace("Z", "+00:00")) - now(api)).total_seconds() / 86400


def run_licence_job(api: Api) -> dict:
    fired = api.call("POST", "/_local/schedules/LicenceSchedule")
    assert fired.status == 200, fired.body
    return fired.body


def module_rows(api: Api, tenant_id: str, module: str) -> list[dict]:
    prefix = f"MOD#{module}#"
    return [
        i for i in api.table() if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith(prefix)
    ]


def seed_module_data(api: Api, tenant_id: str, module: str, count: int) -> None:
    """Items and an object as a module keeps them (its own routes come with the module)."""
    dynamodb, s3 = api.aws("dynamodb"), api.aws("s3")
    for n in range(count):
        dynamodb.put_item(
            TableName=api.table_name,
            Item={
                "pk": {"S": f"TENANT#{tenant_id}"},
                "sk": {"S": f"MOD#{module}#ITEM#{n:04d}"},
                "n": {"N": str(n)},
            },
        )
    for name in ("episode-1.mp3", "episode-2.mp3"):
        s3.put_object(Bucket=LOGOS, Key=f"tenants/{tenant_id}/modules/{module}/{name}", Body=b"ID3")


def licence_notices(api: Api, account: Account) -> set[tuple[str, str]]:
    reply = api.call("GET", f"/notices?tenant={account.tenant_id}", token=account.token)
    assert reply.status == 200, reply.body
    return {(n["kind"], n["title"]["de"]) for n in reply.body["items"] if n["kind"].startswith("licence_")}


def podcast_mails(api: Api, account: Account) -> list[str]:
    """Subjects of the podcast licence's reminders and notices, newest first."""
    subjects = [m["subject"] for m in api.outbox(account.email)]
    return [s for s in subjects if s.startswith("Kontor: Podcasts ") and "freigeschaltet" not in s]


def everything_but_licences(api: Api) -> list[dict]:
    """The table without the module's items, the licence job's bookkeeping and the licence states."""
    kept = []
    for item in api.table():
        if item["sk"]["S"].startswith(("MOD#podcasts#", "LICENCE#")):
            continue
        kept.append({k: v for k, v in item.items() if not (item["sk"]["S"] == "TENANT" and k == "licences")})
    return kept


def module_objects(api: Api, tenant_id: str, module: str) -> list[str]:
    listed = api.aws("s3").list_object_versions(Bucket=LOGOS, Prefix=f"tenants/{tenant_id}/modules/{module}/")
    return [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def test_bad_bookings_answer_4xx_and_write_nothing(stack: Api) -> None:
    admin = stack.new_account("Buchung Streng GmbH")
    before = stack.table()
    cases = [
        (
            {"module": "podcasts", "period": "P1M", "accept_terms": {"version": "1999-01"}},
            422,
            "terms_not_accepted",
        ),
        (
            {"module": "teleportation", "period": "P1M", "accept_terms": {"version": "x"}},
            422,
            "validation_error",
        ),
        ({"module": "podcasts", "period": "P2W", "accept_terms": {"version": "x"}}, 422, "validation_error"),
        ({"module": "podcasts", "period": "P1M"}, 422, "validation_error"),
        ({"module": "core", "period": "P1M", "accept_terms": {"version": "2026-01"}}, 422, "module_included"),
        (
            {"module": "price_calculation", "period": "P1M", "accept_terms": {"version": "2026-11"}},
            403,
            "operator_only",
        ),
    ]
    for body, status, code in cases:
        reply = stack.call("POST", f"/tenants/{admin.tenant_id}/licences", token=admin.token, json_body=body)
        assert (reply.status, reply.body["error"]["code"]) == (status, code), body
    member = stack.join(admin, "member")
    refused = stack.call(
        "POST",
        f"/tenants/{admin.tenant_id}/licences",
        token=member.token,
        json_body={"module": "podcasts", "period": "P1M", "accept_terms": terms(stack, admin, "podcasts")},
    )
    assert refused.status == 403
    assert [
        i for i in stack.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}" and "LICENCE" in str(i)
    ] == []
    assert len(stack.table()) > len(before)  # only the member joined


def test_a_retried_booking_with_its_key_bills_once(stack: Api) -> None:
    admin = stack.new_account("Einmal GmbH")
    body = {"module": "podcasts", "period": "P1M", "accept_terms": terms(stack, admin, "podcasts")}
    key = {"Idempotency-Key": "book-once"}
    path = f"/tenants/{admin.tenant_id}/licences"
    first = stack.call("POST", path, token=admin.token, json_body=body, headers=key)
    again = stack.call("POST", path, token=admin.token, json_body=body, headers=key)

    assert first.status == again.status == 201 and first.body == again.body
    spans = [
        i
        for i in stack.table()
        if i["pk"]["S"] == f"TENANT#{admin.tenant_id}"
        and i["sk"]["S"].startswith("BILLING#SPAN#")
        and i["kind"]["S"] == "module"
    ]
    assert len(spans) == 1


def test_book_expire_lock_book_again_remind_and_purge_only_that_module(stack: Api) -> None:
    admin = stack.new_account("Lizenz GmbH")
    other = stack.new_account("Nachbar AG")
    assert book(stack, other, "podcasts").status == 201

    # Booked: active, the admins get the terms by mail, a partner upgrade works.
    booked = book(stack, admin, "podcasts")
    assert booked.status == 201, booked.body
    assert booked.body["state"] == "active" and booked.body["period"] == "P1M"
    [confirmation] = [m for m in stack.outbox(admin.email) if "Podcasts" in m["subject"]]
    assert terms(stack, admin, "podcasts")["version"] in confirmation["text"]
    refused = stack.call(
        "POST", f"/tenants/{admin.tenant_id}/subtenants", token=admin.token, json_body={"name": "K"}
    )
    assert (refused.status, refused.body["error"]["code"]) == (403, "licence_required")
    assert refused.body["error"]["details"] == {"module": "tenant_management"}
    assert book(stack, admin, "tenant_management").status == 201
    assert (
        stack.call(
            "POST", f"/tenants/{admin.tenant_id}/subtenants", token=admin.token, json_body={"name": "K"}
        ).status
        == 201
    )

    seed_module_data(stack, admin.tenant_id, "podcasts", 30)
    seed_module_data(stack, other.tenant_id, "podcasts", 5)

    # Reminders: 14 and 3 days ahead, then the notice that it locked — each once.
    licence = booked.body
    advance(stack, days_until(stack, licence["expires_at"]) - 13.5)
    run_licence_job(stack)
    run_licence_job(stack)
    assert podcast_mails(stack, admin) == ["Kontor: Podcasts läuft in 14 Tagen ab"]
    # and the tenant's notices say so, to every member, from the row the gate read
    notices = licence_notices(stack, admin)
    assert ("licence_expiring", "Podcasts läuft ab") in notices
    assert {kind for kind, _ in notices} == {"licence_expiring"}
    advance(stack, 11)
    run_licence_job(stack)
    assert podcast_mails(stack, admin)[0] == "Kontor: Podcasts läuft in 3 Tagen ab"

    # Past expiry, without any job: the guard refuses by the clock; the data is intact.
    advance(stack, 3)
    held = stack.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    assert {i["module"]: i["state"] for i in held} == {"podcasts": "locked", "tenant_management": "locked"}
    expired = stack.call(
        "POST", f"/tenants/{admin.tenant_id}/subtenants", token=admin.token, json_body={"name": "L"}
    )
    assert (expired.status, expired.body["error"]["code"]) == (403, "licence_expired")
    assert expired.body["error"]["details"]["purge_at"] == held[1]["purge_at"]
    run_licence_job(stack)
    assert podcast_mails(stack, admin)[0] == "Kontor: Podcasts ist abgelaufen und gesperrt"
    assert {kind for kind, _ in licence_notices(stack, admin)} == {"licence_locked"}
    assert len(module_rows(stack, admin.tenant_id, "podcasts")) == 30

    # Booking again while locked: active from now, everything still there.
    again = book(stack, admin, "tenant_management")
    assert again.status == 201 and again.body["state"] == "active"
    assert (
        stack.call(
            "POST", f"/tenants/{admin.tenant_id}/subtenants", token=admin.token, json_body={"name": "M"}
        ).status
        == 201
    )

    # A day before the podcasts' retention ends, the job deletes nothing; after it, exactly that module.
    purge_at = next(i for i in held if i["module"] == "podcasts")["purge_at"]
    advance(stack, days_until(stack, purge_at) - 1)
    run_licence_job(stack)
    assert len(module_rows(stack, admin.tenant_id, "podcasts")) == 30
    assert book(stack, other, "podcasts").status == 201  # the neighbour keeps its licence going
    before = everything_but_licences(stack)
    advance(stack, 1.01)
    purging = stack.call(
        "POST",
        f"/tenants/{admin.tenant_id}/licences",
        token=admin.token,
        json_body={"module": "podcasts", "period": "P1M", "accept_terms": terms(stack, admin, "podcasts")},
    )
    assert (purging.status, purging.body["error"]["code"]) == (409, "licence_purging")
    run_licence_job(stack)

    assert module_rows(stack, admin.tenant_id, "podcasts") == []
    assert module_objects(stack, admin.tenant_id, "podcasts") == []
    assert len(module_rows(stack, other.tenant_id, "podcasts")) == 5
    assert len(module_objects(stack, other.tenant_id, "podcasts")) == 2
    # Nothing else changed: not a key, not an attribute (licence states aside: the job also
    # reminded the neighbour of its own licence).
    assert everything_but_licences(stack) == before

    # After the purge, booking again starts empty.
    fresh = book(stack, admin, "podcasts")
    assert fresh.status == 201 and fresh.body["state"] == "active"
    assert module_rows(stack, admin.tenant_id, "podcasts") == []


def test_an_operator_grants_price_calculation_with_a_note_and_the_admins_are_told(stack: Api) -> None:
    admin = stack.new_account("Beratung KG")
    operator = stack.operator()
    granted = stack.call(
        "POST",
        f"/operator/tenants/{admin.tenant_id}/licences",
        token=operator.token,
        json_body={"module": "price_calculation", "period": "P12M", "note": "Beratung vom 20.11."},
    )
    assert granted.status == 201, granted.body
    assert granted.body["granted_by"] == "operator" and granted.body["state"] == "active"
    held = stack.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    assert [i["module"] for i in held] == ["price_calculation"]
    assert any("Preiskalkulation" in m["subject"] for m in stack.outbox(admin.email))
    audit = stack.call(
        "GET", f"/tenants/{admin.tenant_id}/audit?action=licence.granted", token=admin.token
    ).body
    assert audit["items"][0]["actor_via"] == "operator"
    nobody = stack.call(
        "POST",
        f"/operator/tenants/{admin.tenant_id}/licences",
        token=admin.token,
        json_body={"module": "podcasts", "period": "P1M", "note": "x"},
    )
    assert nobody.status == 404


def test_an_upgrade_counts_at_once_and_a_downgrade_waits_for_the_next_billing_day(stack: Api) -> None:
    admin = stack.new_account("Tarifwechsel GmbH")
    plan_terms = {"version": stack.call("GET", "/catalog", token=admin.token).body["plan_terms"]["version"]}
    path = f"/tenants/{admin.tenant_id}/plan"

    wrong = stack.call(
        "POST", path, token=admin.token, json_body={"plan": "ENTERPRISE", "accept_terms": {"version": "0"}}
    )
    assert (wrong.status, wrong.body["error"]["code"]) == (422, "terms_not_accepted")
    same = stack.call(
        "POST", path, token=admin.token, json_body={"plan": "BASIC", "accept_terms": plan_terms}
    )
    assert (same.status, same.body["error"]["code"]) == (409, "plan_unchanged")

    up = stack.call(
        "POST", path, token=admin.token, json_body={"plan": "ENTERPRISE", "accept_terms": plan_terms}
    )
    assert up.status == 200, up.body
    assert (
        up.body["difference_cents"]
        == up.body["monthly_price_cents"] - up.body["previous_monthly_price_cents"]
        > 0
    )
    assert 0 < up.body["this_month_cents"] <= up.body["difference_cents"]
    assert stack.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).body["edition"] == "ENTERPRISE"

    down = stack.call(
        "POST", path, token=admin.token, json_body={"plan": "PROFESSIONAL", "accept_terms": plan_terms}
    )
    assert down.status == 200, down.body
    moment = now(stack)
    first_of_next = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)
    assert down.body["effective_at"] == first_of_next.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert down.body["this_month_cents"] == 0
    assert stack.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).body["edition"] == "ENTERPRISE"
    pending = stack.call(
        "POST", path, token=admin.token, json_body={"plan": "BASIC", "accept_terms": plan_terms}
    )
    assert (pending.status, pending.body["error"]["code"]) == (409, "plan_change_pending")
    patched = stack.call(
        "PATCH",
        f"/tenants/{admin.tenant_id}",
        token=admin.token,
        json_body={"edition": "BASIC"},
        headers={"If-Match": '"1"'},
    )
    assert patched.status in (403, 412)

    spans = sorted(
        (i["starts_at"]["S"], i["code"]["S"])
        for i in stack.table()
        if i["pk"]["S"] == f"TENANT#{admin.tenant_id}" and i["sk"]["S"].startswith("BILLING#SPAN#")
    )
    assert [code for _, code in spans] == ["BASIC", "ENTERPRISE", "PROFESSIONAL"]


def test_a_new_tenant_starts_on_the_plan_it_was_created_with(stack: Api) -> None:
    admin = stack.new_account("Planvoll GmbH")
    created = stack.call(
        "POST", "/tenants", token=admin.token, json_body={"name": "Zweitfirma", "plan": "ENTERPRISE"}
    )
    assert created.status == 201, created.body
    assert (
        stack.call("GET", f"/tenants/{created.body['id']}", token=admin.token).body["edition"] == "ENTERPRISE"
    )
    [span] = [
        i
        for i in stack.table()
        if i["pk"]["S"] == f"TENANT#{created.body['id']}" and i["sk"]["S"].startswith("BILLING#SPAN#")
    ]
    assert (span["kind"]["S"], span["code"]["S"], span["ends_at"]["S"]) == (
        "plan",
        "ENTERPRISE",
        "9999-12-31T00:00:00Z",
    )
    # Its own invoice: a second account is its own billing account, never merged into the first.
    assert any(
        i["pk"]["S"] == f"TENANT#{created.body['id']}" and i["sk"]["S"] == "BILLING#ACCOUNT"
        for i in stack.table()
    )

    before = len(stack.table())
    gold = stack.call("POST", "/tenants", token=admin.token, json_body={"name": "Gold", "plan": "GOLD"})
    assert gold.status == 422 and len(stack.table()) == before
    signup = stack.call(
        "POST",
        "/signup",
        json_body={
            "email": "plan@example.com",
            "password": "velvet-otter-harbour-93",
            "name": "P",
            "tenant_name": "P",
            "plan": "PLATIN",
        },
    )
    assert signup.status == 422 and len(stack.table()) == before
