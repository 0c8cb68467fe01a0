"""Online sync over HTTP on the local stack: sync clients and the licence's binding to one company
database, the one sync host, prerequisites with what to do, status, staleness by the product
clock (and on `/me`), and the history. Bad input answers a stable 4xx and writes nothing."""

from __future__ import annotations

import threading
from typing import Any

from tests.e2e import syncing
from tests.e2e.conftest import Account, Api
from tests.e2e.syncing import CLIENT, register, report, rows, sync


def booked(api: Api, name: str) -> Account:
    return syncing.book(api, api.new_account(name))


def error(reply: Any) -> tuple[int, str]:
    return reply.status, reply.body["error"]["code"]


def stored(api: Api, tenant_id: str, kind: str) -> list[dict[str, Any]]:
    return [r for r in rows(api, tenant_id) if r["sk"]["S"].startswith(f"MOD#online_sync#{kind}")]


# ---------------------------------------------------------------- licence and clients
def test_without_the_licence_the_routes_answer_licence_required(api: Api) -> None:
    admin = api.new_account("Ohne Sync GmbH")
    reply = api.call("POST", f"{sync(admin)}/clients", token=admin.token, json_body=CLIENT)
    assert error(reply) == (403, "licence_required")
    assert error(api.call("GET", f"{sync(admin)}/status", token=admin.token)) == (403, "licence_required")
    assert rows(api, admin.tenant_id) == []


def test_the_first_real_database_binds_the_licence_and_becomes_the_host(api: Api) -> None:
    admin = booked(api, "Bindung GmbH")
    sample = register(api, admin, machine_name="LAPTOP", database_id="SAMPLE", sample_database=True)
    assert stored(api, admin.tenant_id, "BINDING") == []  # the sample database binds nothing
    assert sample["host"] is True  # the first client is the host

    first = register(api, admin)
    second = register(api, admin, machine_name="PLATZ-2")  # the same database from a workstation
    assert (first["host"], second["host"]) == (False, False)
    [binding] = stored(api, admin.tenant_id, "BINDING")
    assert binding["database_id"]["S"] == "FIRMA-0001"

    before = api.table()
    other = api.call(
        "POST",
        f"{sync(admin)}/clients",
        token=admin.token,
        json_body={**CLIENT, "database_id": "FIRMA-0002", "database_name": "Nebenfirma"},
    )
    assert error(other) == (409, "licence_bound_elsewhere")
    assert other.body["error"]["details"] == {"database_id": "FIRMA-0001", "database_name": "Schmidt GmbH"}
    assert api.table() == before

    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert status["licence_binding"]["database_id"] == "FIRMA-0001"
    assert [c["id"] for c in status["clients"] if c["host"]] == [sample["id"]]


