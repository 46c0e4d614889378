"""Two-step secrets are encrypted at rest (Fernet under a key derived from SECRET_KEY): the
column never holds the base32 secret, codes computed by pyotp still log in, an old key in
SECRET_KEY_FALLBACKS still opens (and the secret is sealed anew), a wrong key fails closed."""

from datetime import timedelta

import pyotp
from sqlalchemy import select, text

from tests.conftest import NOW
from tests.support.html import soup
from tests.support.staff import logged_in, login, post_form
from tests.test_two_step import _code_step, _with_two_step
from webapp.accounts.sealing import SecretSealer
from webapp.extensions import db
from webapp.models import User

LATER = NOW + timedelta(minutes=5)


def _stored() -> str:
    db.session.rollback()
    return db.session.execute(text("SELECT totp_secret_sealed FROM staff_user")).scalar_one()


def test_the_column_holds_no_secret_and_codes_still_log_in(app, pin):
    secret, _codes = _with_two_step(app)
    stored = _stored()
    pin(LATER)
    client = app.test_client()

    login(client, "polis@example.se")
    done = _code_step(client, pyotp.TOTP(secret).at(LATER))

    assert secret not in stored and secret.lower() not in stored.lower()
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert SecretSealer(["test-secret"], "totp").open(stored) == (secret, False)
    assert done.headers["Location"] == "/sv/staff/"
    assert client.get("/sv/staff/").status_code == 200


def test_a_wrong_key_fails_closed_with_a_clear_message(app, pin, caplog):
    secret, codes = _with_two_step(app)
    app.config["SECRET_KEY"] = "a new key, the old one forgotten"
    pin(LATER)
    client = app.test_client()
    user_id = db.session.scalar(select(User.id))

    login(client, "polis@example.se")
    by_code = _code_step(client, pyotp.TOTP(secret).at(LATER))
    by_recovery = _code_step(client, codes[0])

    assert (by_code.status_code, by_recovery.status_code) == (503, 503)
    assert soup(by_code).h1.get_text(strip=True) == "Koden kan inte kontrolleras just nu"
    assert "Kontakta en administratör" in soup(by_code).main.get_text()
    assert client.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")
    assert f"two-step secret of account {user_id} cannot be opened" in caplog.text
    assert secret not in caplog.text


def test_an_old_key_still_opens_and_the_secret_is_sealed_with_the_new_one(app, pin):
    secret, _codes = _with_two_step(app)
    app.config.update(SECRET_KEY="the new key", SECRET_KEY_FALLBACKS=["test-secret"])
    pin(LATER)
    client = app.test_client()

    login(client, "polis@example.se")
    done = _code_step(client, pyotp.TOTP(secret).at(LATER))

    assert done.headers["Location"] == "/sv/staff/"
    assert SecretSealer(["the new key"], "totp").open(_stored()) == (secret, False)


def test_setup_seals_the_secret_with_the_current_key(app):
    app.config["SECRET_KEY_FALLBACKS"] = ["an old key"]
    client = logged_in(app, "police")
    page = client.get("/sv/staff/account/two-step")
    secret = soup(page).find(id="secret").get_text(strip=True)
    post_form(client, "/sv/staff/account/two-step", {"code": pyotp.TOTP(secret).at(NOW)})

    assert SecretSealer(["test-secret"], "totp").open(_stored()) == (secret, False)
