"""Invoices on the local stack with the product clock: a partner with a sub-tenant and a licence is
billed two months, once each, with gapless numbers, a PDF whose text holds the totals, and a mail
of each invoice to the billing address."""

from __future__ import annotations

import calendar
import io
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from tests.e2e.conftest import Api

PROFILE = {
    "legal_name": "Rechnungspartner GmbH",
    "address": {"street": "Am Markt 5", "postal_code": "50667", "city": "Köln"},
    "country": "DE",
    "vat_id": "DE987654321",
    "billing_email": "buchhaltung@rechnungspartner.example",
    "owner": {"name": "Petra Partner", "email": "petra@rechnungspartner.example"},
}
PRICES = {"BASIC": 1900, "tenant_management": 2900}


def _now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _advance_to(api: Api, moment: datetime) -> None:
    seconds = (moment - _now(api)).total_seconds()
    assert seconds > 0
    api.call("POST", "/_local/clock", json_body={"advance_days": seconds / 86400})


def _cents(exact: Decimal) -> int:
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _line(code: str, start: date, end: date, month: date) -> tuple[str, int, int]:
    """(code, days, cents) of a span [start, end) in `month`, worked out here by calendar."""
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    first, following = month, _first_of_next_month(month)
    days = max(0, (min(end, following) - max(start, first)).days)
    return code, days, _cents(Decimal(PRICES[code] * days) / days_in_month)


def _add_month(day: date) -> date:
    following = _first_of_next_month(day)
    return following.replace(day=min(day.day, calendar.monthrange(following.year, following.month)[1]))


def _stored(api: Api) -> list[dict[str, Any]]:
    plain = TypeDeserializer()
    return [{k: plain.deserialize(v) for k, v in item.items()} for item in api.table()]


def test_two_months_of_a_partners_invoices_once_each_with_gapless_numbers_and_a_pdf(api: Api) -> None:
    from pypdf import PdfReader

    # Given a partner with its company profile, the tenant management licence and a sub-tenant
    partner = api.new_account("Rechnungspartner GmbH")
    base = f"/tenants/{partner.tenant_id}"
    read = api.call("GET", f"{base}/company", token=partner.token)
    saved = api.call(
        "PUT",
        f"{base}/company",
        token=partner.token,
        json_body=PROFILE,
        headers={"If-Match": read.headers["ETag"]},
    )
    assert saved.status == 200 and saved.body["complete"], saved.body
    sub = api.subtenant(partner, "Kunde Eins")  # books tenant_management for a month first
    started = _now(api).date()
    month0 = started.replace(day=1)
    month1 = _first_of_next_month(month0)
    month2 = _first_of_next_month(month1)

    # When the first of each of the next two months comes and the monthly schedule runs (twice)
    fired = []
    for billing_day in (month1, month2):
        _advance_to(api, datetime.combine(billing_day, datetime.min.time(), UTC) + timedelta(hours=2))
        fired.append(api.call("POST", "/_local/schedules/BillingSchedule").body)
        fired.append(api.call("POST", "/_local/schedules/BillingSchedule").body)

    # Then there are two invoices, newest first, one per month
    assert [f["result"]["dispatched"] > 0 for f in fired] == [True, False, True, False], fired
    listed = api.call("GET", f"{base}/invoices", token=partner.token)
    assert listed.status == 200, listed.body
    assert [i["id"] for i in listed.body["items"]] == [month1.strftime("%Y-%m"), month0.strftime("%Y-%m")]
    expiry = _add_month(started)
    for month, invoice in zip((month1, month0), listed.body["items"], strict=True):
        full = api.call("GET", f"{base}/invoices/{invoice['id']}", token=partner.token).body
        # ... the partner's own section first, then its sub-tenant's
        assert [s["tenant_id"] for s in full["sections"]] == [partner.tenant_id, sub]
        assert [s["tenant_name"] for s in full["sections"]] == ["Rechnungspartner GmbH", "Kunde Eins"]
        own = [(x["code"], x["days"], x["amount_cents"]) for x in full["sections"][0]["lines"]]
        expected_own = [
            _line("BASIC", started, date.max, month),
            _line("tenant_management", started, expiry, month),
        ]
        assert own == [line for line in expected_own if line[1]]
        assert [(x["code"], x["days"], x["amount_cents"]) for x in full["sections"][1]["lines"]] == [
            _line("BASIC", started, date.max, month)
        ]
        net = sum(s["net_cents"] for s in full["sections"])
        vat = _cents(Decimal(net) * 19 / 100)
        assert (full["net_cents"], full["vat_rate"], full["vat_cents"], full["gross_cents"]) == (
            net,
            "19",
            vat,
            net + vat,
        )
        assert full["recipient"]["legal_name"] == "Rechnungspartner GmbH"

    # ... the numbers of every invoice the vendor issued have no gap and no duplicate
    stored = _stored(api)
    numbers = sorted(i["number"] for i in stored if i["sk"].startswith("BILLING#INVOICE#"))
    for year in {n.split("-")[1] for n in numbers}:
        of_year = sorted(int(n.split("-")[2]) for n in numbers if n.split("-")[1] == year)
        assert of_year == list(range(1, len(of_year) + 1)), of_year
        [counter] = [i for i in stored if i["pk"] == "COUNTER#INVOICES" and i["sk"] == year]
        assert counter["last"] == len(of_year)

    # ... the sub-tenant, on its partner's invoice, has none of its own (the partner may look)
    theirs = api.call("GET", f"/tenants/{sub}/invoices", token=partner.token)
    assert theirs.status == 200 and theirs.body["items"] == []

    # ... each invoice was mailed to the billing address once
    mails = api.outbox("buchhaltung@rechnungspartner.example")
    assert sorted(m["subject"] for m in mails) == sorted(
        f"Kontor: Rechnung {i['number']}" for i in listed.body["items"]
    )

    # ... and the PDF names the recipient, both tenants and the totals
    latest = listed.body["items"][0]
    pdf = api.http.get(
        f"{api.url}{base}/invoices/{latest['id']}/pdf",
        headers={"Authorization": f"Bearer {partner.token}"},
        timeout=30,
    )
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        f"Rechnung {latest['number']}",
        "Rechnungspartner GmbH",
        "50667 Köln",
        "Mandant: Kunde Eins",
        _money(latest["net_cents"]),
        _money(latest["vat_cents"]),
        _money(latest["gross_cents"]),
    ):
        assert expected in text, (expected, text)


