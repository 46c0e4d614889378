"""Two-step login: setup with a QR code and a typed key, login with a TOTP code computed by
pyotp, replay refused, recovery codes once, STAFF_MFA, admin removal, throttling; a login
that stopped after the password opens no staff page."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import make_user
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, logged_in, login, post_form
from tests.test_public_subscribe import decode_svg
from tests.test_staff_access import _arguments, _cases, _url
from webapp.extensions import db
from webapp.models import AuditEvent, RecoveryCode, User


def _setup(client, at=NOW):
    """Turn two-step login on: (secret, recovery codes)."""
    page = client.get("/sv/staff/account/two-step")
    secret = soup(page).find(id="secret").get_text(strip=True)
    done = post_form(client, "/sv/staff/account/two-step", {"code": pyotp.TOTP(secret).at(at)})
    assert done.status_code == 200, error_summary(done)
    codes = [c.get_text(strip=True) for c in soup(done).select(".recovery-codes code")]
    return secret, codes


def _with_two_step(app, role="police"):
    client = logged_in(app, role)
    secret, codes = _setup(client)
    return secret, codes


def _code_step(client, code, lang="sv"):
    return post_form(client, f"/{lang}/staff/login/code", {"code": code})


def _actions():
    db.session.rollback()
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_setup_shows_a_qr_code_and_the_key_and_gives_ten_codes(app):
    client = logged_in(app, "police")

    page = client.get("/sv/staff/account/two-step")
    secret = soup(page).find(id="secret").get_text(strip=True)
    svg = soup(page).find("svg")
    done = post_form(client, "/sv/staff/account/two-step", {"code": pyotp.TOTP(secret).at(NOW)})
    codes = [c.get_text(strip=True) for c in soup(done).select(".recovery-codes code")]
    account = soup(client.get("/en/staff/account"))

    assert (svg["role"], svg["aria-label"]) == ("img", "QR-kod för appen")
    assert len(codes) == len(set(codes)) == 10
    facts = [dd.get_text(strip=True) for dd in account.select("dd")]
    assert facts == ["polis@example.se", "Police", "On", "10"]
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert "two_step.enable" in _actions()


def test_the_qr_code_reads_as_the_setup_uri(app):
    client = logged_in(app, "police")
    page = client.get("/sv/staff/account/two-step")
    secret = soup(page).find(id="secret").get_text(strip=True)
    svg = re.search(r"<svg.*?</svg>", page.get_data(as_text=True), re.S).group(0)

    [decoded] = decode_svg(svg)

    assert decoded.startswith("otpauth://totp/")
    assert parse_qs(urlsplit(decoded).query)["secret"] == [secret]


def test_a_wrong_setup_code_is_refused_and_keeps_the_key(app):
    client = logged_in(app, "police")
    secret = soup(client.get("/sv/staff/account/two-step")).find(id="secret").get_text()

    wrong = post_form(client, "/sv/staff/account/two-step", {"code": "000000"})

    assert wrong.status_code == 400
    assert error_summary(wrong) == ["Koden stämmer inte. Skriv koden som appen visar just nu"]
    assert soup(wrong).find(id="secret").get_text() == secret
    assert soup(wrong).find("input", attrs={"name": "code"})["autocomplete"] == "one-time-code"


def test_login_asks_for_the_code_and_accepts_one_computed_from_the_secret(app, pin):
    secret, _codes = _with_two_step(app)
    pin(NOW + timedelta(minutes=5))
    client = app.test_client()

    first = login(client, "polis@example.se")
    page = client.get(first.headers["Location"])
    done = _code_step(client, pyotp.TOTP(secret).at(NOW + timedelta(minutes=5)))

    assert first.headers["Location"] == "/sv/staff/login/code?next=/sv/staff/"
    assert soup(page).find("input", attrs={"name": "code"})["autocomplete"] == "one-time-code"
    assert done.status_code == 302 and done.headers["Location"] == "/sv/staff/"
    assert client.get("/sv/staff/").status_code == 200


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-60, False), (-30, True), (30, True), (60, False)]
)
def test_one_time_step_either_side_is_accepted(app, pin, offset, accepted):
    secret, _codes = _with_two_step(app)
    later = NOW + timedelta(minutes=10)
    pin(later)
    client = app.test_client()
    login(client, "polis@example.se")

    done = _code_step(client, pyotp.TOTP(secret).at(later + timedelta(seconds=offset)))

    assert (done.status_code == 302) is accepted


def test_a_code_used_once_is_refused_the_second_time(app, pin):
    secret, _codes = _with_two_step(app)
    later = NOW + timedelta(minutes=10)
    pin(later)
    code = pyotp.TOTP(secret).at(later)
    first, second = app.test_client(), app.test_client()
    login(first, "polis@example.se")
    login(second, "polis@example.se")

    used = _code_step(first, code)
    replay = _code_step(second, code)

    assert used.status_code == 302
    assert replay.status_code == 400
    assert second.get("/sv/staff/").status_code == 302


def test_a_recovery_code_works_once(app, pin):
    _secret, codes = _with_two_step(app)
    first, second = app.test_client(), app.test_client()
    login(first, "polis@example.se")
    login(second, "polis@example.se")

    used = _code_step(first, codes[3].upper())
    again = _code_step(second, codes[3])
    account = soup(first.get("/sv/staff/account"))

    assert (used.status_code, again.status_code) == (302, 400)
    assert [dd.get_text(strip=True) for dd in account.select("dd")][-1] == "9"
    assert "two_step.recovery_code" in _actions()


def test_a_login_without_the_second_step_reaches_no_staff_page(app):
    _with_two_step(app, "admin")
    make_user(app, "police", email="first-admin@example.se")
    arguments = _arguments()
    client = app.test_client()
    login(client, "admin@example.se")
    token = csrf_token(client, "/sv/staff/login/code")
    opened = {}

    for endpoint, method, rule in _cases(app):
        if endpoint in ("staff.logout", "staff.login_code"):
            continue
        url = _url(app, rule, {**dict.fromkeys(rule.arguments, 1), **arguments(endpoint)})
        response = (
            client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        )
        if response.status_code == 200 and endpoint not in (
            "staff.login",
            "staff.password_forgot",
            "staff.password_set",  # the form a link opens: it shows nothing until one is posted
        ):
            opened[(endpoint, method)] = response.status_code
        elif response.status_code == 302 and "/staff/login" not in response.headers["Location"]:
            opened[(endpoint, method)] = response.headers["Location"]

    assert opened == {}
    assert client.get("/sv/staff/login/code").status_code == 200


def test_a_wrong_code_is_throttled_like_the_password(app):
    _with_two_step(app)
    client = app.test_client()
    login(client, "polis@example.se")

    answers = [_code_step(client, "123456").status_code for _ in range(6)]

    assert answers == [400] * 5 + [429]
    assert "minut" in soup(_code_step(client, "123456")).main.get_text()


def test_required_two_step_sends_every_page_to_the_setup(app):
    app.config["STAFF_MFA"] = "required"
    client = logged_in(app, "municipality")

    pages = [client.get(p) for p in ("/sv/staff/", "/sv/staff/presence", "/sv/staff/account")]
    _setup(client)

    assert {r.headers["Location"] for r in pages} == {"/sv/staff/account/two-step"}
    assert client.get("/sv/staff/presence").status_code == 200


@pytest.mark.parametrize(
    ("policy", "role", "forced"),
    [
        ("required-for-admin", "admin", True),
        ("required-for-admin", "police", False),
        ("optional", "admin", False),
    ],
)
def test_the_policy_decides_who_must_set_it_up(app, policy, role, forced):
    app.config["STAFF_MFA"] = policy
    client = logged_in(app, role)

    response = client.get("/sv/staff/")

    assert (response.status_code == 302) is forced


def test_an_admin_removes_a_colleagues_second_factor(app):
    _with_two_step(app)
    admin = logged_in(app, "admin")
    user_id = db.session.scalar(select(User.id).where(User.email == "polis@example.se"))

    removed = post_form(
        admin, f"/sv/staff/users/{user_id}/two-step/remove", {}, token_from="/sv/staff/"
    )
    client = app.test_client()

    assert removed.headers["Location"] == f"/sv/staff/users/{user_id}"
    assert login(client, "polis@example.se").headers["Location"] == "/sv/staff/"
    assert "two_step.remove" in _actions()
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_setup_on_the_phone_itself_opens_the_app_with_issuer_account_and_the_stored_secret(app):
    from webapp.accounts.sealing import SecretSealer

    client = logged_in(app, "police")
    page = soup(client.get("/sv/staff/account/two-step"))
    href = page.find(id="otpauth-link")["href"]
    totp = pyotp.parse_uri(href)
    groups = [span.get_text() for span in page.find(id="secret").find_all("span")]

    done = post_form(client, "/sv/staff/account/two-step", {"code": totp.at(NOW)})
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "polis@example.se"))
    stored, _old = SecretSealer(["test-secret"], "totp").open(user.totp_secret_sealed)

    assert href.startswith("otpauth://totp/")
    assert (totp.issuer, totp.name) == ("Närvaro Sävsjö kommun", "polis@example.se")
    assert done.status_code == 200 and totp.secret == stored
    assert "".join(groups) == stored and {len(g) for g in groups[:-1]} == {4}
    assert "Skanna QR-koden, eller" not in page.get_text()
