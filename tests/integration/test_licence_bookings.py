"""Bookings racing each other: the licence is written on the condition that it is still what the
booking read, so two bookings in flight bill once. Driven through the logic with the gate's view of
the tenant, as two requests that both passed the gate before either committed would be."""

from __future__ import annotations

import pytest

from billing import licences
from kontor import keys
from kontor.access import Access, Caller, Role
from kontor.catalog import catalog
from kontor.errors import Conflict
from kontor.licences import of_row
from kontor.models import TenantItem
from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up

TERMS = catalog().module("podcasts").terms.version


def _access(claims: dict, tenant_id: str) -> Access:
    row = TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True)
    caller = Caller(user_id=claims["sub"], email=claims["email"])
    return Access(tenant_id, caller, Role.ADMIN, "member", licences=of_row(row.licences))


def _module_spans(invoke: Lambda, tenant_id: str) -> list[dict]:
    return [
        i
        for i in invoke.table()
        if i["pk"]["S"] == keys.tenant_pk(tenant_id)
        and i["sk"]["S"].startswith(keys.SPAN_PREFIX)
        and i["kind"]["S"] == "module"
    ]


def test_two_bookings_in_flight_bill_once(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    first, second = _access(claims, tenant_id), _access(claims, tenant_id)  # both read "no licence"
    version = TERMS

    booked = licences.book(first, "podcasts", "P1M", version)
    with pytest.raises(Conflict) as raced:
        licences.book(second, "podcasts", "P1M", version)

    assert raced.value.code == "concurrent_change"
    assert len(_module_spans(invoke, tenant_id)) == 1
    # Booking again after reading the booked licence extends it by one period.
    extended = licences.book(_access(claims, tenant_id), "podcasts", "P1M", version)
    assert extended.expires_at > booked.expires_at
    assert extended.active_since == booked.active_since
    assert len(_module_spans(invoke, tenant_id)) == 2


def test_an_extension_racing_another_extension_bills_once(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    licences.book(_access(claims, tenant_id), "podcasts", "P1M", TERMS)
    first, second = _access(claims, tenant_id), _access(claims, tenant_id)

    licences.book(first, "podcasts", "P12M", TERMS)
    with pytest.raises(Conflict):
        licences.book(second, "podcasts", "P1M", TERMS)

    assert len(_module_spans(invoke, tenant_id)) == 2
