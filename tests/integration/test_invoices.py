"""The company profile and the monthly invoices, through their handlers and the billing worker.

The product clock is set to a fixed moment (2026-11-23 10:00 UTC) so every pro-rata figure below can
be worked out by hand: November has 30 days, so a tenant signed up on the 23rd is billed 8 of them.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from kontor import keys
from tests.integration.conftest import Lambda
from tests.integration.tenancy import run_queued, signed_up
from tests.support import EVENTS, event

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PROFILE = {
    "legal_name": "Schmidt GmbH",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin"},
    "country": "DE",
    "vat_id": "DE123456789",
    "registration_number": "HRB 12345 B",
    "billing_email": "rechnung@schmidt.example",
    "owner": {"name": "Anna Schmidt", "email": "anna@example.com", "phone": "+49 30 1234567"},
}


@pytest.fixture
def clock_at_start(invoke: Lambda, monkeypatch: pytest.MonkeyPatch) -> None:
    from kontor import clock

    monkeypatch.setattr(clock, "_offset", START - datetime.now(UTC))


def move_clock_to(moment: datetime) -> None:
    from kontor import clock

    clock.advance(moment - clock.now())


def call(invoke: Lambda, function: str, name: str, claims: dict, tenant_id: str, **changes: Any) -> Any:
    params = {"tenantId": tenant_id, **changes.pop("path", {})}
    return invoke(function, event(name, claims=claims, path_parameters=params, **changes))


def put_company(invoke: Lambda, claims: dict, tenant_id: str, body: dict, version: str = '"0"') -> Any:
    return call(
        invoke, "CompanyFunction", "company_put", claims, tenant_id, body=body, headers={"If-Match": version}
    )


def items(invoke: Lambda) -> list[dict[str, Any]]:
    """The table's items as plain values."""
    from boto3.dynamodb.types import TypeDeserializer

    plain = TypeDeserializer()
    return [{k: plain.deserialize(v) for k, v in item.items()} for item in invoke.table()]


def row(invoke: Lambda, pk: str, sk: str) -> dict[str, Any] | None:
    return next((item for item in items(invoke) if item["pk"] == pk and item["sk"] == sk), None)


def run_month(invoke: Lambda) -> tuple[dict, Any]:
    from tests.conftest import FUNCTIONS

    dispatched, _ = FUNCTIONS.invoke(
        "BillingDispatcherFunction", json.loads((EVENTS / "billing_monthly_schedule.json").read_text())
    )
    worked = run_queued(invoke, "BillingWorkerFunction", queue="BillingQueue")
    return dispatched, worked


def invoices(invoke: Lambda, claims: dict, tenant_id: str) -> list[dict]:
    reply = call(invoke, "InvoicesFunction", "invoices_list", claims, tenant_id)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def invoice(invoke: Lambda, claims: dict, tenant_id: str, month: str) -> dict:
    reply = call(invoke, "InvoicesFunction", "invoice_get", claims, tenant_id, path={"invoiceId": month})
    assert reply.status == 200, reply.body
    return reply.body


# ---------------------------------------------------------------- company profile
def test_a_new_profile_is_empty_and_says_what_is_missing(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)

    reply = call(invoke, "CompanyFunction", "company_get", claims, tenant_id)

    assert reply.status == 200 and reply.headers["ETag"] == ['"0"']
    assert reply.body["complete"] is False
    assert reply.body["missing"] == [
        "legal_name",
        "address.street",
        "address.postal_code",
        "address.city",
        "country",
        "billing_email",
        "owner",
    ]
    assert row(invoke, keys.tenant_pk(tenant_id), keys.COMPANY_SK) is None


def test_saving_the_profile_creates_the_owner_as_a_person_in_the_contacts(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)

    saved = put_company(invoke, claims, tenant_id, PROFILE)

    assert saved.status == 200, saved.body
    assert saved.headers["ETag"] == ['"1"']
    assert saved.body["complete"] is True and saved.body["missing"] == []
    contact_id = saved.body["owner"]["contact_id"]
    contact = call(
        invoke, "ContactsFunction", "contact_get", claims, tenant_id, path={"contactId": contact_id}
    )
    assert contact.status == 200, contact.body
    assert contact.body["kind"] == "person" and contact.body["name"] == "Anna Schmidt"
    assert contact.body["email"] == "anna@example.com" and contact.body["tags"] == ["owner"]
    stored = row(invoke, keys.tenant_pk(tenant_id), keys.COMPANY_SK)
    assert stored["legal_name"] == "Schmidt GmbH" and stored["owner_contact_id"] == contact_id
    # the contact is listed by name like any other
    listed = call(invoke, "ContactsFunction", "contact_list", claims, tenant_id, query={"prefix": "anna"})
    assert [c["id"] for c in listed.body["items"]] == [contact_id]


