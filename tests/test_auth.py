"""Login protections: hashing, password policy, throttling, identical failures, sessions that
end on the server, timeouts, cookie flags, CSRF, and the audit log of logins."""

import os
import pty
import re
import shutil
import sys
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import extract_parameters
from sqlalchemy import func, select

from tests.conftest import NOW, REDIS_URL, make_app, needs_redis
from tests.factories import PASSWORD, cli_create_user, make_user
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, logged_in, login, post_form
from webapp.extensions import db, limiter
from webapp.models import AuditEvent, PresenceSlot, User, UserSession

COOKIE = "narvaro-session"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _cookie(client):
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _client_with_cookie(app, value):
    client = app.test_client()
    client.set_cookie(COOKIE, value)
    return client


def test_cli_stores_an_argon2id_hash_with_strong_parameters(app):
    app.config["PASSWORD_HASH_PARAMS"] = None  # the real parameters, not the tests' cheap ones
    email = make_user(app, "police", email="  Polis@Example.SE ")

    user = _user("polis@example.se")
    params = extract_parameters(user.password_hash)
    assert user.email == email.strip().lower()
    assert user.password_hash.startswith("$argon2id$")
    assert (params.memory_cost >= 19456, params.time_cost >= 2) == (True, True)
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort lösen", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012", "too common"),
        ("qwertyuiop123", "too common"),
        ("x" * 1025, "at most 1024"),
        ("polis@example.se hemlig", "must not contain the email"),
    ],
)
def test_cli_rejects_weak_passwords(app, password, message):
    result = cli_create_user(app, "polis@example.se", "police", password)

    assert result.exit_code == 1
    assert message in result.output
    assert _user("polis@example.se") is None


def test_cli_accepts_long_passphrases_without_composition_rules(app):
    passphrase = "det här är en mycket lång lösenfras utan siffror eller specialtecken " * 2

    result = cli_create_user(app, "polis@example.se", "police", passphrase)

    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "polis@example.se", passphrase).status_code == 302


def test_cli_reads_the_password_once_from_a_pipe_and_never_from_arguments(app):
    piped = app.test_cli_runner().invoke(
        args=["create-user", "polis@example.se", "--role", "police"],
        input=PASSWORD + "\nsomething else\n",
    )
    as_argument = app.test_cli_runner().invoke(
        args=["create-user", "b@example.se", "--role", "police", "--password", PASSWORD]
    )

    assert piped.exit_code == 0
    assert login(app.test_client(), "polis@example.se").status_code == 302
    assert as_argument.exit_code == 2
    assert _user("b@example.se") is None


def test_cli_refuses_a_second_account_with_the_same_email(app):
    make_user(app, "police")

    result = cli_create_user(app, "POLIS@example.se", "admin")

    assert (result.exit_code, "already exists" in result.output) == (1, True)


def test_login_form_names_fields_for_password_managers_and_allows_paste(client):
    page = soup(client.get("/sv/staff/login"))

    form = page.find("form", attrs={"method": "post"})
    email = form.find("input", attrs={"name": "email"})
    password = form.find("input", attrs={"name": "password"})
    assert form.has_attr("novalidate")
    assert (email["autocomplete"], password["autocomplete"]) == ("username", "current-password")
    assert (email["type"], password["type"]) == ("email", "password")
    assert not any(a.startswith("on") for a in (*email.attrs, *password.attrs))
    assert page.find("label", attrs={"for": "password"}) is not None


def _normalised(response, email):
    """The body without what legitimately differs: the CSRF token and the typed address."""
    body = response.get_data(as_text=True)
    body = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "TOKEN", body)
    return body.replace(email, "EMAIL")


def test_unknown_account_and_wrong_password_get_identical_answers(app):
    make_user(app, "police")

    unknown = login(app.test_client(), "nobody@example.se", "wrong password here")
    wrong = login(app.test_client(), "polis@example.se", "wrong password here")

    assert (unknown.status_code, wrong.status_code) == (400, 400)
    assert _normalised(unknown, "nobody@example.se") == _normalised(wrong, "polis@example.se")
    assert error_summary(wrong) == ["Fel e-postadress eller lösenord. Kontrollera och försök igen"]
    assert soup(wrong).find("input", attrs={"name": "email"})["value"] == "polis@example.se"
    assert soup(wrong).find("input", attrs={"name": "password"}).get("value") in (None, "")


