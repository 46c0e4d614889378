"""The staff area in chromium: the main flow by keyboard-free clicks, axe-core WCAG 2.2 AA on
every staff page (forms with errors too), one h1, and reflow at 320 CSS px."""

import pytest
from sqlalchemy import select

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    log_in,
    logged_in_client,
    page_problems,
)
from webapp.extensions import db
from webapp.models import PresenceSeries, PresenceSlot, User

PASSWORD = "webbläsartest med lång fras"
ACCOUNTS = {"police": "browser-polis@example.se", "admin": "browser-admin@example.se"}


@pytest.fixture(scope="module")
def accounts(live_server):
    """A police and an admin account on the live server, made with the real CLI."""
    for role, email in ACCOUNTS.items():
        result = live_server.app.test_cli_runner().invoke(
            args=["create-user", email, "--role", role], input=PASSWORD + "\n"
        )
        assert result.exit_code == 0, result.output
    return ACCOUNTS


def _query(live_server, statement):
    with live_server.app.app_context():
        result = db.session.scalars(statement).all()
        db.session.remove()
        return result


def test_police_plan_a_series_cancel_a_slot_report_and_log_out(page, live_server, accounts):
    log_in(page, accounts["police"], PASSWORD)
    page.click("text=Ny serie")
    page.select_option("#place", "biblioteket")
    page.check("#weekdays-3")  # Thursday
    page.fill("#starts", "10:00")
    page.fill("#ends", "11:00")
    page.fill("#first_day", "2027-03-01")
    page.fill("#last_day", "2027-03-31")
    page.fill("#interval_weeks", "1")
    page.click("#submit")

    page.wait_for_url("**/sv/staff/presence**")
    assert "Serien är sparad med 4 tillfällen." in page.locator(".notice-success").inner_text()
    series = _query(live_server, select(PresenceSeries).where(PresenceSeries.source == "staff"))
    slot = _query(
        live_server,
        select(PresenceSlot)
        .where(PresenceSlot.series_id == series[-1].id)
        .order_by(PresenceSlot.starts_at),
    )[1]

    page.goto(f"/sv/staff/presence/slots/{slot.id}/cancel")
    page.fill("#reason", "Polisen behövs på annat håll")
    page.click("#submit")
    page.wait_for_url("**/sv/staff/presence**")
    assert page.locator(f"#slot-{slot.id} .tag").inner_text() == "Inställt"

    page.click("nav >> text=Resultat")
    page.locator(".slot-list a.outcome-other").first.click()  # one slot on its own
    page.check("#held-0")
    page.fill("#people_met", "5")
    page.click("#submit")
    page.wait_for_url("**/sv/staff/outcomes")
    assert page.locator(".notice-success").inner_text() == "Resultatet är sparat."

    page.click("text=Logga ut")
    page.wait_for_url("**/sv/staff/login")
    assert page.locator("h1").inner_text() == "Logga in"
    page.goto("/sv/staff/")
    assert page.url.endswith("/sv/staff/login?next=/sv/staff/")


def _staff_urls(live_server, role):
    slot = _query(live_server, select(PresenceSlot).order_by(PresenceSlot.starts_at.desc()))[0]
    user = _query(live_server, select(User).order_by(User.id))[0]
    if role == "police":
        return [
            "/sv/staff/",
            "/en/staff/",
            "/sv/staff/presence",
            "/sv/staff/presence/series/new",
            "/sv/staff/presence/slots/new",
            f"/sv/staff/presence/slots/{slot.id}",
            f"/sv/staff/presence/slots/{slot.id}/cancel",
            "/sv/staff/outcomes",
            "/sv/staff/office",
            "/sv/staff/office/hours",
            "/sv/staff/office/closures/new",
            "/en/staff/presence",
            "/sv/staff/report?year=2026&tertial=3",
            "/en/staff/report?year=2026&tertial=3",
            "/sv/staff/report?from=2026-12-01&to=2026-01-01",  # the error state
        ]
    return [
        "/sv/staff/users",
        "/sv/staff/users/new",
        f"/sv/staff/users/{user.id}",
        "/sv/staff/audit",
        "/en/staff/users",
    ]


@pytest.mark.parametrize("role", ["police", "admin"])
def test_staff_pages_pass_axe_have_one_h1_and_reflow_at_320px(page, live_server, accounts, role):
    log_in(page, accounts[role], PASSWORD)
    problems = {}

    for url in _staff_urls(live_server, role):
        if found := page_problems(page, url, status=None):  # some pages are 400s on purpose
            problems[url] = found

    assert problems == {}


def test_login_page_and_form_errors_pass_axe(page, live_server, accounts):
    page.goto("/sv/staff/login")
    before = axe_violations(page)
    page.fill("#email", "nobody@example.se")
    page.fill("#password", "fel lösenord")
    page.click("#submit")
    errors = axe_violations(page)
    summary = page.locator(".error-summary a").all_inner_texts()

    log_in(page, accounts["police"], PASSWORD)
    page.goto("/sv/staff/presence/series/new")
    page.click("#submit")
    series_errors = axe_violations(page)
    title = page.title()

    assert (before, errors, series_errors) == ([], [], []), describe_violations(
        before + errors + series_errors
    )
    assert summary == ["Fel e-postadress eller lösenord. Kontrollera och försök igen"]
    assert title.startswith("Fel: Ny serie")


def test_staff_pages_are_valid_html(live_server, accounts, tmp_path):
    pages = {}
    for role in ("police", "admin"):
        client, csrf = logged_in_client(live_server.app, accounts[role], PASSWORD)
        for url in _staff_urls(live_server, role):
            pages[url] = client.get(url).get_data()
        pages[f"{role} with errors"] = client.post(
            "/sv/staff/presence/series/new" if role == "police" else "/sv/staff/users/new",
            data={"csrf_token": csrf},
        ).get_data()
    pages["login"] = live_server.app.test_client().get("/sv/staff/login").get_data()

    assert html_errors(pages, tmp_path) == []