def test_two_first_registrations_of_different_databases_bind_only_one(api: Api) -> None:
    admin = booked(api, "Wettlauf GmbH")
    replies: list[Any] = []

    def register_database(number: int) -> None:
        body = {**CLIENT, "database_id": f"FIRMA-{number}", "database_name": f"Firma {number}"}
        replies.append(api.call("POST", f"{sync(admin)}/clients", token=admin.token, json_body=body))

    threads = [threading.Thread(target=register_database, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    made = [r for r in replies if r.status == 201]
    refused = [r for r in replies if r.status != 201]
    assert len(made) == 1, [r.body for r in replies]
    assert {error(r) for r in refused} == {(409, "licence_bound_elsewhere")}
    [binding] = stored(api, admin.tenant_id, "BINDING")
    assert binding["database_id"]["S"] == made[0].body["database_id"]
    assert len(stored(api, admin.tenant_id, "CLIENT#")) == 1


def test_registering_refuses_bad_input_and_writes_nothing(api: Api) -> None:
    admin = booked(api, "Eingabe GmbH")
    path = f"{sync(admin)}/clients"
    cases = [
        {k: v for k, v in CLIENT.items() if k != "database_id"},
        {**CLIENT, "app_version": "vierzehn"},
        {**CLIENT, "machine_name": ""},
        {**CLIENT, "machine_name": "x" * 121},
        {**CLIENT, "database_id": "mit leerzeichen"},
        {**CLIENT, "sample_database": "vielleicht"},
        {**CLIENT, "unknown": 1},
    ]
    for body in cases:
        reply = api.call("POST", path, token=admin.token, json_body=body)
        assert error(reply) == (422, "validation_error"), body
    viewer = api.join(admin, "viewer")
    assert error(api.call("POST", path, token=viewer.token, json_body=CLIENT)) == (403, "forbidden")
    assert rows(api, admin.tenant_id) == []


def test_clients_are_listed_page_by_page(api: Api) -> None:
    admin = booked(api, "Seiten GmbH")
    made = [register(api, admin, machine_name=f"PLATZ-{n}")["id"] for n in range(3)]
    viewer = api.join(admin, "viewer")

    first = api.call("GET", f"{sync(admin)}/clients?limit=2", token=viewer.token)
    assert first.status == 200 and len(first.body["items"]) == 2 and first.body["next_cursor"]
    rest = api.call(
        "GET", f"{sync(admin)}/clients?limit=2&cursor={first.body['next_cursor']}", token=viewer.token
    )
    listed = [c["id"] for c in first.body["items"] + rest.body["items"]]
    assert sorted(listed) == sorted(made)
    assert rest.body["next_cursor"] is None or rest.body["items"] == []

    bad = api.call("GET", f"{sync(admin)}/clients?cursor=eyJwayI6MX0", token=viewer.token)
    assert error(bad) == (400, "invalid_cursor")
    assert error(api.call("GET", f"{sync(admin)}/clients?limit=0", token=viewer.token)) == (
        422,
        "validation_error",
    )


# ---------------------------------------------------------------- the sync host
def test_an_admin_moves_the_host_and_there_is_always_exactly_one(api: Api) -> None:
    admin = booked(api, "Host GmbH")
    first, second = register(api, admin)["id"], register(api, admin, machine_name="PLATZ-2")["id"]
    member = api.join(admin, "member")
    path = f"{sync(admin)}/host"

    assert error(api.call("PUT", path, token=member.token, json_body={"client_id": second})) == (
        403,
        "forbidden",
    )
    moved = api.call("PUT", path, token=admin.token, json_body={"client_id": second})
    assert moved.status == 200 and moved.body["id"] == second and moved.body["host"] is True

    hosts = [c["id"]["S"] for c in stored(api, admin.tenant_id, "CLIENT#") if c["host"]["BOOL"]]
    [host] = stored(api, admin.tenant_id, "HOST")
    assert hosts == [second] and host["client_id"]["S"] == second

    # Moving it to where it is changes nothing; an unknown or malformed client is refused.
    assert api.call("PUT", path, token=admin.token, json_body={"client_id": second}).status == 200
    before = api.table()
    assert error(api.call("PUT", path, token=admin.token, json_body={"client_id": "0" * 26})) == (
        422,
        "client_not_found",
    )
    assert error(api.call("PUT", path, token=admin.token, json_body={"client_id": "x"})) == (
        422,
        "validation_error",
    )
    assert error(api.call("PUT", path, token=admin.token, json_body={})) == (422, "validation_error")
    assert api.table() == before
    assert first != second


def test_parallel_host_moves_leave_one_host(api: Api) -> None:
    admin = booked(api, "Hostwechsel GmbH")
    made = [register(api, admin, machine_name=f"PLATZ-{n}")["id"] for n in range(4)]
    replies: list[Any] = []

    def move(client_id: str) -> None:
        replies.append(
            api.call("PUT", f"{sync(admin)}/host", token=admin.token, json_body={"client_id": client_id})
        )

    threads = [threading.Thread(target=move, args=(c,)) for c in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {r.status for r in replies} <= {200, 409}
    hosts = [c["id"]["S"] for c in stored(api, admin.tenant_id, "CLIENT#") if c["host"]["BOOL"]]
    [host] = stored(api, admin.tenant_id, "HOST")
    assert hosts == [host["client_id"]["S"]]


def test_removing_clients_keeps_the_host_until_it_is_the_last(api: Api) -> None:
    admin = booked(api, "Abbau GmbH")
    host, other = register(api, admin)["id"], register(api, admin, machine_name="PLATZ-2")["id"]
    member = api.join(admin, "member")
    clients = f"{sync(admin)}/clients"

    assert error(api.call("DELETE", f"{clients}/{other}", token=member.token)) == (403, "forbidden")
    before = api.table()
    assert error(api.call("DELETE", f"{clients}/{host}", token=admin.token)) == (409, "client_is_sync_host")
    assert error(api.call("DELETE", f"{clients}/{'0' * 26}", token=admin.token)) == (404, "client_not_found")
    assert error(api.call("DELETE", f"{clients}/nicht-da", token=admin.token)) == (404, "client_not_found")
    assert api.table() == before

    assert api.call("DELETE", f"{clients}/{other}", token=admin.token).status == 204
    assert api.call("DELETE", f"{clients}/{host}", token=admin.token).status == 204
    assert stored(api, admin.tenant_id, "CLIENT#") == [] and stored(api, admin.tenant_id, "HOST") == []
    # The licence stays bound to its database: it serves that one company database.
    assert len(stored(api, admin.tenant_id, "BINDING")) == 1


# ---------------------------------------------------------------- prerequisites
def checks(api: Api, account: Account, client_id: str, query: str = "") -> dict[str, Any]:
    reply = api.call("GET", f"{sync(account)}/clients/{client_id}/prerequisites{query}", token=account.token)
    assert reply.status == 200, reply.body
    return reply.body


def test_prerequisites_name_every_failed_check_and_what_to_do(api: Api) -> None:
    admin = booked(api, "Voraussetzung GmbH")
    sample = register(api, admin, database_id="SAMPLE", sample_database=True, app_version="11.9")["id"]

    found = checks(api, admin, sample)
    by_check = {c["check"]: c for c in found["checks"]}
    assert found["ready"] is False
    assert list(by_check) == [
        "licence",
        "not_sample_database",
        "company_profile_complete",
        "app_version_supported",
        "sync_host",
        "no_api_users_signed_in",
        "no_integrations_open",
    ]
    failed = {name for name, c in by_check.items() if not c["ok"]}
    assert failed == {"not_sample_database", "company_profile_complete", "app_version_supported"}
    for name in failed:
        assert by_check[name]["reason"] and by_check[name]["fix"], name
    assert "legal_name" in by_check["company_profile_complete"]["reason"]
    assert "12.0" in by_check["app_version_supported"]["fix"]
    assert all(c["fix"] is None for c in found["checks"] if c["ok"])

    # Once a real database holds the licence, the sample database's check names it.
    real = register(api, admin)["id"]
    licence = next(c for c in checks(api, admin, sample)["checks"] if c["check"] == "licence")
    assert not licence["ok"] and "Schmidt GmbH" in licence["reason"]

    # The real database on a workstation that is not the host, before the profile is complete.
    found = {c["check"]: c for c in checks(api, admin, real)["checks"]}
    assert not found["sync_host"]["ok"] and "/sync/host" in found["sync_host"]["fix"]

    syncing.complete_profile(api, admin)
    api.call("PUT", f"{sync(admin)}/host", token=admin.token, json_body={"client_id": real})
    assert checks(api, admin, real)["ready"] is True

    reported = checks(api, admin, real, "?api_users_signed_in=2&integrations_open=1")
    assert reported["ready"] is False
    assert {c["check"] for c in reported["checks"] if not c["ok"]} == {
        "no_api_users_signed_in",
        "no_integrations_open",
    }

    bad = api.call(
        "GET", f"{sync(admin)}/clients/{real}/prerequisites?api_users_signed_in=-1", token=admin.token
    )
    assert error(bad) == (422, "validation_error")
    missing = api.call("GET", f"{sync(admin)}/clients/{'0' * 26}/prerequisites", token=admin.token)
    assert error(missing) == (404, "client_not_found")
    viewer = api.join(admin, "viewer")
    assert error(api.call("GET", f"{sync(admin)}/clients/{real}/prerequisites", token=viewer.token)) == (
        403,
        "forbidden",
    )


# ---------------------------------------------------------------- status, staleness, history
def test_a_successful_run_is_the_last_sync_which_turns_stale_after_an_hour(api: Api) -> None:
    admin = booked(api, "Status GmbH")
    host = register(api, admin)["id"]
    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert (status["last_sync_at"], status["stale"]) == (None, False)

    run = report(api, admin, host)
    assert run["succeeded"] is True and run["pushed"] == 3
    failed = report(api, admin, host, errors=2)
    assert failed["succeeded"] is False

    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert status["last_sync_at"] == run["recorded_at"] and status["stale"] is False
    assert status["clients"][0]["last_sync_at"] == run["recorded_at"]
    me = {m["tenant_id"]: m for m in api.call("GET", "/me", token=admin.token).body["memberships"]}
    assert me[admin.tenant_id]["sync"] == {"last_sync_at": run["recorded_at"], "stale": False}

    notices = api.call("GET", f"/notices?tenant={admin.tenant_id}", token=admin.token).body["items"]
    assert "sync_stale" not in {n["kind"] for n in notices}

    api.call("POST", "/_local/clock", json_body={"advance_minutes": 61})

    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert status["stale"] is True and status["clients"][0]["stale"] is True
    me = {m["tenant_id"]: m for m in api.call("GET", "/me", token=admin.token).body["memberships"]}
    assert me[admin.tenant_id]["sync"] == {"last_sync_at": run["recorded_at"], "stale": True}
    notices = api.call("GET", f"/notices?tenant={admin.tenant_id}", token=admin.token).body["items"]
    [stale] = [n for n in notices if n["kind"] == "sync_stale"]
    assert stale["severity"] == "warning" and stale["tenant_id"] == admin.tenant_id and stale["title"]["de"]

    # A failed run does not count as a sync; the next successful one does.
    report(api, admin, host, errors=1)
    assert api.call("GET", f"{sync(admin)}/status", token=admin.token).body["stale"] is True
    fresh = report(api, admin, host)
    status = api.call("GET", f"{sync(admin)}/status", token=admin.token).body
    assert (status["last_sync_at"], status["stale"]) == (fresh["recorded_at"], False)


def test_the_history_is_newest_first_page_by_page(api: Api) -> None:
    admin = booked(api, "Historie GmbH")
    host = register(api, admin)["id"]
    made = [report(api, admin, host, pushed=n)["id"] for n in range(3)]
    viewer = api.join(admin, "viewer")

    first = api.call("GET", f"{sync(admin)}/history?limit=2", token=viewer.token).body
    rest = api.call(
        "GET", f"{sync(admin)}/history?limit=2&cursor={first['next_cursor']}", token=viewer.token
    ).body
    listed = [r["id"] for r in first["items"] + rest["items"]]
    assert listed == list(reversed(made))
    assert [r["pushed"] for r in first["items"]] == [2, 1]
    bad = api.call("GET", f"{sync(admin)}/history?cursor={first['next_cursor']}x", token=viewer.token)
    assert error(bad) == (400, "invalid_cursor")


def test_reporting_a_run_refuses_bad_input_and_writes_nothing(api: Api) -> None:
    admin = booked(api, "Bericht GmbH")
    host = register(api, admin)["id"]
    path = f"{sync(admin)}/clients/{host}/runs"
    before = api.table()
    cases = [
        ({**syncing.RUN, "ended_at": "2026-11-23T01:00:00Z"}, (422, "invalid_time_range")),
        ({**syncing.RUN, "pushed": -1}, (422, "validation_error")),
        ({**syncing.RUN, "started_at": "2026-11-23T02:00:00"}, (422, "validation_error")),  # no zone
        ({"pushed": 1}, (422, "validation_error")),
    ]
    for body, expected in cases:
        assert error(api.call("POST", path, token=admin.token, json_body=body)) == expected, body
    unknown = api.call(
        "POST", f"{sync(admin)}/clients/{'0' * 26}/runs", token=admin.token, json_body=syncing.RUN
    )
    assert error(unknown) == (404, "client_not_found")
    viewer = api.join(admin, "viewer")
    assert error(api.call("POST", path, token=viewer.token, json_body=syncing.RUN)) == (403, "forbidden")
    after = api.table()
    assert [i for i in after if "online_sync" in i["sk"]["S"]] == [
        i for i in before if "online_sync" in i["sk"]["S"]
    ]


def test_another_tenants_clients_are_not_found(api: Api) -> None:
    owner, stranger = booked(api, "Eigene Sync GmbH"), booked(api, "Fremde Sync GmbH")
    client_id = register(api, owner)["id"]
    before = api.table()
    for method, suffix, body in [
        ("DELETE", f"/clients/{client_id}", None),
        ("GET", f"/clients/{client_id}/prerequisites", None),
        ("POST", f"/clients/{client_id}/runs", syncing.RUN),
    ]:
        reply = api.call(method, f"{sync(stranger)}{suffix}", token=stranger.token, json_body=body)
        assert error(reply) == (404, "client_not_found"), suffix
    moved = api.call(
        "PUT", f"{sync(stranger)}/host", token=stranger.token, json_body={"client_id": client_id}
    )
    assert error(moved) == (422, "client_not_found")
    assert api.table() == before
