"""Staff accounts a municipality can run: forgotten password by real mail, one-time links,
changing the password, admin reset, the CLI link, the account page, throttling."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import NOW, REDIS_URL, make_app, needs_redis
from tests.factories import PASSWORD, make_user
from tests.support.html import error_summary, soup
from tests.support.servers import free_port
from tests.support.smtp import smtp  # noqa: F401 - the fixture
from tests.support.staff import csrf_token, logged_in, login, post_form
from webapp.accounts import passwords
from webapp.extensions import db, limiter
from webapp.models import AuditEvent, LoginRecord, User

NEW_PASSWORD = "ett helt nytt och långt lösenord"
LINK = re.compile(r"https://narvaro\.example/(sv|en)/staff/password/set#[\w-]+")


def _mail_to(app, port):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="narvaro@kommun.example"
    )


def _forgot(client, email, lang="sv"):
    return post_form(client, f"/{lang}/staff/password/forgot", {"email": email})


def _link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return LINK.search(text).group(0)


def _path(link: str) -> str:
    """The part of the link a browser asks the server for: without the #token."""
    return link.removeprefix("https://narvaro.example").partition("#")[0]


def _token(link: str) -> str:
    return link.partition("#")[2]


def _open(client, link):
    """Open the link as a browser does: the page, then its script posts the #token."""
    return post_form(client, _path(link), {"token": _token(link)})


def _set_password(client, link, password=NEW_PASSWORD, repeat=None):
    data = {"token": _token(link), "password": password, "repeat": repeat or password}
    return post_form(client, _path(link), data)


