"""No input to the account forms makes a 500 (hypothesis): change password, two-step setup,
the code step, forgotten password (with a real SMTP server) and a set-password link."""

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import PASSWORD, make_user
from tests.support.smtp import smtp  # noqa: F401 - the fixture
from tests.support.staff import csrf_token, logged_in, login
from tests.test_staff_forms import FUZZ, junk
from webapp.accounts import two_step
from webapp.accounts.resets import issue_link
from webapp.extensions import db, limiter
from webapp.models import User

passwords = junk | st.text(min_size=1000, max_size=1100) | st.sampled_from(["", PASSWORD])
codes = junk | st.from_regex(r"\A[0-9 -]{0,10}\Z") | st.sampled_from(["", "123456", "abcde-fghij"])
emails = junk | st.emails().map(str) | st.sampled_from(["polis@example.se", " POLIS@example.se"])


def _cached(app, key, make):
    if key not in app.config:
        app.config[key] = make()
    return app.config[key]


@FUZZ
@given(current=passwords, password=passwords, repeat=passwords)
def test_change_password_never_fails(app, current, password, repeat):
    client, token = _cached(app, "_fuzz_police", lambda: _police(app))
    limiter.reset()  # each example reaches the form, not the throttle of wrong passwords

    response = client.post(
        "/sv/staff/account/password",
        data={"csrf_token": token, "current": current, "password": password, "repeat": repeat},
    )

    assert response.status_code in (200, 302, 400)


def _police(app):
    client = logged_in(app, "police")
    return client, csrf_token(client, "/sv/staff/account")


@FUZZ
@given(code=codes)
def test_two_step_setup_never_fails(app, code):
    client, token = _cached(app, "_fuzz_setup", lambda: _police(app))

    response = client.post("/sv/staff/account/two-step", data={"csrf_token": token, "code": code})

    assert response.status_code in (200, 302, 400)


@FUZZ
@given(code=codes, next_=junk)
def test_the_code_step_never_fails(app, code, next_):
    def pending():
        make_user(app, "police")
        user = db.session.scalar(select(User).where(User.email == "polis@example.se"))
        user.totp_secret_sealed = two_step.sealer_for(app.config).seal("JBSWY3DPEHPK3PXP" * 2)
        user.totp_enabled_at = NOW
        db.session.commit()
        client = app.test_client()
        login(client, "polis@example.se")
        return client, csrf_token(client, "/sv/staff/login/code")

    client, token = _cached(app, "_fuzz_pending", pending)

    response = client.post(
        "/sv/staff/login/code", data={"csrf_token": token, "code": code, "next": next_}
    )

    assert response.status_code in (200, 302, 400, 429)


@FUZZ
@given(email=emails)
def test_forgotten_password_never_fails(app, smtp, email):  # noqa: F811
    _inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    client, token = _cached(app, "_fuzz_forgot", lambda: _anonymous(app))

    response = client.post("/sv/staff/password/forgot", data={"csrf_token": token, "email": email})

    assert response.status_code in (200, 400, 429)


def _anonymous(app):
    make_user(app, "police")
    client = app.test_client()
    return client, csrf_token(client, "/sv/staff/login")


URL = "/sv/staff/password/set"


@FUZZ
@given(password=passwords, repeat=passwords, token=junk)
def test_a_set_password_link_never_fails(app, password, repeat, token):
    def link():
        make_user(app, "municipality")
        user = db.session.scalar(select(User).where(User.email == "kommun@example.se"))
        with app.test_request_context():
            issued = issue_link(db.session, user, purpose="cli", now=NOW)
        db.session.commit()
        client = app.test_client()
        return client, csrf_token(client, URL), issued

    client, csrf, issued = _cached(app, "_fuzz_link", link)

    for sent in (issued, token):
        response = client.post(
            URL, data={"csrf_token": csrf, "token": sent, "password": password, "repeat": repeat}
        )
        assert response.status_code in (200, 400, 404, 429)
