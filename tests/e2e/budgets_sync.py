"""Call budgets of the online sync routes: scenarios and pinned AWS calls.

Each scenario books the licence and registers what its route needs (not counted); the licence
check adds no call (the gate's BatchGetItem brings the tenant row with its licences).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e import syncing
from tests.e2e.conftest import Account, Api, HttpReply

AUTH = {"dynamodb.BatchGetItem": 1}

BUDGETS: dict[str, dict[str, int]] = {
    # the host and the feed's head in one batch; the client, the binding (and the host) in one
    # transaction
    "POST /tenants/{tenantId}/sync/clients": {"dynamodb.BatchGetItem": 2, "dynamodb.TransactWriteItems": 1},
    "GET /tenants/{tenantId}/sync/clients": {**AUTH, "dynamodb.Query": 1},
    # the client and the host in one batch; the delete
    "DELETE /tenants/{tenantId}/sync/clients/{clientId}": {
        "dynamodb.BatchGetItem": 2,
        "dynamodb.TransactWriteItems": 1,
    },
    # the client, host, binding and company profile in one batch
    "GET /tenants/{tenantId}/sync/clients/{clientId}/prerequisites": {"dynamodb.BatchGetItem": 2},
    "PUT /tenants/{tenantId}/sync/host": {"dynamodb.BatchGetItem": 2, "dynamodb.TransactWriteItems": 1},
    # the tenant row's last sync and the binding in one batch; the clients
    "GET /tenants/{tenantId}/sync/status": {"dynamodb.BatchGetItem": 2, "dynamodb.Query": 1},
    "GET /tenants/{tenantId}/sync/history": {**AUTH, "dynamodb.Query": 1},
    "POST /tenants/{tenantId}/sync/clients/{clientId}/runs": {**AUTH, "dynamodb.TransactWriteItems": 1},
    # the client (its baseline), the feed head, the pending changes (one transaction gives them
    # their numbers), the page of the feed
    "GET /tenants/{tenantId}/sync/clients/{clientId}/changes": {
        **AUTH,
        "dynamodb.GetItem": 2,
        "dynamodb.Query": 2,
        "dynamodb.TransactWriteItems": 1,
    },
    # the client, the batch's earlier answer, per change the cloud's version, the usage counter
    # before a create, its transaction (record and feed entry) and the counter after it; the answer
    "POST /tenants/{tenantId}/sync/clients/{clientId}/changes": {
        **AUTH,
        "dynamodb.GetItem": 4,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.UpdateItem": 1,
        "dynamodb.PutItem": 1,
    },
    # the prerequisites' one batch (client, host, binding, company profile); the plan (one transaction)
    "POST /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": {
        "dynamodb.BatchGetItem": 2,
        "dynamodb.TransactWriteItems": 1,
    },
    "GET /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": {**AUTH, "dynamodb.GetItem": 1},
    # the plan; ending it, lowering the fence and noting the sync (one transaction)
    "PATCH /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": {
        **AUTH,
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
    },
    "GET /tenants/{tenantId}/sync/conflicts": {**AUTH, "dynamodb.Query": 1},
    # the conflict, the cloud's version, closing it (keep: cloud), the conflict as it is now
    "POST /tenants/{tenantId}/sync/conflicts/{conflictId}/resolve": {
        **AUTH,
        "dynamodb.GetItem": 3,
        "dynamodb.TransactWriteItems": 1,
    },
    # the client, the feed head, the pending changes (a contact written before: one transaction
    # gives it its number), the new baseline
    "POST /tenants/{tenantId}/sync/clients/{clientId}/baseline": {
        **AUTH,
        "dynamodb.GetItem": 2,
        "dynamodb.Query": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.UpdateItem": 1,
    },
}


def _client(api: Api, account: Account, **changes: object) -> str:
    syncing.book(api, account)
    return syncing.register(api, account, **changes)["id"]


def _delete(api: Api, account: Account) -> HttpReply:
    client_id = _client(api, account, machine_name="PLATZ-2")
    return api.call("DELETE", f"{syncing.sync(account)}/clients/{client_id}", token=account.token)


def _host(api: Api, account: Account) -> HttpReply:
    client_id = _client(api, account, machine_name="PLATZ-3")
    return api.call(
        "PUT", f"{syncing.sync(account)}/host", token=account.token, json_body={"client_id": client_id}
    )


def _changed(api: Api, account: Account) -> str:
    """A client, and a contact written after it registered (pending in the feed)."""
    client_id = _client(api, account, machine_name="PLATZ-4")
    made = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "person", "name": "Feed Budget"},
    )
    assert made.status == 201, made.body
    return f"{syncing.sync(account)}/clients/{client_id}"


def _pull(api: Api, account: Account) -> HttpReply:
    return api.call("GET", f"{_changed(api, account)}/changes", token=account.token)


def _ready(api: Api, account: Account) -> str:
    """A client that may start the first sync: the host, with a complete company profile."""
    client_id = _client(api, account, machine_name="PLATZ-5")
    syncing.complete_profile(api, account)
    moved = api.call(
        "PUT", f"{syncing.sync(account)}/host", token=account.token, json_body={"client_id": client_id}
    )
    assert moved.status == 200, moved.body
    return f"{syncing.sync(account)}/clients/{client_id}/initial-sync"


def _planned(api: Api, account: Account) -> str:
    path = _ready(api, account)
    made = api.call("POST", path, token=account.token, json_body={})
    assert made.status == 201, made.body
    return path


def _completed(api: Api, account: Account) -> HttpReply:
    """The first sync ends (it ran: the budget account is left unfenced for the other routes)."""
    path = _planned(api, account)
    started = api.call("PATCH", path, token=account.token, json_body={"state": "running"})
    assert started.status == 200, started.body
    return api.call("PATCH", path, token=account.token, json_body={"state": "completed", "items": 10})


def _conflict(api: Api, account: Account) -> str:
    """A conflict: a client edits a contact on a version the cloud has moved past."""
    client_id = _client(api, account, machine_name="PLATZ-6")
    made = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "person", "name": "Konflikt Budget"},
    ).body
    api.call(
        "PATCH",
        f"/tenants/{account.tenant_id}/contacts/{made['id']}",
        token=account.token,
        json_body={"notes": "Cloud"},
        headers={"If-Match": '"1"'},
    )
    change = {
        "kind": "contact",
        "id": made["id"],
        "operation": "update",
        "base_version": 1,
        "record": {"kind": "person", "name": "Konflikt Budget", "notes": "Desktop"},
    }
    pushed = api.call(
        "POST",
        f"{syncing.sync(account)}/clients/{client_id}/changes",
        token=account.token,
        json_body={"batch_id": f"konflikt-{made['id']}", "changes": [change]},
    )
    assert pushed.body["results"][0]["outcome"] == "conflict", pushed.body
    listed = api.call("GET", f"{syncing.sync(account)}/conflicts", token=account.token).body["items"]
    return next(c["id"] for c in listed if c["record_id"] == made["id"])


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "POST /tenants/{tenantId}/sync/clients": lambda api, account: api.call(
        "POST",
        f"{syncing.sync(syncing.book(api, account))}/clients",
        token=account.token,
        json_body=syncing.CLIENT,
    ),
    "GET /tenants/{tenantId}/sync/clients": lambda api, account: api.call(
        "GET", f"{syncing.sync(syncing.book(api, account))}/clients", token=account.token
    ),
    "DELETE /tenants/{tenantId}/sync/clients/{clientId}": _delete,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/prerequisites": lambda api, account: api.call(
        "GET", f"{syncing.sync(account)}/clients/{_client(api, account)}/prerequisites", token=account.token
    ),
    "PUT /tenants/{tenantId}/sync/host": _host,
    "GET /tenants/{tenantId}/sync/status": lambda api, account: api.call(
        "GET", f"{syncing.sync(syncing.book(api, account))}/status", token=account.token
    ),
    "GET /tenants/{tenantId}/sync/history": lambda api, account: api.call(
        "GET", f"{syncing.sync(syncing.book(api, account))}/history", token=account.token
    ),
    "GET /tenants/{tenantId}/sync/clients/{clientId}/changes": _pull,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/changes": lambda api, account: api.call(
        "POST",
        f"{syncing.sync(account)}/clients/{_client(api, account)}/changes",
        token=account.token,
        json_body={
            "batch_id": "budget",
            "changes": [
                {
                    "kind": "contact",
                    "id": "01kf3w9c2d4f6h8k0m2p4r6t8b",
                    "operation": "create",
                    "base_version": 0,
                    "record": {"kind": "person", "name": "Budget Push"},
                }
            ],
        },
    ),
    "POST /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": lambda api, account: api.call(
        "POST", _ready(api, account), token=account.token, json_body={}
    ),
    "GET /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": lambda api, account: api.call(
        "GET", _planned(api, account), token=account.token
    ),
    "PATCH /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": _completed,
    "GET /tenants/{tenantId}/sync/conflicts": lambda api, account: api.call(
        "GET", f"{syncing.sync(syncing.book(api, account))}/conflicts", token=account.token
    ),
    "POST /tenants/{tenantId}/sync/conflicts/{conflictId}/resolve": lambda api, account: api.call(
        "POST",
        f"{syncing.sync(account)}/conflicts/{_conflict(api, account)}/resolve",
        token=account.token,
        json_body={"keep": "cloud"},
    ),
    "POST /tenants/{tenantId}/sync/clients/{clientId}/baseline": lambda api, account: api.call(
        "POST", f"{_changed(api, account)}/baseline", token=account.token
    ),
    "POST /tenants/{tenantId}/sync/clients/{clientId}/runs": lambda api, account: api.call(
        "POST",
        f"{syncing.sync(account)}/clients/{_client(api, account)}/runs",
        token=account.token,
        json_body=syncing.RUN,
    ),
}
