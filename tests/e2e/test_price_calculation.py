"""Price calculation over HTTP on the local stack: an operator grants the module, a sheet computes
forward and backward to the cent, links a supplier, lists by name; bad input and foreign tenants
are refused with nothing written."""

from __future__ import annotations

from typing import Any

from tests.e2e.budgets_modules import SHEET, grant
from tests.e2e.conftest import Account, Api

PREFIX = "MOD#price_calculation#"


def sheets(api: Api, tenant_id: str) -> list[dict[str, Any]]:
    return [
        i for i in api.table() if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"].startswith(PREFIX)
    ]


def base(account: Account) -> str:
    return f"/tenants/{account.tenant_id}/price-calculations"


def test_without_the_licence_every_route_answers_licence_required(api: Api) -> None:
    admin = api.new_account("Ohne Kalkulation GmbH")
    for method, path in [("GET", base(admin)), ("POST", base(admin)), ("GET", base(admin) + "/" + "0" * 26)]:
        reply = api.call(method, path, token=admin.token, json_body=SHEET if method == "POST" else None)
        assert (reply.status, reply.body["error"]["code"]) == (403, "licence_required"), (method, path)
    assert sheets(api, admin.tenant_id) == []


def test_a_sheet_computes_forward_and_backward_to_the_cent(api: Api) -> None:
    admin = api.new_account("Kalkulation GmbH")
    grant(api, admin)
    supplier = api.call(
        "POST",
        f"/tenants/{admin.tenant_id}/contacts",
        token=admin.token,
        json_body={"kind": "company", "name": "Holz AG"},
    ).body["id"]

    made = api.call(
        "POST",
        base(admin),
        token=admin.token,
        json_body={**SHEET, "vat_pct": "19", "supplier_contact_id": supplier},
    )

    assert made.status == 201, made.body
    assert made.headers["ETag"] == '"1"'
    sheet = made.body
    assert (sheet["purchase_cost_cents"], sheet["net_price_cents"], sheet["gross_price_cents"]) == (
        12000,
        19132,
        22767,
    )
    assert [(s["name"], s["amount_cents"], s["percent"]) for s in sheet["steps"]] == [
        ("purchase_cost", 12000, None),
        ("overhead", 3000, "25"),
        ("cost_price", 15000, None),
        ("profit", 1875, "12.5"),
        ("cash_price", 16875, None),
        ("cash_discount", 344, "2"),
        ("target_price", 17219, None),
        ("discount", 1913, "10"),
        ("net_price", 19132, None),
        ("vat", 3635, "19"),
        ("gross_price", 22767, None),
    ]
    assert sheet["supplier_contact_id"] == supplier and sheet["currency"] == "EUR"
    key = {"Idempotency-Key": "sheet-once"}
    first = api.call(
        "POST", base(admin), token=admin.token, json_body={**SHEET, "name": "Einmal"}, headers=key
    )
    again = api.call(
        "POST", base(admin), token=admin.token, json_body={**SHEET, "name": "Einmal"}, headers=key
    )
    assert first.status == again.status == 201 and first.body == again.body
    assert api.call("DELETE", f"{base(admin)}/{first.body['id']}", token=admin.token).status == 204
    [stored] = sheets(api, admin.tenant_id)
    assert stored["sk"]["S"] == f"{PREFIX}CALCULATION#{sheet['id']}"
    assert stored["net_price_cents"] == {"N": "19132"} and stored["margin_pct"] == {"S": "12.5"}

    # Backward from the net price it computed: the same purchase cost, to the cent.
    turned = api.call(
        "PATCH",
        f"{base(admin)}/{sheet['id']}",
        token=admin.token,
        json_body={"direction": "backward", "target_net_price_cents": 19132},
        headers={"If-Match": made.headers["ETag"]},
    )
    assert turned.status == 200, turned.body
    assert turned.body["direction"] == "backward" and turned.body["version"] == 2
    assert turned.body["purchase_cost_cents"] == 12000
    assert turned.body["steps"] == sheet["steps"]

    # A lower target price allows a lower cost.
    cheaper = api.call(
        "PATCH",
        f"{base(admin)}/{sheet['id']}",
        token=admin.token,
        json_body={"target_net_price_cents": 15000},
        headers={"If-Match": turned.headers["ETag"]},
    )
    assert cheaper.status == 200, cheaper.body
    assert cheaper.body["purchase_cost_cents"] == 9408  # 150.00 → 135.00 → 132.30 → 117.60 → 94.08
    read = api.call("GET", f"{base(admin)}/{sheet['id']}", token=admin.token)
    assert read.body == cheaper.body and read.headers["ETag"] == '"3"'

    # A stale version changes nothing.
    stale = api.call(
        "PATCH",
        f"{base(admin)}/{sheet['id']}",
        token=admin.token,
        json_body={"name": "x"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status == 412
    assert api.call("DELETE", f"{base(admin)}/{sheet['id']}", token=admin.token).status == 204
    assert sheets(api, admin.tenant_id) == []


def test_sheets_are_listed_by_name_prefix(api: Api) -> None:
    admin = api.new_account("Liste Kalkulation GmbH")
    grant(api, admin)
    for name in ("Ärmelschoner", "Armlehne", "Bürostuhl", "Tisch"):
        assert (
            api.call("POST", base(admin), token=admin.token, json_body={**SHEET, "name": name}).status == 201
        )
    viewer = api.join(admin, "viewer")

    found = api.call("GET", f"{base(admin)}?prefix=ar", token=viewer.token)
    assert found.status == 200, found.body
    assert [i["name"] for i in found.body["items"]] == ["Ärmelschoner", "Armlehne"]
    first = api.call("GET", f"{base(admin)}?limit=3", token=viewer.token)
    assert [i["name"] for i in first.body["items"]] == ["Ärmelschoner", "Armlehne", "Bürostuhl"]
    rest = api.call("GET", f"{base(admin)}?limit=3&cursor={first.body['next_cursor']}", token=viewer.token)
    assert [i["name"] for i in rest.body["items"]] == ["Tisch"] and rest.body["next_cursor"] is None
    # A viewer reads but does not write.
    assert api.call("POST", base(admin), token=viewer.token, json_body=SHEET).status == 403


def test_bad_sheets_answer_422_and_write_nothing(api: Api) -> None:
    admin = api.new_account("Streng Kalkulation GmbH")
    grant(api, admin)
    before = api.table()
    cases = [
        ({**SHEET, "margin_pct": "1000.0001"}, "validation_error"),
        ({**SHEET, "overhead_pct": "-1"}, "validation_error"),
        ({**SHEET, "vat_pct": "1001"}, "validation_error"),
        ({**SHEET, "discount_pct": "100"}, "validation_error"),
        ({**SHEET, "margin_pct": "12,5"}, "validation_error"),
        ({**SHEET, "margin_pct": 12.5}, "validation_error"),
        ({**SHEET, "purchase_cost_cents": -1}, "validation_error"),
        ({**SHEET, "direction": "sideways"}, "validation_error"),
        ({**SHEET, "direction": "backward"}, "validation_error"),  # backward needs a target price
        ({**SHEET, "target_net_price_cents": 100}, "validation_error"),  # forward takes none
        ({**SHEET, "supplier_contact_id": "0" * 26}, "contact_not_found"),
    ]
    for body, code in cases:
        reply = api.call("POST", base(admin), token=admin.token, json_body=body)
        assert (reply.status, reply.body["error"]["code"]) == (422, code), body
    assert api.table() == before


def test_another_tenants_sheet_is_not_found(api: Api) -> None:
    owner, stranger = api.new_account("Eigene Kalkulation GmbH"), api.new_account("Fremde Kalkulation GmbH")
    grant(api, owner)
    grant(api, stranger)
    sheet = api.call("POST", base(owner), token=owner.token, json_body=SHEET).body
    before = api.table()

    # Through the stranger's own tenant the id names nothing; through the owner's, the gate refuses.
    mine = api.call("GET", f"{base(stranger)}/{sheet['id']}", token=stranger.token)
    theirs = api.call(
        "PATCH",
        f"{base(owner)}/{sheet['id']}",
        token=stranger.token,
        json_body={"name": "x"},
        headers={"If-Match": '"1"'},
    )

    assert (mine.status, mine.body["error"]["code"]) == (404, "calculation_not_found")
    assert (theirs.status, theirs.body["error"]["code"]) == (404, "tenant_not_found")
    assert api.table() == before
