"""Residents' feedback forms, filled like a browser: fetch the page, take its token, wait past
the minimum fill time by moving the pinned clock, post."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.support.html import soup
from webapp.extensions import db
from webapp.models import Feedback

FILLED = timedelta(seconds=30)  # how long "a person" takes to fill in the form


def form_token(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return soup(page).find("input", attrs={"name": "token"})["value"]


def submit(app, client, url, data, *, after=FILLED, token=None, **request_options):
    """Open the form now, send `data` `after` later (the clock moves, then moves back)."""
    opened = app.config["NOW"]
    token = form_token(client, url) if token is None else token
    app.config["NOW"] = opened + after
    try:
        return client.post(url, data={"token": token, **data}, **request_options)
    finally:
        app.config["NOW"] = opened


def feedback_count() -> int:
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    return db.session.scalar(select(func.count(Feedback.id)))