def test_changing_the_owner_updates_the_same_contact(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    first = put_company(invoke, claims, tenant_id, PROFILE).body
    renamed = {**PROFILE, "owner": {"name": "Anna Berger", "email": "anna@example.com"}}

    second = put_company(invoke, claims, tenant_id, renamed, version='"1"')

    assert second.status == 200, second.body
    assert second.body["owner"]["contact_id"] == first["owner"]["contact_id"]
    contact = row(invoke, keys.tenant_pk(tenant_id), keys.contact_sk(first["owner"]["contact_id"]))
    assert contact["name"] == "Anna Berger" and "phone" not in contact and contact["version"] == 2
    assert contact["gsi1sk"].startswith("anna berger#")
    assert len([i for i in items(invoke) if i["sk"].startswith(keys.CONTACT_PREFIX)]) == 1


def test_a_stale_or_missing_if_match_changes_nothing(invoke: Lambda) -> None:
    claims, tenant_id = signed_up(invoke)
    put_company(invoke, claims, tenant_id, PROFILE)
    before = invoke.table()

    stale = put_company(invoke, claims, tenant_id, {**PROFILE, "legal_name": "Andere GmbH"}, version='"0"')
    missing = call(
        invoke, "CompanyFunction", "company_put", claims, tenant_id, body=PROFILE, headers={"If-Match": None}
    )

    assert stale.status == 412 and stale.body["error"]["code"] == "precondition_failed"
    assert missing.status == 428 and missing.body["error"]["code"] == "precondition_required"
    assert invoke.table() == before


@pytest.mark.parametrize(
    "change",
    [
        {"country": "Germany"},
        {"vat_id": "123"},
        {"billing_email": "not-an-address"},
        {"owner": {"email": "a@example.com"}},
        {"unknown": 1},
    ],
)
def test_bad_profiles_are_refused_with_nothing_written(invoke: Lambda, change: dict) -> None:
    claims, tenant_id = signed_up(invoke)
    before = invoke.table()

    reply = put_company(invoke, claims, tenant_id, {**PROFILE, **change})

    assert reply.status == 422 and reply.body["error"]["code"] == "validation_error"
    assert invoke.table() == before


def test_only_admins_change_the_profile(invoke: Lambda) -> None:
    from tests.integration.tenancy import add_member

    _, tenant_id = signed_up(invoke)
    member = add_member(tenant_id, "member")

    reply = put_company(invoke, member, tenant_id, PROFILE)
    read = call(invoke, "CompanyFunction", "company_get", member, tenant_id)

    assert reply.status == 403 and read.status == 200


# ---------------------------------------------------------------- the monthly job
def book(invoke: Lambda, claims: dict, tenant_id: str, module: str) -> None:
    """Book `module` for a month as the tenant's admin, accepting the catalogue's current terms."""
    from kontor.catalog import catalog

    body = {
        "module": module,
        "period": "P1M",
        "accept_terms": {"version": catalog().module(module).terms.version},
    }
    reply = call(
        invoke,
        "LicencesFunction",
        "licence_book",
        claims,
        tenant_id,
        body=body,
        headers={"Idempotency-Key": None},
    )
    assert reply.status == 201, reply.body


def test_two_months_are_billed_once_each_pro_rata_with_gapless_numbers(
    invoke: Lambda, clock_at_start
) -> None:
    claims, tenant_id = signed_up(invoke)
    assert put_company(invoke, claims, tenant_id, PROFILE).status == 200
    book(invoke, claims, tenant_id, "podcasts")  # 9.90 a month, from Nov 23 to Dec 23

    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    november, worked = run_month(invoke)
    again, _ = run_month(invoke)  # the same day once more: nothing is due
    move_clock_to(datetime(2027, 1, 1, 2, 0, tzinfo=UTC))
    december, _ = run_month(invoke)

    assert november == {"job": "billing.monthly", "dispatched": 1} and worked.failed == 0
    assert again["dispatched"] == 0 and december["dispatched"] == 1
    listed = invoices(invoke, claims, tenant_id)
    assert [i["id"] for i in listed] == ["2026-12", "2026-11"]  # newest first
    assert [i["number"] for i in listed] == ["KT-2026-000002", "KT-2026-000001"]
    nov = invoice(invoke, claims, tenant_id, "2026-11")
    [section] = nov["sections"]
    # 8 of November's 30 days: 19.00 * 8/30 = 5.0667 -> 5.07; 9.90 * 8/30 = 2.64
    assert [(x["code"], x["days"], x["amount_cents"]) for x in section["lines"]] == [
        ("BASIC", 8, 507),
        ("podcasts", 8, 264),
    ]
    # VAT on the net total: 7.71 * 19 % = 1.4649 -> 1.46
    assert (nov["net_cents"], nov["vat_rate"], nov["vat_cents"], nov["gross_cents"]) == (771, "19", 146, 917)
    assert nov["recipient"]["legal_name"] == "Schmidt GmbH" and nov["vat_rule"] == "domestic"
    dec = invoice(invoke, claims, tenant_id, "2026-12")
    # the whole month of the plan; the licence's 22 days of December's 31 (9.90 * 22/31 = 7.0258)
    assert [(x["code"], x["days"], x["amount_cents"]) for x in dec["sections"][0]["lines"]] == [
        ("BASIC", 31, 1900),
        ("podcasts", 22, 703),
    ]
    assert (dec["net_cents"], dec["vat_cents"], dec["gross_cents"]) == (2603, 495, 3098)  # 494.57 -> 495
    mails = invoke.mails("rechnung@schmidt.example")
    assert [m.subject for m in mails] == [
        "Kontor: Rechnung KT-2026-000001",
        "Kontor: Rechnung KT-2026-000002",
    ]
    assert "Brutto: 9,17 EUR" in mails[0].body
    assert row(invoke, keys.INVOICE_COUNTER_PK, "2026")["last"] == 2


def test_a_message_delivered_twice_bills_once(invoke: Lambda, clock_at_start) -> None:
    from billing import invoices as billing_invoices
    from kontor.billing import account_due

    claims, tenant_id = signed_up(invoke)
    slot = account_due(tenant_id, "2026-11")["due_sk"]
    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))

    billing_invoices.bill(tenant_id, slot)
    billing_invoices.bill(tenant_id, slot)

    assert [i["number"] for i in invoices(invoke, claims, tenant_id)] == ["KT-2026-000001"]
    assert row(invoke, keys.INVOICE_COUNTER_PK, "2026")["last"] == 1
    assert len(invoke.mails("anna@example.com")) == 2  # the signup's verification and one invoice


