"""Issue 10: the feedback form's timer, single-use tokens and the shared cap under junk posts.

Every test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.support.feedback import feedback_count, submit
from tests.support.html import error_summary, soup
from webapp.config import ConfigError, from_environment
from webapp.extensions import db
from webapp.feedback.receipts import normalise_receipt, receipt_hash
from webapp.models import Feedback

FORM = "/sv/feedback/torget"
ANSWERS = {"met_police": "met", "safety": "4", "comment": "Bra att ni syns."}


def test_a_form_corrected_within_seconds_of_its_error_is_accepted(app, client, pin):
    # Shown at 10:30:00, sent at 10:30:30 with a mistake, corrected and sent 2 s later.
    first = submit(app, client, FORM, {**ANSWERS, "wants_contact": "y"})
    pin(NOW + timedelta(seconds=30))
    token = soup(first).find("input", attrs={"name": "token"})["value"]
    corrected = submit(app, client, FORM, ANSWERS, token=token, after=timedelta(seconds=2))

    assert first.status_code == 400
    assert error_summary(first) == [
        "Skriv ditt telefonnummer eller din e-postadress så att vi kan kontakta dig",
        "Kryssa i att du samtycker, annars kan vi inte spara dina kontaktuppgifter",
    ]
    assert (corrected.status_code, error_summary(corrected)) == (303, [])
    assert feedback_count() == 1


def test_a_too_quick_form_keeps_the_time_it_was_first_shown(app, client, pin):
    first = submit(app, client, FORM, ANSWERS, after=timedelta(seconds=1))
    token = soup(first).find("input", attrs={"name": "token"})["value"]
    pin(NOW + timedelta(seconds=1))
    again = submit(app, client, FORM, ANSWERS, token=token, after=timedelta(seconds=2))

    assert first.status_code == 400
    assert again.status_code == 303
    assert feedback_count() == 1


def test_one_token_stores_one_submission(app, client):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "100 per hour"
    page = client.get(FORM)
    token = soup(page).find("input", attrs={"name": "token"})["value"]

    answers = [
        submit(app, client, FORM, {**ANSWERS, "comment": f"Svar {n}"}, token=token)
        for n in range(25)
    ]

    # A double click or a reload gets the same confirmation and receipt; only the first is
    # stored.
    [(status, location)] = {(r.status_code, r.headers["Location"]) for r in answers}
    path, _sep, receipt = location.partition("?receipt=")
    assert (status, path) == (303, "/sv/feedback/torget/thanks")
    assert feedback_count() == 1
    assert db.session.scalars(select(Feedback)).one().receipt_hash == receipt_hash(
        normalise_receipt(receipt)
    )


def test_every_shown_form_has_a_token_of_its_own(client):
    tokens = {
        soup(client.get(FORM)).find("input", attrs={"name": "token"})["value"] for _ in range(3)
    }

    assert len(tokens) == 3


def test_junk_posts_do_not_switch_the_form_off_for_everyone(app, client):
    app.config["FEEDBACK_ALL_CLIENTS_LIMIT"] = "3 per hour"
    junk = [
        {"comment": "spam"},  # no token
        {**ANSWERS, "leave_empty": "http://spam.example"},  # the honeypot
        {**ANSWERS, "token": "garbage"},
    ]
    statuses = []
    for n in range(30):
        data = junk[n % 3]
        address = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        if "token" in data or "leave_empty" in data:
            statuses.append(submit(app, client, FORM, data, environ_base=address).status_code)
        else:
            statuses.append(client.post(FORM, data=data, environ_base=address).status_code)
    # Sent at once: the form was shown less than the minimum fill time ago.
    too_quick = [
        submit(app, client, FORM, ANSWERS, after=timedelta(seconds=1)).status_code for _ in range(5)
    ]
    residents = [
        submit(app, client, FORM, ANSWERS, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        for n in range(1, 5)
    ]

    assert statuses == [400, 303, 400] * 10
    assert too_quick == [400] * 5
    assert [r.status_code for r in residents] == [303, 303, 303, 429]
    assert feedback_count() == 3


def test_the_all_clients_cap_is_a_setting(monkeypatch):
    assert from_environment()["FEEDBACK_ALL_CLIENTS_LIMIT"] == "300 per hour"
    monkeypatch.setenv("FEEDBACK_ALL_CLIENTS_LIMIT", "50 per 10 minutes")
    assert from_environment()["FEEDBACK_ALL_CLIENTS_LIMIT"] == "50 per 10 minutes"
    monkeypatch.setenv("FEEDBACK_ALL_CLIENTS_LIMIT", "many")
    with pytest.raises(ConfigError, match="FEEDBACK_ALL_CLIENTS_LIMIT must be a rate"):
        from_environment()
