"""Maintenance windows on the local stack, walked with the product's clock: an operator plans a
window, every user sees it in the notices, writes answer 503 inside it and the table stays as it
was, reads go on, and after it writes work again. The edge reads the windows once a minute."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, Account, Api, HttpReply

EDGE_CALLS_HEADER = "X-Kontor-Edge-Calls"
TITLE = {"de": "Wartung", "en": "Maintenance"}
TEXT = {
    "de": "Bitte speichern Sie Ihre Arbeit vorher.",
    "en": "Please save your work before.",
}


def now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


def advance(api: Api, delta: timedelta) -> None:
    moved = api.call("POST", "/_local/clock", json_body={"advance_days": delta / timedelta(days=1)})
    assert moved.status == 200, moved.body


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan(api: Api, operator: Account, starts: datetime, ends: datetime, mode: str = "read_only") -> HttpReply:
    return api.call(
        "POST",
        "/operator/maintenance-windows",
        token=operator.token,
        json_body={
            "starts_at": iso(starts),
            "ends_at": iso(ends),
            "mode": mode,
            "title": TITLE,
            "text": TEXT,
        },
    )


def edge_calls(reply: HttpReply) -> dict[str, int]:
    return json.loads(reply.headers.get(EDGE_CALLS_HEADER, "{}"))


@pytest.fixture(scope="module")
def operator(local_stack: Api) -> Account:
    return local_stack.operator()


@pytest.fixture
def no_windows_left(api: Api, operator: Account) -> Iterator[None]:
    """Whatever a test planned is gone afterwards: other tests share the stack and move its clock."""
    yield
    for window in api.call("GET", "/operator/maintenance-windows", token=operator.token).body["items"]:
        api.call("DELETE", f"/operator/maintenance-windows/{window['id']}", token=operator.token)


def test_a_read_only_window_refuses_writes_inside_it_and_nothing_outside(
    api: Api, operator: Account, no_windows_left: None
) -> None:
    # Given a tenant with a contact, and a window an hour from now
    admin = api.new_account("Wartung GmbH")
    contacts = f"/tenants/{admin.tenant_id}/contacts"
    assert (
        api.call("POST", contacts, token=admin.token, json_body={"kind": "person", "name": "Vorher"}).status
        == 201
    )
    start = now(api)
    planned = plan(api, operator, start + timedelta(hours=1), start + timedelta(hours=3))
    assert planned.status == 201, planned.body
    window = planned.body
    assert (
        window["mode"] == "read_only"
        and window["title"] == TITLE
        and window["created_by"] == operator.user_id
    )

    # Then every user sees it coming, signed in or not
    for reply in (
        api.call("GET", "/notices", token=admin.token),
        api.call("GET", "/notices/public"),
        api.call("GET", f"/notices?tenant={admin.tenant_id}", token=admin.token),
    ):
        assert reply.status == 200, reply.body
        [notice] = [n for n in reply.body["items"] if n["id"] == window["id"]]
        assert notice["kind"] == "maintenance" and notice["active"] is False
        assert (notice["starts_at"], notice["ends_at"], notice["mode"]) == (
            window["starts_at"],
            window["ends_at"],
            "read_only",
        )
        assert notice["text"] == TEXT

    # When the clock is inside the window
    advance(api, timedelta(hours=1, minutes=30))
    before = api.table()
    refused = [
        api.call("POST", contacts, token=admin.token, json_body={"kind": "person", "name": "Während"}),
        api.call("PATCH", f"/tenants/{admin.tenant_id}", token=admin.token, json_body={"name": "X"}),
        api.call(
            "POST",
            "/signup",
            json_body={
                "email": "wartung-signup@example.com",
                "password": PASSWORD,
                "name": "Neu",
                "tenant_name": "Neu GmbH",
            },
        ),
    ]

    # Then writes answer 503 with Retry-After up to the window's end, and nothing changed
    for reply in refused:
        assert reply.status == 503, reply.body
        assert reply.body["error"]["code"] == "maintenance"
        assert reply.body["error"]["details"] == {
            "window_id": window["id"],
            "mode": "read_only",
            "ends_at": window["ends_at"],
        }
        assert reply.body["error"]["request_id"] == reply.headers["X-Request-Id"]
        assert 5300 <= int(reply.headers["Retry-After"]) <= 5400
    assert api.table() == before
    assert api.outbox("wartung-signup@example.com") == []
    # reads go on, and the notice says the window is running
    listed = api.call("GET", contacts, token=admin.token)
    assert listed.status == 200 and [c["name"] for c in listed.body["items"]] == ["Vorher"]
    notices = api.call("GET", "/notices/public").body["items"]
    assert [n["active"] for n in notices if n["id"] == window["id"]] == [True]

    # When the window is over, writes work again
    advance(api, timedelta(hours=2))
    after = api.call("POST", contacts, token=admin.token, json_body={"kind": "person", "name": "Nachher"})
    assert after.status == 201, after.body
    assert [n for n in api.call("GET", "/notices/public").body["items"] if n["id"] == window["id"]] == []


def test_an_unavailable_window_answers_only_notices_config_health_and_operators(
    api: Api, operator: Account, no_windows_left: None
) -> None:
    admin = api.new_account("Nicht Da GmbH")
    start = now(api)
    window = plan(
        api, operator, start + timedelta(minutes=10), start + timedelta(hours=1), "unavailable"
    ).body
    advance(api, timedelta(minutes=15))

    tenant = api.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token)
    me = api.call("GET", "/me", token=admin.token)
    assert (tenant.status, me.status) == (503, 503)
    assert tenant.body["error"]["details"]["mode"] == "unavailable"
    assert 2600 <= int(tenant.headers["Retry-After"]) <= 2700
    for path in ("/notices/public", "/config", "/health"):
        assert api.call("GET", path).status == 200, path
    notices = api.call("GET", "/notices", token=admin.token)
    assert notices.status == 200
    assert [n["active"] for n in notices.body["items"] if n["id"] == window["id"]] == [True]

    # The operators' routes stay open: ending the window opens everything at once.
    assert (
        api.call("DELETE", f"/operator/maintenance-windows/{window['id']}", token=operator.token).status
        == 204
    )
    assert api.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).status == 200


def test_the_edge_reads_the_windows_once_a_minute_not_per_request(api: Api, operator: Account) -> None:
    admin = api.new_account("Kante GmbH")
    path = f"/tenants/{admin.tenant_id}"
    advance(api, timedelta(seconds=61))  # whatever copy the stack held is too old now

    first = api.call("GET", path, token=admin.token)
    following = [api.call("GET", path, token=admin.token) for _ in range(3)]

    assert edge_calls(first) == {"dynamodb.GetItem": 1}
    assert [edge_calls(reply) for reply in following] == [{}, {}, {}]
    # the route's own budget is untouched by it
    assert (
        first.calls
        == following[0].calls
        == {
            "dynamodb.GetItem": 1,
            "dynamodb.BatchGetItem": 1,
            "dynamodb.UpdateItem": 1,  # the tenant's rate
        }
    )
    # exempt routes never read it; the API document's function does (it is not exempt)
    advance(api, timedelta(seconds=61))
    assert edge_calls(api.call("GET", "/health")) == {}
    assert edge_calls(api.call("GET", "/openapi.json")) == {"dynamodb.GetItem": 1}


def test_planning_a_window_again_with_the_same_idempotency_key_answers_the_first_window(
    api: Api, operator: Account, no_windows_left: None
) -> None:
    start = now(api)
    body = {
        "starts_at": iso(start + timedelta(days=100)),
        "ends_at": iso(start + timedelta(days=100, hours=1)),
        "mode": "read_only",
        "title": TITLE,
        "text": TEXT,
    }
    first, retry = (
        api.call(
            "POST",
            "/operator/maintenance-windows",
            token=operator.token,
            json_body=body,
            headers={"Idempotency-Key": "window-once"},
        )
        for _ in range(2)
    )

    assert first.status == retry.status == 201 and retry.body == first.body
    listed = api.call("GET", "/operator/maintenance-windows", token=operator.token).body["items"]
    assert [w["id"] for w in listed if w["starts_at"] == body["starts_at"]] == [first.body["id"]]


@pytest.mark.parametrize(
    ("offsets", "code"),
    [
        ((timedelta(hours=2), timedelta(hours=1)), "invalid_time_range"),
        ((timedelta(hours=1), timedelta(hours=1)), "invalid_time_range"),
        ((timedelta(hours=1), timedelta(days=7, hours=2)), "window_too_long"),
        ((-timedelta(hours=3), -timedelta(hours=1)), "invalid_time_range"),
    ],
)
def test_a_window_that_ends_before_it_starts_is_over_or_too_long_is_refused(
    api: Api, operator: Account, offsets: tuple[timedelta, timedelta], code: str
) -> None:
    start = now(api)
    before = api.table()

    reply = plan(api, operator, start + offsets[0], start + offsets[1])

    assert (reply.status, reply.body["error"]["code"]) == (422, code), reply.body
    assert api.table() == before


def test_bad_bodies_and_unknown_windows(api: Api, operator: Account, no_windows_left: None) -> None:
    start = now(api)
    body: dict[str, Any] = {
        "starts_at": iso(start + timedelta(days=300)),
        "ends_at": iso(start + timedelta(days=300, hours=1)),
        "mode": "sometimes",
        "title": TITLE,
        "text": TEXT,
    }
    assert (
        api.call("POST", "/operator/maintenance-windows", token=operator.token, json_body=body).status == 422
    )
    body["mode"] = "read_only"
    body["title"] = {"de": "nur deutsch"}
    assert (
        api.call("POST", "/operator/maintenance-windows", token=operator.token, json_body=body).status == 422
    )
    body["title"] = TITLE
    body["starts_at"] = "2026-12-05T22:00:00"  # no zone
    assert (
        api.call("POST", "/operator/maintenance-windows", token=operator.token, json_body=body).status == 422
    )

    missing = api.call(
        "GET", "/operator/maintenance-windows/01kf3wa1b2c3d4e5f6g7h8j9k0", token=operator.token
    )
    assert (missing.status, missing.body["error"]["code"]) == (404, "window_not_found")


def test_a_window_can_be_moved_and_changed(api: Api, operator: Account, no_windows_left: None) -> None:
    start = now(api)
    window = plan(api, operator, start + timedelta(days=200), start + timedelta(days=200, hours=2)).body
    path = f"/operator/maintenance-windows/{window['id']}"

    changed = api.call(
        "PATCH",
        path,
        token=operator.token,
        json_body={"mode": "unavailable", "ends_at": iso(start + timedelta(days=200, hours=4))},
    )
    too_long = api.call(
        "PATCH", path, token=operator.token, json_body={"ends_at": iso(start + timedelta(days=208))}
    )

    assert changed.status == 200, changed.body
    assert changed.body["mode"] == "unavailable" and changed.body["ends_at"] == iso(
        start + timedelta(days=200, hours=4)
    )
    assert changed.body["starts_at"] == window["starts_at"] and changed.body["updated_at"]
    assert (too_long.status, too_long.body["error"]["code"]) == (422, "window_too_long")
    assert api.call("GET", path, token=operator.token).body == changed.body


def test_only_operators_see_the_maintenance_routes_and_notices_need_the_tenant(api: Api) -> None:
    admin = api.new_account("Kein Operator GmbH")
    other = api.new_account("Fremd GmbH")

    for method in ("GET", "POST"):
        reply = api.call(method, "/operator/maintenance-windows", token=admin.token, json_body={})
        assert (reply.status, reply.body["error"]["code"]) == (404, "route_not_found")
    foreign = api.call("GET", f"/notices?tenant={other.tenant_id}", token=admin.token)
    malformed = api.call("GET", "/notices?tenant=not-a-tenant", token=admin.token)
    anonymous = api.call("GET", "/notices")
    assert (foreign.status, foreign.body["error"]["code"]) == (404, "tenant_not_found")
    assert (malformed.status, malformed.body["error"]["code"]) == (404, "tenant_not_found")
    assert anonymous.status == 401


def test_a_suspended_tenant_is_a_notice_of_its_own(api: Api, operator: Account) -> None:
    admin = api.new_account("Gesperrt Hinweis GmbH")
    api.call(
        "PUT",
        f"/operator/tenants/{admin.tenant_id}/status",
        token=operator.token,
        json_body={"status": "suspended", "reason": "notice"},
    )

    notices = api.call("GET", f"/notices?tenant={admin.tenant_id}", token=admin.token).body["items"]

    [suspended] = [n for n in notices if n["kind"] == "tenant_suspended"]
    assert suspended["tenant_id"] == admin.tenant_id and suspended["title"]["de"] == "Mandant gesperrt"


def test_queued_work_waits_for_the_window_and_runs_after_it(
    api: Api, operator: Account, no_windows_left: None
) -> None:
    # Given a backup queued before a window that starts now and ends a few seconds later (and no
    # other test's work left in the shared stack's queues)
    admin = api.new_account("Warteschlange GmbH")
    api.call("POST", "/_local/queues/drain")
    queued = api.call("POST", f"/tenants/{admin.tenant_id}/backups", token=admin.token, json_body={})
    assert queued.status == 202, queued.body
    start = now(api)
    assert plan(api, operator, start, start + timedelta(seconds=4)).status == 201
    backup = f"/tenants/{admin.tenant_id}/backups/{queued.body['id']}"

    # When the queue is worked on inside the window, the worker sends the message back, delayed
    during = api.call("POST", "/_local/queues/drain").body
    assert during["calls"].get("sqs.SendMessage") == 1
    assert "s3.PutObject" not in during["calls"]
    assert api.call("GET", backup, token=admin.token).body["state"] == "pending"

    # Then after the window the work runs
    deadline = time.monotonic() + 20
    while (
        api.call("GET", backup, token=admin.token).body["state"] == "pending" and time.monotonic() < deadline
    ):
        time.sleep(1)
        api.call("POST", "/_local/queues/drain")
    assert api.call("GET", backup, token=admin.token).body["state"] == "completed"


def test_upcoming_windows_are_mailed_to_every_open_tenants_admins_48_hours_ahead(
    api: Api, operator: Account, no_windows_left: None
) -> None:
    # Given two tenants, one of them closed, and windows in 47 hours and in 3 days
    admin = api.new_account("Ankündigung GmbH")
    member = api.join(admin, "member")
    closed = api.new_account("Zu GmbH")
    api.call(
        "PUT",
        f"/operator/tenants/{closed.tenant_id}/status",
        token=operator.token,
        json_body={"status": "closed", "reason": "announcement"},
    )
    start = now(api)
    soon = plan(api, operator, start + timedelta(hours=47), start + timedelta(hours=48)).body
    later = plan(api, operator, start + timedelta(days=3), start + timedelta(days=3, hours=1)).body

    # When the announcement schedule runs, twice
    first = api.call("POST", "/_local/schedules/AnnounceMaintenanceSchedule").body
    again = api.call("POST", "/_local/schedules/AnnounceMaintenanceSchedule").body

    # Then each open tenant's admins got one mail, in their language (German by default), about the
    # near window only, as text and HTML
    [mail] = [m for m in api.outbox(admin.email) if "Wartung" in m["subject"]]
    assert mail["subject"] == f"Geplante Wartung: {soon['starts_at'][:10]} {soon['starts_at'][11:19]} UTC"
    assert TEXT["de"] in mail["text"] and "kann Kontor nur gelesen werden" in mail["text"]
    assert TEXT["en"] not in mail["text"]
    assert [m for m in api.outbox(member.email) if "Wartung" in m["subject"]] == []
    assert [m for m in api.outbox(closed.email) if "Wartung" in m["subject"]] == []
    assert first["result"]["dispatched"] >= 1 and first["calls"]["work"]["ses.SendEmail"] >= 1
    assert again["result"]["dispatched"] == 0 and again["calls"]["dispatch"] == {"dynamodb.GetItem": 1}
    windows = {
        w["id"]: w
        for w in api.call("GET", "/operator/maintenance-windows", token=operator.token).body["items"]
    }
    assert windows[soon["id"]]["announced_at"] and windows[later["id"]]["announced_at"] is None
