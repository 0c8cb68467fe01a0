"""Call budgets of a billing account's routes (company profile, invoices, the PDF): scenarios and
pinned AWS calls. `test_call_budget.py` merges these into its tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tests.e2e.conftest import Account, Api, HttpReply

AUTH = {"dynamodb.BatchGetItem": 1}  # the tenant gate: the caller's membership and the tenant row
# The invoice and its sections: one GetItem, one Query.
INVOICE = {**AUTH, "dynamodb.GetItem": 1, "dynamodb.Query": 1}

BUDGETS: dict[str, dict[str, int]] = {
    "GET /tenants/{tenantId}/company": {**AUTH, "dynamodb.GetItem": 1},
    # the profile as it is (version, owner's contact), then one transaction: profile, contact, audit
    "PUT /tenants/{tenantId}/company": {**AUTH, "dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1},
    "GET /tenants/{tenantId}/invoices": {**AUTH, "dynamodb.Query": 1},
    "GET /tenants/{tenantId}/invoices/{invoiceId}": INVOICE,
    "GET /tenants/{tenantId}/invoices/{invoiceId}/pdf": INVOICE,
}

PROFILE = {
    "legal_name": "Budget GmbH",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin"},
    "country": "DE",
    "billing_email": "rechnung@budget.example",
    "owner": {"name": "Bea Budget"},
}


def billed_month(api: Api, account: Account) -> str:
    """The id of an invoice of the account: the first time, the clock moves to the next month's
    billing day and the monthly schedule runs (as on AWS on the first of the month)."""
    listed = api.call("GET", f"/tenants/{account.tenant_id}/invoices", token=account.token).body["items"]
    if listed:
        return listed[0]["id"]
    now = datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))
    following = now.replace(
        year=now.year + now.month // 12, month=now.month % 12 + 1, day=1, hour=3, minute=0
    )
    api.call("POST", "/_local/clock", json_body={"advance_days": (following - now).total_seconds() / 86400})
    fired = api.call("POST", "/_local/schedules/BillingSchedule")
    assert fired.status == 200, fired.body
    listed = api.call("GET", f"/tenants/{account.tenant_id}/invoices", token=account.token).body["items"]
    assert listed, "the monthly job billed nothing"
    return listed[0]["id"]


def _put_company(api: Api, account: Account) -> HttpReply:
    path = f"/tenants/{account.tenant_id}/company"
    read = api.call("GET", path, token=account.token)
    return api.call(
        "PUT", path, token=account.token, json_body=PROFILE, headers={"If-Match": read.headers["ETag"]}
    )


def _list_invoices(api: Api, account: Account) -> HttpReply:
    billed_month(api, account)
    return api.call("GET", f"/tenants/{account.tenant_id}/invoices", token=account.token)


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "GET /tenants/{tenantId}/company": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/company", token=account.token
    ),
    "PUT /tenants/{tenantId}/company": _put_company,
    "GET /tenants/{tenantId}/invoices": _list_invoices,
    "GET /tenants/{tenantId}/invoices/{invoiceId}": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/invoices/{billed_month(api, account)}", token=account.token
    ),
    "GET /tenants/{tenantId}/invoices/{invoiceId}/pdf": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/invoices/{billed_month(api, account)}/pdf", token=account.token
    ),
}
