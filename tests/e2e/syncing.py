"""Online sync on the local stack, as an installation does it: register, check, report runs.
Shared by the sync tests and the call budgets."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Account, Api

CLIENT = {
    "machine_name": "BUERO-SERVER",
    "database_id": "FIRMA-0001",
    "database_name": "Schmidt GmbH",
    "sample_database": False,
    "app_version": "14.2",
}
PROFILE = {
    "legal_name": "Schmidt GmbH",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin"},
    "country": "DE",
    "billing_email": "rechnung@schmidt.example",
    "owner": {"name": "Sabine Schmidt"},
}
RUN = {"started_at": "2026-11-23T02:00:00Z", "ended_at": "2026-11-23T02:00:40Z", "pushed": 3, "pulled": 2}

_booked: set[str] = set()


def sync(account: Account) -> str:
    return f"/tenants/{account.tenant_id}/sync"


def book(api: Api, account: Account) -> Account:
    if account.tenant_id not in _booked:
        api.book(account, "online_sync")
        _booked.add(account.tenant_id)
    return account


def register(api: Api, account: Account, **changes: Any) -> dict[str, Any]:
    made = api.call("POST", f"{sync(account)}/clients", token=account.token, json_body={**CLIENT, **changes})
    assert made.status == 201, made.body
    return made.body


def complete_profile(api: Api, account: Account) -> None:
    path = f"/tenants/{account.tenant_id}/company"
    read = api.call("GET", path, token=account.token)
    put = api.call(
        "PUT", path, token=account.token, json_body=PROFILE, headers={"If-Match": read.headers["ETag"]}
    )
    assert put.status == 200, put.body


def report(api: Api, account: Account, client_id: str, **changes: Any) -> dict[str, Any]:
    path = f"{sync(account)}/clients/{client_id}/runs"
    made = api.call("POST", path, token=account.token, json_body={**RUN, **changes})
    assert made.status == 201, made.body
    return made.body


def rows(api: Api, tenant_id: str) -> list[dict[str, Any]]:
    return sorted(
        (
            i
            for i in api.table()
            if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith("MOD#online_sync#")
        ),
        key=lambda i: i["sk"]["S"],
    )