def test_a_partners_invoice_lists_its_subtenants_until_one_is_handed_over_to_its_own(
    invoke: Lambda, clock_at_start
) -> None:
    claims, partner_id = signed_up(invoke)
    book(invoke, claims, partner_id, "tenant_management")  # 29.00 a month
    subs = {}
    for name in ("Kunde B", "Kunde A"):
        created = call(
            invoke,
            "SubtenantsFunction",
            "subtenant_create",
            claims,
            partner_id,
            body={"name": name, "plan": "PROFESSIONAL"},
            headers={"Idempotency-Key": None},
        )
        assert created.status == 201, created.body
        subs[name] = created.body["id"]
    # On Nov 28 the partner hands Kunde A over; from then on it gets invoices of its own.
    move_clock_to(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    _give_an_admin(invoke, subs["Kunde A"])
    handed = call(
        invoke, "SubtenantsFunction", "tenant_handover", claims, subs["Kunde A"], body={"billing": "own"}
    )
    assert handed.status == 200, handed.body

    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    dispatched, worked = run_month(invoke)

    assert dispatched["dispatched"] == 2 and worked.failed == 0  # the partner's account and Kunde A's own
    nov = invoice(invoke, claims, partner_id, "2026-11")
    assert [s["tenant_name"] for s in nov["sections"]] == ["Schmidt GmbH", "Kunde A", "Kunde B"]
    lines = {
        s["tenant_name"]: [(x["code"], x["days"], x["amount_cents"]) for x in s["lines"]]
        for s in nov["sections"]
    }
    assert lines["Schmidt GmbH"] == [("BASIC", 8, 507), ("tenant_management", 8, 773)]
    # PROFESSIONAL, 39.00: Kunde A from the 23rd up to the handover on the 28th, Kunde B to the end
    assert lines["Kunde A"] == [("PROFESSIONAL", 5, 650)]
    assert lines["Kunde B"] == [("PROFESSIONAL", 8, 1040)]
    own = invoice(invoke, claims, subs["Kunde A"], "2026-11")
    assert [s["tenant_id"] for s in own["sections"]] == [subs["Kunde A"]]
    assert own["sections"][0]["lines"] == [
        {
            "kind": "plan",
            "code": "PROFESSIONAL",
            "description": "Tarif Professional",
            "days": 3,
            "days_in_month": 30,
            "monthly_price_cents": 3900,
            "amount_cents": 390,
        }
    ]
    numbers = sorted([nov["number"], own["number"]])
    assert numbers == ["KT-2026-000001", "KT-2026-000002"]
    # once November is billed, the partner's account forgets the tenant it no longer pays for
    assert row(invoke, keys.tenant_pk(partner_id), keys.billed_tenant_sk(subs["Kunde A"])) is None
    assert row(invoke, keys.tenant_pk(subs["Kunde A"]), keys.TENANT_SK)["bill_to"] == subs["Kunde A"]


def _give_an_admin(invoke: Lambda, tenant_id: str) -> None:
    """An admin of the sub-tenant's own with a verified address (what a handover needs)."""
    from kontor import keys as k
    from kontor.models import TenantItem, UserItem
    from tests.integration.tenancy import add_member

    claims = add_member(tenant_id, "admin")
    UserItem(
        k.user_pk(claims["sub"]),
        k.PROFILE_SK,
        id=claims["sub"],
        email=claims["email"],
        name="Admin",
        email_verified=True,
        created_at="2026-11-23T09:00:00Z",
    ).save()
    TenantItem(k.tenant_pk(tenant_id), k.TENANT_SK).update(actions=[TenantItem.admin_count.add(1)])


def test_a_due_downgrade_is_applied_by_the_job_and_billed_from_its_day(
    invoke: Lambda, clock_at_start
) -> None:
    claims, tenant_id = signed_up(invoke)
    body = {"plan": "PROFESSIONAL", "accept_terms": {"version": "2026-11"}}
    up = call(
        invoke,
        "LicencesFunction",
        "plan_change",
        claims,
        tenant_id,
        body=body,
        headers={"Idempotency-Key": None},
    )
    assert up.status == 200, up.body
    down = call(
        invoke,
        "LicencesFunction",
        "plan_change",
        claims,
        tenant_id,
        body={**body, "plan": "BASIC"},
        headers={"Idempotency-Key": None},
    )
    assert down.status == 200 and down.body["effective_at"] == "2026-12-01T00:00:00Z", down.body

    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    run_month(invoke)

    tenant = row(invoke, keys.tenant_pk(tenant_id), keys.TENANT_SK)
    assert tenant["edition"] == "BASIC" and "pending_plan" not in tenant
    nov = invoice(invoke, claims, tenant_id, "2026-11")
    # upgraded on the day of signup: the day counts for the new plan, BASIC bills no day
    assert [(x["code"], x["days"]) for x in nov["sections"][0]["lines"]] == [("PROFESSIONAL", 8)]


def test_a_closed_tenant_is_billed_up_to_its_closing(invoke: Lambda, clock_at_start) -> None:
    from kontor.models import TenantItem

    _, tenant_id = signed_up(invoke)
    TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK).update(
        actions=[TenantItem.status.set("closed"), TenantItem.closed_at.set("2026-11-26T12:00:00Z")]
    )

    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    run_month(invoke)
    move_clock_to(datetime(2027, 1, 1, 2, 0, tzinfo=UTC))
    run_month(invoke)

    stored = [i for i in items(invoke) if i["sk"].startswith(keys.INVOICE_PREFIX)]
    assert [(i["month"], i["net_cents"]) for i in stored] == [("2026-11", 190)]  # 23rd-25th: 19.00 * 3/30


