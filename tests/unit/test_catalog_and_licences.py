"""The catalogue as data, a licence's state on the product clock, and the module route table."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from kontor import billing, permissions
from kontor.catalog import PATH, Catalog, add_months, catalog
from kontor.errors import Forbidden
from kontor.licences import Licence, Module, State, require
from local.template import load

LICENCE = Licence(
    module="podcasts",
    expires_at="2026-12-23T10:00:00Z",
    purge_at="2027-03-23T10:00:00Z",
    period="P1M",
    active_since="2026-11-23T10:00:00Z",
    granted_by="admin",
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_catalogue_in_the_repository_is_valid_and_complete() -> None:
    offers = catalog()
    assert {plan.id for plan in offers.plans} == {"BASIC", "PROFESSIONAL", "ENTERPRISE"}
    assert offers.module("core").monthly_price_cents == 0 and offers.module("core").included
    assert offers.module("price_calculation").booking == "operator"
    assert all(module.periods for module in offers.modules if not module.included)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda c: c["modules"].pop(), "every module"),
        (lambda c: c["modules"].append(dict(c["modules"][1])), "every module"),
        (lambda c: c["modules"][1].update(periods=["P2W"]), "unknown periods"),
        (lambda c: c["modules"][1].update(periods=[]), "at least one period"),
        (lambda c: c["modules"][3].update(monthly_price_cents=-1), "greater than or equal"),
        (lambda c: c["plans"][0].update(id="GOLD"), "Input should be"),
        (lambda c: c["modules"][0].update(booking="self_service"), "included"),
    ],
)
def test_a_broken_catalogue_fails_validation(change, complaint: str) -> None:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValidationError, match=complaint):
        Catalog.model_validate(data)


def test_a_licence_is_active_until_expiry_locked_until_its_purge_then_purging_until_purged() -> None:
    assert LICENCE.state(at("2026-12-23T09:59:59Z")) == State.ACTIVE
    assert LICENCE.state(at("2026-12-23T10:00:00Z")) == State.LOCKED
    assert LICENCE.state(at("2027-03-23T09:59:59Z")) == State.LOCKED
    assert LICENCE.state(at("2027-03-23T10:00:00Z")) == State.PURGING
    purged = Licence(**{**LICENCE.__dict__, "purged": True})
    assert purged.state(at("2027-03-24T00:00:00Z")) == State.PURGED


def test_the_guard_refuses_a_missing_an_expired_and_a_purged_licence_and_names_the_module() -> None:
    require({"podcasts": LICENCE}, "podcasts", at("2026-12-01T00:00:00Z"))
    require({}, "core", at("2026-12-01T00:00:00Z"))
    with pytest.raises(Forbidden) as missing:
        require({}, "podcasts", at("2026-12-01T00:00:00Z"))
    assert missing.value.code == "licence_required" and missing.value.details == {"module": "podcasts"}
    with pytest.raises(Forbidden) as expired:
        require({"podcasts": LICENCE}, "podcasts", at("2026-12-24T00:00:00Z"))
    assert expired.value.code == "licence_expired"
    assert expired.value.details["purge_at"] == LICENCE.purge_at
    purged = Licence(**{**LICENCE.__dict__, "purged": True})
    with pytest.raises(Forbidden) as gone:
        require({"podcasts": purged}, "podcasts", at("2027-04-01T00:00:00Z"))
    assert gone.value.code == "licence_required"


def test_a_restore_keeps_a_modules_data_only_while_it_is_licensed_or_within_its_retention() -> None:
    from kontor import keys
    from kontor.licences import keeps_data

    licences = {"podcasts": LICENCE}
    assert keys.module_of_sk("MOD#podcasts#CHANNEL#1") == "podcasts"
    assert keys.module_of_sk("CONTACT#1") is None
    assert keeps_data(licences, "podcasts", at("2026-12-01T00:00:00Z"))
    assert keeps_data(licences, "podcasts", at("2027-01-01T00:00:00Z"))  # locked, kept
    assert not keeps_data(licences, "podcasts", at("2027-03-23T10:00:00Z"))  # past the retention
    assert not keeps_data(licences, "price_calculation", at("2026-12-01T00:00:00Z"))  # never booked


def test_a_route_below_a_modules_path_must_be_in_the_module_table() -> None:
    assert permissions.module_of("POST", "/tenants/{tenantId}/subtenants") == Module.TENANT_MANAGEMENT
    assert permissions.module_of("GET", "/tenants/{tenantId}/contacts") is None
    with pytest.raises(permissions.UnlistedModuleRoute):
        permissions.module_of("PUT", "/tenants/{tenantId}/podcasts/channels")
    with pytest.raises(permissions.UnlistedModuleRoute):
        permissions.module_of("POST", "/tenants/{tenantId}/sync")


def test_every_route_in_the_module_table_is_a_tenant_route_of_the_template() -> None:
    routes = {route.key for route in load().routes}
    assert set(permissions.MODULE_OF_ROUTE) <= routes
    for route in routes:
        path = route.split(" ", 1)[1]
        if any(path.startswith(prefix) for prefix in permissions.MODULE_PATHS):
            assert route in permissions.MODULE_OF_ROUTE, route


def test_months_are_added_calendar_wise_and_prices_split_by_day_rounded_once() -> None:
    assert add_months(at("2026-01-31T08:00:00Z"), 1) == datetime(2026, 2, 28, 8, tzinfo=UTC)
    assert add_months(at("2026-11-23T08:00:00Z"), 12) == datetime(2027, 11, 23, 8, tzinfo=UTC)
    assert billing.pro_rata(990, 15, 30) == 495
    assert billing.pro_rata(1000, 1, 3) == 333
    assert billing.pro_rata(1000, 2, 3) == 667  # half away from zero
    assert billing.pro_rata(-1000, 2, 3) == -667
    assert billing.next_month("2026-12") == "2027-01"
