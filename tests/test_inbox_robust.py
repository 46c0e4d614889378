"""The staff inbox answers odd query strings and ids with pages, never a 500, and builds its
links only from the validated filter."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import NOW
from tests.factories import place
from tests.support.html import soup
from tests.support.staff import csrf_token, logged_in
from webapp.extensions import db
from webapp.feedback.service import Answers, submit_feedback

INBOX = "/sv/staff/feedback"
HUGE = "1" + "0" * 23


def _feedback(count, slug="torget"):
    for n in range(count):
        submit_feedback(
            db.session,
            place=place(slug),
            poster=None,
            answers=Answers(comment=f"Synpunkt {n}"),
            lang="sv",
            now=NOW - timedelta(minutes=n),
        )
    db.session.commit()


def _parsed(url):
    """(scheme, host, path, sorted query pairs) of a link."""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, sorted(parse_qsl(parts.query))


def _pager(response):
    nav = soup(response).select_one("nav.actions")
    return nav.get_text(" ", strip=True), [_parsed(a["href"]) for a in nav.select("a")]


def test_a_lang_argument_does_not_break_the_inbox(app):
    client = logged_in(app, "police")

    response = client.get(f"{INBOX}?lang=de&place=torget")

    export = soup(response).select_one("a.button[href*='export.csv']")["href"]
    assert response.status_code == 200
    assert export == "/sv/staff/feedback/export.csv?place=torget"


@pytest.mark.parametrize(
    "query", ["_external=1&_scheme=javascript", "_anchor=x", "_method=POST", "lang=de&page=2"]
)
def test_unknown_arguments_never_reach_the_links(app, query):
    client = logged_in(app, "police")

    response = client.get(f"{INBOX}?{query}&state=new")

    export = soup(response).select_one("a.button[href*='export.csv']")["href"]
    assert response.status_code == 200
    assert export == "/sv/staff/feedback/export.csv?state=new"


def test_an_invalid_export_goes_back_to_the_form_without_foreign_arguments(app):
    client = logged_in(app, "police")

    response = client.get(f"{INBOX}/export.csv?lang=de&poster=!!!&_external=1")

    assert response.status_code == 302
    assert _parsed(response.headers["Location"]) == ("", "", INBOX, [("poster", "!!!")])


@pytest.mark.parametrize("page", [HUGE, "-" + HUGE, "99", "0", "x"])
def test_a_page_number_out_of_range_shows_a_page_that_exists(app, page):
    _feedback(51)
    client = logged_in(app, "police")

    response = client.get(f"{INBOX}?page={page}&place=torget")

    expected = 2 if page in (HUGE, "99") else 1
    assert response.status_code == 200
    assert len(soup(response).select(".feedback-list li")) == (1 if expected == 2 else 50)
    text, hrefs = _pager(response)
    assert text.count(f"Sida {expected} av 2") == 1
    other = "1" if expected == 2 else "2"
    assert hrefs == [("", "", INBOX, [("page", other), ("place", "torget")])]


@pytest.mark.parametrize("suffix", ["", "/mask"])
def test_huge_feedback_ids_are_not_found(app, suffix):
    client = logged_in(app, "police")

    assert client.get(f"{INBOX}/{HUGE}{suffix}").status_code == 404
    assert client.get(f"{INBOX}/2147483648{suffix}").status_code == 404


def test_changing_a_huge_feedback_id_is_not_found(app):
    client = logged_in(app, "police")
    token = csrf_token(client, INBOX)

    response = client.post(f"{INBOX}/{HUGE}/case", data={"csrf_token": token, "state": "read"})

    assert response.status_code == 404
