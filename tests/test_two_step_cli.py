"""`flask remove-two-step EMAIL`: the way back when nobody can pass an account's second step
(a lost phone and no recovery codes, or a SECRET_KEY that no longer opens the secret) and no
admin can log in. It asks for nothing: the runner gives it no input."""

from sqlalchemy import select

from tests.support.staff import logged_in, login
from tests.test_two_step import _code_step, _setup, _with_two_step
from webapp.accounts.sealing import SecretSealer
from webapp.extensions import db
from webapp.models import AuditEvent, RecoveryCode, User


def _remove(app, email):
    return app.test_cli_runner().invoke(args=["remove-two-step", email], input="")


def _events(action):
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _user(email):
    db.session.rollback()
    return db.session.scalar(select(User).where(User.email == email))


def test_it_removes_a_lost_second_factor_and_ends_the_sessions(app):
    owner = logged_in(app, "police")
    _secret, codes = _setup(owner)

    result = _remove(app, " Polis@Example.se ")

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Two-step login removed for polis@example.se: its recovery codes no longer work "
        "and 1 session(s) ended.\n"
    )
    user = _user("polis@example.se")
    assert (user.totp_enabled_at, user.totp_secret_sealed, user.totp_last_step) == (None,) * 3
    assert db.session.scalars(select(RecoveryCode)).all() == []
    [event] = _events("two_step.remove")
    assert (event.actor_id, event.actor_label, event.object_id) == (None, "cli", str(user.id))
    assert event.after == {"ended": 1}
    assert owner.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")
    # The password alone logs in now (STAFF_MFA optional).
    client = app.test_client()
    assert login(client, "polis@example.se").headers["Location"] == "/sv/staff/"
    assert client.get("/sv/staff/").status_code == 200
    assert len(codes) == 10  # all of them gone with the rows above


def test_an_admin_locked_out_by_a_new_key_gets_back_in_and_sets_it_up_again(app):
    _with_two_step(app, "admin")
    app.config.update(STAFF_MFA="required-for-admin", SECRET_KEY="a new key, the old one lost")
    stuck = app.test_client()
    login(stuck, "admin@example.se")
    refused = _code_step(stuck, "000000")

    result = _remove(app, "admin@example.se")
    client = app.test_client()
    logged_in_again = login(client, "admin@example.se")
    forced = client.get("/sv/staff/")
    secret, codes = _setup(client)

    assert refused.status_code == 503  # fails closed: the code step cannot open the secret
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Two-step login removed for admin@example.se: its recovery codes no longer work "
        "and 2 session(s) ended.",
        "STAFF_MFA requires it for this account: it is set up again at the next login.",
    ]
    assert logged_in_again.headers["Location"] == "/sv/staff/"
    assert forced.headers["Location"] == "/sv/staff/account/two-step"
    assert len(codes) == 10
    assert client.get("/sv/staff/").status_code == 200
    sealed = _user("admin@example.se").totp_secret_sealed
    assert SecretSealer(["a new key, the old one lost"], "totp").open(sealed) == (secret, False)
    # The stuck browser's half login ended with the other sessions.
    assert stuck.get("/sv/staff/login/code").headers["Location"] == "/sv/staff/login"


def test_an_unknown_address_is_an_error(app):
    result = _remove(app, "nobody@example.se")

    assert result.exit_code == 1
    assert "Error: there is no account nobody@example.se" in result.output
    assert _events("two_step.remove") == []


def test_an_account_without_two_step_is_left_alone(app):
    colleague = logged_in(app, "municipality")

    result = _remove(app, "kommun@example.se")

    assert (result.exit_code, result.output) == (
        0,
        "kommun@example.se has no two-step login; nothing changed.\n",
    )
    assert _events("two_step.remove") == []
    assert colleague.get("/sv/staff/account").status_code == 200
