"""Staff change their own second factor: turn two-step login off, or make new recovery codes.
Both ask for the password and a current code (or a recovery code), are audited and throttled
like the second login step; turning off ends other sessions and obeys STAFF_MFA."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import PASSWORD
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, logged_in, login, post_form
from tests.test_two_step import _actions, _code_step, _setup
from webapp.extensions import db
from webapp.models import AuditEvent, RecoveryCode, User

LATER = NOW + timedelta(minutes=5)
OFF, CODES = "/sv/staff/account/two-step/off", "/sv/staff/account/recovery-codes"


@pytest.fixture
def owner(app, pin):
    """(client, secret, recovery codes) of a police account with two-step login, the clock
    past the step its setup used."""
    client = logged_in(app, "police")
    secret, codes = _setup(client)
    pin(LATER)
    return client, secret, codes


def _user():
    db.session.rollback()
    return db.session.scalar(select(User).where(User.email == "polis@example.se"))


def _code(secret, at=LATER):
    return pyotp.TOTP(secret).at(at)


def test_turning_it_off_ends_other_sessions_and_the_password_alone_logs_in(app, owner):
    client, secret, codes = owner
    other = app.test_client()
    login(other, "polis@example.se")
    _code_step(other, _code(secret, LATER - timedelta(seconds=30)))
    assert other.get("/sv/staff/").status_code == 200

    done = post_form(client, OFF, {"password": PASSWORD, "code": _code(secret)})

    assert done.headers["Location"] == "/sv/staff/account"
    account = soup(client.get("/sv/staff/account"))
    assert "Tvåstegsinloggningen är avstängd" in account.main.get_text()
    assert [dd.get_text(strip=True) for dd in account.select("dd")][2] == "Av"
    assert other.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")
    assert login(app.test_client(), "polis@example.se").headers["Location"] == "/sv/staff/"
    assert (_user().totp_secret_sealed, _user().totp_enabled_at) == (None, None)
    assert db.session.scalars(select(RecoveryCode)).all() == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "two_step.disable"))
    assert [e.after for e in event] == [{"ended": 1}]


def test_a_recovery_code_may_confirm_turning_it_off(owner):
    client, _secret, codes = owner

    done = post_form(client, OFF, {"password": PASSWORD, "code": codes[0]})

    assert done.headers["Location"] == "/sv/staff/account"
    assert _user().totp_enabled_at is None


@pytest.mark.parametrize("url", [OFF, CODES])
@pytest.mark.parametrize(
    ("password", "code", "field", "message"),
    [
        ("fel lösenord helt", None, "password", "Fel lösenord. Skriv ditt nuvarande lösenord"),
        (PASSWORD, "000000", "code", "Koden stämmer inte. Skriv koden som appen visar just nu"),
        (PASSWORD, "", "code", "Skriv koden från appen, eller en reservkod"),
        ("", None, "password", "Skriv ditt lösenord"),
    ],
)
def test_a_wrong_password_or_code_is_refused_and_changes_nothing(
    owner, url, password, code, field, message
):
    client, secret, codes = owner
    before = _user().totp_secret_sealed

    refused = post_form(
        client, url, {"password": password, "code": _code(secret) if code is None else code}
    )

    assert refused.status_code == 400
    assert error_summary(refused)[0].startswith(message)
    assert soup(refused).find(id=f"{field}")["aria-invalid"] == "true"
    assert _user().totp_secret_sealed == before
    assert db.session.scalars(select(RecoveryCode.used_at)).all() == [None] * 10


def test_failures_are_audited_without_the_typed_values(owner):
    client, _secret, _codes = owner

    post_form(client, OFF, {"password": "fel lösenord helt", "code": "123456"})

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "two_step.confirm_failed")
    ).one()
    assert event.after == {"for": "two_step.disable"}


def test_a_policy_that_requires_it_refuses_to_turn_it_off(app, owner):
    client, secret, _codes = owner
    app.config["STAFF_MFA"] = "required"

    page = client.get(OFF)
    token = csrf_token(client, "/sv/staff/account")
    posted = client.post(
        OFF, data={"csrf_token": token, "password": PASSWORD, "code": _code(secret)}
    )
    account = soup(client.get("/sv/staff/account"))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert "kan inte stängas av" in soup(page).main.get_text()
    assert soup(page).find("input", attrs={"name": "password"}) is None
    assert _user().totp_enabled_at is not None
    assert account.find("a", href=OFF) is None
    assert account.find("a", href=CODES) is not None


def test_new_recovery_codes_replace_every_old_one(app, owner):
    client, secret, old = owner

    done = post_form(client, CODES, {"password": PASSWORD, "code": _code(secret)})
    new = [c.get_text(strip=True) for c in soup(done).select(".recovery-codes code")]
    first, second = app.test_client(), app.test_client()
    login(first, "polis@example.se")
    login(second, "polis@example.se")
    old_refused = _code_step(first, old[1])
    new_accepted = _code_step(second, new[0])

    assert done.status_code == 200
    assert soup(done).h1.get_text(strip=True) == "Dina reservkoder"
    assert "De gamla fungerar inte längre" in soup(done).main.get_text()
    assert len(new) == len(set(new)) == 10 and not set(new) & set(old)
    assert (old_refused.status_code, new_accepted.status_code) == (400, 302)
    assert "two_step.new_codes" in _actions()
    assert client.get(CODES).status_code == 200  # the codes are shown once, on that answer


def test_the_forms_name_their_fields_for_password_managers_and_authenticators(owner):
    client, _secret, _codes = owner

    for url in (OFF, CODES):
        form = soup(client.get(url)).find("form", attrs={"action": url})
        fields = {i["name"]: i.get("autocomplete") for i in form.find_all("input")}

        assert fields == {
            "csrf_token": None,
            "username": "username",
            "password": "current-password",
            "code": "one-time-code",
        }


def test_without_a_csrf_token_nothing_changes(owner):
    client, secret, _codes = owner

    response = client.post(OFF, data={"password": PASSWORD, "code": _code(secret)})

    assert response.status_code == 400
    assert _user().totp_enabled_at is not None


@pytest.mark.parametrize("url", [OFF, CODES])
def test_wrong_codes_are_throttled_like_the_login_code(owner, url):
    client, _secret, _codes = owner

    answers = [
        post_form(client, url, {"password": PASSWORD, "code": "123456"}).status_code
        for _ in range(6)
    ]

    assert answers == [400] * 5 + [429]


@pytest.mark.parametrize("url", [OFF, CODES])
def test_without_two_step_the_pages_go_back_to_the_account(app, url):
    client = logged_in(app, "police")

    assert client.get(url).headers["Location"] == "/sv/staff/account"


def test_an_admin_lifting_the_throttle_lifts_it_here_too(app, owner):
    client, _secret, _codes = owner
    for _ in range(5):
        post_form(client, OFF, {"password": PASSWORD, "code": "123456"})
    admin = logged_in(app, "admin")

    post_form(admin, f"/sv/staff/users/{_user().id}/throttle/clear", {}, token_from="/sv/staff/")
    again = post_form(client, OFF, {"password": PASSWORD, "code": "123456"})

    assert again.status_code == 400
