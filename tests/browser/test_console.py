"""The journeys of issue 17, through the web console in headless Chromium over the local stack."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import MEASURED, check, first_screen_js_gzipped, sign_in
from tests.e2e.conftest import PASSWORD, Api

NewPage = Callable[..., Page]


def test_first_screen_is_small_and_fast(new_page: NewPage) -> None:
    # Given a browser that has never seen the console
    page = new_page()
    # When it opens the console
    page.goto("/")
    page.get_by_label("Email address").wait_for()
    # Then it lands on the sign-in screen, interactive once /config answered
    expect(page).to_have_url(re.compile(r"/signin"))
    interactive = page.evaluate("performance.getEntriesByName('kontor:interactive')[0].startTime")
    MEASURED["first screen interactive (ms after navigation start)"] = round(interactive)
    MEASURED["first screen JavaScript (bytes gzipped)"] = shipped = first_screen_js_gzipped()
    assert shipped <= 100 * 1024, shipped  # the budget: screens beyond the first load as chunks
    check(page, "signin")


def test_sign_up_verify_from_the_outbox_and_sign_in(new_page: NewPage, console: Api) -> None:
    page = new_page()
    email = "browser-signup@example.com"
    page.goto("/signin")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Name", exact=True).fill("Anna Schmidt")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Company").fill("Schmidt GmbH")
    # A weak password: the API's own message is shown
    page.get_by_label("Password").fill("schmidt")
    page.get_by_label("Password").evaluate("input => input.removeAttribute('minlength')")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text("That did not work.")
    check(page, "signup")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_role("status").last).to_contain_text("a new link is on its way")
    check(page, "signup-sent")

    # The verification mail, read from the local outbox; its link opens the console
    page.get_by_role("link", name="Open the local outbox").click()
    link = page.get_by_role("link", name=re.compile(r"signup.verify.token=")).first  # newest first
    check(page, "outbox")
    link.click()
    # The link asks for the password: verifying never keeps one the verifier did not set
    page.get_by_label("Password").fill(PASSWORD)
    check(page, "verify")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text(f"{email} is confirmed")
    check(page, "verified")

    page.get_by_role("link", name="Sign in").last.click()
    expect(page.get_by_label("Email address")).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your accounts")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Schmidt GmbH Admin direct"))).to_be_visible()
    check(page, "accounts")

    # The ID token is refreshed before it expires: pretend it is about to
    refreshes: list[str] = []
    page.on("request", lambda r: "REFRESH_TOKEN_AUTH" in (r.post_data or "") and refreshes.append(r.url))
    page.evaluate(
        """() => {
            const s = JSON.parse(localStorage.getItem('kontor.session'));
            s.expiresAt = Date.now() + 30000;
            localStorage.setItem('kontor.session', JSON.stringify(s));
        }"""
    )
    page.reload()
    expect(page.get_by_role("heading", name="Your accounts")).to_be_visible()
    assert refreshes, "no refresh before the token expired"

    # Signing out ends the session: the console asks to sign in again
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin\?next="))


def test_second_account_and_switching(new_page: NewPage, console: Api) -> None:
    account = console.new_account("Erste GmbH")
    page = new_page()
    sign_in(page, account)
    page.get_by_label("Company name of the new account").fill("Zweite GmbH")
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("link", name=re.compile("Zweite GmbH"))).to_be_visible()  # top left
    switcher = page.get_by_label("Account", exact=True)
    expect(switcher.locator("option")).to_have_text(
        ["All accounts", "Erste GmbH · Admin", "Zweite GmbH · Admin"]
    )
    check(page, "contacts-empty")

    switcher.select_option(label="Erste GmbH · Admin")
    expect(page).to_have_url(re.compile(f"/t/{account.tenant_id}/contacts"))
    expect(page.locator(".top .brand")).to_have_text("Erste GmbH")


def test_invite_and_accept_in_a_second_browser(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Einladend GmbH")
    invitee = "browser-invitee@example.com"
    page = new_page()
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/members")
    page.get_by_label("Email address").fill(invitee)
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {invitee}")
    expect(page.get_by_role("row", name=re.compile(invitee))).to_contain_text("pending")
    check(page, "members")

    # The invitee opens the mail's link in a browser of their own
    other = new_page()
    other.goto(f"/outbox?to={invitee}")
    other.get_by_role("link", name=re.compile(r"invitations.accept.token=")).click()
    expect(other.get_by_text("invites you to Einladend GmbH as Viewer")).to_be_visible()
    check(other, "accept-invitation")
    other.get_by_label("Name", exact=True).fill("Ines Eingeladen")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Accept invitation").click()
    expect(other.get_by_role("heading", name="Contacts")).to_be_visible()
    expect(other.get_by_label("Account", exact=True)).to_contain_text("Einladend GmbH · Viewer")
    expect(other.get_by_role("button", name="New contact")).to_have_count(0)  # a viewer reads only

    page.reload()
    expect(page.get_by_role("row", name=re.compile("Ines Eingeladen"))).to_be_visible()


def test_logo_upload(new_page: NewPage, console: Api) -> None:
    from PIL import Image

    admin = console.new_account("Logo GmbH")
    png = io.BytesIO()
    Image.new("RGB", (120, 40), (23, 78, 166)).save(png, format="PNG")
    page = new_page()
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/settings")
    page.get_by_label("Logo file").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png.getvalue()}
    )
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_role("status")).to_contain_text("The logo is in place.")
    logo = page.locator(".top .brand img")
    expect(logo).to_have_attribute("alt", "Logo GmbH")
    page.wait_for_function("() => document.querySelector('.top .brand img')?.naturalWidth > 0")
    check(page, "settings")


def test_subtenant_and_copy_content(new_page: NewPage, console: Api) -> None:
    partner = console.new_account("Partner GmbH")
    page = new_page()
    sign_in(page, partner)
    page.goto(f"/t/{partner.tenant_id}/subtenants")
    page.get_by_label("Name", exact=True).fill("Kunde Eins")
    page.get_by_label("Type").select_option("CUSTOM")  # starts without templates
    page.get_by_role("button", name="Create sub-tenant").click()
    # Sub-tenants need the tenant management module: the console leads to booking it
    expect(page.get_by_role("alert")).to_contain_text("tenant_management")
    page.get_by_role("link", name=re.compile("Book the Tenant management module")).click()
    page.get_by_role("button", name="Book Tenant management").click()
    dialog = page.get_by_role("dialog", name="Book Tenant management")
    dialog.get_by_label(re.compile("I have read and accept the terms")).check()
    dialog.get_by_role("button", name=re.compile("^Book for")).click()
    expect(page.get_by_role("row", name=re.compile("^Tenant management"))).to_contain_text("active until")
    page.get_by_role("link", name="Sub-tenants").click()
    page.get_by_label("Name", exact=True).fill("Kunde Eins")
    page.get_by_label("Type").select_option("CUSTOM")
    page.get_by_role("button", name="Create sub-tenant").click()
    expect(page.get_by_role("row", name=re.compile("Kunde Eins"))).to_be_visible()
    check(page, "subtenants")

    page.get_by_role("button", name="Copy content to Kunde Eins").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Copy", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text(re.compile(r"Copied: [1-9]"))
    check(page, "copy-content")
    dialog.get_by_role("button", name="Close").click()

    # Every level below, paged from the API (not from /me), names each tenant's parent
    page.get_by_label("Every level below (as partner)").check()
    expect(page.get_by_role("row", name=re.compile("Kunde Eins.*Partner GmbH"))).to_be_visible()

    # /me names the partner tenant with its count; the partner enters the sub-tenant from its
    # list, and the switcher shows it with the partner role
    switcher = page.get_by_label("Account", exact=True)
    expect(switcher.locator("option", has_text="Partner GmbH")).to_have_text(
        "Partner GmbH · Admin · sub-tenants: 1"
    )
    page.get_by_role("link", name="Kunde Eins").click()
    expect(switcher.locator("option:checked")).to_have_text("Kunde Eins · Admin · via partner")
    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("table")).to_be_visible()
    check(page, "templates")

    # Handover waits for an admin of the customer's own: the API's reason is shown
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("alert")).to_contain_text("admin")
    check(page, "subtenant-settings")


def test_contact_edit_with_a_concurrent_edit_shows_the_412_dialog(new_page: NewPage, console: Api) -> None:
    member = console.new_account("Kontakt GmbH")
    page = new_page()
    sign_in(page, member)
    page.goto(f"/t/{member.tenant_id}/contacts")
    page.get_by_role("button", name="New contact").click()
    page.get_by_label("Name", exact=True).fill("Erika Mustermann")
    page.get_by_label("Email address").fill("erika@example.com")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Erika Mustermann")).to_be_visible()
    check(page, "contact")
    contact_id = page.url.rsplit("/", 1)[1]

    # Someone else changes the phone number meanwhile
    path = f"/tenants/{member.tenant_id}/contacts/{contact_id}"
    etag = console.call("GET", path, token=member.token).headers["ETag"]
    other = console.call(
        "PATCH", path, token=member.token, json_body={"phone": "+49 30 123456"}, headers={"If-Match": etag}
    )
    assert other.status == 200, other.body

    page.get_by_label("Name", exact=True).fill("Erika M.")
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog", name="Someone else saved in the meantime")
    expect(dialog.get_by_role("row", name=re.compile("Phone"))).to_contain_text("+49 30 123456")
    expect(dialog.get_by_role("row", name=re.compile("Name"))).to_contain_text("Erika M.")
    check(page, "contact-conflict")
    dialog.get_by_role("button", name="Reload (discard my changes)").click()
    expect(page.get_by_label("Phone")).to_have_value("+49 30 123456")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Erika Mustermann")
    assert console.call("GET", path, token=member.token).body["name"] == "Erika Mustermann"

    page.get_by_label("Name", exact=True).fill("Erika Musterfrau")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    assert console.call("GET", path, token=member.token).body["name"] == "Erika Musterfrau"


def test_backup_and_restore_with_progress(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Sicher GmbH")
    made = console.call(
        "POST",
        f"/tenants/{admin.tenant_id}/contacts",
        token=admin.token,
        json_body={"kind": "person", "name": "Bleibt"},
    )
    assert made.status == 201, made.body
    page = new_page()
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/backups")
    page.get_by_label("Note").fill("vor dem Aufräumen")
    page.get_by_role("button", name="Back up now").click()
    row = page.get_by_role("row", name=re.compile("vor dem Aufräumen"))
    expect(row).to_contain_text("pending")
    console.call("POST", "/_local/queues/drain")  # the worker runs; the console polls
    expect(row).to_contain_text("completed")
    check(page, "backups")

    gone = console.call("DELETE", f"/tenants/{admin.tenant_id}/contacts/{made.body['id']}", token=admin.token)
    assert gone.status == 204
    row.get_by_role("button", name=re.compile("^Restore the backup of")).click()
    check(page, "restore-confirm")
    page.get_by_role("dialog").get_by_role("button", name="Restore now").click()
    progress = page.locator(".restore")
    expect(progress).to_contain_text("Restore: pending")
    console.call("POST", "/_local/queues/drain")
    expect(progress).to_contain_text("Restore: completed")
    # the contact, and the tenant's contact counter (kontor.quotas) as it was in the backup
    expect(progress.get_by_role("status")).to_contain_text("Items written: 2")
    check(page, "restored")
    contacts = console.call("GET", f"/tenants/{admin.tenant_id}/contacts", token=admin.token).body["items"]
    assert [c["name"] for c in contacts] == ["Bleibt"]

    # The policy, and „Alte Backups löschen“, which never deletes the newest completed backup
    page.get_by_label("Schedule").select_option("daily")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Next backup:")).to_be_visible()
    page.get_by_label("Delete finished backups older than (days)").fill("0")
    page.get_by_role("button", name="Delete old backups").click()
    expect(page.get_by_role("status").filter(has_text="Backups deleted")).to_contain_text(
        "Backups deleted: 1."
    )
    assert (
        len(console.call("GET", f"/tenants/{admin.tenant_id}/backups", token=admin.token).body["items"]) == 1
    )


def test_audit_log_appointments_and_german(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Protokoll GmbH")
    page = new_page(locale="de-DE")
    page.goto("/signin")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check(page, "signin-de")
    page.get_by_label("E-Mail-Adresse").fill(admin.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.get_by_role("link", name="Protokoll GmbH").click()
    page.get_by_role("link", name="Termine").click()
    page.get_by_label("Titel").fill("Jahresgespräch")
    page.get_by_label("Beginn").fill("2030-03-04T10:00")
    page.get_by_label("Ende").fill("2030-03-04T11:00")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_role("row", name=re.compile("Jahresgespräch"))).to_be_visible()
    check(page, "appointments-de")
    page.get_by_role("button", name="Jahresgespräch", exact=True).click()
    dialog = page.get_by_role("dialog", name="Jahresgespräch")
    dialog.get_by_label("Ort").fill("Besprechungsraum 2")
    dialog.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("row", name=re.compile("Jahresgespräch"))).to_contain_text("Besprechungsraum 2")

    page.get_by_role("link", name="Protokoll", exact=True).click()
    expect(page.get_by_role("row", name=re.compile("tenant.created"))).to_be_visible()
    check(page, "audit-de")

    page.get_by_label("Sprache").select_option("en")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_server_errors_show_the_request_id(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Fehler GmbH")
    page = new_page()
    sign_in(page, admin)
    # The error body every route will carry: the console shows its message and request id.
    page.route(
        re.compile(r"/tenants/[^/]+/contacts($|\?)"),
        lambda route: route.fulfill(
            status=500,
            content_type="application/json",
            headers={"X-Request-Id": "req-header"},
            body='{"error": {"code": "internal_error", "message": "Something went wrong on our side.",'
            ' "request_id": "req-1234"}}',
        ),
    )
    page.goto(f"/t/{admin.tenant_id}/contacts")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Something went wrong on our side.")
    expect(alert).to_contain_text("req-1234")
    check(page, "server-error")
    alert.get_by_role("link", name="Report this error").click()
    expect(page.get_by_role("heading", name="Error reports")).to_be_visible()
    expect(page.get_by_label("Request id")).to_have_value("req-1234")


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const label = e.labels?.[0]?.textContent;"
            " return (label || e.getAttribute('aria-label') || e.textContent || '').trim(); }"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def test_keyboard_alone_reaches_every_step(new_page: NewPage, console: Api) -> None:
    account = console.new_account("Tastatur GmbH")
    page = new_page()
    page.goto("/signin")
    page.get_by_label("Email address").wait_for()
    tab_to(page, "Email address")
    page.keyboard.type(account.email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your accounts")).to_be_visible()

    # A new screen takes the focus to its heading, so a screen reader starts there
    expect(page.get_by_role("heading", name="Your accounts")).to_be_focused()
    tab_to(page, "Tastatur GmbH")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    tab_to(page, "Templates")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    tab_to(page, "New template")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="New template")
    expect(dialog).to_be_visible()
    check(page, "template-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_someone_with_a_login_signs_in_to_accept(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Gastgeber GmbH")
    guest = console.new_account("Gast GmbH")
    sent = console.call(
        "POST", f"/tenants/{admin.tenant_id}/invitations", token=admin.token, json_body={"email": guest.email}
    )
    assert sent.status == 201, sent.body
    page = new_page()
    page.goto(f"/outbox?to={guest.email}")
    page.get_by_role("link", name=re.compile(r"invitations.accept.token=")).click()
    expect(page.get_by_text("You already have a login")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()
    expect(page.get_by_label("Email address")).to_have_value(guest.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    options = page.get_by_label("Account", exact=True).locator("option")
    expect(options).to_have_text(["All accounts", "Gast GmbH · Admin", "Gastgeber GmbH · Member"])


def test_licences_booking_and_plan_change(new_page: NewPage, console: Api) -> None:
    admin = console.new_account("Lizenz GmbH")
    page = new_page()
    sign_in(page, admin)
    page.goto(f"/t/{admin.tenant_id}/contacts")
    page.get_by_role("link", name="Licences & plan").click()
    expect(page.get_by_role("heading", name="Licences & plan")).to_be_visible()
    # Every module of the catalogue with its price, retention and this tenant's licence
    podcasts = page.get_by_role("row", name=re.compile("^Podcasts"))
    expect(podcasts).to_contain_text("€9.90 per month")
    expect(podcasts).to_contain_text("90 days")
    expect(podcasts).to_contain_text("not booked")
    expect(page.get_by_role("row", name=re.compile("^Core"))).to_contain_text("included")
    expect(page.get_by_role("row", name=re.compile("^Price calculation"))).to_contain_text(
        "Granted by our staff — ask support."
    )
    expect(page.get_by_role("button", name="Book Price calculation")).to_have_count(0)
    check(page, "licences")

    # The admin books podcasts: reads the terms, chooses the period, accepts, confirms
    page.get_by_role("button", name="Book Podcasts").click()
    dialog = page.get_by_role("dialog", name="Book Podcasts")
    expect(dialog.get_by_role("region", name="Terms (version 2026-11)")).to_contain_text("Podcasts:")
    confirm = dialog.get_by_role("button", name=re.compile("^Book for"))
    expect(confirm).to_be_disabled()  # not before the terms are accepted
    dialog.get_by_label("Period").select_option("P12M")
    expect(confirm).to_have_text("Book for €118.80")
    dialog.get_by_label(re.compile("I have read and accept the terms")).check()
    check(page, "licence-book")
    confirm.click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text(re.compile(r"^Podcasts is active until"))).to_be_visible()
    expect(podcasts).to_contain_text("active until")
    expect(page.get_by_role("button", name="Extend Podcasts")).to_be_visible()
    stored = console.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    assert [(item["module"], item["state"], item["period"]) for item in stored] == [
        ("podcasts", "active", "P12M")
    ]

    # Extending, by keyboard alone: one more period on top of the expiry
    tab_to(page, "Extend Podcasts")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Extend Podcasts")
    expect(dialog).to_be_visible()
    tab_to(page, "I have read and accept the terms (version 2026-11).")
    page.keyboard.press("Space")
    tab_to(page, "Extend for €9.90")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    extended = console.call("GET", f"/tenants/{admin.tenant_id}/licences", token=admin.token).body["items"]
    assert extended[0]["expires_at"] > stored[0]["expires_at"]

    # An upgrade: the difference, at once, after accepting the plan terms
    plan = page.get_by_role("region", name="Plan", exact=True)
    expect(plan).to_contain_text("Basic")
    expect(plan).to_contain_text("€19.00 per month")
    plan.get_by_role("button", name="Change plan").click()
    dialog = page.get_by_role("dialog", name="Change the plan")
    dialog.get_by_label("New plan").select_option("PROFESSIONAL")
    expect(dialog).to_contain_text("+€20.00 per month")
    expect(dialog).to_contain_text("at once")
    expect(dialog.get_by_role("region", name="Terms (version 2026-11)")).to_be_visible()
    dialog.get_by_label(re.compile("I have read and accept the terms")).check()
    check(page, "plan-change")
    dialog.get_by_role("button", name="Change to Professional").click()
    expect(plan).to_contain_text("Your plan is now Professional")
    expect(plan).to_contain_text("€39.00 per month")
    tenant = console.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).body
    assert tenant["edition"] == "PROFESSIONAL"

    # A downgrade waits for the first of next month; until then no other change is offered
    plan.get_by_role("button", name="Change plan").click()
    dialog = page.get_by_role("dialog", name="Change the plan")
    dialog.get_by_label("New plan").select_option("BASIC")
    expect(dialog).to_contain_text("-€20.00 per month")
    expect(dialog).to_contain_text("the first of next month")
    dialog.get_by_label(re.compile("I have read and accept the terms")).check()
    dialog.get_by_role("button", name="Change to Basic").click()
    expect(plan).to_contain_text("Your plan changes to Basic on")
    expect(plan).to_contain_text(re.compile(r"Change ahead\s*Basic from \w+ 1, "))
    expect(plan).to_contain_text("€39.00 per month")  # this month still Professional
    expect(plan.get_by_role("button", name="Change plan")).to_have_count(0)
    tenant = console.call("GET", f"/tenants/{admin.tenant_id}", token=admin.token).body
    assert (tenant["edition"], tenant["pending_plan"]) == ("PROFESSIONAL", "BASIC")
    assert tenant["plan_changes_at"][8:10] == "01"
    check(page, "plan-pending")

    # A viewer reads the same screen without any action
    viewer = console.join(admin, "viewer")
    other = new_page(locale="de-DE")
    other.goto("/signin")
    other.get_by_label("E-Mail-Adresse").fill(viewer.email)
    other.get_by_label("Passwort").fill(PASSWORD)
    other.get_by_role("button", name="Anmelden").click()
    other.get_by_role("button", name="Abmelden").wait_for()
    other.goto(f"/t/{admin.tenant_id}/licences")
    expect(other.get_by_role("heading", name="Lizenzen & Tarif")).to_be_visible()
    expect(other.get_by_role("row", name=re.compile("^Podcasts"))).to_contain_text("aktiv bis")
    expect(other.get_by_text("Nur die Administratoren")).to_be_visible()
    expect(other.get_by_role("button", name=re.compile("buchen|verlängern|Tarif wechseln"))).to_have_count(0)
    check(other, "licences-viewer-de")
