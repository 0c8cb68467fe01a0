"""The change feed over HTTP on the local stack: every record write appears once, in order, for
every sync client that pulls; parallel writers cannot make a cursor pass a committed change; a
restore voids old cursors (`410 resync_required`) until the client takes a new baseline."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from tests.e2e import syncing
from tests.e2e.conftest import Account, Api
from tests.e2e.syncing import register, rows, sync
from tests.e2e.test_records_and_backups import backup_now, drain


def booked(api: Api, name: str) -> Account:
    return syncing.book(api, api.new_account(name))


def error(reply: Any) -> tuple[int, str]:
    return reply.status, reply.body["error"]["code"]


def pull(api: Api, account: Account, client_id: str, cursor: str | None = None, limit: int = 100) -> Any:
    query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
    return api.call("GET", f"{sync(account)}/clients/{client_id}/changes{query}", token=account.token)


def pull_all(
    api: Api, account: Account, client_id: str, cursor: str | None
) -> tuple[list[dict[str, Any]], str]:
    items: list[dict[str, Any]] = []
    while True:
        reply = pull(api, account, client_id, cursor)
        assert reply.status == 200, reply.body
        items += reply.body["items"]
        if reply.body["next_cursor"] == cursor:
            return items, cursor or reply.body["next_cursor"]
        cursor = reply.body["next_cursor"]


def contact(api: Api, account: Account, name: str) -> dict[str, Any]:
    made = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "person", "name": name},
    )
    assert made.status == 201, made.body
    return made.body


def test_a_record_write_is_pulled_in_order_with_its_record(api: Api) -> None:
    admin = booked(api, "Feed GmbH")
    client_id = register(api, admin)["id"]
    base = f"/tenants/{admin.tenant_id}/contacts"

    first = pull(api, admin, client_id)
    assert first.status == 200 and first.body["items"] == [] and first.body["next_cursor"] == "0.0"

    made = contact(api, admin, "Erika Mustermann")
    changed = api.call(
        "PATCH",
        f"{base}/{made['id']}",
        token=admin.token,
        json_body={"notes": "neu"},
        headers={"If-Match": '"1"'},
    )
    assert changed.status == 200, changed.body
    assert api.call("DELETE", f"{base}/{made['id']}", token=admin.token).status == 204

    reply = pull(api, admin, client_id, first.body["next_cursor"])
    assert reply.status == 200, reply.body
    items = reply.body["items"]
    assert [(i["kind"], i["id"], i["operation"], i["version"]) for i in items] == [
        ("contact", made["id"], "create", 1),
        ("contact", made["id"], "update", 2),
        ("contact", made["id"], "delete", 3),
    ]
    assert items[0]["record"]["name"] == "Erika Mustermann" and items[1]["record"]["notes"] == "neu"
    assert items[2]["record"] is None
    assert reply.body["next_cursor"] == "0.3"

    # Nothing new: the same cursor comes back to poll from; nothing is left pending.
    again = pull(api, admin, client_id, "0.3")
    assert again.body == {"items": [], "next_cursor": "0.3"}
    assert [r for r in rows(api, admin.tenant_id) if "#PENDING#" in r["sk"]["S"]] == []

    # A client registered now starts after what happened before it.
    late = register(api, admin, machine_name="PLATZ-2")["id"]
    assert pull(api, admin, late).body == {"items": [], "next_cursor": "0.3"}


def test_twenty_parallel_writers_every_change_is_pulled_exactly_once(api: Api) -> None:
    admin = booked(api, "Parallel GmbH")
    client_id = register(api, admin)["id"]
    seeds = [contact(api, admin, f"Kontakt {n}") for n in range(20)]
    start = pull_all(api, admin, client_id, None)[1]
    written: list[tuple[str, int]] = []
    lock = threading.Lock()
    pulled: list[dict[str, Any]] = []
    done = threading.Event()

    def writer(number: int) -> None:
        record, version = seeds[number], 1
        for _ in range(5):
            reply = api.call(
                "PATCH",
                f"/tenants/{admin.tenant_id}/contacts/{record['id']}",
                token=admin.token,
                json_body={"notes": f"Stand {version + 1}"},
                headers={"If-Match": f'"{version}"'},
            )
            assert reply.status == 200, reply.body
            version += 1
            with lock:
                written.append((record["id"], version))
        made = contact(api, admin, f"Neu {number}")
        with lock:
            written.append((made["id"], 1))

    def puller() -> None:
        cursor = start
        while not done.is_set():
            reply = pull(api, admin, client_id, cursor, limit=7)
            assert reply.status == 200, reply.body
            pulled.extend(reply.body["items"])
            cursor = reply.body["next_cursor"]
        rest, _ = pull_all(api, admin, client_id, cursor)
        pulled.extend(rest)

    reader = threading.Thread(target=puller)
    reader.start()
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()

    seen = Counter((i["id"], i["version"]) for i in pulled)
    assert len(written) == 20 * 6
    assert set(seen) == set(written)
    assert all(times == 1 for times in seen.values()), [k for k, v in seen.items() if v > 1]
    # Each record's versions arrive in order.
    for record_id in {i["id"] for i in pulled}:
        versions = [i["version"] for i in pulled if i["id"] == record_id]
        assert versions == sorted(versions)


def test_a_restore_voids_old_cursors_until_a_new_baseline(api: Api) -> None:
    admin = booked(api, "Restore Sync GmbH")
    client_id = register(api, admin)["id"]
    contact(api, admin, "Vor der Sicherung")
    backup = backup_now(api, admin)
    contact(api, admin, "Nach der Sicherung")
    _, cursor = pull_all(api, admin, client_id, None)
    assert cursor == "0.2"
    contact(api, admin, "Nie gezogen")  # pending when the restore starts: void after it

    restore = api.call(
        "POST", f"/tenants/{admin.tenant_id}/backups/{backup['id']}/restore", token=admin.token
    )
    assert restore.status == 202, restore.body
    drain(api)
    assert (
        api.call("GET", f"/tenants/{admin.tenant_id}/restore", token=admin.token).body["state"] == "completed"
    )

    assert error(pull(api, admin, client_id, cursor)) == (410, "resync_required")
    assert error(pull(api, admin, client_id)) == (410, "resync_required")  # its baseline is of the old epoch
    baseline = api.call("POST", f"{sync(admin)}/clients/{client_id}/baseline", token=admin.token)
    assert baseline.status == 200 and baseline.body["cursor"] == "1.0"

    made = contact(api, admin, "Nach der Rücksicherung")
    reply = pull(api, admin, client_id, baseline.body["cursor"])
    assert [(i["id"], i["operation"]) for i in reply.body["items"]] == [(made["id"], "create")]
    assert reply.body["next_cursor"] == "1.1"
    assert pull(api, admin, client_id).body["next_cursor"] == "1.1"  # from the new baseline


def test_bad_cursors_are_refused(api: Api) -> None:
    admin = booked(api, "Cursor GmbH")
    client_id = register(api, admin)["id"]
    for cursor in ("abc", "0.99", "0.-1", "x" * 40):
        reply = pull(api, admin, client_id, cursor)
        assert reply.status in {400, 422}, cursor
        assert error(reply) in {(400, "invalid_cursor"), (422, "validation_error")}, cursor
    assert error(pull(api, admin, client_id, "5.0")) == (410, "resync_required")
    assert error(pull(api, admin, "0" * 26)) == (404, "client_not_found")
    assert error(pull(api, admin, client_id, limit=0)) == (422, "validation_error")
    viewer = api.join(admin, "viewer")
    reply = api.call("GET", f"{sync(admin)}/clients/{client_id}/changes", token=viewer.token)
    assert error(reply) == (403, "forbidden")


def test_a_tenant_without_the_licence_keeps_no_feed(api: Api) -> None:
    admin = api.new_account("Ohne Feed GmbH")
    contact(api, admin, "Kein Eintrag")
    assert rows(api, admin.tenant_id) == []


def push(api: Api, account: Account, client_id: str, batch_id: str, *changes: dict[str, Any]) -> Any:
    body = {"batch_id": batch_id, "changes": list(changes)}
    return api.call(
        "POST", f"{sync(account)}/clients/{client_id}/changes", token=account.token, json_body=body
    )


NEW_ID = "01kf3w9c2d4f6h8k0m2p4r6t8v"


def test_edits_round_trip_both_ways_and_a_two_sided_edit_is_a_conflict(api: Api) -> None:
    admin = booked(api, "Rundreise GmbH")
    desk, other = register(api, admin)["id"], register(api, admin, machine_name="PLATZ-2")["id"]
    desk_cursor, other_cursor = "0.0", "0.0"
    path = f"/tenants/{admin.tenant_id}/contacts/{NEW_ID}"

    # Desktop → cloud: applied, readable through the API, pulled by the other client, not by itself.
    created = {"kind": "contact", "id": NEW_ID, "operation": "create", "base_version": 0}
    record = {"kind": "person", "name": "Erika Mustermann", "tags": ["kunde", "kunde"]}
    reply = push(api, admin, desk, "b1", {**created, "record": record})
    assert reply.status == 200, reply.body
    assert reply.body["results"] == [
        {"kind": "contact", "id": NEW_ID, "operation": "create", "outcome": "applied", "version": 1}
    ]
    cloud = api.call("GET", path, token=admin.token)
    assert (
        cloud.body["name"] == "Erika Mustermann"
        and cloud.body["tags"] == ["kunde"]
        and cloud.headers["ETag"] == '"1"'
    )
    mine = pull(api, admin, desk, desk_cursor).body
    assert mine["items"] == [] and mine["next_cursor"] == "0.1"
    theirs = pull(api, admin, other, other_cursor).body
    assert [(i["id"], i["operation"], i["version"]) for i in theirs["items"]] == [(NEW_ID, "create", 1)]

    # Cloud → desktop.
    patched = api.call(
        "PATCH", path, token=admin.token, json_body={"notes": "aus der Cloud"}, headers={"If-Match": '"1"'}
    )
    assert patched.status == 200
    pulled = pull(api, admin, desk, mine["next_cursor"]).body
    assert [(i["operation"], i["version"], i["record"]["notes"]) for i in pulled["items"]] == [
        ("update", 2, "aus der Cloud")
    ]

    # The desktop edits on version 2: applied as 3.
    edit = {"kind": "contact", "id": NEW_ID, "operation": "update", "base_version": 2}
    reply = push(api, admin, desk, "b2", {**edit, "record": {**record, "notes": "vom Desktop"}})
    assert reply.body["results"][0]["outcome"] == "applied" and reply.body["results"][0]["version"] == 3

    # Both sides change version 3: the cloud keeps its version, the client is told.
    api.call(
        "PATCH", path, token=admin.token, json_body={"notes": "Cloud gewinnt"}, headers={"If-Match": '"3"'}
    )
    before = api.table()
    clash = push(
        api, admin, desk, "b3", {**edit, "base_version": 3, "record": {**record, "notes": "Desktop verliert"}}
    )
    assert clash.body["results"][0] == {
        "kind": "contact",
        "id": NEW_ID,
        "operation": "update",
        "outcome": "conflict",
        "version": 4,
    }
    assert api.call("GET", path, token=admin.token).body["notes"] == "Cloud gewinnt"
    records_after = [i for i in api.table() if i["sk"]["S"] == f"CONTACT#{NEW_ID}"]
    assert records_after == [i for i in before if i["sk"]["S"] == f"CONTACT#{NEW_ID}"]

    # The same batch again: the same answer, applied once.
    again = push(api, admin, desk, "b2", {**edit, "record": {**record, "notes": "vom Desktop"}})
    assert again.body == {"batch_id": "b2", "results": [{**reply.body["results"][0]}]}
    assert api.call("GET", path, token=admin.token).headers["ETag"] == '"4"'

    # A delete on the current version, and an appointment from the desktop.
    appointment_id = "01kf3w9c2d4f6h8k0m2p4r6t8w"
    appointment = {
        "title": "Jahresgespräch",
        "starts_at": "2026-12-10T11:00:00+01:00",
        "ends_at": "2026-12-10T11:30:00+01:00",
    }
    reply = push(
        api,
        admin,
        desk,
        "b4",
        {"kind": "contact", "id": NEW_ID, "operation": "delete", "base_version": 4},
        {
            "kind": "appointment",
            "id": appointment_id,
            "operation": "create",
            "base_version": 0,
            "record": appointment,
        },
    )
    assert [r["outcome"] for r in reply.body["results"]] == ["applied", "applied"]
    assert api.call("GET", path, token=admin.token).status == 404
    stored = api.call(
        "GET", f"/tenants/{admin.tenant_id}/appointments/{appointment_id}", token=admin.token
    ).body
    assert stored["starts_at"] == "2026-12-10T10:00:00Z"
    theirs = pull_all(api, admin, other, theirs["next_cursor"])[0]
    assert [(i["kind"], i["operation"], i["version"]) for i in theirs] == [
        ("contact", "update", 2),
        ("contact", "update", 3),
        ("contact", "update", 4),
        ("contact", "delete", 5),
        ("appointment", "create", 1),
    ]


def test_a_push_refuses_bad_input_and_writes_nothing(api: Api) -> None:
    admin = booked(api, "Schiebefehler GmbH")
    desk = register(api, admin)["id"]
    create = {
        "kind": "contact",
        "id": NEW_ID,
        "operation": "create",
        "base_version": 0,
        "record": {"kind": "person", "name": "X"},
    }
    appointment = {"title": "T", "starts_at": "2026-12-10T11:00:00Z", "ends_at": "2026-12-10T10:00:00Z"}
    cases = [
        [{**create, "base_version": 1}],
        [{**create, "operation": "delete"}],
        [{**create, "operation": "update", "record": None}],
        [{**create, "record": {"kind": "person"}}],
        [{**create, "record": {"kind": "robot", "name": "X"}}],
        [{**create, "id": "kurz"}],
        [{**create, "kind": "invoice"}],
        [
            {
                "kind": "appointment",
                "id": NEW_ID,
                "operation": "create",
                "base_version": 0,
                "record": appointment,
            }
        ],
        [create, create],
        [{**create, "id": f"{n:026d}"} for n in range(26)],
        [],
    ]
    viewer = api.join(admin, "viewer")
    before = api.table()
    for changes in cases:
        reply = push(api, admin, desk, "bad", *changes)
        assert error(reply) == (422, "validation_error"), changes
    assert error(push(api, admin, desk, "mit leerzeichen", create)) == (422, "validation_error")
    assert error(push(api, admin, "0" * 26, "b", create)) == (404, "client_not_found")
    refused = api.call(
        "POST",
        f"{sync(admin)}/clients/{desk}/changes",
        token=viewer.token,
        json_body={"batch_id": "b", "changes": [create]},
    )
    assert error(refused) == (403, "forbidden")
    assert [i for i in api.table() if i["pk"]["S"] == f"TENANT#{admin.tenant_id}"] == [
        i for i in before if i["pk"]["S"] == f"TENANT#{admin.tenant_id}"
    ]


def test_a_two_sided_edit_is_recorded_as_a_conflict_and_resolved(api: Api) -> None:
    admin = booked(api, "Konflikt GmbH")
    desk, other = register(api, admin)["id"], register(api, admin, machine_name="PLATZ-2")["id"]
    made = contact(api, admin, "Max Muster")
    path = f"/tenants/{admin.tenant_id}/contacts/{made['id']}"
    _, other_cursor = pull_all(api, admin, other, None)
    edited = {"kind": "person", "name": "Max Muster", "notes": "vom Desktop"}
    api.call(
        "PATCH", path, token=admin.token, json_body={"notes": "aus der Cloud"}, headers={"If-Match": '"1"'}
    )

    change = {"kind": "contact", "id": made["id"], "operation": "update", "base_version": 1, "record": edited}
    assert push(api, admin, desk, "k1", change).body["results"][0]["outcome"] == "conflict"
    viewer = api.join(admin, "viewer")
    listed = api.call("GET", f"{sync(admin)}/conflicts", token=viewer.token)
    assert listed.status == 200, listed.body
    [conflict] = listed.body["items"]
    assert (conflict["record_id"], conflict["client_id"], conflict["state"]) == (made["id"], desk, "open")
    assert (conflict["base_version"], conflict["cloud_version"]) == (1, 2)
    assert conflict["client_record"]["notes"] == "vom Desktop"

    resolve = f"{sync(admin)}/conflicts/{conflict['id']}/resolve"
    assert error(api.call("POST", resolve, token=viewer.token, json_body={"keep": "client"})) == (
        403,
        "forbidden",
    )
    assert error(api.call("POST", resolve, token=admin.token, json_body={"keep": "beide"})) == (
        422,
        "validation_error",
    )
    kept = api.call("POST", resolve, token=admin.token, json_body={"keep": "client"})
    assert kept.status == 200, kept.body
    assert (kept.body["state"], kept.body["kept"]) == ("resolved", "client")
    cloud = api.call("GET", path, token=admin.token)
    assert cloud.body["notes"] == "vom Desktop" and cloud.headers["ETag"] == '"3"'
    # Every client gets the kept version, the one that pushed it too.
    theirs = pull_all(api, admin, other, other_cursor)[0]
    assert [(i["operation"], i["version"]) for i in theirs] == [("update", 2), ("update", 3)]
    assert theirs[-1]["record"]["notes"] == "vom Desktop"

    again = api.call("POST", resolve, token=admin.token, json_body={"keep": "cloud"})
    assert error(again) == (409, "conflict_resolved")
    missing = api.call(
        "POST", f"{sync(admin)}/conflicts/{'0' * 26}/resolve", token=admin.token, json_body={"keep": "cloud"}
    )
    assert error(missing) == (404, "conflict_not_found")

    # Keeping the cloud's version changes nothing but the conflict.
    api.call("PATCH", path, token=admin.token, json_body={"notes": "Cloud 4"}, headers={"If-Match": '"3"'})
    push(api, admin, desk, "k2", {**change, "base_version": 3})
    second = api.call("GET", f"{sync(admin)}/conflicts", token=admin.token).body["items"][0]
    assert second["state"] == "open" and second["cloud_version"] == 4
    closed = api.call(
        "POST",
        f"{sync(admin)}/conflicts/{second['id']}/resolve",
        token=admin.token,
        json_body={"keep": "cloud"},
    )
    assert closed.body["kept"] == "cloud"
    assert api.call("GET", path, token=admin.token).body["notes"] == "Cloud 4"
