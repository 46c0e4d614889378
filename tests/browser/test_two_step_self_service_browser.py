"""Pages added to the staff accounts, in chromium, in Swedish and English: turning two-step
login off and new recovery codes (with their error, refusal and success states), the page
for a two-step secret that cannot be opened, and the "busy" page of the bounded password
hashing. axe-core (WCAG 2.2 AA) at 1280 and 320 CSS px, reflow at 320, one h1 that starts
the title, and the Nu Html Checker."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    overflowing_elements,
    title_starts_with,
)
from tests.conftest import NOW
from webapp.accounts import passwords, two_step
from webapp.extensions import db
from webapp.models import User

PASSWORD = "webbläsartest för tvåsteg"
SECRET = pyotp.random_base32()
STEP = timedelta(seconds=30)


def _user_with_two_step(live_server, email, role="police"):
    """An account whose two-step login was set up long ago (a factory, not the flow)."""
    app = live_server.app
    result = app.test_cli_runner().invoke(
        args=["create-user", email, "--role", role], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_secret_sealed = two_step.sealer_for(app.config).seal(SECRET)
        user.totp_enabled_at = datetime(2026, 11, 1, tzinfo=UTC)
        db.session.commit()
        db.session.remove()
    return email


class Clock:
    """The live server's clock, a time step further for each code (a code works once)."""

    def __init__(self, live_server):
        self.live_server, self.at = live_server, NOW

    def code(self) -> str:
        self.at += STEP
        self.live_server.pin(self.at)
        return pyotp.TOTP(SECRET).at(self.at)


