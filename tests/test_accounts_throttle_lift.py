"""An admin's "lift the throttle" lets the account through every step that counts per account:
the password, the login code (a TOTP code or a recovery code), turning two-step login off,
new recovery codes, changing the password, and the forgotten-password mail. Each through the
pages, with CSRF."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import PASSWORD, make_user
from tests.support.smtp import smtp  # noqa: F401 - the fixture
from tests.support.staff import logged_in, login, post_form
from tests.test_two_step import _setup
from webapp.accounts.throttles import STEPS
from webapp.extensions import db
from webapp.models import User

EMAIL = "polis@example.se"
LATER = NOW + timedelta(minutes=5)  # past the time step the setup used
WRONG_PASSWORD = "fel lösenord helt klart"  # noqa: S105 - a wrong password on purpose
NEW_PASSWORD = "ett nytt lösenord som duger"  # noqa: S105 - a test password


def _lift(app):
    admin = logged_in(app, "admin")
    user_id = db.session.scalar(select(User.id).where(User.email == EMAIL))
    url = f"/sv/staff/users/{user_id}/throttle/clear"
    lifted = post_form(admin, url, {}, token_from="/sv/staff/")
    assert lifted.headers["Location"] == f"/sv/staff/users/{user_id}"


def _with_two_step(app, pin):
    """A police account with two-step login, its owner's client, secret and recovery codes;
    the clock moved past the code its setup used."""
    client = logged_in(app, "police")
    secret, codes = _setup(client)
    pin(LATER)
    return client, secret, codes


def _waiting_for_code(app):
    client = app.test_client()
    assert login(client, EMAIL).headers["Location"].startswith("/sv/staff/login/code")
    return client


class Step:
    """How to fail and how to pass one throttled step, for one account."""

    step = ""

    def __init__(self, app, pin, mail):
        self.app = app


class Password(Step):
    step = "login"

    def __init__(self, app, pin, mail):
        super().__init__(app, pin, mail)
        make_user(app, "police")

    def fail(self):
        return post_form(
            self.app.test_client(), "/sv/staff/login", {"email": EMAIL, "password": WRONG_PASSWORD}
        )

    def succeed(self):
        response = login(self.app.test_client(), EMAIL)
        return response.status_code == 302 and response.headers["Location"] == "/sv/staff/"


class LoginCode(Step):
    step = "code"

    def __init__(self, app, pin, mail):
        super().__init__(app, pin, mail)
        _client, self.secret, self.codes = _with_two_step(app, pin)
        self.client = _waiting_for_code(app)

    def fail(self):
        return post_form(self.client, "/sv/staff/login/code", {"code": "123456"})

    def succeed(self):
        code = pyotp.TOTP(self.secret).at(LATER)
        response = post_form(self.client, "/sv/staff/login/code", {"code": code})
        return response.status_code == 302 and response.headers["Location"] == "/sv/staff/"


class RecoveryCodeAtLogin(LoginCode):
    """The same step, passed with a recovery code instead of the app's code."""

    def succeed(self):
        response = post_form(self.client, "/sv/staff/login/code", {"code": self.codes[0]})
        return response.status_code == 302 and response.headers["Location"] == "/sv/staff/"


class TwoStepOff(Step):
    step = "two-step-off"
    url = "/sv/staff/account/two-step/off"

    def __init__(self, app, pin, mail):
        super().__init__(app, pin, mail)
        self.client, self.secret, _codes = _with_two_step(app, pin)

    def fail(self):
        return post_form(self.client, self.url, {"password": PASSWORD, "code": "123456"})

    def succeed(self):
        code = pyotp.TOTP(self.secret).at(LATER)
        response = post_form(self.client, self.url, {"password": PASSWORD, "code": code})
        return response.status_code == 302 and response.headers["Location"] == "/sv/staff/account"


class NewRecoveryCodes(TwoStepOff):
    step = "recovery-codes"
    url = "/sv/staff/account/recovery-codes"

    def succeed(self):
        code = pyotp.TOTP(self.secret).at(LATER)
        response = post_form(self.client, self.url, {"password": PASSWORD, "code": code})
        return response.status_code == 200 and "recovery-codes" in response.get_data(as_text=True)


class PasswordChange(Step):
    """The current password on the change-password form, guessed by whoever has the session."""

    step = "password"
    url = "/sv/staff/account/password"

    def __init__(self, app, pin, mail):
        super().__init__(app, pin, mail)
        self.client = logged_in(app, "police")

    def fail(self):
        data = {"current": WRONG_PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        return post_form(self.client, self.url, data)

    def succeed(self):
        data = {"current": PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        response = post_form(self.client, self.url, data)
        return response.status_code == 302 and response.headers["Location"] == "/sv/staff/account"


class ForgottenPassword(Step):
    """Every request counts here (each may send a mail), not only failures."""

    step = "forgot"

    def __init__(self, app, pin, mail):
        super().__init__(app, pin, mail)
        self.inbox, port = mail
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="narvaro@kommun.example"
        )
        make_user(app, "police")

    def fail(self):
        return post_form(self.app.test_client(), "/sv/staff/password/forgot", {"email": EMAIL})

    def succeed(self):
        sent = len(self.inbox.messages)
        response = self.fail()
        return response.status_code == 200 and len(self.inbox.messages) == sent + 1


STEP_CASES = [
    Password,
    LoginCode,
    RecoveryCodeAtLogin,
    TwoStepOff,
    NewRecoveryCodes,
    PasswordChange,
    ForgottenPassword,
]


def test_every_step_counted_per_account_is_tested_here():
    per_account = {step for step, limits in STEPS.items() if any(x.per_account for x in limits)}

    assert {case.step for case in STEP_CASES} == per_account


@pytest.mark.parametrize("case", STEP_CASES, ids=lambda case: case.__name__)
def test_an_admins_lift_lets_the_account_through_the_step(app, pin, smtp, case):  # noqa: F811
    step = case(app, pin, smtp)
    tries = [step.fail().status_code for _ in range(5)]
    assert 429 not in tries
    assert step.fail().status_code == 429
    assert step.succeed() is False  # the right answer is refused too while throttled

    _lift(app)

    assert step.succeed() is True
