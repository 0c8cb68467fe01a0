"""Every write route of every function, called by a tenant's own admin while the tenant is fenced,
is refused with the fence's answer and changes nothing. Routes are read from template.yaml (as in
the isolation matrix): a new write route is covered without new test code."""

from __future__ import annotations

import pytest

from kontor.fences import Fence
from kontor.permissions import PASSES_FENCES
from local.template import Route, load
from tests.e2e.conftest import Account, Api
from tests.e2e.test_isolation_matrix import PLACEHOLDER_ID, fill

BACKUP_OF: dict[str, str] = {}
WRITE_ROUTES = [
    route
    for route in load().routes
    if "{tenantId}" in route.path and route.method != "GET" and not route.path.startswith("/operator/")
]


@pytest.fixture(scope="module")
def restoring(local_stack: Api) -> Account:
    """A tenant whose restore is requested and not yet worked on: its restore fence is up."""
    api = local_stack
    account = api.new_account("Restoring GmbH")
    made = api.call("POST", f"/tenants/{account.tenant_id}/backups", token=account.token, json_body={})
    assert made.status == 202, made.body
    api.call("POST", "/_local/queues/drain")
    requested = api.call(
        "POST", f"/tenants/{account.tenant_id}/backups/{made.body['id']}/restore", token=account.token
    )
    assert requested.status == 202, requested.body
    BACKUP_OF[account.tenant_id] = made.body["id"]
    return account


@pytest.fixture(scope="module")
def suspended(local_stack: Api) -> Account:
    api = local_stack
    account = api.new_account("Suspended GmbH")
    reply = api.call(
        "PUT",
        f"/operator/tenants/{account.tenant_id}/status",
        token=api.operator().token,
        json_body={"status": "suspended", "reason": "fence matrix"},
    )
    assert reply.status == 200, reply.body
    return account


def test_the_matrix_covers_every_function_that_writes() -> None:
    assert len(WRITE_ROUTES) > 20
    assert {"TenantsFunction", "ContactsFunction", "TemplatesFunction", "BackupsFunction"} <= {
        route.function for route in WRITE_ROUTES
    }


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda route: route.key)
def test_a_restoring_tenant_refuses_every_write_and_changes_nothing(
    api: Api, restoring: Account, route: Route
) -> None:
    before = api.table()

    path = fill(route, restoring.tenant_id)
    # Routes that pass the restore's fence (a new restore) decide themselves; others pass other fences.
    passes_restoring = Fence.RESTORING in PASSES_FENCES.get(route.key, frozenset())
    if passes_restoring:  # with the real backup: the route itself decides
        path = path.replace(PLACEHOLDER_ID, BACKUP_OF[restoring.tenant_id])

    reply = api.call(route.method, path, token=restoring.token, json_body={})

    assert reply.status == 409, reply.body
    if passes_restoring:  # a new restore is refused by the one that is running
        assert reply.body["error"]["code"] == "restore_in_progress"
    else:
        assert reply.body["error"]["code"] == "tenant_restoring"
    assert reply.body["error"]["request_id"] == reply.headers["X-Request-Id"]
    assert api.table() == before


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda route: route.key)
def test_a_suspended_tenant_refuses_every_write_and_changes_nothing(
    api: Api, suspended: Account, route: Route
) -> None:
    before = api.table()

    reply = api.call(route.method, fill(route, suspended.tenant_id), token=suspended.token, json_body={})

    assert (reply.status, reply.body["error"]["code"]) == (423, "tenant_suspended"), reply.body
    assert api.table() == before


def test_reads_go_on_while_the_tenant_is_fenced(api: Api, restoring: Account, suspended: Account) -> None:
    for account in (restoring, suspended):
        for path in ("", "/contacts", "/templates", "/members", "/backups", "/audit"):
            reply = api.call("GET", f"/tenants/{account.tenant_id}{path}", token=account.token)
            assert reply.status == 200, (path, reply.body)