def _problems(page, status=None, expected=None):
    """axe at 1280 and 320 px, no horizontal scrolling at 320, one h1 starting the title."""
    found = {}
    if expected is not None and status != expected:
        found["status"] = status
    violations = axe_violations(page)
    h1s = page.locator("h1").all_inner_texts()
    if not (len(h1s) == 1 and title_starts_with(page.title(), h1s[0])):
        found["h1"] = h1s
    page.set_viewport_size({"width": 320, "height": 800})
    violations += axe_violations(page)
    if page.evaluate("document.documentElement.scrollWidth") > 320:
        found["overflow"] = overflowing_elements(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    if violations:
        found["axe"] = describe_violations(violations)
    return found


def _log_in(page, email, code, lang):
    page.goto(f"/{lang}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/staff/login/code**")
    page.fill("#code", code)
    page.click("#submit")
    page.wait_for_url(f"**/{lang}/staff/")


@contextmanager
def _config(app, **values):
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_step_self_service_pages_pass_axe(page, context, live_server, lang):
    email = _user_with_two_step(live_server, f"browser-tvasteg-{lang}@example.se")
    clock, base, problems = Clock(live_server), f"/{lang}/staff", {}

    def visit(label, url=None, fill=None, expected=200):
        response = page.goto(url) if url else None
        for selector, value in (fill or {}).items():
            page.fill(selector, value)
        if fill is not None:
            with page.expect_navigation() as navigation:
                page.click("#submit")
            response = navigation.value
        found = _problems(page, *((response.status, expected) if response else ()))
        if found:
            problems[label] = found

    _log_in(page, email, clock.code(), lang)
    visit("account", f"{base}/account")
    visit("codes", f"{base}/account/recovery-codes")
    visit("codes, empty", fill={}, expected=400)
    visit("codes, wrong", fill={"#password": PASSWORD, "#code": "000000"}, expected=400)
    visit("codes, new", fill={"#password": PASSWORD, "#code": clock.code()})
    assert page.locator(".recovery-codes code").count() == 10
    visit("off", f"{base}/account/two-step/off")
    visit("off, wrong password", fill={"#password": "fel", "#code": "123456"}, expected=400)
    with _config(live_server.app, STAFF_MFA="required"):
        visit("off, required", f"{base}/account/two-step/off", expected=403)
    visit("off, done", fill=None, url=f"{base}/account/two-step/off")
    page.fill("#password", PASSWORD)
    page.fill("#code", clock.code())
    page.click("#submit")
    page.wait_for_url(f"**{base}/account")
    visit("account, after off")

    assert problems == {}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_page_for_an_unreadable_secret_passes_axe(page, live_server, lang):
    email = _user_with_two_step(live_server, f"browser-nyckel-{lang}@example.se")
    with _config(live_server.app, SECRET_KEY="a key that opens nothing"):
        page.goto(f"/{lang}/staff/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_url("**/staff/login/code**")
        page.fill("#code", pyotp.TOTP(SECRET).at(NOW))
        with page.expect_navigation() as navigation:
            page.click("#submit")
        found = _problems(page, navigation.value.status, 503)

    assert found == {}


@contextmanager
def _hashing_busy(app):
    """Every Argon2 slot of this process taken (as by other logins), and a short wait."""
    with _config(app, ARGON2_WAIT=0.05):
        slots, taken = passwords.hasher(app.config).slots, 0
        try:
            for _ in range(app.config["ARGON2_SLOTS"]):
                assert slots.acquire(timeout=5)
                taken += 1
            yield
        finally:
            for _ in range(taken):
                slots.release()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_busy_page_passes_axe(page, live_server, lang):
    page.goto(f"/{lang}/staff/login")
    page.fill("#email", "browser-upptagen@example.se")
    page.fill("#password", PASSWORD)
    with _hashing_busy(live_server.app):
        with page.expect_navigation() as navigation:
            page.click("#submit")
        status = navigation.value.status
    heading = {"sv": "Många loggar in just nu", "en": "Many people are logging in right now"}

    assert page.locator("h1").inner_text() == heading[lang]
    assert _problems(page, status, 503) == {}


def _client_with_code(app, email, code, lang):
    client = app.test_client()
    token = _token(client.get(f"/{lang}/staff/login"))
    client.post(
        f"/{lang}/staff/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    token = _token(client.get(f"/{lang}/staff/login/code"))  # a new session, a new token
    client.post(f"/{lang}/staff/login/code", data={"csrf_token": token, "code": code})
    return client, token


def _token(response) -> str:
    return re.search(r'csrf_token" type="hidden" value="([^"]+)"', response.get_data(True))[1]


def test_the_new_pages_are_valid_html(live_server, tmp_path):
    app, pages, clock = live_server.app, {}, Clock(live_server)
    for lang in ("sv", "en"):
        email = _user_with_two_step(live_server, f"browser-html-tvasteg-{lang}@example.se")
        base = f"/{lang}/staff"
        client, token = _client_with_code(app, email, clock.code(), lang)
        assert client.get(f"{base}/account").status_code == 200
        pages[f"{lang} account"] = client.get(f"{base}/account").get_data()
        for path in ("account/recovery-codes", "account/two-step/off"):
            pages[f"{lang} {path}"] = client.get(f"{base}/{path}").get_data()
            pages[f"{lang} {path}, errors"] = client.post(
                f"{base}/{path}", data={"csrf_token": token, "password": "fel", "code": "1"}
            ).get_data()
        pages[f"{lang} new codes"] = client.post(
            f"{base}/account/recovery-codes",
            data={"csrf_token": token, "password": PASSWORD, "code": clock.code()},
        ).get_data()
        with _config(app, STAFF_MFA="required"):
            pages[f"{lang} off, required"] = client.get(f"{base}/account/two-step/off").get_data()
        anonymous = app.test_client()
        login_token = _token(anonymous.get(f"{base}/login"))
        form = {"csrf_token": login_token, "email": email, "password": PASSWORD}
        with _hashing_busy(app):
            busy = anonymous.post(f"{base}/login", data=form)
        assert busy.status_code == 503
        pages[f"{lang} busy"] = busy.get_data()
        with _config(app, SECRET_KEY="a key that opens nothing"):
            stranger = app.test_client()
            login_token = _token(stranger.get(f"{base}/login"))
            stranger.post(f"{base}/login", data={**form, "csrf_token": login_token})
            code_token = _token(stranger.get(f"{base}/login/code"))
            broken = stranger.post(
                f"{base}/login/code", data={"csrf_token": code_token, "code": "123456"}
            )
        assert broken.status_code == 503
        pages[f"{lang} secret unreadable"] = broken.get_data()

    assert html_errors(pages, tmp_path) == []
