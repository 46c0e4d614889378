"""Every feedback and poster page, in each state: axe-core WCAG 2.2 AA, one h1 that starts
the title, reflow at 320 CSS px, and valid HTML by the Nu Html Checker."""

from datetime import timedelta

import pytest

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    log_in,
    logged_in_client,
    overflowing_elements,
    page_problems,
)
from tests.conftest import NOW
from webapp.database import writing
from webapp.extensions import db
from webapp.feedback import cases
from webapp.feedback.service import Answers, create_poster, submit_feedback
from webapp.schedule.store import place_by_slug

PASSWORD = "sidor om synpunkter i webbläsaren"
RECEIPT = "ABCDEFGHJK"
MUNICIPALITY = "feedback-kommun@example.se"


@pytest.fixture(scope="module")
def seeded(live_server):
    """A municipality account, a poster and one answer with contact details."""
    app = live_server.app
    result = app.test_cli_runner().invoke(
        args=["create-user", MUNICIPALITY, "--role", "municipality"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context(), writing():
        place = place_by_slug(db.session, "resecentrum")
        poster = create_poster(db.session, place, now=NOW)
        answers = Answers(
            met_police="saw",
            safety=3,
            comment="Ring mig på 070-123 45 67 om belysningen.",
            wants_contact=True,
            contact_name="Anna",
            contact_details="070-123 45 67",
            contact_consent=True,
        )
        item = submit_feedback(
            db.session,
            place=place,
            poster=poster,
            answers=answers,
            lang="sv",
            now=NOW,
            receipt=RECEIPT,
        )
        # A case with a note and a reply, so the case and receipt pages show them.
        cases.add_note(db.session, item, "Ringde tillbaka.", actor=None, now=NOW)
        cases.set_reply(db.session, item, "Lampan lagas.", "", actor=None, now=NOW)
        db.session.commit()
        ids = {"poster": poster.code, "item": item.id}
        db.session.remove()
    return ids


def _staff_pages(seeded):
    item = seeded["item"]
    return [
        "/sv/staff/feedback",
        f"/sv/staff/feedback?poster={seeded['poster']}&contact=yes",
        "/sv/staff/feedback?first_day=nonsense&safety=9",
        f"/sv/staff/feedback/{item}",
        f"/sv/staff/feedback/{item}/mask",
        "/sv/staff/posters",
        "/en/staff/feedback",
        "/en/staff/posters",
    ]


def _public_pages(live_server):
    """The form as shown, with errors, and the confirmations, in both languages."""
    client = live_server.app.test_client()
    pages = {}
    for lang in ("sv", "en"):
        url = f"/{lang}/feedback/torget"
        pages[url] = client.get(url).get_data()
        pages[f"{url} with errors"] = client.post(
            url, data={"wants_contact": "y", "safety": "9"}
        ).get_data()
        pages[f"{url}/thanks"] = client.get(f"{url}/thanks?receipt=K7M3Q-XW2PA").get_data()
        pages[f"{url}/thanks/contact"] = client.get(f"{url}/thanks/contact").get_data()
        found = client.get(f"/{lang}/feedback/receipt/ABCDE-FGHJK")
        assert found.status_code == 200
        pages[f"/{lang}/feedback/receipt"] = found.get_data()
        pages[f"/{lang}/feedback/receipt unknown"] = client.get(
            f"/{lang}/feedback/receipt/K7M3Q-XW2PA"
        ).get_data()
    return pages


def test_feedback_and_poster_pages_are_valid_html(live_server, seeded, tmp_path):
    client, csrf = logged_in_client(live_server.app, MUNICIPALITY, PASSWORD)
    pages = {url: client.get(url).get_data() for url in _staff_pages(seeded)}
    pages["mask with an error"] = client.post(
        f"/sv/staff/feedback/{seeded['item']}/mask",
        data={"csrf_token": csrf, "word": "999"},
    ).get_data()
    pages.update(_public_pages(live_server))

    assert html_errors(pages, tmp_path) == []


def test_staff_feedback_pages_pass_axe_and_reflow(page, live_server, seeded):
    log_in(page, MUNICIPALITY, PASSWORD)
    problems = {}

    for url in _staff_pages(seeded):
        if found := page_problems(page, url, status=None, spills=True):
            problems[url] = found

    assert problems == {}


def test_mask_error_state_passes_axe(page, live_server, seeded):
    log_in(page, MUNICIPALITY, PASSWORD)
    page.goto(f"/sv/staff/feedback/{seeded['item']}/mask")
    page.eval_on_selector("#word-0", "box => { box.value = '999'; box.checked = true; }")
    page.click("#submit")

    violations = axe_violations(page)
    assert page.title().startswith("Fel: Maskera personuppgifter")
    assert violations == [], describe_violations(violations)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_public_form_pages_reflow_at_320px(page, live_server, lang):
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"/{lang}/feedback/torget")
    live_server.pin(NOW + timedelta(seconds=10))
    page.check("#wants_contact")
    page.click("#submit")

    assert page.locator(".error-summary").count() == 1
    assert overflowing_elements(page) == []
    page.goto(f"/{lang}/feedback/torget/thanks/contact")
    assert overflowing_elements(page) == []
