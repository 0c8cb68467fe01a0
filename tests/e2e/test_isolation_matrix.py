"""Every route whose path holds a tenant id, called from outside that tenant, is refused and changes
nothing. Routes are read from template.yaml: a new route is covered without new code here."""

from __future__ import annotations

import re

import pytest

from local.template import Route, load
from tests.e2e.conftest import Account, Api

TENANT_ROUTES = [route for route in load().routes if "{tenantId}" in route.path]
PLACEHOLDER_ID = "01h00000000000000000000000"  # well-formed, belongs to nobody


def fill(route: Route, tenant_id: str) -> str:
    return re.sub(
        r"\{(\w+)\+?\}", lambda m: tenant_id if m.group(1) == "tenantId" else PLACEHOLDER_ID, route.path
    )


@pytest.fixture(scope="module")
def victim(local_stack: Api) -> Account:
    return local_stack.new_account("Opfer GmbH")


@pytest.fixture(scope="module")
def intruder(local_stack: Api) -> Account:
    return local_stack.new_account("Eindringling AG")


def test_the_matrix_is_not_empty() -> None:
    assert TENANT_ROUTES, "no tenant-scoped route in template.yaml"


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda route: route.key)
def test_outsiders_are_refused_and_change_nothing(
    api: Api, victim: Account, intruder: Account, route: Route
) -> None:
    path = fill(route, victim.tenant_id)
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    before = api.table()

    anonymous = api.call(route.method, path, json_body=body)
    foreign = api.call(route.method, path, json_body=body, token=intruder.token)

    assert anonymous.status == 401, anonymous.body
    assert foreign.status in {403, 404}, foreign.body
    assert foreign.body["error"]["code"] in {"tenant_not_found", "forbidden", "route_not_found"}
    assert api.table() == before

    own = api.call(route.method, path, json_body=body, token=victim.token)
    if route.path.startswith("/operator/"):
        # The vendor's routes: not even the tenant's own admin may use them; nothing changed.
        assert (own.status, own.body["error"]["code"]) == (404, "route_not_found")
        assert api.table() == before
        return
    # The route is real: its own tenant's admin gets past the tenant check.
    assert own.status != 401
    assert not (isinstance(own.body, dict) and own.body.get("error", {}).get("code") == "tenant_not_found")