def test_reverse_charge_for_an_eu_customer_with_a_vat_id(invoke: Lambda, clock_at_start) -> None:
    claims, tenant_id = signed_up(invoke)
    put_company(invoke, claims, tenant_id, {**PROFILE, "country": "AT", "vat_id": "ATU12345678"})

    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    run_month(invoke)

    nov = invoice(invoke, claims, tenant_id, "2026-11")
    assert (nov["vat_rule"], nov["vat_rate"], nov["vat_cents"]) == ("reverse_charge", "0", 0)
    assert nov["gross_cents"] == nov["net_cents"] == 507 and "Reverse Charge" in nov["vat_note"]


def test_parallel_workers_give_out_every_number_once_and_without_a_gap(
    invoke: Lambda, clock_at_start, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing import invoices as billing_invoices
    from kontor import db
    from kontor.billing import account_due
    from tests.integration.test_write_path import ConflictingDynamoDB, _in_parallel

    accounts = [_account(f"{n:02d}") for n in range(12)]
    client = db._shared_connection().client
    stand_in = ConflictingDynamoDB(client._make_api_call, window=0.02)
    monkeypatch.setattr(client, "_make_api_call", stand_in)
    monkeypatch.setattr(db, "CONFLICT_PAUSE", 0.005)
    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))

    def work(n: int) -> None:
        account = accounts[n % len(accounts)]
        billing_invoices.bill(account, account_due(account, "2026-11")["due_sk"])

    errors = _in_parallel(24, work)  # every account's message twice, all at once

    assert errors == []
    stored = [i for i in items(invoke) if i["sk"].startswith(keys.INVOICE_PREFIX)]
    assert sorted(i["number"] for i in stored) == [f"KT-2026-{n:06d}" for n in range(1, 13)]
    assert sorted(keys.tenant_id_of(i["pk"]) for i in stored) == sorted(accounts)
    assert row(invoke, keys.INVOICE_COUNTER_PK, "2026")["last"] == 12
    assert stand_in.conflicts > 0  # the workers did collide on the counter


