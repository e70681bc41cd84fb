"""Signing in, two-step verification and permission-driven menus, in real Chromium against devhost."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pyotp
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import Account
from tests.support.services import REPO
from tests.support.smtp import first_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The headers Azure Static Web Apps adds to every file (devhost does not): the tests run under the
# real Content-Security-Policy, so an inline script or handler would show as a console error.
SWA_HEADERS = json.loads((REPO / "web" / "staticwebapp.config.json").read_text())["globalHeaders"]

RECORDS_MENU = ["Accounts", "Contracts", "Distributors", "Documents", "Bundles", "Templates", "Batches"]
ADMIN_MENU = ["System health", *RECORDS_MENU, "Users", "Roles and permissions", "API keys", "Audit log"]
TOTP_STEP = 30


@pytest.fixture(autouse=True)
def static_web_app_headers(page: Page) -> Iterator[None]:
    def with_headers(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **SWA_HEADERS})

    page.route(re.compile(r"^https?://[^/]+/(?!api/)"), with_headers)
    yield
    page.unroute_all(behavior="ignoreErrors")  # a file still loading when the test ends is no failure


def sign_in(page: Page, account) -> None:
    """Fill and send the first sign-in step (the page must show the sign-in form)."""
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()


def menu(page: Page) -> list[str]:
    return page.locator("#menu a").all_inner_texts()


def fresh_code(secret: str, *, after_step: int) -> str:
    """A TOTP code from a later 30-second step than `after_step` (the server refuses a code twice)."""
    totp = pyotp.TOTP(secret)
    while int(time.time()) // TOTP_STEP <= after_step:
        time.sleep(0.5)
    return totp.now()


def test_admin_enrols_in_mfa_signs_out_and_back_in_with_a_code(pact_site, page):
    # GIVEN the seeded admin, whose tenant requires MFA for Admins, opening a protected page
    page.goto(pact_site.base_url + "/#/users")
    expect(page).to_have_url(re.compile(r"#/sign-in\?next=%2Fusers$"))

    # WHEN they sign in, they must first set up two-step verification
    sign_in(page, pact_site.admin)
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle()), "the QR code does not render"
    secret = page.locator("#mfa-secret").inner_text().strip()
    enrolled_step = int(time.time()) // TOTP_STEP
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and sign in").click()

    # THEN the recovery codes are shown once, and they go on to the page they asked for
    codes = page.locator("#recovery-codes li")
    expect(codes.first).to_be_visible()
    assert codes.count() >= 8
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}", code) for code in codes.all_inner_texts())
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page).to_have_url(re.compile(r"#/users$"))
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    assert menu(page) == ADMIN_MENU

    # WHEN they sign out
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out of PACT.")
    assert page.evaluate("sessionStorage.length") == 0
    assert menu(page) == ["System health", "Sign in"]

    # AND sign back in with a fresh code from their authenticator
    page.get_by_role("link", name="Sign in again").click()
    sign_in(page, pact_site.admin)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(fresh_code(secret, after_step=enrolled_step))
    page.get_by_role("button", name="Verify").click()

    # THEN they land in the app, with the menus their permissions allow
    expect(page.locator("#session .who")).to_have_text(pact_site.admin.display_name)
    expect(page.get_by_role("heading", name="System health")).to_be_visible()
    assert menu(page) == ADMIN_MENU

    # AND a reload keeps the session (the refresh token in sessionStorage restores it)
    page.reload()
    expect(page.locator("#session .who")).to_have_text(pact_site.admin.display_name)
    page.get_by_role("link", name="Administrator").click()
    expect(page.locator("#mfa-state")).to_contain_text("On.")


def test_users_list_pages_sorts_and_filters_on_the_server(pact_site, page):
    # GIVEN a manager (users:read without users:create) and more users than one page holds
    page.goto(pact_site.base_url + "/#/users")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/api/v1/users" in request.url else None)
    sign_in(page, pact_site.manager)

    # WHEN the users list loads
    table = page.locator("#users-table")
    expect(table).to_have_attribute("data-loaded", "true")

    # THEN Tabulator shows the first page of rows from the server, with pages to move through
    rows = table.locator(".tabulator-row")
    expect(rows).to_have_count(25)
    expect(table.locator(".tabulator-page[data-page='2']")).to_be_visible()
    assert any("page=1" in url and "page_size=25" in url and "sort=email" in url for url in requests)
    expect(page.get_by_role("link", name="Invite user")).to_have_count(0)
    assert "Users" in menu(page) and "API keys" not in menu(page)

    # WHEN they open the second page
    table.locator(".tabulator-page[data-page='2']").click()
    expect(rows.first).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('#users-table .tabulator-row').length < 25")
    assert any("page=2" in url for url in requests)

    # WHEN they sort by name, the server sorts: ascending, then descending on a second click
    name_header = table.locator(".tabulator-col[tabulator-field='display_name'] .tabulator-col-title")
    name_header.click()
    expect(rows.first).to_contain_text("Administrator")
    name_header.click()
    expect(rows.first).to_contain_text("Victor Viewer")
    assert any("sort=display_name" in url for url in requests)
    assert any("sort=-display_name" in url for url in requests)

    # WHEN they search
    page.get_by_label("Search").fill("Colleague 07")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Colleague 07")
    assert any("q=Colleague+07" in url or "q=Colleague%2007" in url for url in requests)


def test_a_viewer_sees_no_administration(pact_site, page):
    # GIVEN a viewer, whose role grants no users, roles, settings or audit permissions
    page.goto(pact_site.base_url + "/#/sign-in")
    sign_in(page, pact_site.viewer)

    # THEN their menu has the records they may read but no administration, and the users page refuses them
    expect(page.locator("#session .who")).to_have_text(pact_site.viewer.display_name)
    assert menu(page) == ["System health", *RECORDS_MENU]
    page.goto(pact_site.base_url + "/#/users")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_wrong_password_is_announced_on_the_form(pact_site, page):
    page.goto(pact_site.base_url + "/#/sign-in")
    sign_in(page, replace(pact_site.viewer, password="not-the-password"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/sign-in$"))


def test_unauthenticated_visitors_are_sent_to_sign_in_and_back(pact_site, page):
    page.goto(pact_site.base_url + "/#/profile")
    expect(page).to_have_url(re.compile(r"#/sign-in\?next=%2Fprofile$"))
    sign_in(page, pact_site.viewer)
    expect(page).to_have_url(re.compile(r"#/profile$"))
    expect(page.locator("#profile-email")).to_have_text(pact_site.viewer.email)


def test_a_spent_refresh_token_sends_the_visitor_to_sign_in(pact_site, page):
    # GIVEN a tab whose stored refresh token the server no longer accepts
    page.goto(pact_site.base_url + "/#/health")
    page.evaluate("sessionStorage.setItem('pact.refresh_token', 'spent-or-forged-refresh-token')")

    # WHEN the app starts again (a full load, not a hash change) on a page that needs a session
    page.goto(pact_site.base_url + "/?again#/users")

    # THEN it forgets the token and asks the visitor to sign in
    expect(page).to_have_url(re.compile(r"#/sign-in\?next=%2Fusers$"))
    assert page.evaluate("sessionStorage.getItem('pact.refresh_token')") is None


def test_an_administrator_manages_roles_users_keys_and_reads_the_audit_log(pact_site, page):
    page.goto(pact_site.base_url + "/#/roles")
    sign_in(page, pact_site.operator)
    expect(page.get_by_role("heading", name="Roles and permissions")).to_be_visible()
    assert menu(page) == ADMIN_MENU

    # A custom role, with permissions ticked by resource
    expect(page.locator("#roles-table tr[data-role='Viewer']")).to_contain_text("Built-in")
    page.get_by_role("link", name="New role").click()
    page.get_by_label("Name").fill("Reviewer")
    page.locator("fieldset[data-resource='returns']").get_by_label("review").check()
    page.locator("fieldset[data-resource='returns']").get_by_label("read").check()
    page.get_by_role("button", name="Create role").click()
    expect(page.get_by_role("heading", name="Reviewer")).to_be_visible()
    expect(page.locator("fieldset[data-resource='returns']").get_by_label("review")).to_be_checked()

    # Given to a colleague from the user page
    page.goto(pact_site.base_url + "/#/users")
    page.get_by_label("Search").fill("Colleague 03")
    page.get_by_role("link", name="Colleague 03").click()
    page.locator("#role-choices").get_by_label("Reviewer").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.locator("#role-choices").get_by_label("Reviewer")).to_be_checked()
    page.get_by_role("link", name="Back to users").click()
    page.get_by_label("Search").fill("Colleague 03")
    expect(page.locator("#users-table .tabulator-row")).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile("Colleague 03"))).to_contain_text("Reviewer")

    # An invitation
    page.get_by_role("link", name="Invite user").click()
    page.get_by_label("E-mail").fill(f"new-{pact_site.operator.email}")
    page.get_by_label("Name").fill("Nadia Newcomer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Invitation sent")).to_be_visible()

    # An API key, shown once, then revoked
    page.goto(pact_site.base_url + "/#/api-keys")
    page.get_by_text("Create an API key").click()
    page.get_by_label("Name").fill("Mail-room scanner")
    page.locator("fieldset[data-resource='returns']").get_by_label("create").check()
    page.get_by_role("button", name="Create key").click()
    expect(page.locator("#new-api-key")).to_have_text(re.compile(r"^pact_\w+_\S+$"))
    page.get_by_role("button", name="Done").click()
    expect(page.locator("#new-api-key")).to_have_count(0)
    row = page.locator("tr[data-key='Mail-room scanner']")
    row.get_by_role("button", name="Revoke").click()
    row.get_by_role("button", name="Yes").click()
    expect(page.locator("tr[data-key='Mail-room scanner']")).to_contain_text("revoked")

    # The audit log saw it all, filters on the server and exports with the bearer token
    page.get_by_role("link", name="Audit log").click()
    table = page.locator("#audit-table")
    expect(table).to_have_attribute("data-loaded", "true")
    page.get_by_label("Entity type").fill("Role")
    expect(table.locator(".tabulator-row").first).to_contain_text("Role")
    expect(table.locator(".tabulator-row").filter(has_not_text="Role")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    csv_text = open(download.value.path(), encoding="utf-8").read()
    assert csv_text.splitlines()[0].startswith("occurred_at,action,entity_type")
    assert all(",Role," in line for line in csv_text.splitlines()[1:])


def mail_link(pact_site, address: str) -> str:
    """The link in the newest e-mail to `address`, waiting a little for it to arrive."""
    deadline = time.monotonic() + 10
    while not (messages := pact_site.mail.messages_to(address)):
        assert time.monotonic() < deadline, f"no e-mail to {address}"
        time.sleep(0.1)
    return first_url(messages[-1])


def test_an_invited_person_accepts_signs_in_and_sets_up_their_profile(pact_site, page):
    # GIVEN an invitation sent from the UI
    invitee = Account(f"invitee-{uuid.uuid4().hex[:8]}@pact.example.com", "Quiet-harbour-lamps-93", "Ines Invitee")
    page.goto(pact_site.base_url + "/#/users/invite")
    sign_in(page, pact_site.operator)
    expect(page.get_by_role("heading", name="Invite a user")).to_be_visible()
    page.get_by_label("E-mail").fill(invitee.email)
    page.get_by_label("Name").fill(invitee.display_name)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Invitation sent")).to_be_visible()
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()

    # WHEN the invitee follows the e-mailed link and chooses a password
    link = mail_link(pact_site, invitee.email)
    assert link.startswith(pact_site.base_url + "/#/accept-invitation?token=")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(invitee.password)
    page.get_by_label("Repeat the new password").fill(invitee.password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Welcome to PACT")).to_be_visible()

    # THEN they can sign in with it
    page.get_by_role("link", name="Sign in").last.click()
    sign_in(page, invitee)
    expect(page.locator("#session .who")).to_have_text(invitee.display_name)

    # AND look after their profile: the name they go by, and two-step verification by choice
    page.get_by_role("link", name=invitee.display_name).click()
    page.get_by_label("Display name").fill("Ines I. Invitee")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#session .who")).to_have_text("Ines I. Invitee")
    page.get_by_role("button", name="Set up two-step verification").click()
    secret = page.locator("#mfa-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("#recovery-codes li").first).to_be_visible()
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page.locator("#mfa-state")).to_contain_text("On.")


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(pact_site, page):
    account = pact_site.forgetful
    page.goto(pact_site.base_url + "/#/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(mail_link(pact_site, account.email))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    # A guessable password is refused by the server's policy, on the field itself
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Repeat the new password").fill("password1234")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")

    renewed = replace(account, password="Copper-kettle-meadow-58")
    page.get_by_label("New password", exact=True).fill(renewed.password)
    page.get_by_label("Repeat the new password").fill(renewed.password)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()
    sign_in(page, renewed)
    expect(page.locator("#session .who")).to_have_text(account.display_name)


def test_a_bad_verification_link_is_explained(pact_site, page):
    page.goto(pact_site.base_url + "/#/verify-email?token=not-a-real-token-0000")
    expect(page.get_by_role("alert")).to_contain_text("We could not verify your e-mail")