def test_disabled_account_with_right_password_answers_like_a_wrong_password(app):
    make_user(app, "police")
    _user("polis@example.se").active = False
    db.session.commit()

    disabled = login(app.test_client(), "polis@example.se")
    wrong = login(app.test_client(), "polis@example.se", "wrong password here")

    assert disabled.status_code == 400
    assert _normalised(disabled, "x") == _normalised(wrong, "x")


def test_five_failed_logins_for_an_account_throttle_it_for_fifteen_minutes(app):
    make_user(app, "police")
    make_user(app, "admin")
    client = app.test_client()

    failures = [
        login(client, "Polis@example.se ", "wrong password here").status_code for _ in range(5)
    ]
    throttled = login(client, "polis@example.se")
    other_account = login(app.test_client(), "admin@example.se")

    assert failures == [400] * 5
    assert throttled.status_code == 429
    assert soup(throttled).h1.get_text(strip=True) == "För många försök"
    assert other_account.status_code == 302
    # Not a lockout: the answer says when to try again, at most 15 minutes on.
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60


def test_successful_logins_are_not_counted(app):
    make_user(app, "police")

    statuses = [login(app.test_client(), "polis@example.se").status_code for _ in range(7)]

    assert statuses == [302] * 7


@needs_redis
def test_throttle_is_shared_through_redis(database_url):
    first = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    with first.app_context():
        limiter.reset()
        make_user(first, "police")
        for _ in range(5):
            login(first.test_client(), "polis@example.se", "wrong password here")
        db.session.remove()
        db.engine.dispose()
    # A second app (as another worker would be) sees the same count in Redis.
    second = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    with second.app_context():
        response = login(second.test_client(), "polis@example.se")
        limiter.reset()
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 429


def test_login_replaces_the_session_so_a_planted_cookie_gets_nothing(app):
    make_user(app, "police")
    client = app.test_client()
    client.get("/sv/staff/login")
    planted = _cookie(client)

    assert login(client, "polis@example.se").status_code == 302

    assert _cookie(client) != planted
    assert _client_with_cookie(app, planted).get("/sv/staff/").status_code == 302
    assert client.get("/sv/staff/").status_code == 200


def test_logout_ends_the_session_on_the_server(app):
    client = logged_in(app, "police")
    captured = _cookie(client)

    response = post_form(client, "/sv/staff/logout", {}, token_from="/sv/staff/")

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    replay = _client_with_cookie(app, captured).get("/sv/staff/")
    assert (replay.status_code, replay.headers["Location"]) == (
        302,
        "/sv/staff/login?next=/sv/staff/",
    )


def test_logout_is_a_post_form_not_a_link(app):
    client = logged_in(app, "police")

    assert client.get("/sv/staff/logout").status_code == 405
    nav_form = soup(client.get("/sv/staff/")).find("form", attrs={"action": "/sv/staff/logout"})
    assert nav_form["method"] == "post"
    assert nav_form.find("input", attrs={"name": "csrf_token"}) is not None


def test_disabling_an_account_ends_its_sessions_and_enabling_lets_it_back(app):
    police = logged_in(app, "police")
    admin = logged_in(app, "admin")
    police_id = _user("polis@example.se").id

    disabled = post_form(admin, f"/sv/staff/users/{police_id}", {"role": "police"})

    assert disabled.status_code == 302
    assert police.get("/sv/staff/").status_code == 302
    assert login(app.test_client(), "polis@example.se").status_code == 400
    enabled = post_form(admin, f"/sv/staff/users/{police_id}", {"role": "police", "active": "y"})
    assert enabled.status_code == 302
    assert login(app.test_client(), "polis@example.se").status_code == 302


def test_admin_cannot_disable_their_own_account(app):
    admin = logged_in(app, "admin")
    admin_id = _user("admin@example.se").id

    response = post_form(admin, f"/sv/staff/users/{admin_id}", {"role": "police"})

    assert response.status_code == 400
    assert _user("admin@example.se").active is True


