"""The console's platform and module screens, one journey each, in headless Chromium over the
local stack: the notice area, error reports, the company profile with invoices and closing a
tenant, podcasts and price calculation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check, sign_in
from tests.e2e.conftest import PASSWORD, Account, Api

NewPage = Callable[..., Page]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def product_now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


@pytest.fixture
def operator(console: Api) -> Iterator[Account]:
    """The local operator; whatever windows a test planned are gone afterwards (the stack is shared)."""
    staff = console.operator()
    yield staff
    for window in console.call("GET", "/operator/maintenance-windows", token=staff.token).body["items"]:
        console.call("DELETE", f"/operator/maintenance-windows/{window['id']}", token=staff.token)


def plan_window(api: Api, operator: Account, starts: datetime, ends: datetime, title: str) -> dict:
    planned = api.call(
        "POST",
        "/operator/maintenance-windows",
        token=operator.token,
        json_body={
            "starts_at": iso(starts),
            "ends_at": iso(ends),
            "mode": "read_only",
            "title": {"de": f"{title} (de)", "en": title},
            "text": {"de": "Bitte speichern Sie vorher.", "en": "Please save your work before."},
        },
    )
    assert planned.status == 201, planned.body
    return planned.body


def test_notices_maintenance_and_a_suspended_tenant(
    new_page: NewPage, console: Api, operator: Account
) -> None:
    admin = console.new_account("Hinweis GmbH")
    now = product_now(console)
    plan_window(console, operator, now + timedelta(hours=20), now + timedelta(hours=22), "Database upgrade")

    # Before sign-in, the sign-in page shows the planned window (GET /notices/public), in German too
    page = new_page(locale="de-DE")
    page.goto("/signin")
    notices = page.get_by_role("region", name="Hinweise")
    expect(notices).to_contain_text("Database upgrade (de)")
    expect(notices).to_contain_text("Geplant von")
    check(page, "notices-signin-de")
    page.get_by_label("Sprache").select_option("en")
    expect(page.get_by_role("region", name="Notices")).to_contain_text("Planned from")

    # Signed in, every screen shows it; a window running now makes writes answer 503 with its end
    running = plan_window(console, operator, now - timedelta(minutes=1), now + timedelta(hours=2), "Move")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.goto(f"/t/{admin.tenant_id}/contacts")
    notices = page.get_by_role("region", name="Notices")
    expect(notices.locator("li.active")).to_contain_text("Under way until")
    page.get_by_role("button", name="New contact").click()
    page.get_by_label("Name", exact=True).fill("Während der Wartung")
    page.get_by_role("button", name="Create").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Maintenance. Kontor only reads until")
    expect(alert).not_to_contain_text("Report this error")
    check(page, "notices-maintenance")
    assert console.call("GET", f"/tenants/{admin.tenant_id}/contacts", token=admin.token).body["items"] == []
    ended = console.call("DELETE", f"/operator/maintenance-windows/{running['id']}", token=operator.token)
    assert ended.status == 204

    # A tenant the vendor suspended says so on its screens
    suspended = console.call(
        "PUT",
        f"/operator/tenants/{admin.tenant_id}/status",
        token=operator.token,
        json_body={"status": "suspended", "reason": "unpaid invoice"},
    )
    assert suspended.status == 200, suspended.body
    page.reload()
    expect(notices).to_contain_text("Tenant suspended")
    expect(notices).not_to_contain_text("Under way")
    check(page, "notices-suspended")


def test_error_report_draft_edit_and_send(new_page: NewPage, console: Api) -> None:
    member = console.new_account("Melde GmbH")
    page = new_page()
    sign_in(page, member)
    # An error the API answered (an unknown contact): its request id is the last one seen
    with page.expect_response(re.compile(r"/tenants/.*/contacts/0{26}$")) as seen:
        page.goto(f"/t/{member.tenant_id}/contacts/{'0' * 26}")
    request_id = seen.value.headers["x-request-id"]
    expect(page.get_by_role("alert")).to_be_visible()

    page.get_by_role("link", name="Error reports").click()
    form = page.get_by_role("form", name="New error report")
    expect(form.get_by_label("App version")).to_have_value(re.compile(r"^console \d"))
    expect(form.get_by_label("Request id")).to_have_value(request_id)
    form.get_by_label("Subject").fill("Kontakt nicht gefunden")
    form.get_by_label("What happened?").fill("The contact from the link is missing.")
    form.get_by_label("Steps to reproduce it").fill("1. Open the link from the mail")
    form.get_by_label("Severity").select_option("high")
    form.get_by_role("button", name="Save as draft").click()
    row = page.get_by_role("row", name=re.compile("Kontakt nicht gefunden"))
    expect(row).to_contain_text("draft")
    check(page, "error-reports")

    # The draft is corrected, then sent
    row.get_by_role("button", name="Edit the draft “Kontakt nicht gefunden”").click()
    dialog = page.get_by_role("dialog", name="Edit the draft")
    dialog.get_by_label("Subject").fill("Kontakt aus dem Link fehlt")
    dialog.get_by_role("button", name="Save").click()
    row = page.get_by_role("row", name=re.compile("Kontakt aus dem Link fehlt"))
    row.get_by_role("button", name="Send the error report “Kontakt aus dem Link fehlt”").click()
    expect(page.get_by_role("status").filter(has_text="was sent to support")).to_be_visible()
    expect(row).to_contain_text("sent")
    expect(row.get_by_role("button")).to_have_count(0)
    [stored] = console.call("GET", f"/tenants/{member.tenant_id}/error-reports", token=member.token).body[
        "items"
    ]
    assert (stored["subject"], stored["state"], stored["severity"], stored["request_id"]) == (
        "Kontakt aus dem Link fehlt",
        "sent",
        "high",
        request_id,
    )
    assert stored["app_version"].startswith("console ")

    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", name="Fehlermeldungen", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Kontakt aus dem Link fehlt"))).to_contain_text("gesendet")
    check(page, "error-reports-de")
