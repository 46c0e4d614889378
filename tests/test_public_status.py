"""The home page's office status box and next presence, at pinned moments (Sävsjö local time)."""

from datetime import UTC, date, datetime

import pytest

from tests.conftest import CALENDAR
from tests.factories import make_closure
from tests.support.html import soup
from webapp.schedule.calendar_file import load_calendar_file

LANGS = load_calendar_file(CALENDAR).languages


def text_of(element) -> str:
    return " ".join(element.get_text().split())


def status_box(client, url="/sv/"):
    response = client.get(url)
    assert response.status_code == 200
    box = soup(response).find("section", id="office-status")
    return box["data-state"], text_of(box)


@pytest.mark.parametrize("lang", LANGS)
def test_status_state_is_the_same_in_every_language(client, pin, lang):
    states = []
    for moment in (
        datetime(2026, 11, 24, 9, 30, tzinfo=UTC),  # Tuesday 10:30 local
        datetime(2026, 11, 24, 6, 0, tzinfo=UTC),  # Tuesday 07:00 local
        datetime(2026, 12, 25, 10, 0, tzinfo=UTC),  # juldagen
        datetime(2026, 11, 25, 10, 0, tzinfo=UTC),  # Wednesday
    ):
        pin(moment)
        states.append(status_box(client, f"/{lang}/")[0])

    assert states == ["open", "opens-today", "closed-holiday", "closed"]


def test_status_open_at_pinned_now_says_until_when(client):
    # Tuesday 24 November 2026, 10:30 local.
    state, text = status_box(client)

    assert state == "open"
    assert "Öppet nu till kl. 11:45" in text
    assert "Öppettider idag: 09:30–11:45, 12:45–15:30" in text


def test_status_before_opening_says_opens_today(client, pin):
    pin(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 07:00 local

    state, text = status_box(client)

    assert state == "opens-today"
    assert "Stängt just nu" in text
    assert "Öppnar idag kl. 09:30." in text


def test_status_on_a_closed_weekday_says_opens_tomorrow(client, pin):
    pin(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # Wednesday 11:00 local

    state, text = status_box(client)

    assert state == "closed"
    assert "Öppnar i morgon kl. 12:00." in text
    assert "helgdag" not in text


def test_status_on_christmas_day_names_the_holiday(client, pin):
    pin(datetime(2026, 12, 25, 9, 0, tzinfo=UTC))  # Friday, usually open 08:30-11:30

    state, text = status_box(client)

    assert state == "closed-holiday"
    assert "Stängt idag" in text
    assert "Det är helgdag: Juldagen." in text
    assert "Öppnar tisdag 29 december kl. 09:00." in text


def test_status_on_christmas_eve_names_the_de_facto_holiday(client, pin):
    pin(datetime(2026, 12, 24, 12, 0, tzinfo=UTC))  # Thursday, usually open 12:00-17:30

    state, text = status_box(client)

    assert state == "closed-holiday"
    assert "Det är helgdag: Julafton." in text
    assert "Öppnar tisdag 29 december kl. 09:00." in text


def test_status_holiday_named_from_data_on_english_page(client, pin):
    pin(datetime(2026, 12, 25, 9, 0, tzinfo=UTC))

    state, text = status_box(client, "/en/")

    assert state == "closed-holiday"
    assert "Christmas Day" in text
    assert "Opens Tuesday 29 December at 09:00." in text


def test_status_on_a_closure_day_gives_its_note(client, pin):
    make_closure(first_day=date(2026, 12, 1), last_day=date(2026, 12, 1))  # a Tuesday
    pin(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))

    state, text = status_box(client)

    assert state == "closed-exception"
    assert "Stängt idag" in text
    assert "Ändrat idag: Utbildningsdag." in text
    assert "Öppnar torsdag 3 december kl. 12:00." in text


def test_status_on_a_day_with_shorter_hours_opens_at_the_changed_time(client, pin):
    pin(datetime(2026, 12, 30, 7, 0, tzinfo=UTC))  # Wednesday 08:00, usually closed, 09-11 today

    state, text = status_box(client)

    assert state == "opens-today"
    assert "Ändrat idag: Kortare öppettider i mellandagarna." in text
    assert "Öppnar idag kl. 09:00." in text


def test_status_edges_of_the_day(client, pin):
    states = []
    for moment in (
        datetime(2026, 11, 24, 14, 29, tzinfo=UTC),  # 15:29, afternoon interval
        datetime(2026, 11, 24, 11, 0, tzinfo=UTC),  # 12:00, lunch
        datetime(2026, 11, 24, 14, 30, tzinfo=UTC),  # 15:30, closed for the day
    ):
        pin(moment)
        states.append(status_box(client)[0])

    assert states == ["open", "opens-today", "closed"]


def test_home_lists_next_presence_times_with_place_links(client):
    page = soup(client.get("/sv/"))

    items = page.select("ul.upcoming li")

    assert [text_of(li) for li in items] == [
        "I morgon 10:00–11:30: Biblioteket",
        "Torsdag 26 november 17:00–18:30: Resecentrum",
        "Fredag 27 november 13:00–14:30: Torget",
    ]
    assert [li.a["href"] for li in items] == [
        "/sv/places/biblioteket",
        "/sv/places/resecentrum",
        "/sv/places/torget",
    ]


def test_home_links_feedback_subscribe_and_gives_emergency_numbers(client):
    page = soup(client.get("/sv/"))
    main = page.find("main")

    hrefs = {a["href"] for a in main.find_all("a")}

    assert {"/sv/feedback", "/sv/subscribe", "/sv/presence", "/sv/office"} <= hrefs
    assert {"tel:112", "tel:11414"} <= hrefs
    assert "Ring 112 vid nödläge, annars 114 14." in text_of(main)
