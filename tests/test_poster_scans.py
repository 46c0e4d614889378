"""/q/<code>: the form opens in the phone's language; prefetches and repeat scans from one
client are not counted (the limiter keys on an HMAC of the address, which is never stored)."""

import time
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import make_poster
from webapp.extensions import db, limiter
from webapp.models import PosterScan


def _scans(poster):
    poster_id = poster.id
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    rows = db.session.execute(
        select(PosterScan.day, PosterScan.scans).where(PosterScan.poster_id == poster_id)
    )
    return sorted(tuple(row) for row in rows)


def _from(address, **headers):
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": headers}


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        (None, "sv"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("en;q=0.5,sv;q=0.9", "sv"),
        ("de,fr;q=0.8", "sv"),
        ("de,en;q=0.3", "en"),
        ("*", "sv"),
    ],
)
def test_the_form_opens_in_the_language_the_phone_asks_for(app, client, accept, lang):
    poster = make_poster("torget")
    headers = {"Accept-Language": accept} if accept else {}

    response = client.get(f"/q/{poster.code}", headers=headers)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/{lang}/feedback/torget/{poster.code}"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Sec-Purpose", "prefetch"),
        ("Sec-Purpose", "prefetch;prerender"),
        ("Purpose", "prefetch"),
        ("Purpose", "Prefetch"),
    ],
)
def test_a_prefetch_is_redirected_but_not_counted(app, client, header, value):
    poster = make_poster("torget")

    prefetch = client.get(f"/q/{poster.code}", **_from("192.0.2.1", **{header: value}))
    scan = client.get(f"/q/{poster.code}", **_from("192.0.2.2"))

    assert (prefetch.status_code, scan.status_code) == (303, 303)
    assert prefetch.headers["Location"] == f"/sv/feedback/torget/{poster.code}"
    assert _scans(poster) == [(date(2026, 11, 24), 1)]


def test_repeat_scans_from_one_client_count_once_per_ten_minutes(app, client):
    poster = make_poster("torget")
    other = make_poster("torget")
    url = f"/q/{poster.code}"

    responses = [client.get(url, **_from("192.0.2.1")) for _ in range(5)]
    responses.append(client.get(url, **_from("192.0.2.2")))
    responses.append(client.get(f"/q/{other.code}", **_from("192.0.2.1")))

    assert [r.status_code for r in responses] == [303] * 7
    assert {r.headers["Location"] for r in responses[:6]} == {f"/sv/feedback/torget/{poster.code}"}
    assert (_scans(poster), _scans(other)) == (
        [(date(2026, 11, 24), 2)],
        [(date(2026, 11, 24), 1)],
    )


def test_the_scan_limit_is_a_setting(app, client):
    app.config["SCAN_CLIENT_LIMIT"] = "3 per 10 minutes"
    poster = make_poster("torget")

    for _ in range(5):
        client.get(f"/q/{poster.code}", **_from("192.0.2.1"))

    assert _scans(poster) == [(date(2026, 11, 24), 3)]


def test_the_limiter_holds_a_ten_minute_counter_without_the_address(app, client):
    poster = make_poster("torget")

    started = time.time()
    client.get(f"/q/{poster.code}", **_from("198.51.100.77"))

    [(key, expiry)] = [
        (key, expiry) for key, expiry in limiter.storage.expirations.items() if "poster-scan" in key
    ]
    assert "198.51.100.77" not in key
    assert poster.code in key and "feedback:" in key
    assert started + 599 <= expiry <= time.time() + 600
