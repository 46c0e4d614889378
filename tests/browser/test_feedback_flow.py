"""The whole feedback loop in chromium: police make a poster, its QR code is decoded from the
downloaded PDF and followed by a resident, who answers (after one mistake); the police find
the answer in the inbox. axe-core WCAG 2.2 AA on the form, its error state and the
confirmation page, in Swedish and English."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.helpers import axe_violations, describe_violations, overflowing_elements
from tests.conftest import NOW
from tests.support.pdf import decode_qr_codes
from webapp.extensions import db
from webapp.models import Feedback, Poster, PosterScan

PASSWORD = "affischer och synpunkter i webbläsaren"
POLICE = "feedback-polis@example.se"


@pytest.fixture(scope="module")
def police(live_server):
    result = live_server.app.test_cli_runner().invoke(
        args=["create-user", POLICE, "--role", "police"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return POLICE


@pytest.fixture
def public_base_url(live_server):
    """QR codes point at the live server while the test runs."""
    before = live_server.app.config["PUBLIC_BASE_URL"]
    live_server.app.config["PUBLIC_BASE_URL"] = live_server.url
    yield live_server.url
    live_server.app.config["PUBLIC_BASE_URL"] = before


def _query(live_server, statement):
    with live_server.app.app_context():
        result = db.session.execute(statement).all()
        db.session.remove()
        return result


def _axe(page) -> list[str]:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    return []


def test_poster_qr_to_form_to_inbox(browser, page, live_server, police, public_base_url, tmp_path):
    # Police make a poster for Torget and download it.
    page.goto("/sv/staff/login")
    page.fill("#email", police)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/sv/staff/")
    page.click("nav >> text=Affischer")
    page.click("#new-torget")
    page.wait_for_url("**/sv/staff/posters**")
    assert _axe(page) == []
    code = page.locator("#place-torget ~ div tbody tr").first.get_attribute("id")
    code = code.removeprefix("poster-")
    with page.expect_download() as download:
        page.click(f"#poster-{code} a[download]")
    pdf = download.value.path().read_bytes()

    # The QR code, decoded from the rendered PDF, is the poster's short URL.
    urls = decode_qr_codes(pdf, tmp_path)
    assert urls == [f"{live_server.url}/q/{code}"]

    # A resident follows it with a Swedish phone (/q/ picks the form's language from
    # Accept-Language): no cookies, Swedish, a link to English.
    resident = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 780}, locale="sv-SE"
    )
    phone = resident.new_page()
    try:
        phone.goto(urls[0])
        assert phone.url == f"{live_server.url}/sv/feedback/torget/{code}"
        assert phone.locator("a[hreflang=en]").get_attribute("href") == (
            f"/en/feedback/torget/{code}"
        )
        assert _axe(phone) == []
        assert overflowing_elements(phone) == []

        # A mistake first: contact details without consent.
        phone.fill("#comment", "Tryggare på torget när ni är här.")
        phone.check("#wants_contact")
        phone.fill("#contact_details", "070-123 45 67")
        live_server.pin(NOW + timedelta(minutes=2))
        phone.click("#submit")
        assert phone.title().startswith("Fel: ")
        assert phone.locator(".error-summary a").all_inner_texts() == [
            "Kryssa i att du samtycker, annars kan vi inte spara dina kontaktuppgifter"
        ]
        assert phone.input_value("#comment") == "Tryggare på torget när ni är här."
        assert _axe(phone) == []

        phone.check("#contact_consent")
        phone.check("#met_police-0")
        phone.check("#safety-3")
        phone.check("#reach_ease-1")
        live_server.pin(NOW + timedelta(minutes=4))
        phone.click("#submit")
        phone.wait_for_url(re.compile(r"/sv/feedback/torget/thanks/contact\?receipt=[\w-]{11}$"))
        assert phone.locator("h1").inner_text() == "Tack för dina synpunkter"
        assert _axe(phone) == []
        assert resident.cookies() == []
    finally:
        resident.close()

    # The scan was counted, the answer stored with the poster.
    scans = _query(
        live_server,
        select(PosterScan.scans).join(Poster).where(Poster.code == code),
    )
    stored = _query(
        live_server,
        select(Feedback.met_police, Feedback.safety, Feedback.reach_ease, Feedback.contact_details)
        .join(Poster)
        .where(Poster.code == code),
    )
    assert scans == [(1,)]
    assert stored == [("met", 4, 2, "070-123 45 67")]

    # The police find it in the inbox, filtered by the poster; opening it marks it read.
    page.click("nav >> text=Synpunkter")
    page.click("details.filters summary")
    page.fill("#poster", code)
    page.click("#submit")
    item = page.locator(".feedback-list li").first
    assert "Tryggare på torget när ni är här." in item.inner_text()
    assert "Vill bli kontaktad" in item.inner_text()
    assert _axe(page) == []
    item.locator("a").first.click()
    assert page.locator("h1").inner_text().startswith("Synpunkt ")
    assert "070-123 45 67" in page.inner_text("main")
    assert _axe(page) == []
    assert page.inner_text("#case-state").startswith("Läge: Läst")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_form_error_state_and_confirmation_pass_axe(page, live_server, lang):
    page.goto(f"/{lang}/feedback/biblioteket")
    assert _axe(page) == []

    live_server.pin(NOW + timedelta(minutes=1))
    page.click("#submit")  # nothing answered
    assert page.locator(".error-summary").count() == 1
    assert page.get_attribute("html", "lang") == lang
    assert _axe(page) == []

    page.check("#safety-4")
    live_server.pin(NOW + timedelta(minutes=2))
    page.click("#submit")
    page.wait_for_url(re.compile(rf"/{lang}/feedback/biblioteket/thanks\?receipt=[\w-]{{11}}$"))
    assert _axe(page) == []
    assert overflowing_elements(page) == []
