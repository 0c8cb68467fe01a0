"""The console's platform and module screens, one journey each, in headless Chromium over the
local stack: the notice area, error reports, the company profile with invoices and closing a
tenant, podcasts and price calculation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import check, sign_in
from tests.e2e.conftest import PASSWORD, Account, Api, running_stack

NewPage = Callable[..., Page]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def product_now(api: Api) -> datetime:
    return datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))


def advance_to(api: Api, moment: datetime) -> None:
    seconds = (moment - product_now(api)).total_seconds()
    assert seconds > 0
    assert api.call("POST", "/_local/clock", json_body={"advance_days": seconds / 86400}).status == 200


@pytest.fixture(scope="module")
def later() -> Iterator[Api]:
    """A stack of its own for the journeys that move the product's clock (invoices, an expired
    licence), so the shared one keeps its time."""
    with running_stack("--no-delivery", "--console-links") as api:
        yield api


@pytest.fixture
def later_page(browser: Browser, later: Api) -> Iterator[Page]:
    context = browser.new_context(base_url=later.url, locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


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


def test_company_profile_and_closing_the_tenant(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Schluss GmbH")
    page = new_page()
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/contacts")
    page.get_by_role("link", name="Company & invoices").click()
    profile = page.get_by_role("form", name="Company profile")
    expect(profile).to_contain_text("An invoice still needs: Legal name, Street and number")
    profile.get_by_label("Legal name").fill("Schluss GmbH")
    profile.get_by_label("Street and number").fill("Hauptstraße 1")
    profile.get_by_label("Postal code").fill("10115")
    profile.get_by_label("City").fill("Berlin")
    profile.get_by_label("Country (ISO code, e.g. DE)").fill("de")
    profile.get_by_label("VAT id").fill("DE 123456789")
    profile.get_by_label("Invoices by email to").fill("rechnung@schluss.example")
    profile.get_by_label("Owner's name").fill("Sabine Schluss")
    profile.get_by_role("button", name="Save").click()
    expect(profile.get_by_role("status")).to_have_text("Saved.")
    expect(profile).to_contain_text("The profile has everything an invoice needs.")
    expect(page.get_by_role("region", name="Invoices", exact=True)).to_contain_text("No invoices yet.")
    check(page, "company")
    stored = console.call("GET", f"/tenants/{admin.tenant_id}/company", token=admin.token).body
    assert (stored["complete"], stored["country"], stored["vat_id"], stored["owner"]["name"]) == (
        True,
        "DE",
        "DE123456789",
        "Sabine Schluss",
    )

    # Closing: the period it can be undone is shown; the exact name confirms it
    page.get_by_role("link", name="Settings").click()
    zone = page.get_by_role("region", name="Close this tenant")
    expect(zone).to_contain_text("For 30 days, until about")
    zone.get_by_role("button", name="Close the tenant…").click()
    dialog = page.get_by_role("dialog", name="Close Schluss GmbH?")
    confirm = dialog.get_by_role("button", name="Close Schluss GmbH now")
    dialog.get_by_label("The tenant's name").fill("Schluss")
    expect(confirm).to_be_disabled()
    dialog.get_by_label("The tenant's name").fill("Schluss GmbH")
    check(page, "closing-confirm")
    confirm.click()
    expect(page.get_by_role("heading", name="Your accounts")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Schluss GmbH is closed. Support can reopen it until")
    expect(page.get_by_role("link", name="Schluss GmbH")).to_have_count(0)
    check(page, "closed")
    assert console.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).status == 404


def test_invoices_listed_and_their_pdf(later_page: Page, later: Api) -> None:
    admin = later.new_account("Rechnung GmbH")
    read = later.call("GET", f"/tenants/{admin.tenant_id}/company", token=admin.token)
    profile = {
        "legal_name": "Rechnung GmbH",
        "address": {"street": "Am Markt 5", "postal_code": "50667", "city": "Köln"},
        "country": "DE",
        "billing_email": "buchhaltung@rechnung.example",
        "owner": {"name": "Rita Rechnung"},
    }
    saved = later.call(
        "PUT",
        f"/tenants/{admin.tenant_id}/company",
        token=admin.token,
        json_body=profile,
        headers={"If-Match": read.headers["ETag"]},
    )
    assert saved.status == 200, saved.body
    # The first of next month comes and the monthly billing runs
    today = product_now(later)
    first = datetime(today.year + today.month // 12, today.month % 12 + 1, 1, 2, tzinfo=UTC)
    advance_to(later, first)
    assert later.call("POST", "/_local/schedules/BillingSchedule").status == 200
    [invoice] = later.call("GET", f"/tenants/{admin.tenant_id}/invoices", token=admin.token).body["items"]

    page = later_page
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/company")
    row = page.get_by_role("row", name=re.compile(invoice["number"]))
    expect(row).to_contain_text(today.strftime("%B %Y"))
    expect(row).to_contain_text("(19 %)")
    check(page, "invoices")
    with page.expect_download() as download:
        row.get_by_role("button", name=f"Open the PDF of invoice {invoice['number']}").click()
    assert download.value.suggested_filename == f"{invoice['number']}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_podcasts_channel_episode_audio_publish_and_feed(new_page: NewPage, console: Api) -> None:
    from tests.audio import mp3

    admin = console.new_account("Funk GmbH")
    page = new_page()
    sign_in(page, admin)
    # Without the module's licence there is no podcasts screen
    page.goto(f"/t/{admin.tenant_id}/contacts")
    expect(page.get_by_role("link", name="Licences & plan")).to_be_visible()
    expect(page.get_by_role("link", name="Podcasts")).to_have_count(0)
    console.book(admin, "podcasts")
    page.reload()
    page.get_by_role("link", name="Podcasts").click()

    page.get_by_label("Title").fill("Kontor Funk")
    page.get_by_label("Description").fill("Neues aus dem Büro.")
    page.get_by_role("button", name="Create channel").click()
    episodes = page.get_by_role("region", name="Episodes of Kontor Funk")
    expect(episodes).to_contain_text("No episodes yet.")
    episodes.get_by_label("Title").fill("Folge 1")
    episodes.get_by_label("Description").fill("Wie wir ablegen.")
    episodes.get_by_label("Appears on (empty: a draft)").fill("2026-01-05T06:00")
    episodes.get_by_role("button", name="Create episode").click()
    row = episodes.get_by_role("row", name=re.compile("Folge 1"))
    expect(row).to_contain_text("no audio yet")
    row.get_by_label("Audio file of Folge 1 (MP3 or M4A)").set_input_files(
        {"name": "folge1.mp3", "mimeType": "audio/mpeg", "buffer": mp3(10)}
    )
    row.get_by_role("button", name="Upload the audio of Folge 1").click()
    expect(row).to_contain_text("0:10 · audio/mpeg")
    episodes.get_by_role("button", name="Publish the feed").click()
    expect(episodes.get_by_role("status").filter(has_text="The feed is published:")).to_be_visible()
    feed = page.get_by_role("link", name="Feed of Kontor Funk")
    expect(feed).to_have_attribute("href", re.compile(r"/feeds/\w+\.xml$"))
    check(page, "podcasts")
    rss = console.http.get(feed.get_attribute("href") or "", timeout=30)
    assert rss.status_code == 200 and "<title>Folge 1</title>" in rss.text, rss.text[:500]


def test_price_calculation_granted_by_an_operator(new_page: NewPage, console: Api, operator: Account) -> None:
    admin = console.new_account("Kalkulation GmbH")
    granted = console.call(
        "POST",
        f"/operator/tenants/{admin.tenant_id}/licences",
        token=operator.token,
        json_body={"module": "price_calculation", "period": "P12M", "note": "after the consultation"},
    )
    assert granted.status in {200, 201}, granted.body
    page = new_page(locale="de-DE")
    page.goto("/signin")
    page.get_by_label("E-Mail-Adresse").fill(admin.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("button", name="Abmelden").wait_for()
    page.goto(f"/t/{admin.tenant_id}/contacts")
    page.get_by_role("link", name="Preiskalkulation").click()
    page.get_by_label("Artikel oder Leistung").fill("Aktenschrank")
    page.get_by_label("Einkaufspreis (EUR)").fill("100,00")
    page.get_by_label("Handlungskosten %").fill("25")
    page.get_by_label("Gewinnzuschlag %").fill("10")
    page.get_by_role("button", name="Berechnen und speichern").click()
    steps = page.get_by_role("region", name="Schritte von Aktenschrank")
    expect(steps.get_by_role("row", name=re.compile("Selbstkosten"))).to_contain_text("125,00")
    expect(steps.get_by_role("row", name=re.compile("Nettoverkaufspreis"))).to_contain_text("137,50")
    expect(page.get_by_role("row", name=re.compile("^Aktenschrank"))).to_contain_text("163,63")
    check(page, "price-calculation-de")
    [sheet] = console.call("GET", f"/tenants/{admin.tenant_id}/price-calculations", token=admin.token).body[
        "items"
    ]
    assert (sheet["purchase_cost_cents"], sheet["net_price_cents"]) == (10000, 13750)


def test_an_expired_licence_says_until_when_the_data_is_kept(later_page: Page, later: Api) -> None:
    admin = later.new_account("Abgelaufen GmbH")
    licence = later.book(admin, "podcasts")  # one month
    advance_to(
        later, datetime.fromisoformat(licence["expires_at"].replace("Z", "+00:00")) + timedelta(days=1)
    )
    page = later_page
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/contacts")
    page.get_by_role("link", name="Podcasts").click()  # locked, its data kept: the screen stays
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Licence expired.")
    purge = datetime.fromisoformat(licence["purge_at"].replace("Z", "+00:00"))
    expect(alert).to_contain_text(f"Its data is kept until {purge.strftime('%B')} {purge.day}, {purge.year}")
    check(page, "podcasts-licence-expired")
    alert.get_by_role("link", name=re.compile("Book Podcasts again")).click()
    expect(page.get_by_role("row", name=re.compile("^Podcasts"))).to_contain_text("locked")


def test_the_last_sync_shows_under_the_login_name_and_warns_when_stale(later: Api, later_page: Page) -> None:
    from tests.e2e import syncing

    # Given a tenant whose company database has just synced
    admin = later.new_account("Abgleich GmbH")
    syncing.book(later, admin)
    client = syncing.register(later, admin)
    syncing.report(later, admin, client["id"])

    # Then under the login name the console says so
    sign_in(later_page, admin)
    later_page.goto(f"/t/{admin.tenant_id}/contacts")
    line = later_page.locator("header .user .sync")
    expect(line).to_have_text("Last synced just now")
    check(later_page, "sync-recent")

    # When more than an hour passes without a sync, it warns (and the notice area tells why)
    later.call("POST", "/_local/clock", json_body={"advance_minutes": 61})
    later_page.reload()
    expect(line).to_have_text("Not synced for over an hour")
    expect(line).to_have_class(re.compile(r"\bstale\b"))
    expect(later_page.get_by_role("region", name="Notices")).to_contain_text("Sync interrupted")
