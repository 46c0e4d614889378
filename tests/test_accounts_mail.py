"""A forgotten password never tells whether an account exists, even when the mail server
fails: whatever goes wrong after the server took our sender (a refused recipient, a dropped
connection) is logged and answered like an unknown address; a server that cannot be reached
answers the same 503 for everyone."""

import re

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.support.html import error_summary, soup
from tests.support.servers import free_port
from tests.support.smtp import smtp  # noqa: F401 - the fixture
from tests.support.staff import csrf_token
from webapp.extensions import db
from webapp.models import PasswordToken, User

# The same length: the form page shows the address typed, and Content-Length must match.
KNOWN, UNKNOWN = "polis@example.se", "okand@example.se"
CLIENT = "203.0.113.77"  # the resident's address must appear in no log line


def _mail_to(app, port):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="narvaro@kommun.example"
    )


def _forgot(app, email, n):
    """The forgot form from a client of its own (each its own rate-limit budget)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}" if n else CLIENT
    token = csrf_token(client, "/sv/staff/password/forgot")
    return client.post("/sv/staff/password/forgot", data={"csrf_token": token, "email": email})


WALL_CLOCK = {"Date", "Retry-After", "X-RateLimit-Reset"}


def _header_value(name, value):
    if name in WALL_CLOCK:
        return "TIME"
    return re.sub(r"^[^=]+=[^;]*", "COOKIE", value) if name == "Set-Cookie" else value


def _answer(response, email):
    """Everything a client sees but the CSRF token, the cookie's value, the address typed and
    the values of the headers read off the wall clock (two answers FORGOT_ANSWER_FLOOR apart
    may fall in different seconds)."""
    body = response.get_data(as_text=True)
    body = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "TOKEN", body)
    headers = sorted((name, _header_value(name, value)) for name, value in response.headers.items())
    return response.status_code, headers, body.replace(email, "EMAIL")


def _known_and_unknown(app):
    make_user(app, "police")
    return _forgot(app, KNOWN, 1), _forgot(app, UNKNOWN, 2)


def _account_id():
    return db.session.scalar(select(User.id).where(User.email == KNOWN))


def test_a_refused_recipient_answers_like_an_unknown_address(app, smtp, caplog):  # noqa: F811
    inbox, port = smtp
    inbox.refuse_recipients = {KNOWN}
    _mail_to(app, port)

    known, unknown = _known_and_unknown(app)

    assert known.status_code == 200
    assert soup(known).h1.get_text(strip=True) == "Titta i din e-post"
    assert _answer(known, KNOWN) == _answer(unknown, UNKNOWN)
    assert inbox.messages == []
    assert f"password mail (account {_account_id()}) not delivered: recipient refused (550)" in (
        caplog.text
    )
    assert KNOWN not in caplog.text
    assert CLIENT not in caplog.text and "203.0.113." not in caplog.text


def test_a_server_that_drops_the_mail_answers_like_an_unknown_address(app, smtp, caplog):  # noqa: F811
    inbox, port = smtp
    inbox.drop_at_data = True
    _mail_to(app, port)

    known, unknown = _known_and_unknown(app)

    assert known.status_code == 200
    assert _answer(known, KNOWN) == _answer(unknown, UNKNOWN)
    assert "DATA" in inbox.commands
    assert f"password mail (account {_account_id()}) not delivered: SMTPServerDisconnected" in (
        caplog.text
    )
    assert KNOWN not in caplog.text and "203.0.113." not in caplog.text


def test_a_server_that_is_down_answers_503_for_everyone(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens

    known, unknown = _known_and_unknown(app)

    assert known.status_code == 503
    assert error_summary(known)[0].startswith("Det gick inte att skicka mejl just nu")
    assert _answer(known, KNOWN) == _answer(unknown, UNKNOWN)
    assert soup(known).find("input", attrs={"name": "email"})["value"] == KNOWN
    assert "password mail not sent: 127.0.0.1:" in caplog.text
    assert KNOWN not in caplog.text and "203.0.113." not in caplog.text
    # Nothing was issued while the server was down: no link waits unsent.
    assert db.session.scalars(select(PasswordToken)).all() == []


def test_a_refused_sender_answers_503_for_everyone(app, smtp):  # noqa: F811
    inbox, port = smtp
    inbox.refuse = True  # the same for every recipient: safe to say
    _mail_to(app, port)

    known, unknown = _known_and_unknown(app)

    assert (known.status_code, _answer(known, KNOWN)) == (503, _answer(unknown, UNKNOWN))


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_known_and_unknown_addresses_cost_the_mail_server_as_many_round_trips(
    app,
    smtp,  # noqa: F811
    email,
):
    inbox, port = smtp
    _mail_to(app, port)
    make_user(app, "police")

    _forgot(app, email, 1)

    # After the check of our sender (MAIL, RSET): a mail is MAIL, RCPT, DATA and the
    # message; nobody's is MAIL, NOOP, NOOP, RSET.
    after_check = inbox.commands[2:]
    round_trips = len(after_check) + after_check.count("DATA")
    assert inbox.commands[:2] == ["MAIL", "RSET"]
    assert round_trips == 4
    assert len(inbox.messages) == (email == KNOWN)


def test_a_password_mail_names_the_municipality_or_the_area_in_the_readers_language(app, smtp):  # noqa: F811
    from tests.support.staff import staff_client
    from tests.test_police_area_data import load_test_area, town

    inbox, port = smtp
    _mail_to(app, port)
    load_test_area()
    admin = staff_client(app, "admin", email="admin@omradet.example")
    token = csrf_token(admin, "/vastby/sv/staff/users")
    people = {
        "kommun@vastby.example": (town("vastby"), "en"),
        "polis@omradet.example": (None, "sv"),
    }
    for email, (home, lang) in people.items():
        db.session.add(
            User(
                email=email,
                password_hash="not-used",
                role="police",
                created_at=app.config["NOW"],
                municipality_id=home.id if home else None,
                language=lang,
            )
        )
    db.session.commit()

    for email in people:
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        answer = admin.post(
            f"/vastby/sv/staff/users/{user_id}/password-link", data={"csrf_token": token}
        )
        assert answer.status_code == 200

    vastby, area = inbox.messages
    assert (vastby["To"], vastby["Content-Language"], vastby["Subject"]) == (
        "kommun@vastby.example",
        "en",
        "Choose a password for your Närvaro account at Västby Municipality",
    )
    plain = vastby.get_body(("plain",)).get_content()
    assert (
        "An administrator has given you a link to choose a password for your Närvaro account "
        "at Västby Municipality." in plain.replace("\n", " ")
    )
    html = soup(vastby.get_body(("html",)).get_content())
    assert html.title.get_text() == vastby["Subject"]
    assert (area["To"], area["Content-Language"], area["Subject"]) == (
        "polis@omradet.example",
        "sv",
        "Välj ett lösenord till ditt konto i Närvaro för Lokalpolisområde Testområdet",
    )
    assert "Sävsjö" not in area.as_string() and "Västby" not in area.as_string()