def test_idle_session_ends_after_thirty_minutes_without_activity(app, pin):
    client = logged_in(app, "police")

    pin(NOW + timedelta(minutes=29))
    still_in = client.get("/sv/staff/")
    pin(NOW + timedelta(minutes=29 + 31))
    idle = client.get("/sv/staff/")

    assert still_in.status_code == 200
    assert idle.status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_active_session_ends_after_twelve_hours(app, pin):
    client = logged_in(app, "police")
    statuses = []

    for minutes in range(20, 12 * 60 + 21, 20):
        pin(NOW + timedelta(minutes=minutes))
        statuses.append(client.get("/sv/staff/").status_code)

    assert statuses[:-2] == [200] * (len(statuses) - 2)
    assert statuses[-1] == 302


def test_production_cookie_is_host_prefixed_secure_httponly_lax(database_url):
    app = make_app(database_url, ENV_NAME="production", SECRET_KEY="s" * 40)
    with app.app_context():
        make_user(app, "police")
        client = app.test_client()
        base = "https://localhost"
        page = client.get(f"{base}/sv/staff/login")
        token = soup(page).find("input", attrs={"name": "csrf_token"})["value"]
        response = client.post(
            f"{base}/sv/staff/login",
            data={"csrf_token": token, "email": "polis@example.se", "password": PASSWORD},
            headers={"Referer": f"{base}/sv/staff/login"},
        )
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    # The other cookie is the trusted-device mark (webapp/staff/throttle.py), also __Host-.
    assert sorted(c.split("=")[0] for c in cookies) == [
        "__Host-narvaro-device",
        "__Host-narvaro-session",
    ]
    cookie = next(c for c in cookies if c.startswith("__Host-narvaro-session="))
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes
    assert "domain" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie


PUBLIC_URLS = ["/sv/", "/en/presence", "/sv/office", "/feeds/all.ics", "/feeds/presence.ics"]


def test_public_pages_and_feeds_never_touch_the_session_cookie(app, pin):
    staff = logged_in(app, "police")
    seen = {}

    for url in PUBLIC_URLS:
        answers = [app.test_client().get(url), staff.get(url)]
        pin(NOW + timedelta(hours=2))  # the staff session has expired: still nothing to clear
        answers.append(staff.get(url))
        pin(NOW)
        seen[url] = [
            (r.status_code, r.headers.get("Set-Cookie"), "Cookie" in r.vary) for r in answers
        ]

    assert seen == {url: [(200, None, False)] * 3 for url in PUBLIC_URLS}


def test_missing_csrf_token_shows_the_form_again_with_the_input(app):
    client = logged_in(app, "police")
    data = {
        "place": "torget",
        "day": "2026-12-09",
        "starts": "11:00",
        "ends": "12:00",
        "note": "Kaffe på torget",
    }

    response = client.post("/sv/staff/presence/slots/new", data=data)

    assert response.status_code == 400
    page = soup(response)
    assert page.title.get_text().startswith("Fel: Nytt tillfälle")
    assert error_summary(response) == [
        "Sidan var öppen för länge, så av säkerhetsskäl sparades inget. "
        "Kontrollera uppgifterna och skicka igen."
    ]
    assert page.find("textarea", attrs={"name": "note"}).get_text().lstrip() == "Kaffe på torget"
    assert page.find("input", attrs={"name": "day"})["value"] == "2026-12-09"
    assert (
        db.session.scalar(select(PresenceSlot).where(PresenceSlot.created_by_id.is_not(None)))
        is None
    )


def test_bad_csrf_token_on_login_keeps_email_and_is_not_a_failed_attempt(app):
    make_user(app, "police")
    client = app.test_client()

    responses = [
        client.post(
            "/sv/staff/login",
            data={"csrf_token": "forged", "email": "polis@example.se", "password": "x"},
        )
        for _ in range(6)
    ]

    assert [r.status_code for r in responses] == [400] * 6
    assert soup(responses[0]).find("input", attrs={"name": "email"})["value"] == "polis@example.se"
    assert login(client, "polis@example.se").status_code == 302


