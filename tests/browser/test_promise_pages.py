"""The promise follow-up in chromium, in every language: the public pages and the staff forms
pass axe-core (WCAG 2.2 AA), have one h1 that starts the title, reflow at 320 CSS px, load
nothing from other hosts, and are valid HTML (Nu Html Checker)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    log_in,
    logged_in_client,
    other_hosts,
    page_problems,
)
from tests.browser.pages import LANGS
from tests.conftest import NOW
from tests.factories import load_test_promises
from webapp.extensions import db
from webapp.i18n import STAFF_LANGUAGES
from webapp.models import Promise, PromiseActivity, PromiseEntry, working_at

PASSWORD = "webbläsartest för löftet"
ACCOUNTS = {"police": "promise-polis@example.se", "municipality": "promise-kommun@example.se"}
PUBLIC = [f"/{lang}/{page}" for lang in LANGS for page in
          ("promises", "promises/p2026", "promises/p2025")]  # fmt: skip


@pytest.fixture(scope="module")
def promise_data(live_server):
    """Staff accounts, the promise tests' own promises and entries for them, on the live
    server (the promises replace the shipped ones there; no other browser test reads them)."""
    app = live_server.app
    for role, email in ACCOUNTS.items():
        result = app.test_cli_runner().invoke(
            args=["create-user", email, "--role", role], input=PASSWORD + "\n"
        )
        assert result.exit_code == 0, result.output
    with app.app_context():
        working_at(db.session, NOW)  # the promises are public data: they move the schedule stamp
        load_test_promises()
        activities = {
            a.key: a
            for a in db.session.scalars(
                select(PromiseActivity).join(Promise).where(Promise.key == "p2026")
            )
        }
        stamp = datetime(2026, 11, 1, tzinfo=UTC)
        for key, day, value, note in [
            ("insatser", date(2026, 2, 3), 3, "Insats vid resecentrum"),
            ("insatser", date(2026, 6, 9), 2, ""),
            ("moten", date(2026, 3, 4), 1, "Möte om tryggheten i centrum"),
            ("est", date(2026, 10, 4), None, "EST-gruppen har träffats"),
        ]:
            db.session.add(PromiseEntry(activity_id=activities[key].id, day=day, value=value,
                                        note=note, created_at=stamp, updated_at=stamp))  # fmt: skip
        db.session.commit()
        ids = {"activity": activities["insatser"].id}
        ids["entry"] = db.session.scalar(
            select(PromiseEntry.id).where(PromiseEntry.activity_id == ids["activity"])
        )
        db.session.remove()
    return ids


def _check(page, url, status=200):
    found = page_problems(page, url, status=status)
    if page.get_attribute("html", "lang") != url.split("/")[1]:
        found["lang"] = "wrong"
    return found


def test_public_follow_up_pages_pass_axe_and_reflow(page, live_server, seen_requests,
                                                    promise_data):  # fmt: skip
    problems = {}
    for url in PUBLIC:
        if found := _check(page, url):
            problems[url] = found

    assert problems == {}
    assert other_hosts(seen_requests, live_server.url) == []
    page.goto("/sv/promises/p2026")
    assert page.locator("svg.chart").count() >= 2  # presence and the operations


def _staff_urls(ids):
    return [
        "/sv/staff/promises",
        "/en/staff/promises",
        "/sv/staff/promises?promise=p2025",
        f"/sv/staff/promises/activities/{ids['activity']}",
        f"/en/staff/promises/activities/{ids['activity']}",
        f"/sv/staff/promises/entries/{ids['entry']}",
        f"/en/staff/promises/entries/{ids['entry']}",
    ]


# The report for a period that is malformed (400) or not within the promise (404): a page that
# lists the periods there are, in the staff languages.
PERIOD_ERRORS = {
    "/sv/staff/promises/p2026/report.pdf?period=2026-T4": 400,
    "/en/staff/promises/p2026/report.pdf?period=2026-T4": 400,
    "/sv/staff/promises/p2026/report.xlsx?period=2027": 404,
    "/en/staff/promises/p2026/report.xlsx?period=2027": 404,
}


def test_staff_promise_pages_and_form_errors_pass_axe_and_reflow(page, live_server,
                                                                 promise_data):  # fmt: skip
    log_in(page, ACCOUNTS["police"], PASSWORD)
    problems = {}
    for url in _staff_urls(promise_data):
        if found := _check(page, url):
            problems[url] = found
    for url, status in PERIOD_ERRORS.items():
        if found := _check(page, url, status):
            problems[url] = found
    page.set_viewport_size({"width": 1280, "height": 800})
    for lang in STAFF_LANGUAGES:
        page.goto(f"/{lang}/staff/promises/activities/{promise_data['activity']}")
        page.fill("#value", "många")
        page.click("#submit")
        errors = axe_violations(page)
        if errors or not page.title().startswith(("Fel: ", "Error: ")):
            problems[(lang, "errors")] = describe_violations(errors) or page.title()

    assert problems == {}


def test_follow_up_and_staff_promise_pages_are_valid_html(live_server, promise_data, tmp_path):
    client = live_server.app.test_client()
    pages = {url: client.get(url).get_data() for url in PUBLIC}
    staff, csrf = logged_in_client(live_server.app, ACCOUNTS["police"], PASSWORD)
    for url in _staff_urls(promise_data):
        pages[url] = staff.get(url).get_data()
    for url, status in PERIOD_ERRORS.items():
        response = staff.get(url)
        assert response.status_code == status, url
        pages[url] = response.get_data()
    pages["entry with errors"] = staff.post(
        f"/sv/staff/promises/activities/{promise_data['activity']}",
        data={"csrf_token": csrf, "day": "x", "value": "y"},
    ).get_data()

    assert html_errors(pages, tmp_path) == []
