"""The answer loop in chromium: a resident sends feedback on a phone (Swedish and Arabic) and
keeps the receipt; staff open, answer and handle the case; the receipt page follows. Masking by
choosing words on a phone with JavaScript off. axe-core WCAG 2.2 AA on the inbox, the case
page and the receipt page, in every language the public pages have."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    log_in,
    overflowing_elements,
)
from tests.conftest import NOW
from webapp.extensions import db
from webapp.i18n import supported
from webapp.models import Feedback

PASSWORD = "ärenden och kvitton i webbläsaren"
POLICE = "case-polis@example.se"
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="module", autouse=True)
def generous_limits(live_server):
    """These tests send and look up more than one client may in ten minutes of pinned time;
    the other modules sharing the live server start from fresh counters afterwards."""
    from webapp.extensions import limiter

    app = live_server.app
    before = {key: app.config.get(key) for key in ("FEEDBACK_CLIENT_LIMIT", "RECEIPT_CLIENT_LIMIT")}
    app.config.update(dict.fromkeys(before, "1000 per minute"))
    yield
    for key, value in before.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value
    with app.app_context():
        limiter.reset()


@pytest.fixture(scope="module")
def police(live_server):
    result = live_server.app.test_cli_runner().invoke(
        args=["create-user", POLICE, "--role", "police"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return POLICE


def _axe(page) -> list[str]:
    violations = axe_violations(page)
    return [describe_violations(violations)] if violations else []


def _send_on_a_phone(browser, live_server, lang, comment, minutes):
    """A resident fills the form for Torget on a phone; the receipt code and link shown."""
    resident = browser.new_context(base_url=live_server.url, viewport=PHONE)
    phone = resident.new_page()
    phone.goto(f"/{lang}/feedback/torget")
    phone.fill("#comment", comment)
    live_server.pin(NOW + timedelta(minutes=minutes))
    phone.click("#submit")
    phone.wait_for_url(re.compile(rf"/{lang}/feedback/torget/thanks\?receipt=[\w-]{{11}}$"))
    code = phone.inner_text(".receipt-code").strip()
    problems = _axe(phone) + overflowing_elements(phone)
    phone.click(f"a[href='/{lang}/feedback/receipt/{code}']")
    return resident, phone, code, problems


def _item_id(live_server, comment) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(select(Feedback.id).where(Feedback.comment == comment))
        db.session.remove()
    return found


@pytest.mark.parametrize(
    ("lang", "comment", "received", "read", "handled"),
    [
        ("sv", "Mörkt vid busshållplatsen.", "Mottagen", "Läst", "Hanterad"),
        ("ar", "الإنارة ضعيفة عند الموقف.", "تم الاستلام", "تمت قراءتها", "تمت معالجتها"),
    ],
)
def test_the_receipt_follows_the_case_to_the_reply(
    browser, page, live_server, police, lang, comment, received, read, handled
):
    resident, phone, code, problems = _send_on_a_phone(browser, live_server, lang, comment, 5)
    try:
        assert phone.inner_text("#case-state") == received
        assert phone.locator("#case-reply").count() == 0
        problems += _axe(phone) + overflowing_elements(phone)

        log_in(page, police, PASSWORD)
        item = _item_id(live_server, comment)
        page.goto(f"/sv/staff/feedback/{item}")
        assert page.get_attribute(f"blockquote:has-text('{comment}')", "dir") == "auto"
        phone.reload()
        assert phone.inner_text("#case-state") == read

        page.fill("#reply", "Tack! Belysningen lagas i december.")
        if lang != "sv":
            page.fill("#translated", "شكرًا! سيتم إصلاح الإنارة في ديسمبر.")
        page.click("#reply-submit")
        page.check("#state-3")  # handled
        page.click("#case-submit")
        assert page.inner_text("#case-state").startswith("Läge: Hanterad")
        phone.reload()
        assert phone.inner_text("#case-state") == handled
        expected = {
            "sv": ("Tack! Belysningen lagas i december.", "sv"),
            "ar": ("شكرًا! سيتم إصلاح الإنارة في ديسمبر.", "ar"),
        }[lang]
        reply = phone.locator("#case-reply")
        assert (reply.inner_text(), reply.get_attribute("lang")) == expected
        problems += _axe(phone)
        assert resident.cookies() == []
    finally:
        resident.close()
    assert problems == []


def test_unknown_and_malformed_codes_get_one_page(browser, live_server):
    resident = browser.new_context(base_url=live_server.url, viewport=PHONE)
    phone = resident.new_page()
    try:
        texts = []
        for code in ("K7M3Q-XW2PA", "nonsense!", "0O1IL-00000"):
            response = phone.goto(f"/sv/feedback/receipt/{code}")
            texts.append((response.status, phone.inner_text("main")))
        problems = _axe(phone)
    finally:
        resident.close()

    assert len(set(texts)) == 1 and texts[0][0] == 404
    assert problems == []


def test_masking_by_choosing_words_works_on_a_phone_without_javascript(
    browser, live_server, police
):
    comment = "Jag heter Anna Berg, ring 070-123 45 67."
    resident, phone, _code, _problems = _send_on_a_phone(browser, live_server, "sv", comment, 7)
    resident.close()
    item = _item_id(live_server, comment)
    staff = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = staff.new_page()
        log_in(page, police, PASSWORD)
        page.goto(f"/sv/staff/feedback/{item}/mask")
        checked = [
            box.get_attribute("value") for box in page.locator("input[name=word]:checked").all()
        ]
        page.click("label[for=word-2]")  # Anna
        page.click("label[for=word-3]")  # Berg
        page.click("#submit")
        page.wait_for_url(f"**/sv/staff/feedback/{item}")
        masked = page.locator("blockquote.comment").nth(1).inner_text()
    finally:
        staff.close()

    assert checked == ["5", "6", "7"]  # the phone number, found by the pattern
    assert masked == "Jag heter [maskerat], ring [maskerat]."


def test_inbox_case_and_mask_pages_pass_axe_on_a_phone(browser, page, live_server, police):
    comment = "Bra att ni syns på torget."
    resident, _phone, _code, _problems = _send_on_a_phone(browser, live_server, "sv", comment, 9)
    resident.close()
    item = _item_id(live_server, comment)
    log_in(page, police, PASSWORD)
    problems = {}
    for lang in ("sv", "en"):
        for url in (
            f"/{lang}/staff/feedback",
            f"/{lang}/staff/feedback/{item}",
            f"/{lang}/staff/feedback/{item}/mask",
        ):
            for width in (1280, 360):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(url)
                found = _axe(page) + overflowing_elements(page)
                if found:
                    problems[(url, width)] = found
    # The error states: a case form and a bulk change without a choice.
    page.goto(f"/sv/staff/feedback/{item}")
    page.click("#note-submit")
    assert page.title().startswith("Fel: ")
    problems["note error"] = _axe(page)
    page.goto("/sv/staff/feedback")
    page.click("#bulk-submit")
    assert page.title().startswith("Fel: ")
    problems["bulk error"] = _axe(page)

    assert {key: value for key, value in problems.items() if value} == {}


def test_receipt_pages_pass_axe_in_every_public_language(browser, live_server):
    comment = "Kvitto på alla språk."
    resident, _phone, code, problems = _send_on_a_phone(browser, live_server, "sv", comment, 11)
    try:
        page = resident.new_page()
        found = {}
        with live_server.app.test_request_context():
            languages = supported()
        for lang in languages:
            for url, status in (
                (f"/{lang}/feedback/receipt/{code}", 200),
                (f"/{lang}/feedback/receipt/K7M3Q-XW2PA", 404),
                (f"/{lang}/feedback/torget/thanks?receipt={code}", 200),
            ):
                response = page.goto(url)
                issues = _axe(page) + overflowing_elements(page)
                if response.status != status:
                    issues.append(f"status {response.status}")
                if page.get_attribute("html", "lang") != lang:
                    issues.append("lang")
                if issues:
                    found[url] = issues
    finally:
        resident.close()

    assert len(languages) == 7
    assert problems == [] and found == {}


def test_the_follow_up_page_with_published_replies_passes_axe_in_every_language(
    browser, live_server
):
    from webapp.database import writing
    from webapp.feedback import cases
    from webapp.feedback.service import Answers, submit_feedback
    from webapp.promise import records
    from webapp.schedule.store import place_by_slug

    app = live_server.app
    with app.app_context(), writing():
        place = place_by_slug(db.session, "torget")
        themes = {"trafik": {"sv": "Trafik"}}
        for i in range(6):
            item = submit_feedback(
                db.session,
                place=place,
                poster=None,
                answers=Answers(comment=f"Bilar kör fort {i}"),
                lang="ar" if i == 0 else "sv",
                now=NOW,
            )
            cases.set_theme(db.session, item, "trafik", themes, actor=None, now=NOW)
        last = item
        # A second place, so that the themes table has rows and columns to suppress across.
        themes["trygghet"] = {"sv": "Trygghet"}
        for theme, count in (("trygghet", 5), ("trafik", 2)):
            for _ in range(count):
                other = submit_feedback(db.session, place=place_by_slug(db.session, "resecentrum"),
                                        poster=None, answers=Answers(safety=2), lang="sv",
                                        now=NOW)  # fmt: skip
                cases.set_theme(db.session, other, theme, themes, actor=None, now=NOW)
        item = last
        item.comment_masked = "Bilar kör fort [maskerat]"
        # The promise in force today (another module may have loaded other promises).
        key = records.promise_in_force(records.all_promises(db.session), NOW.date()).key
        cases.set_reply(db.session, item, "Fler kontroller.", "", publish=True, actor=None, now=NOW)
        db.session.commit()
        db.session.remove()
    # Wide: the page's other tables scroll sideways on a phone (their own tests cover that).
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    try:
        with app.test_request_context():
            languages = supported()
        for lang in languages:
            page.goto(f"/{lang}/promises/{key}#you-said")
            issues = _axe(page)
            if page.locator("#you-said article").count() != 1:
                issues.append("no published reply")
            if page.locator("#you-said table.theme-table tbody tr").count() < 2:
                issues.append("no themes per place")
            if issues:
                found[lang] = issues
    finally:
        context.close()

    assert found == {}
