"""Call budgets of the licensed modules' routes: scenarios and pinned AWS calls.

`test_call_budget.py` merges these into its tables; each scenario sets up what its route needs
(licence, sheets; those calls are not counted) and returns the one reply whose calls are pinned.
The licence check adds no call: it reads the tenant row the gate's BatchGetItem brings anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e.conftest import Account, Api, HttpReply

AUTH = {"dynamodb.BatchGetItem": 1}  # the tenant gate: membership and tenant row (with its licences)
READ_ONE = {**AUTH, "dynamodb.GetItem": 1}
LIST = {**AUTH, "dynamodb.Query": 1}
WRITE = {**AUTH, "dynamodb.TransactWriteItems": 1}
CHANGE = {**AUTH, "dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1}

BUDGETS: dict[str, dict[str, int]] = {
    "POST /tenants/{tenantId}/price-calculations": WRITE,  # the sheet and the supplier's check
    "GET /tenants/{tenantId}/price-calculations": LIST,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": READ_ONE,
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": CHANGE,
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": CHANGE,
}

_granted: set[tuple[str, str]] = set()


def grant(api: Api, account: Account, module: str = "price_calculation") -> None:
    """An operator grants `module` to the account's tenant (once per tenant here)."""
    if (account.tenant_id, module) in _granted:
        return
    reply = api.call(
        "POST",
        f"/operator/tenants/{account.tenant_id}/licences",
        token=api.operator().token,
        json_body={"module": module, "period": "P12M", "note": "Beratung"},
    )
    assert reply.status == 201, reply.body
    _granted.add((account.tenant_id, module))


SHEET = {
    "name": "Bürostuhl",
    "direction": "forward",
    "purchase_cost_cents": 12000,
    "overhead_pct": "25",
    "margin_pct": "12.5",
    "cash_discount_pct": "2",
    "discount_pct": "10",
}


def _sheet(api: Api, account: Account) -> str:
    grant(api, account)
    made = api.call(
        "POST", f"/tenants/{account.tenant_id}/price-calculations", token=account.token, json_body=SHEET
    )
    assert made.status == 201, made.body
    return f"/tenants/{account.tenant_id}/price-calculations/{made.body['id']}"


def _create(api: Api, account: Account) -> HttpReply:
    grant(api, account)
    supplier = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "company", "name": "Lieferant"},
    ).body["id"]
    return api.call(
        "POST",
        f"/tenants/{account.tenant_id}/price-calculations",
        token=account.token,
        json_body={**SHEET, "supplier_contact_id": supplier},
    )


def _list(api: Api, account: Account) -> HttpReply:
    _sheet(api, account)
    return api.call(
        "GET", f"/tenants/{account.tenant_id}/price-calculations?prefix=buro", token=account.token
    )


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "POST /tenants/{tenantId}/price-calculations": _create,
    "GET /tenants/{tenantId}/price-calculations": _list,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "GET", _sheet(api, account), token=account.token
    ),
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "PATCH",
        _sheet(api, account),
        token=account.token,
        json_body={"direction": "backward"},
        headers={"If-Match": '"1"'},
    ),
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "DELETE", _sheet(api, account), token=account.token
    ),
}
