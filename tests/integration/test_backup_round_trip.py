"""Property: whatever records a tenant holds, backup -> any changes -> restore gives them back exactly."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Lambda
from tests.integration.tenancy import add_member, run_queued
from tests.support import event

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)
contacts = st.fixed_dictionaries(
    {"kind": st.sampled_from(["person", "company"]), "name": text},
    optional={
        "email": st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.(de|com|org)", fullmatch=True),
        "phone": st.from_regex(r"\+49 [0-9]{3,12}", fullmatch=True),
        "notes": st.text(max_size=200),
        "tags": st.lists(text, max_size=5),
        "address": st.fixed_dictionaries(
            {}, optional={"street": text, "city": text, "postal_code": st.just("50667")}
        ),
    },
)
_tenants = itertools.count(1)
START = datetime(2026, 1, 1, tzinfo=UTC)
appointments = st.builds(
    lambda title, offset, minutes, location: {
        "title": title,
        "starts_at": (START + timedelta(minutes=offset)).isoformat(),
        "ends_at": (START + timedelta(minutes=offset + minutes)).isoformat(),
        **({"location": location} if location else {}),
    },
    text,
    st.integers(0, 525_600),
    st.integers(0, 600),
    st.none() | text,
)
changes = st.fixed_dictionaries(
    {
        "delete": st.sets(st.integers(0, 11), max_size=6),
        "rename": st.dictionaries(st.integers(0, 11), text, max_size=4),
        "add": st.lists(contacts, max_size=4),
    }
)


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    from kontor.settings import settings

    monkeypatch.setenv("KONTOR_BACKUP_STEP_ITEMS", "3")
    settings.cache_clear()


def _tenant(n: int) -> tuple[dict[str, str], str]:
    """A tenant with an admin, as rows (TEST ONLY): signing up per example would be slow."""
    from kontor import keys
    from kontor.models import TenantItem

    tenant_id = f"{n:026d}"
    TenantItem(
        keys.tenant_pk(tenant_id),
        keys.TENANT_SK,
        id=tenant_id,
        name=f"Firma {n}",
        created_at="2026-11-23T09:00:00Z",
        created_by="test",
    ).save()
    return add_member(tenant_id, "admin"), tenant_id


def _call(invoke: Lambda, function: str, name: str, claims, tenant_id: str, body: Any = ..., **path: str):
    reply = invoke(
        function,
        event(
            name,
            body=body,
            claims=claims,
            headers={"Idempotency-Key": None},
            path_parameters={"tenantId": tenant_id, **path},
        ),
    )
    assert reply.status < 300, reply.body
    return reply.body


def _business(invoke: Lambda, tenant_id: str) -> list[dict[str, Any]]:
    return [
        item
        for item in invoke.table()
        if item["pk"]["S"] == f"TENANT#{tenant_id}"
        and item["sk"]["S"].startswith(("CONTACT#", "APPOINTMENT#"))
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(contacts, min_size=1, max_size=12),
    meetings=st.lists(appointments, max_size=6),
    change=changes,
)
def test_restore_gives_back_exactly_what_was_backed_up(
    invoke: Lambda, small_steps: None, people: list[dict], meetings: list[dict], change: dict
) -> None:
    # Examples share one emulated AWS: each gets a tenant of its own. Exports and restores work in
    # steps of a few items, each its own message, as a large tenant's do.
    admin, tenant_id = _tenant(next(_tenants))
    made = [_call(invoke, "ContactsFunction", "contact_create", admin, tenant_id, body=p) for p in people]
    for meeting in meetings:
        meeting["contact_ids"] = [made[0]["id"]]
        _call(invoke, "AppointmentsFunction", "appointment_create", admin, tenant_id, body=meeting)
    backup = _call(invoke, "BackupsFunction", "backup_create", admin, tenant_id, body={})
    run_queued(invoke)
    saved = _business(invoke, tenant_id)

    for index, name in change["rename"].items():
        if index < len(made) and index not in change["delete"]:
            _call(
                invoke,
                "ContactsFunction",
                "contact_update",
                admin,
                tenant_id,
                body={"name": name},
                contactId=made[index]["id"],
            )
    for index in change["delete"]:
        if index < len(made):
            _call(invoke, "ContactsFunction", "contact_delete", admin, tenant_id, contactId=made[index]["id"])
    for person in change["add"]:
        _call(invoke, "ContactsFunction", "contact_create", admin, tenant_id, body=person)

    _call(invoke, "RestoresFunction", "backup_restore", admin, tenant_id, backupId=backup["id"])
    worked = run_queued(invoke)

    assert worked.failed == 0
    assert worked.jobs.count("backup.restore") > 3  # several steps of each phase
    assert _business(invoke, tenant_id) == saved
