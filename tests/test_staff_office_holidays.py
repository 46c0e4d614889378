"""The staff office page lists the holidays that close the office, from the data file's
[holidays] settings, instead of naming Swedish days in a fixed sentence."""

from sqlalchemy import select

from tests.support.html import soup
from tests.support.staff import logged_in
from webapp.extensions import db
from webapp.models import Municipality


def _holidays(response):
    return [li.get_text(" ", strip=True) for li in soup(response).select("ul.holidays li")]


def _set_holidays(**rules):
    municipality = db.session.scalar(select(Municipality))
    municipality.translations = {**municipality.translations, "holidays": rules}
    db.session.commit()


def test_the_default_settings_list_public_and_de_facto_holidays(app):
    client = logged_in(app, "police")

    response = client.get("/sv/staff/office")

    listed = _holidays(response)
    assert response.status_code == 200
    assert listed[:5] == [
        "tors 24 dec. 2026: Julafton",
        "fre 25 dec. 2026: Juldagen",
        "lör 26 dec. 2026: Annandag jul",
        "tors 31 dec. 2026: Nyårsafton",
        "fre 1 jan. 2027: Nyårsdagen",
    ]
    assert "fre 25 juni 2027: Midsommarafton" in listed
    assert "julafton, midsommarafton och nyårsafton" not in response.get_data(as_text=True)


def test_only_public_holidays_leave_out_christmas_eve(app):
    _set_holidays(country="SE", categories=["public"])
    client = logged_in(app, "municipality")

    listed = _holidays(client.get("/sv/staff/office"))

    assert listed[:3] == [
        "fre 25 dec. 2026: Juldagen",
        "lör 26 dec. 2026: Annandag jul",
        "fre 1 jan. 2027: Nyårsdagen",
    ]
    assert not [item for item in listed if "afton" in item]


def test_the_holidays_are_named_in_the_page_language(app):
    client = logged_in(app, "police")

    response = client.get("/en/staff/office")

    assert _holidays(response)[:2] == [
        "Thu 24 Dec 2026: Christmas Eve",
        "Fri 25 Dec 2026: Christmas Day",
    ]
    assert soup(response).select_one("ul.holidays").find_previous("p").get_text(strip=True) == (
        "The office closes automatically on the holidays in the data file. The next twelve months:"
    )
