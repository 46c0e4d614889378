"""One-time secrets sent at the same moment: eight requests in eight threads, released together
by a barrier, post the same TOTP code, recovery code or password link. Exactly one wins, on
SQLite and on PostgreSQL."""

import threading
from datetime import timedelta

import pyotp
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import PASSWORD, make_user
from tests.support.staff import csrf_token, login
from tests.test_accounts import LINK, NEW_PASSWORD, _path, _token
from tests.test_two_step import _with_two_step
from webapp.accounts.passwords import hasher as hasher_for
from webapp.accounts.passwords import verify_password
from webapp.extensions import db
from webapp.models import AuditEvent, PasswordToken, RecoveryCode, User

RACERS = 8


def _race(posts):
    """Run every `post` (a function of no arguments returning a response) in its own thread,
    all released at once; their status codes, in order."""
    barrier = threading.Barrier(len(posts))
    statuses = [None] * len(posts)

    def run(index, post):
        barrier.wait(10)
        statuses[index] = post().status_code

    threads = [threading.Thread(target=run, args=item) for item in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def _refused_but_one(statuses, success) -> bool:
    """One success; every other request refused: a wrong code or a dead link (400, 404), or
    the throttle counting those failures (429)."""
    return statuses.count(success) == 1 and set(statuses) - {success} <= {400, 404, 429}


def _code_posts(app, code):
    """RACERS clients past the password step, each with its form's CSRF token: their posts."""
    posts = []
    for _ in range(RACERS):
        client = app.test_client()
        assert login(client, "polis@example.se").status_code == 302
        token = csrf_token(client, "/sv/staff/login/code")
        posts.append(
            lambda c=client, t=token: c.post(
                "/sv/staff/login/code", data={"csrf_token": t, "code": code}
            )
        )
    return posts


def test_one_totp_code_sent_at_once_signs_in_once(app, pin):
    secret, _codes = _with_two_step(app)
    later = NOW + timedelta(minutes=10)
    pin(later)

    statuses = _race(_code_posts(app, pyotp.TOTP(secret).at(later)))

    assert _refused_but_one(statuses, 302)
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "polis@example.se"))
    assert user.totp_last_step == pyotp.TOTP(secret).timecode(later)


def test_one_recovery_code_sent_at_once_signs_in_once(app):
    _secret, codes = _with_two_step(app)

    statuses = _race(_code_posts(app, codes[0]))

    assert _refused_but_one(statuses, 302)
    db.session.rollback()
    used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 1
    audited = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "two_step.recovery_code")
    ).all()
    assert len(audited) == 1


def test_one_password_link_posted_at_once_sets_one_password(app):
    make_user(app, "police")
    result = app.test_cli_runner().invoke(args=["reset-password", "polis@example.se"])
    link = LINK.search(result.output).group(0)
    path = _path(link)
    passwords = [f"{NEW_PASSWORD} nummer {n}" for n in range(RACERS)]
    posts = []
    for password in passwords:
        client = app.test_client()
        token = csrf_token(client, path)
        data = {"csrf_token": token, "token": _token(link), "password": password}
        data["repeat"] = password
        posts.append(lambda c=client, d=data: c.post(path, data=d))

    statuses = _race(posts)

    assert _refused_but_one(statuses, 200)
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "polis@example.se"))
    hasher = hasher_for(app.config)
    [winner] = [p for p, status in zip(passwords, statuses, strict=True) if status == 200]
    assert verify_password(user.password_hash, winner, hasher)
    assert not verify_password(user.password_hash, PASSWORD, hasher)
    assert db.session.scalar(select(PasswordToken.used_at)) is not None
    sets = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "password.set.cli")
    ).all()
    assert len(sets) == 1