def test_next_parameter_only_leads_to_staff_pages(app):
    make_user(app, "police")
    client = app.test_client()
    token = csrf_token(client, "/sv/staff/login")

    outside = client.post(
        "/sv/staff/login",
        data={
            "csrf_token": token,
            "email": "polis@example.se",
            "password": PASSWORD,
            "next": "//evil.example/sv/staff/",
        },
    )

    assert outside.headers["Location"] == "/sv/staff/"


def test_logins_and_failures_are_audited_without_passwords(app):
    make_user(app, "admin")
    login(app.test_client(), "admin@example.se", "a wrong password 123")
    admin = app.test_client()
    login(admin, "admin@example.se")

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    page = admin.get("/sv/staff/audit")

    assert [(e.action, e.actor_label) for e in events] == [
        ("user.create", "cli"),
        ("login.failed", "admin@example.se"),
        ("login", "admin@example.se"),
    ]
    assert all(e.at == NOW for e in events)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert PASSWORD not in text and "a wrong password 123" not in text
    assert "$argon2" not in text


def test_staff_pages_in_english_carry_the_language(app):
    client = logged_in(app, "police")

    page = soup(client.get("/en/staff/presence"))

    assert page.html["lang"] == "en"
    assert page.find("a", attrs={"hreflang": "sv"})["href"] == "/sv/staff/presence"
    assert len(page.find_all("h1")) == 1


def test_cli_asks_twice_on_a_terminal(sqlite_template, tmp_path):
    database = tmp_path / "tty.db"
    shutil.copy(sqlite_template, database)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "test"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: flask on a terminal
        os.execve(  # noqa: S606 - a fixed argv: the app under test on a terminal
            sys.executable,
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "webapp",
                "create-user",
                "tty@example.se",
                "--role",
                "municipality",
            ],
            env,
        )

    transcript = _converse(fd, [(b"Password: ", PASSWORD), (b"confirmation: ", PASSWORD)])
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert "Created municipality account tty@example.se." in transcript
    assert PASSWORD not in transcript  # hidden input is not echoed


def _converse(fd, exchanges) -> str:
    """Answer each prompt when it appears; return everything the terminal showed."""
    seen = b""
    for prompt, answer in [*exchanges, (None, None)]:
        while prompt is None or prompt not in seen:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                return seen.decode()
            if not chunk:
                return seen.decode()
            seen += chunk
        os.write(fd, answer.encode() + b"\n")
    return seen.decode()


def test_login_time_is_recorded(app):
    make_user(app, "police")
    login(app.test_client(), "polis@example.se")

    assert _user("polis@example.se").last_login_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_admin_creates_accounts_in_the_ui_with_the_password_policy(app):
    admin = logged_in(app, "admin")
    data = {"email": "ny.polis@example.se", "role": "police", "password": "sommar123456"}

    refused = post_form(admin, "/sv/staff/users/new", data)
    created = post_form(admin, "/sv/staff/users/new", {**data, "password": PASSWORD})

    assert refused.status_code == 400
    assert error_summary(refused) == [
        "Lösenordet är för vanligt och lätt att gissa. Välj ett annat"
    ]
    assert soup(refused).find("input", attrs={"name": "email"})["value"] == "ny.polis@example.se"
    assert created.status_code == 302
    assert login(app.test_client(), "ny.polis@example.se").status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.create").order_by(AuditEvent.id.desc())
    )
    assert (event.actor.email, event.after) == (
        "admin@example.se",
        {"email": "ny.polis@example.se", "role": "police", "active": True, "via": "ui"},
    )


def test_role_change_is_audited_with_before_and_after(app):
    admin = logged_in(app, "admin")
    make_user(app, "police")
    police_id = _user("polis@example.se").id

    post_form(admin, f"/sv/staff/users/{police_id}", {"role": "municipality", "active": "y"})

    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role"))
    assert (event.before["role"], event.after["role"], event.object_id) == (
        "police",
        "municipality",
        str(police_id),
    )
