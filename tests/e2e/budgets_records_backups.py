"""Call budgets of the records and backup routes: scenarios and pinned AWS calls.

`test_call_budget.py` merges these into its tables; each scenario sets up what its route needs
(those calls are not counted) and returns the one reply whose calls are pinned.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e.conftest import Account, Api, HttpReply

AUTH = {"dynamodb.BatchGetItem": 1}  # the tenant gate: the caller's membership and the tenant row
READ_ONE = {**AUTH, "dynamodb.GetItem": 1}
LIST = {**AUTH, "dynamodb.Query": 1}
WRITE = {**AUTH, "dynamodb.TransactWriteItems": 1}
CHANGE = {**AUTH, "dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1}
# A creation reads the tenant's usage counter first and moves it after the commit (kontor.quotas);
# a deletion moves it back. Neither is part of the write's transaction.
CREATE = {**WRITE, "dynamodb.GetItem": 1, "dynamodb.UpdateItem": 1}
REMOVE = {**CHANGE, "dynamodb.UpdateItem": 1}

BUDGETS: dict[str, dict[str, int]] = {
    "POST /tenants/{tenantId}/contacts": CREATE,
    "GET /tenants/{tenantId}/contacts": LIST,
    "GET /tenants/{tenantId}/contacts/{contactId}": READ_ONE,
    "PATCH /tenants/{tenantId}/contacts/{contactId}": CHANGE,
    "DELETE /tenants/{tenantId}/contacts/{contactId}": REMOVE,
    "POST /tenants/{tenantId}/appointments": CREATE,
    "GET /tenants/{tenantId}/appointments": LIST,
    "GET /tenants/{tenantId}/appointments/{appointmentId}": READ_ONE,
    "PATCH /tenants/{tenantId}/appointments/{appointmentId}": CHANGE,
    "DELETE /tenants/{tenantId}/appointments/{appointmentId}": REMOVE,
    # + the day's manual backups counter (one conditional UpdateItem)
    "POST /tenants/{tenantId}/backups": {**WRITE, "dynamodb.UpdateItem": 1, "sqs.SendMessage": 1},
    "GET /tenants/{tenantId}/backups": LIST,
    "GET /tenants/{tenantId}/backups/{backupId}": READ_ONE,
    "GET /tenants/{tenantId}/backups/{backupId}/download": CHANGE,  # + the audit entry
    # Marking the backup `deleting` is a transaction with the check that no restore uses it.
    "DELETE /tenants/{tenantId}/backups/{backupId}": {
        **CHANGE,
        "dynamodb.TransactWriteItems": 2,
        "dynamodb.BatchWriteItem": 1,
        "s3.DeleteObjects": 1,
    },
    # Deletes one of two: the catalog is one Query; each deleted backup one transaction (marked
    # `deleting` with the check that no restore uses it); the audit entry one more.
    "POST /tenants/{tenantId}/backups/prune": {
        **AUTH,
        "dynamodb.Query": 1,
        "dynamodb.BatchWriteItem": 1,
        "s3.DeleteObjects": 1,
        "dynamodb.TransactWriteItems": 2,
    },
    "POST /tenants/{tenantId}/backups/{backupId}/restore": {**CHANGE, "sqs.SendMessage": 1},
    "GET /tenants/{tenantId}/restore": READ_ONE,
    "GET /tenants/{tenantId}/backup-policy": READ_ONE,
    "PUT /tenants/{tenantId}/backup-policy": CHANGE,
}


def _contact(api: Api, account: Account) -> str:
    made = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "person", "name": "Budget"},
    )
    assert made.status == 201, made.body
    return f"/tenants/{account.tenant_id}/contacts/{made.body['id']}"


def _appointment(api: Api, account: Account) -> str:
    made = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/appointments",
        token=account.token,
        json_body={"title": "Budget", "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-01T10:00:00Z"},
    )
    assert made.status == 201, made.body
    return f"/tenants/{account.tenant_id}/appointments/{made.body['id']}"


def _backup(api: Api, account: Account) -> str:
    made = api.call("POST", f"/tenants/{account.tenant_id}/backups", token=account.token, json_body={})
    assert made.status == 202, made.body
    api.call("POST", "/_local/queues/drain")
    return f"/tenants/{account.tenant_id}/backups/{made.body['id']}"


def _fresh(api: Api) -> Account:
    """A tenant of its own, for scenarios that lock it (restore) or change its catalog (prune)."""
    return api.new_account("Budget Eigen GmbH")


def _prune(api: Api, _: Account) -> HttpReply:
    own = _fresh(api)
    _backup(api, own)
    _backup(api, own)
    return api.call(
        "POST", f"/tenants/{own.tenant_id}/backups/prune", token=own.token, json_body={"older_than_days": 0}
    )


def _restore(api: Api, _: Account) -> HttpReply:
    own = _fresh(api)
    reply = api.call("POST", f"{_backup(api, own)}/restore", token=own.token)
    api.call("POST", "/_local/queues/drain")
    return reply


def _restore_status(api: Api, _: Account) -> HttpReply:
    own = _fresh(api)
    api.call("POST", f"{_backup(api, own)}/restore", token=own.token)
    api.call("POST", "/_local/queues/drain")
    return api.call("GET", f"/tenants/{own.tenant_id}/restore", token=own.token)


def _tenant(account: Account, path: str = "") -> str:
    return f"/tenants/{account.tenant_id}{path}"


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "POST /tenants/{tenantId}/contacts": lambda api, a: api.call(
        "POST", _tenant(a, "/contacts"), token=a.token, json_body={"kind": "company", "name": "Budget AG"}
    ),
    "GET /tenants/{tenantId}/contacts": lambda api, a: api.call(
        "GET", _tenant(a, "/contacts?prefix=b"), token=a.token
    ),
    "GET /tenants/{tenantId}/contacts/{contactId}": lambda api, a: api.call(
        "GET", _contact(api, a), token=a.token
    ),
    "PATCH /tenants/{tenantId}/contacts/{contactId}": lambda api, a: api.call(
        "PATCH", _contact(api, a), token=a.token, json_body={"notes": "n"}, headers={"If-Match": '"1"'}
    ),
    "DELETE /tenants/{tenantId}/contacts/{contactId}": lambda api, a: api.call(
        "DELETE", _contact(api, a), token=a.token
    ),
    "POST /tenants/{tenantId}/appointments": lambda api, a: api.call(
        "POST",
        _tenant(a, "/appointments"),
        token=a.token,
        json_body={"title": "T", "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-01T09:30:00Z"},
    ),
    "GET /tenants/{tenantId}/appointments": lambda api, a: api.call(
        "GET", _tenant(a, "/appointments?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z"), token=a.token
    ),
    "GET /tenants/{tenantId}/appointments/{appointmentId}": lambda api, a: api.call(
        "GET", _appointment(api, a), token=a.token
    ),
    "PATCH /tenants/{tenantId}/appointments/{appointmentId}": lambda api, a: api.call(
        "PATCH", _appointment(api, a), token=a.token, json_body={"location": "L"}, headers={"If-Match": '"1"'}
    ),
    "DELETE /tenants/{tenantId}/appointments/{appointmentId}": lambda api, a: api.call(
        "DELETE", _appointment(api, a), token=a.token
    ),
    "POST /tenants/{tenantId}/backups": lambda api, a: api.call(
        "POST", _tenant(a, "/backups"), token=a.token, json_body={"note": "budget"}
    ),
    "GET /tenants/{tenantId}/backups": lambda api, a: api.call("GET", _tenant(a, "/backups"), token=a.token),
    "GET /tenants/{tenantId}/backups/{backupId}": lambda api, a: api.call(
        "GET", _backup(api, a), token=a.token
    ),
    "GET /tenants/{tenantId}/backups/{backupId}/download": lambda api, a: api.call(
        "GET", f"{_backup(api, a)}/download", token=a.token
    ),
    "DELETE /tenants/{tenantId}/backups/{backupId}": lambda api, a: api.call(
        "DELETE", _backup(api, a), token=a.token
    ),
    "POST /tenants/{tenantId}/backups/prune": _prune,
    "POST /tenants/{tenantId}/backups/{backupId}/restore": _restore,
    "GET /tenants/{tenantId}/restore": _restore_status,
    "GET /tenants/{tenantId}/backup-policy": lambda api, a: api.call(
        "GET", _tenant(a, "/backup-policy"), token=a.token
    ),
    "PUT /tenants/{tenantId}/backup-policy": lambda api, a: api.call(
        "PUT", _tenant(a, "/backup-policy"), token=a.token, json_body={"schedule": "weekly"}
    ),
}
