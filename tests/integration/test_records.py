"""Contacts and appointments through their handlers: status, body, headers and what was stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Lambda
from tests.integration.tenancy import add_member, signed_up
from tests.support import event

CONTACTS, APPOINTMENTS = "ContactsFunction", "AppointmentsFunction"
ERIKA = {
    "kind": "person",
    "name": "Erika Mustermann",
    "email": "Erika@Example.com",
    "phone": "+49 30 1234567",
    "address": {"street": "Heidestraße 17", "postal_code": "51147", "city": "Köln", "country": "DE"},
    "notes": "Met at the trade fair.",
    "tags": ["customer", "vip", "customer"],
}


@pytest.fixture
def admin(invoke: Lambda) -> tuple[dict[str, str], str]:
    return signed_up(invoke)


def records(invoke: Lambda, prefix: str) -> list[dict[str, Any]]:
    return [item for item in invoke.table() if item["sk"]["S"].startswith(prefix)]


def call(
    invoke: Lambda,
    name: str,
    claims: dict[str, str],
    tenant_id: str,
    *,
    body: Any = ...,
    headers=None,
    **ids: str,
):
    function = CONTACTS if name.startswith("contact") else APPOINTMENTS
    return invoke(
        function,
        event(
            name, body=body, claims=claims, path_parameters={"tenantId": tenant_id, **ids}, headers=headers
        ),
    )


def create_contact(invoke: Lambda, claims: dict[str, str], tenant_id: str, **changes: Any):
    body = {**ERIKA, **changes}
    reply = call(invoke, "contact_create", claims, tenant_id, body=body, headers={"Idempotency-Key": None})
    assert reply.status == 201, reply.body
    return reply


# ---------------------------------------------------------------- contacts
def test_a_member_creates_a_contact_and_it_is_stored_with_version_and_name_index(
    invoke: Lambda, admin
) -> None:
    _, tenant_id = admin
    member = add_member(tenant_id, "member")

    reply = create_contact(invoke, member, tenant_id)

    assert reply.headers["ETag"] == ['"1"']
    body = reply.body
    assert body["name"] == "Erika Mustermann"
    assert body["email"] == "erika@example.com"
    assert body["tags"] == ["customer", "vip"]
    assert body["address"]["city"] == "Köln"
    assert body["version"] == 1
    [stored] = records(invoke, "CONTACT#")
    assert stored["pk"]["S"] == f"TENANT#{tenant_id}"
    assert stored["sk"]["S"] == f"CONTACT#{body['id']}"
    assert stored["gsi1pk"]["S"] == f"TENANT#{tenant_id}#CONTACTS"
    assert stored["gsi1sk"]["S"] == f"erika mustermann#{body['id']}"
    assert stored["version"]["N"] == "1"
    assert stored["updated_by"]["S"] == member["sub"]


def test_a_viewer_reads_but_cannot_write(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body
    viewer = add_member(tenant_id, "viewer")
    before = invoke.table()

    read = call(invoke, "contact_get", viewer, tenant_id, contactId=contact["id"])
    write = call(invoke, "contact_create", viewer, tenant_id, body=ERIKA, headers={"Idempotency-Key": None})
    update = call(invoke, "contact_update", viewer, tenant_id, body={"name": "X"}, contactId=contact["id"])
    delete = call(invoke, "contact_delete", viewer, tenant_id, contactId=contact["id"])

    assert read.status == 200
    assert read.body == contact
    assert read.headers["ETag"] == ['"1"']
    assert write.status == update.status == delete.status == 403
    assert write.body["error"]["code"] == "forbidden"
    assert invoke.table() == before


def test_update_needs_if_match_and_refuses_a_stale_version(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body
    path = {"contactId": contact["id"]}

    missing = call(
        invoke, "contact_update", claims, tenant_id, body={"notes": "x"}, headers={"If-Match": None}, **path
    )
    first = call(
        invoke,
        "contact_update",
        claims,
        tenant_id,
        body={"notes": "called back", "email": None},
        headers={"If-Match": '"1"'},
        **path,
    )
    stale = call(
        invoke,
        "contact_update",
        claims,
        tenant_id,
        body={"notes": "lost update"},
        headers={"If-Match": '"1"'},
        **path,
    )

    assert missing.status == 428
    assert missing.body["error"]["code"] == "precondition_required"
    assert first.status == 200, first.body
    assert first.headers["ETag"] == ['"2"']
    assert first.body["notes"] == "called back"
    assert first.body["email"] is None
    assert first.body["name"] == "Erika Mustermann"
    assert stale.status == 412
    assert stale.body["error"]["code"] == "precondition_failed"
    [stored] = records(invoke, "CONTACT#")
    assert stored["notes"]["S"] == "called back"
    assert stored["version"]["N"] == "2"
    assert "email" not in stored


def test_renaming_moves_the_contact_in_the_name_index(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body

    reply = call(
        invoke,
        "contact_update",
        claims,
        tenant_id,
        body={"name": "Ärger GmbH", "kind": "company"},
        headers={"If-Match": '"1"'},
        contactId=contact["id"],
    )

    assert reply.status == 200, reply.body
    [stored] = records(invoke, "CONTACT#")
    assert stored["gsi1sk"]["S"] == f"arger gmbh#{contact['id']}"
    assert stored["kind"]["S"] == "company"


@pytest.mark.parametrize(
    "body",
    [
        {**ERIKA, "kind": "robot"},
        {**ERIKA, "name": "  "},
        {**ERIKA, "email": "not-an-address"},
        {**ERIKA, "phone": "call me maybe"},
        {**ERIKA, "tags": ["x" * 51]},
        {**ERIKA, "unknown": 1},
        {k: v for k, v in ERIKA.items() if k != "name"},
    ],
    ids=["kind", "blank-name", "email", "phone", "long-tag", "extra-field", "no-name"],
)
def test_bad_contacts_are_refused_and_nothing_is_written(invoke: Lambda, admin, body: dict) -> None:
    claims, tenant_id = admin
    before = invoke.table()

    reply = call(invoke, "contact_create", claims, tenant_id, body=body, headers={"Idempotency-Key": None})

    assert reply.status == 422
    assert reply.body["error"]["code"] == "validation_error"
    assert invoke.table() == before


def test_an_update_cannot_remove_the_name(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body
    before = invoke.table()

    reply = call(invoke, "contact_update", claims, tenant_id, body={"name": None}, contactId=contact["id"])

    assert reply.status == 422
    assert invoke.table() == before


def test_unknown_and_malformed_ids_are_404(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    before = invoke.table()

    unknown = call(invoke, "contact_get", claims, tenant_id, contactId="0" * 26)
    malformed = call(invoke, "contact_update", claims, tenant_id, body={"notes": "x"}, contactId="..%2Fx")
    gone = call(invoke, "contact_delete", claims, tenant_id, contactId="0" * 26, headers={"If-Match": None})

    assert unknown.status == malformed.status == gone.status == 404
    assert unknown.body["error"]["code"] == "contact_not_found"
    assert invoke.table() == before


def test_delete_with_a_stale_if_match_is_refused_and_without_one_deletes(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body

    stale = call(
        invoke, "contact_delete", claims, tenant_id, contactId=contact["id"], headers={"If-Match": '"7"'}
    )
    assert stale.status == 412
    assert len(records(invoke, "CONTACT#")) == 1

    deleted = call(
        invoke, "contact_delete", claims, tenant_id, contactId=contact["id"], headers={"If-Match": None}
    )
    assert deleted.status == 204
    assert records(invoke, "CONTACT#") == []


def test_contacts_list_by_name_prefix_one_query_a_page(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    for name in ["Zoe Zander", "Anna Alt", "Ärmel AG", "Bernd Berg", "anton acker"]:
        create_contact(invoke, claims, tenant_id, name=name, email=None)

    everyone = call(invoke, "contact_list", claims, tenant_id)
    first = invoke(CONTACTS, _list_event("contact_list", claims, tenant_id, {"prefix": "a", "limit": "2"}))
    second = invoke(
        CONTACTS,
        _list_event(
            "contact_list",
            claims,
            tenant_id,
            {"prefix": "a", "limit": "2", "cursor": first.body["next_cursor"]},
        ),
    )

    assert [c["name"] for c in everyone.body["items"]] == [
        "Anna Alt",
        "anton acker",
        "Ärmel AG",
        "Bernd Berg",
        "Zoe Zander",
    ]
    assert [c["name"] for c in first.body["items"]] == ["Anna Alt", "anton acker"]
    assert [c["name"] for c in second.body["items"]] == ["Ärmel AG"]
    assert (
        first.calls
        == second.calls
        == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1, "dynamodb.Query": 1}
    )


def test_a_cursor_of_another_tenant_is_refused(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    for name in ["A", "B"]:
        create_contact(invoke, claims, tenant_id, name=name)
    page = invoke(CONTACTS, _list_event("contact_list", claims, tenant_id, {"limit": "1"}))
    other_claims, other_tenant = signed_up(invoke, email="other@example.org", tenant_name="Other KG")

    reply = invoke(
        CONTACTS,
        _list_event("contact_list", other_claims, other_tenant, {"cursor": page.body["next_cursor"]}),
    )

    assert reply.status == 400
    assert reply.body["error"]["code"] == "invalid_cursor"


def test_an_idempotency_key_creates_one_contact(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    headers = {"Idempotency-Key": "erika-1"}

    first = call(invoke, "contact_create", claims, tenant_id, body=ERIKA, headers=headers)
    retry = call(invoke, "contact_create", claims, tenant_id, body=ERIKA, headers=headers)
    reused = call(
        invoke, "contact_create", claims, tenant_id, body={**ERIKA, "name": "Other"}, headers=headers
    )

    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert reused.status == 422
    assert reused.body["error"]["code"] == "idempotency_key_reused"
    assert len(records(invoke, "CONTACT#")) == 1


def _list_event(name: str, claims: dict[str, str], tenant_id: str, query: dict[str, str]) -> dict[str, Any]:
    sample = event(name, claims=claims, path_parameters={"tenantId": tenant_id})
    sample["queryStringParameters"] = query
    sample["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return sample


# ---------------------------------------------------------------- appointments
MEETING = {
    "title": "Kick-off",
    "starts_at": "2026-12-01T09:00:00+01:00",
    "ends_at": "2026-12-01T10:30:00+01:00",
    "location": "Köln",
}


def create_appointment(invoke: Lambda, claims, tenant_id: str, **changes: Any):
    reply = call(
        invoke,
        "appointment_create",
        claims,
        tenant_id,
        body={**MEETING, **changes},
        headers={"Idempotency-Key": None},
    )
    assert reply.status == 201, reply.body
    return reply


def test_an_appointment_is_stored_in_utc_and_linked_to_existing_contacts(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    contact = create_contact(invoke, claims, tenant_id).body

    reply = create_appointment(invoke, claims, tenant_id, contact_ids=[contact["id"]])

    assert reply.body["starts_at"] == "2026-12-01T08:00:00Z"
    assert reply.body["ends_at"] == "2026-12-01T09:30:00Z"
    assert reply.body["contact_ids"] == [contact["id"]]
    assert reply.headers["ETag"] == ['"1"']
    [stored] = records(invoke, "APPOINTMENT#")
    assert stored["gsi1pk"]["S"] == f"TENANT#{tenant_id}#APPOINTMENTS"
    assert stored["gsi1sk"]["S"] == f"2026-12-01T08:00:00Z#{reply.body['id']}"


def test_linking_a_contact_that_does_not_exist_is_refused_and_nothing_written(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    before = invoke.table()

    reply = call(
        invoke,
        "appointment_create",
        claims,
        tenant_id,
        body={**MEETING, "contact_ids": ["0" * 26]},
        headers={"Idempotency-Key": None},
    )

    assert reply.status == 422
    assert reply.body["error"]["code"] == "contact_not_found"
    assert invoke.table() == before


@pytest.mark.parametrize(
    "changes",
    [
        {"ends_at": "2026-12-01T07:00:00Z"},
        {"starts_at": "2026-12-01T09:00:00"},
        {"title": ""},
        {"contact_ids": ["not-an-id"]},
    ],
    ids=["ends-before-start", "no-timezone", "blank-title", "bad-contact-id"],
)
def test_bad_appointments_are_refused_and_nothing_is_written(invoke: Lambda, admin, changes: dict) -> None:
    claims, tenant_id = admin
    before = invoke.table()

    reply = call(
        invoke,
        "appointment_create",
        claims,
        tenant_id,
        body={**MEETING, **changes},
        headers={"Idempotency-Key": None},
    )

    assert reply.status == 422
    assert invoke.table() == before


def test_an_update_that_ends_before_it_starts_is_refused(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    appointment = create_appointment(invoke, claims, tenant_id).body
    before = invoke.table()

    reply = call(
        invoke,
        "appointment_update",
        claims,
        tenant_id,
        body={"starts_at": "2026-12-02T09:00:00Z"},
        appointmentId=appointment["id"],
    )

    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_time_range"
    assert invoke.table() == before


def test_moving_an_appointment_moves_it_in_the_date_index(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    appointment = create_appointment(invoke, claims, tenant_id).body

    reply = call(
        invoke,
        "appointment_update",
        claims,
        tenant_id,
        body={"starts_at": "2026-12-03T09:00:00Z", "ends_at": "2026-12-03T10:00:00Z", "location": None},
        appointmentId=appointment["id"],
    )

    assert reply.status == 200, reply.body
    assert reply.body["version"] == 2
    assert reply.body["location"] is None
    [stored] = records(invoke, "APPOINTMENT#")
    assert stored["gsi1sk"]["S"] == f"2026-12-03T09:00:00Z#{appointment['id']}"


def test_appointments_list_by_date_range(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    for day in (5, 1, 3, 2, 4):
        create_appointment(
            invoke,
            claims,
            tenant_id,
            title=f"Day {day}",
            starts_at=f"2026-12-0{day}T09:00:00Z",
            ends_at=f"2026-12-0{day}T10:00:00Z",
        )

    window = {"from": "2026-12-02T00:00:00Z", "to": "2026-12-04T09:00:00Z"}
    inside = invoke(APPOINTMENTS, _list_event("appointment_list", claims, tenant_id, window))
    paged = invoke(APPOINTMENTS, _list_event("appointment_list", claims, tenant_id, {"limit": "2"}))
    rest = invoke(
        APPOINTMENTS,
        _list_event(
            "appointment_list", claims, tenant_id, {"limit": "5", "cursor": paged.body["next_cursor"]}
        ),
    )
    backwards = invoke(
        APPOINTMENTS,
        _list_event(
            "appointment_list",
            claims,
            tenant_id,
            {"from": "2026-12-05T00:00:00Z", "to": "2026-12-01T00:00:00Z"},
        ),
    )

    assert [a["title"] for a in inside.body["items"]] == ["Day 2", "Day 3"]
    assert inside.calls == {"dynamodb.BatchGetItem": 1, "dynamodb.UpdateItem": 1, "dynamodb.Query": 1}
    assert [a["title"] for a in paged.body["items"]] == ["Day 1", "Day 2"]
    assert [a["title"] for a in rest.body["items"]] == ["Day 3", "Day 4", "Day 5"]
    assert rest.body["next_cursor"] is None
    assert backwards.status == 422


def test_deleting_an_appointment(invoke: Lambda, admin) -> None:
    claims, tenant_id = admin
    appointment = create_appointment(invoke, claims, tenant_id).body

    reply = call(invoke, "appointment_delete", claims, tenant_id, appointmentId=appointment["id"])

    assert reply.status == 204
    assert records(invoke, "APPOINTMENT#") == []


def test_a_cursor_outside_the_listings_range_is_refused(invoke: Lambda, admin) -> None:
    """Real DynamoDB refuses a start key outside the key condition; moto would answer a page."""
    claims, tenant_id = admin
    for name in ["Anna", "Anton", "Bernd"]:
        create_contact(invoke, claims, tenant_id, name=name)
    page = invoke(CONTACTS, _list_event("contact_list", claims, tenant_id, {"prefix": "b", "limit": "1"}))
    beyond = _list_event(
        "contact_list", claims, tenant_id, {"prefix": "an", "cursor": _b_cursor(page, tenant_id)}
    )

    reply = invoke(CONTACTS, beyond)

    assert (reply.status, reply.body["error"]["code"]) == (400, "invalid_cursor")


def _b_cursor(page, tenant_id: str) -> str:
    """A cursor at Bernd: inside the tenant, outside the `an` prefix."""
    item = next(i for i in page.body["items"] if i["name"] == "Bernd")
    from kontor import keys, pages
    from records.domain import name_key

    return (
        pages.encode(
            {
                "pk": {"S": keys.tenant_pk(tenant_id)},
                "sk": {"S": f"CONTACT#{item['id']}"},
                "gsi1pk": {"S": keys.contacts_by_name_pk(tenant_id)},
                "gsi1sk": {"S": f"{name_key('Bernd')}#{item['id']}"},
            }
        )
        or ""
    )


# ---------------------------------------------------------------- quotas
@pytest.fixture
def small_quotas(monkeypatch: pytest.MonkeyPatch):
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_CONTACTS_PER_TENANT", "2")
    monkeypatch.setenv("KONTOR_APPOINTMENTS_PER_TENANT", "1")
    settings.cache_clear()
    yield
    settings.cache_clear()


def test_a_tenant_keeps_at_most_its_quota_of_contacts_and_deleting_frees_room(
    invoke: Lambda, admin, small_quotas
) -> None:
    claims, tenant_id = admin
    first = create_contact(invoke, claims, tenant_id, name="Eins")
    create_contact(invoke, claims, tenant_id, name="Zwei")
    before = invoke.table()

    refused = call(invoke, "contact_create", claims, tenant_id, body=ERIKA, headers={"Idempotency-Key": None})

    assert (refused.status, refused.body["error"]["code"]) == (409, "quota_exceeded")
    assert refused.body["error"]["details"] == {"quota": "contacts_per_tenant", "limit": 2}
    assert invoke.table() == before
    # Deleting one makes room again; the counter follows creations and deletions
    deleted = call(
        invoke, "contact_delete", claims, tenant_id, contactId=first.body["id"], headers={"If-Match": None}
    )
    assert deleted.status == 204, deleted.body
    assert create_contact(invoke, claims, tenant_id, name="Drei").status == 201
    [usage] = [i for i in invoke.table() if i["sk"]["S"] == "USAGE#contacts"]
    assert usage["pk"]["S"] == f"TENANT#{tenant_id}" and usage["used"]["N"] == "2"


def test_a_tenant_keeps_at_most_its_quota_of_appointments(invoke: Lambda, admin, small_quotas) -> None:
    claims, tenant_id = admin
    create_appointment(invoke, claims, tenant_id)

    refused = call(
        invoke,
        "appointment_create",
        claims,
        tenant_id,
        body={**MEETING, "title": "Zwei"},
        headers={"Idempotency-Key": None},
    )

    assert (refused.status, refused.body["error"]["code"]) == (409, "quota_exceeded")
    assert refused.body["error"]["details"]["quota"] == "appointments_per_tenant"
