"""Mail in a right-to-left language reads in order: the HTML part says its direction and keeps
the link left to right; the text part puts numbers, codes and the link between the isolates
LRI … PDI (mail programs show plain text with the bidirectional algorithm too). Parsed back
with the email package. (Staff mail is Swedish or English today; the builder is ready.)"""

import email
import shutil
from email import policy

import pytest
from bs4 import BeautifulSoup

from tests.conftest import make_app
from webapp.mail import password_link_message, plain_text

LINK = "https://narvaro.example/sv/staff/password/set#K7M3-QX2P"
LRI, PDI = "\u2066", "\u2069"


@pytest.fixture(scope="module")
def app(sqlite_template, tmp_path_factory):
    """One app for the module: building a mail reads nothing the tests here change."""
    path = tmp_path_factory.mktemp("mail") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    return make_app(f"sqlite:///{path}")


def _sent(app, lang):
    """The message as a mail program receives it: built, turned into bytes, parsed again."""
    with app.test_request_context():
        message = password_link_message(
            to="polis@example.se",
            sender="narvaro@kommun.example",
            link=LINK,
            purpose="forgot",
            lang=lang,
            hours=24,
            name="Sävsjö kommun",
        )
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_a_right_to_left_mail_isolates_its_link_and_says_its_direction(app, lang):
    received = _sent(app, lang)
    text = received.get_body(("plain",)).get_content()
    html = BeautifulSoup(received.get_body(("html",)).get_content(), "html.parser")

    assert f"\n{LRI}{LINK}{PDI}\n" in text
    assert (html.html["lang"], html.html["dir"]) == (lang, "rtl")
    assert html.find("a", href=LINK).parent["dir"] == "ltr"
    assert received["Content-Language"] == lang


def test_a_left_to_right_mail_has_no_isolates(app):
    received = _sent(app, "sv")
    text = received.get_body(("plain",)).get_content()
    html = BeautifulSoup(received.get_body(("html",)).get_content(), "html.parser")

    assert f"\n{LINK}\n" in text and LRI not in text and PDI not in text
    assert html.html["dir"] == "ltr"


def test_numbers_and_codes_in_a_right_to_left_text_part_are_isolated():
    text = "اتصل بـ 114 14 أو 070-123 45 67 بين 13:00–18:00، أو اكتب إلى polisen.se.\nرمز 112."

    assert plain_text(text, "ar") == (
        f"اتصل بـ {LRI}114 14{PDI} أو {LRI}070-123 45 67{PDI} بين {LRI}13:00–18:00{PDI}، "
        f"أو اكتب إلى {LRI}polisen.se{PDI}.\nرمز 112."
    )
    assert plain_text(text, "en") == text