def _account(suffix: str) -> str:
    """A billing account with its plan, written as tenant creation writes it (without a signup)."""
    from kontor import db, tenancy

    tenant_id = f"01parallel0000000000000{suffix}"
    with db.transaction() as tx:
        tenancy.create(
            tx,
            tenancy.NewTenant(id=tenant_id, name=f"Parallel {suffix}"),
            created_by="system",
            admin=None,
            source="test",
            actor_via="system",
            now="2026-11-23T10:00:00Z",
        )
    return tenant_id


# ---------------------------------------------------------------- reading and the PDF
def test_the_pdf_holds_the_recipient_the_lines_and_the_totals(invoke: Lambda, clock_at_start) -> None:
    from pypdf import PdfReader

    claims, tenant_id = signed_up(invoke)
    put_company(invoke, claims, tenant_id, PROFILE)
    move_clock_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    run_month(invoke)

    from tests.conftest import FUNCTIONS

    sample = event(
        "invoice_pdf", claims=claims, path_parameters={"tenantId": tenant_id, "invoiceId": "2026-11"}
    )
    result, _ = FUNCTIONS.invoke("InvoicePdfFunction", sample)

    assert result["statusCode"] == 200, result
    headers = result["multiValueHeaders"]
    assert headers["Content-Type"] == ["application/pdf"] and result["isBase64Encoded"] is True
    assert headers["Content-Disposition"] == ['attachment; filename="KT-2026-000001.pdf"']
    document = PdfReader(io.BytesIO(base64.b64decode(result["body"])))
    text = "\n".join(page.extract_text() for page in document.pages)
    for expected in (
        "Rechnung KT-2026-000001",
        "Schmidt GmbH",
        "Hauptstraße 1",
        "10115 Berlin",
        "USt-IdNr. DE123456789",
        "Tarif Basis",
        "Netto",
        "5,07 EUR",
        "0,96 EUR",  # 19 % of 5.07 = 0.9633
        "6,03 EUR",
    ):
        assert expected in text, (expected, text)


@pytest.mark.parametrize("invoice_id", ["2026-13", "2026-1", "november", "2025-11"])
def test_an_unknown_invoice_is_404(invoke: Lambda, invoice_id: str) -> None:
    claims, tenant_id = signed_up(invoke)

    for function, name in (("InvoicesFunction", "invoice_get"), ("InvoicePdfFunction", "invoice_pdf")):
        reply = call(invoke, function, name, claims, tenant_id, path={"invoiceId": invoice_id})
        assert reply.status == 404 and reply.body["error"]["code"] == "invoice_not_found"


def test_invoices_are_for_admins(invoke: Lambda) -> None:
    from tests.integration.tenancy import add_member

    _, tenant_id = signed_up(invoke)
    member = add_member(tenant_id, "member")

    assert call(invoke, "InvoicesFunction", "invoices_list", member, tenant_id).status == 403


def test_the_profile_and_invoices_survive_a_restore_untouched() -> None:
    for sk in (keys.COMPANY_SK, keys.invoice_sk("2026-11"), keys.invoice_section_sk("2026-11", "t")):
        assert not keys.restorable(sk)
    assert not keys.restorable(keys.ledger_sk("2026-11-23T10:00:00Z", "x"))