def _actions():
    db.session.rollback()  # a fresh snapshot: the requests wrote after the test's last read
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_forgot_password_mail_link_new_password_then_login(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    client = app.test_client()

    answer = _forgot(client, "  Polis@Example.se ")
    [message] = inbox.messages
    link = _link_in(message)
    form_page = _open(client, link)
    done = _set_password(client, link)

    assert answer.status_code == 200
    assert soup(answer).h1.get_text(strip=True) == "Titta i din e-post"
    assert (message["To"], message["From"]) == ("polis@example.se", "narvaro@kommun.example")
    assert message["Subject"] == "Välj ett nytt lösenord till Närvaro för Sävsjö kommun"
    assert message["Content-Language"] == "sv"
    assert link in message.get_body(("html",)).get_content()
    assert "img" not in message.get_body(("html",)).get_content()
    assert form_page.status_code == 200
    assert soup(form_page).find("input", attrs={"name": "password"})["autocomplete"] == (
        "new-password"
    )
    assert done.status_code == 200
    assert login(app.test_client(), "polis@example.se", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "polis@example.se", PASSWORD).status_code == 400
    assert "password.set.forgot" in _actions()


def test_the_mail_is_in_the_language_of_the_page(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")

    _forgot(app.test_client(), "polis@example.se", lang="en")

    [message] = inbox.messages
    assert message["Subject"] == "Choose a new password for Närvaro at Sävsjö Municipality"
    assert "The link works once and for 1 hour." in message.get_body(("plain",)).get_content()
    assert _link_in(message).startswith("https://narvaro.example/en/staff/password/set#")


def test_a_link_works_once(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    client = app.test_client()
    _forgot(client, "polis@example.se")
    link = _link_in(inbox.messages[0])
    token = csrf_token(client, _path(link))

    first = client.post(
        _path(link),
        data={
            "csrf_token": token,
            "token": _token(link),
            "password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    second = client.post(
        _path(link),
        data={
            "csrf_token": token,
            "token": _token(link),
            "password": "ännu ett nytt lösen",
            "repeat": "ännu ett nytt lösen",
        },
    )

    assert (first.status_code, second.status_code) == (200, 404)
    assert soup(second).h1.get_text(strip=True) == "Länken fungerar inte"
    assert login(app.test_client(), "polis@example.se", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("minutes", "status"), [(59, 200), (60, 404), (61, 404)])
def test_a_forgot_link_lasts_an_hour(app, pin, smtp, minutes, status):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    _forgot(app.test_client(), "polis@example.se")

    pin(NOW + timedelta(minutes=minutes))
    response = _open(app.test_client(), _link_in(inbox.messages[0]))

    assert response.status_code == status


def test_a_link_dies_when_the_password_changes(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    _forgot(app.test_client(), "polis@example.se")
    _forgot(app.test_client(), "polis@example.se")
    first, second = (_link_in(m) for m in inbox.messages)

    _set_password(app.test_client(), second)

    assert _open(app.test_client(), first).status_code == 404


def test_known_and_unknown_addresses_get_the_same_answer(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")

    known = _forgot(app.test_client(), "polis@example.se")
    unknown = _forgot(app.test_client(), "nobody@example.se")

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert known.get_data() == unknown.get_data()
    assert [m["To"] for m in inbox.messages] == ["polis@example.se"]


def test_a_disabled_account_gets_no_mail(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    user = db.session.scalar(select(User).where(User.email == "polis@example.se"))
    user.active = False
    db.session.commit()

    answer = _forgot(app.test_client(), "polis@example.se")

    assert (answer.status_code, inbox.messages) == (200, [])


def _without_token(response, email):
    body = response.get_data(as_text=True)
    body = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "TOKEN", body)
    return body.replace(email, "EMAIL")


MAIL_FAILED = (
    "Det gick inte att skicka mejl just nu. Försök igen om en stund, eller be en "
    "administratör om en länk"
)


def test_a_mail_server_that_is_down_gets_a_clear_message_and_reveals_nothing(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    make_user(app, "police")

    known = _forgot(app.test_client(), "polis@example.se")
    unknown = _forgot(app.test_client(), "nobody@example.se")

    assert (known.status_code, unknown.status_code) == (503, 503)
    assert error_summary(known) == [MAIL_FAILED]
    assert _without_token(known, "polis@example.se") == _without_token(unknown, "nobody@example.se")
    assert soup(known).find("input", attrs={"name": "email"})["value"] == "polis@example.se"
    assert "password mail not sent" in caplog.text


def test_a_mail_server_that_refuses_gets_the_same_clear_message(app, smtp):  # noqa: F811
    inbox, port = smtp
    inbox.refuse = True
    _mail_to(app, port)
    make_user(app, "police")

    known = _forgot(app.test_client(), "polis@example.se")
    unknown = _forgot(app.test_client(), "nobody@example.se")

    assert (known.status_code, unknown.status_code) == (503, 503)
    assert error_summary(unknown) == [MAIL_FAILED]
    assert _without_token(known, "polis@example.se") == _without_token(unknown, "nobody@example.se")


def test_without_a_mail_server_the_page_says_to_ask_an_admin(app):
    make_user(app, "police")
    client = app.test_client()

    page = client.get("/sv/staff/password/forgot")
    posted = client.post("/sv/staff/password/forgot", data={"email": "polis@example.se"})

    assert "Kontakta en administratör" in soup(page).main.get_text()
    assert soup(page).find("input", attrs={"name": "email"}) is None
    assert posted.status_code in (200, 400)
    assert db.session.scalar(select(User).where(User.must_set_password)) is None


def test_the_login_page_links_to_the_forgot_page(client):
    page = soup(client.get("/en/staff/login"))

    assert page.find("a", string="Forgotten your password?")["href"] == (
        "/en/staff/password/forgot"
    )


def _change(client, current=PASSWORD, new=NEW_PASSWORD, repeat=None):
    return post_form(
        client,
        "/sv/staff/account/password",
        {"current": current, "password": new, "repeat": repeat or new},
    )


def test_changing_the_password_ends_every_other_session(app):
    mine = logged_in(app, "police")
    other = app.test_client()
    login(other, "polis@example.se")

    changed = _change(mine)

    assert changed.status_code == 302
    assert changed.headers["Location"] == "/sv/staff/account"
    assert "Lösenordet är bytt" in soup(mine.get("/sv/staff/account")).main.get_text()
    assert mine.get("/sv/staff/").status_code == 200
    assert other.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")
    assert login(app.test_client(), "polis@example.se", NEW_PASSWORD).status_code == 302
    assert "password.change" in _actions()


def test_the_change_form_names_its_fields_for_password_managers(app):
    client = logged_in(app, "police")

    page = soup(client.get("/sv/staff/account/password"))
    form = page.find("form", attrs={"action": "/sv/staff/account/password"})

    assert {i["name"]: i.get("autocomplete") for i in form.find_all("input")} == {
        "csrf_token": None,
        "username": "username",
        "current": "current-password",
        "password": "new-password",
        "repeat": "new-password",
    }


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("fel lösenord helt", NEW_PASSWORD, None, "Fel lösenord. Skriv ditt nuvarande lösenord"),
        (PASSWORD, NEW_PASSWORD, "något annat här", "Lösenorden är inte lika"),
        (PASSWORD, "kort", None, "Skriv ett lösenord med minst 12 tecken"),
        (PASSWORD, "password1234", None, "Lösenordet är för vanligt"),
        (PASSWORD, "x" * 1025, None, "Skriv ett lösenord med högst 1024 tecken"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(app, current, new, repeat, message):
    client = logged_in(app, "police")

    response = _change(client, current, new, repeat)

    assert response.status_code == 400
    assert [m for m in error_summary(response) if m.startswith(message)] != []
    assert login(app.test_client(), "polis@example.se").status_code == 302


def _admin_link(admin, user_id):
    page = post_form(admin, f"/sv/staff/users/{user_id}/password-link", {}, token_from="/sv/staff/")
    return page, soup(page).find(id="link").get_text(strip=True)


def _user_id(email):
    return db.session.scalar(select(User.id).where(User.email == email))


def test_an_admin_link_works_once_and_the_old_password_must_go(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    admin = logged_in(app, "admin")
    make_user(app, "police")
    colleague = app.test_client()

    page, link = _admin_link(admin, _user_id("polis@example.se"))
    login(colleague, "polis@example.se")  # the old password still opens, but only one page
    forced = colleague.get("/sv/staff/presence")
    done = _set_password(app.test_client(), link)
    again = _open(app.test_client(), link)

    assert page.status_code == 200
    assert LINK.fullmatch(link)
    assert [m["To"] for m in inbox.messages] == ["polis@example.se"]
    assert _link_in(inbox.messages[0]) == link
    assert forced.headers["Location"] == "/sv/staff/account/password"
    assert done.status_code == 200
    assert again.status_code == 404
    assert login(app.test_client(), "polis@example.se", NEW_PASSWORD).status_code == 302
    assert "password.link.admin" in _actions()


def test_a_reset_account_may_only_change_its_password(app):
    admin = logged_in(app, "admin")
    make_user(app, "police")
    _admin_link(admin, _user_id("polis@example.se"))
    colleague = app.test_client()
    login(colleague, "polis@example.se")

    blocked = colleague.get("/sv/staff/account")
    changed = _change(colleague)
    free = colleague.get("/sv/staff/account")

    assert blocked.headers["Location"] == "/sv/staff/account/password"
    assert changed.status_code == 302
    assert free.status_code == 200


def test_the_cli_prints_a_link_that_works_once(app):
    make_user(app, "admin")

    result = app.test_cli_runner().invoke(args=["reset-password", "ADMIN@example.se"])
    link = LINK.search(result.output).group(0)
    first = _set_password(app.test_client(), link)
    second = _open(app.test_client(), link)
    unknown = app.test_cli_runner().invoke(args=["reset-password", "nobody@example.se"])

    assert result.exit_code == 0
    assert (first.status_code, second.status_code) == (200, 404)
    assert login(app.test_client(), "admin@example.se", NEW_PASSWORD).status_code == 302
    assert (unknown.exit_code, "no account" in unknown.output) == (1, True)


def test_the_account_page_shows_recent_logins_without_addresses(app):
    make_user(app, "police")
    login(app.test_client(), "polis@example.se", "fel lösenord helt klart")
    client = app.test_client()
    login(client, "polis@example.se")

    page = soup(client.get("/en/staff/account"))
    rows = [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.tbody.find_all("tr")
    ]

    assert page.h1.get_text(strip=True) == "My account"
    assert rows == [
        ["2026-11-24 09:30:00 UTC", "Succeeded"],
        ["2026-11-24 09:30:00 UTC", "Failed"],
    ]
    assert {c.name for c in LoginRecord.__table__.columns} == {"id", "user_id", "at", "success"}


def test_sign_out_everywhere_ends_every_session(app):
    mine = logged_in(app, "police")
    other = app.test_client()
    login(other, "polis@example.se")

    response = post_form(mine, "/sv/staff/account/sessions/end", {}, token_from="/sv/staff/account")

    assert response.headers["Location"] == "/sv/staff/login"
    assert mine.get("/sv/staff/").status_code == 302
    assert other.get("/sv/staff/").status_code == 302


def _fail_logins(app, times, address="203.0.113.5"):
    return [
        post_form(
            app.test_client(),
            "/sv/staff/login",
            {"email": "polis@example.se", "password": "fel lösenord helt klart"},
        ).status_code
        for _ in range(times)
    ]


def test_the_throttled_answer_says_how_long_to_wait(app):
    make_user(app, "police")
    _fail_logins(app, 5)

    throttled = login(app.test_client(), "polis@example.se")

    assert throttled.status_code == 429
    text = soup(throttled).main.get_text(" ", strip=True)
    minutes = int(re.search(r"igen om (\d+) minut", text).group(1))
    assert 1 <= minutes <= 15
    assert int(throttled.headers["Retry-After"]) <= minutes * 60


def test_an_admin_can_lift_the_throttle(app):
    admin = logged_in(app, "admin")
    make_user(app, "police")
    _fail_logins(app, 5)
    assert login(app.test_client(), "polis@example.se").status_code == 429

    post_form(
        admin,
        f"/sv/staff/users/{_user_id('polis@example.se')}/throttle/clear",
        {},
        token_from="/sv/staff/",
    )

    assert login(app.test_client(), "polis@example.se").status_code == 302
    assert "login.unthrottle" in _actions()


def test_strangers_failing_cannot_lock_out_a_browser_that_logged_in_before(app):
    make_user(app, "police")
    owner = app.test_client()
    login(owner, "polis@example.se")
    post_form(owner, "/sv/staff/logout", {}, token_from="/sv/staff/")
    _fail_logins(app, 5)

    stranger = login(app.test_client(), "polis@example.se")
    back = login(owner, "polis@example.se")

    assert stranger.status_code == 429
    assert back.status_code == 302


def test_the_forgot_page_is_throttled_per_account(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")

    answers = [_forgot(app.test_client(), "polis@example.se").status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    assert len(inbox.messages) == 5


@needs_redis
def test_lifting_the_throttle_works_on_redis_for_every_worker(database_url):
    first = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    with first.app_context():
        limiter.reset()
        admin = logged_in(first, "admin")
        make_user(first, "police")
        _fail_logins(first, 5)
        user_id = _user_id("polis@example.se")
        post_form(admin, f"/sv/staff/users/{user_id}/throttle/clear", {}, token_from="/sv/staff/")
        db.session.remove()
        db.engine.dispose()
    second = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)  # another worker
    with second.app_context():
        response = login(second.test_client(), "polis@example.se")
        limiter.reset()
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 302


def test_mail_follows_the_language_the_colleague_logs_in_with(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    admin = logged_in(app, "admin")
    make_user(app, "police")
    login(app.test_client(), "polis@example.se", lang="en")

    _admin_link(admin, _user_id("polis@example.se"))  # the admin works in Swedish

    [message] = inbox.messages
    assert message["Subject"] == (
        "Choose a password for your Närvaro account at Sävsjö Municipality"
    )
    assert "/en/staff/password/set#" in _link_in(message)


def test_setting_a_password_by_link_ends_every_session(app):
    client = logged_in(app, "police")
    result = app.test_cli_runner().invoke(args=["reset-password", "polis@example.se"])

    _set_password(app.test_client(), LINK.search(result.output).group(0))

    assert client.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")


def test_logins_beyond_the_hashing_slots_are_asked_to_retry(app):
    make_user(app, "police")
    # Every slot of this process is taken (as by other logins in progress).
    app.config["ARGON2_WAIT"] = 0.05
    slots = passwords.hasher(app.config).slots
    for _ in range(app.config["ARGON2_SLOTS"]):
        slots.acquire()
    try:
        busy = login(app.test_client(), "polis@example.se")
    finally:
        for _ in range(app.config["ARGON2_SLOTS"]):
            slots.release()

    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert soup(busy).h1.get_text(strip=True) == "Många loggar in just nu"
    assert login(app.test_client(), "polis@example.se").status_code == 302


def test_the_audit_log_names_the_account_as_the_object_of_ones_own_actions(app):
    client = logged_in(app, "police")
    _change(client)
    post_form(client, "/sv/staff/logout", {}, token_from="/sv/staff/")

    db.session.rollback()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("password.change", "logout")))
    ).all()
    assert sorted((e.action, e.object_type) for e in events) == [
        ("logout", "User"),
        ("password.change", "User"),
    ]


def test_the_host_header_never_chooses_the_sender(app, smtp):  # noqa: F811
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="")
    make_user(app, "police")
    client, evil = app.test_client(), {"Host": "evil.example"}
    page = client.get("/sv/staff/password/forgot", headers=evil)
    token = soup(page).find("input", attrs={"name": "csrf_token"})["value"]

    sent = client.post(
        "/sv/staff/password/forgot",
        data={"csrf_token": token, "email": "polis@example.se"},
        headers=evil,
    )

    [message] = inbox.messages
    assert sent.status_code == 200
    assert message["From"] == "narvaro@narvaro.example"  # PUBLIC_BASE_URL's host
    assert message["Message-ID"].endswith("@narvaro.example>")
    assert "evil.example" not in message.as_string()


def test_an_admin_reset_ends_the_colleagues_sessions(app):
    admin = logged_in(app, "admin")
    colleague = logged_in(app, "police")
    assert colleague.get("/sv/staff/").status_code == 200

    page, _link = _admin_link(admin, _user_id("polis@example.se"))

    assert page.status_code == 200
    assert colleague.get("/sv/staff/").headers["Location"].startswith("/sv/staff/login")
    assert admin.get("/sv/staff/").status_code == 200
    db.session.rollback()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.link.admin"))
    assert event.after == {"ended": 1}


def test_a_wrong_current_password_is_throttled_like_a_login(app):
    client = logged_in(app, "police")

    wrong = [_change(client, current="inte mitt lösenord alls").status_code for _ in range(6)]
    right = _change(client)

    assert wrong == [400] * 5 + [429]
    assert right.status_code == 429  # the account's count holds for the right password too
    assert login(app.test_client(), "polis@example.se").status_code == 302  # not locked out


def test_strangers_naming_an_account_cannot_block_its_owners_forgot_page(app, smtp):  # noqa: F811
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")
    owner = app.test_client()
    login(owner, "polis@example.se")  # this browser is the owner's from now on
    post_form(owner, "/sv/staff/logout", {}, token_from="/sv/staff/")

    strangers = [_forgot(app.test_client(), "polis@example.se").status_code for _ in range(6)]
    own = _forgot(owner, "polis@example.se")

    assert strangers == [200] * 5 + [429]
    assert own.status_code == 200
    assert len(inbox.messages) == 6