def _money(cents: int) -> str:
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d} EUR"


def test_a_handover_with_own_billing_gives_the_tenant_its_own_invoice_from_that_day(api: Api) -> None:
    # Given a partner's sub-tenant with an admin of its own, handed over with billing of its own
    partner = api.new_account("Übergabe Partner AG")
    sub = api.subtenant(partner, "Eigene Rechnung GmbH")
    owner = api.join(partner, "admin", tenant_id=sub)
    handed = api.call("POST", f"/tenants/{sub}/handover", token=partner.token, json_body={"billing": "own"})
    assert handed.status == 200, handed.body
    month = _now(api).date().replace(day=1)

    # When the month is over and the monthly schedule runs
    following = _first_of_next_month(month)
    _advance_to(api, datetime.combine(following, datetime.min.time(), UTC) + timedelta(hours=2))
    assert api.call("POST", "/_local/schedules/BillingSchedule").status == 200

    # Then the partner's invoice no longer lists the tenant, which has one of its own
    month_id = month.strftime("%Y-%m")
    partners = api.call("GET", f"/tenants/{partner.tenant_id}/invoices/{month_id}", token=partner.token).body
    assert [s["tenant_id"] for s in partners["sections"]] == [partner.tenant_id]
    own = api.call("GET", f"/tenants/{sub}/invoices/{month_id}", token=owner.token).body
    assert [s["tenant_id"] for s in own["sections"]] == [sub]
    assert [x["code"] for x in own["sections"][0]["lines"]] == ["BASIC"]
    # ... which its partner may still read, as its role allows
    pdf = api.http.get(
        f"{api.url}/tenants/{sub}/invoices/{month_id}/pdf",
        headers={"Authorization": f"Bearer {partner.token}"},
        timeout=30,
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
