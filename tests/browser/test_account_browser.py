"""Staff accounts in chromium: forgotten password by real mail to a new password, two-step
setup and login; axe-core, one h1, reflow at 320 px and the Nu Html Checker on every new page
and its error states, in Swedish and English."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    logged_in_client,
    overflowing_elements,
    title_starts_with,
)
from tests.conftest import NOW
from tests.support.smtp import smtp  # noqa: F401 - the fixture
from webapp.accounts import two_step
from webapp.accounts.resets import issue_link
from webapp.extensions import db
from webapp.models import User

PASSWORD = "webbläsartest för konton"
NEW_PASSWORD = "ett nytt lösenord från mejlet"
SECRET = pyotp.random_base32()


def _cli_user(live_server, email, role="police"):
    result = live_server.app.test_cli_runner().invoke(
        args=["create-user", email, "--role", role], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return email


def _with_two_step(live_server, email):
    """Two-step login on, with SECRET, as if set up long ago (a factory, not the flow)."""
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_secret_sealed = two_step.sealer_for(live_server.app.config).seal(SECRET)
        user.totp_enabled_at = datetime(2026, 11, 1, tzinfo=UTC)
        db.session.commit()
        db.session.remove()


def _link(live_server, email, lang):
    with live_server.app.app_context(), live_server.app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = issue_link(db.session, user, purpose="forgot", now=NOW)
        db.session.commit()
        db.session.remove()
    return f"/{lang}/staff/password/set#{token}"


@pytest.fixture
def mail_on(live_server, smtp):  # noqa: F811
    inbox, port = smtp
    config = live_server.app.config
    saved = {k: config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER")}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="n@kommun.example")
    yield inbox
    config.update(saved)


def _log_in(page, email, password, lang="sv"):
    page.goto(f"/{lang}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_load_state()  # the answer page, not the form, is what the caller checks


def test_forgot_password_then_two_step_in_chromium(page, live_server, mail_on):
    email = _cli_user(live_server, "browser-glomt@example.se")

    page.goto("/sv/staff/login")
    page.click("text=Glömt lösenordet?")
    page.fill("#email", email)
    page.click("#submit")
    assert page.locator("h1").inner_text() == "Titta i din e-post"
    [message] = mail_on.messages
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https://narvaro\.example(/sv/staff/password/set#[\w-]+)", text).group(1)

    page.goto(link)
    # The script takes the token from the #fragment into the form, and out of the address.
    assert page.input_value("#token") == link.partition("#")[2]
    assert "#" not in page.url
    page.click("#submit")
    assert "browser-glomt@example.se" in page.locator("main").inner_text()
    page.fill("#password", NEW_PASSWORD)
    page.fill("#repeat", NEW_PASSWORD)
    page.click("#submit")
    assert page.locator("h1").inner_text() == "Lösenordet är sparat"

    _log_in(page, email, NEW_PASSWORD)
    page.wait_for_url("**/sv/staff/")
    page.click("nav >> text=Mitt konto")
    page.click("text=Slå på tvåstegsinloggning")
    secret = page.locator("#secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).at(NOW))
    page.click("#submit")
    assert page.locator("h1").inner_text() == "Dina reservkoder"
    assert page.locator(".recovery-codes code").count() == 10

    page.click("text=Logga ut")
    live_server.pin(NOW + timedelta(seconds=30))
    _log_in(page, email, NEW_PASSWORD)
    page.wait_for_url("**/sv/staff/login/code**")
    page.fill("#code", pyotp.TOTP(secret).at(NOW + timedelta(seconds=30)))
    page.click("#submit")
    page.wait_for_url("**/sv/staff/")
    page.goto("/sv/staff/account")
    assert page.locator("dd").all_inner_texts()[2:] == ["På", "10"]


def _problems(page):
    """axe, one h1 that starts the title, and no horizontal scrolling at 320 px."""
    violations = axe_violations(page)
    h1s = page.locator("h1").all_inner_texts()
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth") - 320
    found = {
        "axe": describe_violations(violations) if violations else "",
        "overflow": overflowing_elements(page) if overflow > 0 else [],
        "h1": "" if len(h1s) == 1 and title_starts_with(page.title(), h1s[0]) else h1s,
    }
    page.set_viewport_size({"width": 1280, "height": 900})
    return {k: v for k, v in found.items() if v}


def _visit(page, url, problems, label=None, submit=None, fill=None):
    if url:
        page.goto(url)
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    if submit:
        page.click(submit)
        page.wait_for_load_state()  # axe must not start on the page being left
    found = _problems(page)
    if found:
        problems[label or url] = found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_account_pages_and_their_errors_pass_axe(page, context, live_server, mail_on, lang):
    admin = _cli_user(live_server, f"browser-konto-admin-{lang}@example.se", "admin")
    coded = _cli_user(live_server, f"browser-kod-{lang}@example.se")
    colleague = _cli_user(live_server, f"browser-kollega-{lang}@example.se")
    _with_two_step(live_server, coded)
    with live_server.app.app_context():
        colleague_id = db.session.scalar(select(User.id).where(User.email == colleague))
        db.session.remove()
    problems = {}
    base = f"/{lang}/staff"

    _visit(page, f"{base}/login", problems)
    _visit(page, f"{base}/password/forgot", problems)
    _visit(page, None, problems, "forgot, empty", submit="#submit")
    _visit(page, None, problems, "forgot, sent", submit="#submit", fill={"#email": coded})
    link = _link(live_server, colleague, lang)
    _visit(page, link, problems)
    _visit(page, None, problems, "set", "#submit")
    _visit(page, None, problems, "set, mismatch", "#submit", {"#password": NEW_PASSWORD})
    _visit(page, f"{base}/password/set", problems, "link, empty", "#submit")
    _visit(page, None, problems, "link invalid", "#submit", {"#token": "x" * 40})
    _log_in(page, coded, PASSWORD, lang)
    _visit(page, None, problems, "login code")
    _visit(page, None, problems, "login code, wrong", "#submit", {"#code": "000000"})
    context.clear_cookies()

    _log_in(page, admin, PASSWORD, lang)
    _visit(page, f"{base}/account", problems)
    _visit(page, f"{base}/account/password", problems)
    _visit(page, None, problems, "password, empty", submit="#submit")
    _visit(page, f"{base}/users/{colleague_id}", problems)
    _visit(page, None, problems, "user link", submit="#password-link")
    _visit(page, f"{base}/account/two-step", problems)
    _visit(page, None, problems, "two-step, wrong", "#submit", {"#code": "000000"})
    secret = page.locator("#secret").inner_text()
    _visit(page, None, problems, "codes", "#submit", {"#code": pyotp.TOTP(secret).at(NOW)})

    config = live_server.app.config
    config["MAIL_SERVER"] = ""
    _visit(page, f"{base}/password/forgot", problems, "forgot, no mail")

    assert problems == {}


def test_the_throttled_page_passes_axe(page, live_server):
    email = _cli_user(live_server, "browser-spärr@example.se")
    for _ in range(5):
        _log_in(page, email, "fel lösenord igen och igen")
    problems = {}

    for lang in ("sv", "en"):
        _log_in(page, email, PASSWORD, lang)
        assert page.locator("h1").inner_text() in ("För många försök", "Too many attempts")
        found = _problems(page)
        if found:
            problems[lang] = found

    assert problems == {}


def test_account_pages_are_valid_html(live_server, mail_on, tmp_path):
    admin = _cli_user(live_server, "browser-html-admin@example.se", "admin")
    coded = _cli_user(live_server, "browser-html-kod@example.se")
    _with_two_step(live_server, coded)
    pages = {}
    for lang in ("sv", "en"):
        base = f"/{lang}/staff"
        anonymous = live_server.app.test_client()
        pages[f"{lang} forgot"] = anonymous.get(f"{base}/password/forgot").get_data()
        csrf = re.search(
            r'csrf_token" type="hidden" value="([^"]+)"', pages[f"{lang} forgot"].decode()
        )
        pages[f"{lang} forgot, empty"] = anonymous.post(
            f"{base}/password/forgot", data={"csrf_token": csrf.group(1)}
        ).get_data()
        link = _link(live_server, coded, lang)
        path, _, token = link.partition("#")
        pages[f"{lang} link"] = anonymous.get(path).get_data()
        pages[f"{lang} link, empty"] = anonymous.post(
            path, data={"csrf_token": csrf.group(1)}
        ).get_data()
        pages[f"{lang} set"] = anonymous.post(
            path, data={"csrf_token": csrf.group(1), "token": token}
        ).get_data()
        pages[f"{lang} set, errors"] = anonymous.post(
            path, data={"csrf_token": csrf.group(1), "token": token, "password": "kort"}
        ).get_data()
        pages[f"{lang} link invalid"] = anonymous.post(
            path, data={"csrf_token": csrf.group(1), "token": "x" * 40}
        ).get_data()
        client, token = logged_in_client(live_server.app, admin, PASSWORD)
        for path in ("account", "account/password", "account/two-step"):
            pages[f"{lang} {path}"] = client.get(f"{base}/{path}").get_data()
        pages[f"{lang} password, errors"] = client.post(
            f"{base}/account/password", data={"csrf_token": token}
        ).get_data()
        pages[f"{lang} two-step, errors"] = client.post(
            f"{base}/account/two-step", data={"csrf_token": token, "code": "1"}
        ).get_data()
        with live_server.app.app_context():
            coded_id = db.session.scalar(select(User.id).where(User.email == coded))
            db.session.remove()
        pages[f"{lang} user edit"] = client.get(f"{base}/users/{coded_id}").get_data()
        pages[f"{lang} user link"] = client.post(
            f"{base}/users/{coded_id}/password-link", data={"csrf_token": token}
        ).get_data()

    assert html_errors(pages, tmp_path) == []
