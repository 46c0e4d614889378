"""The feed endpoints on real data (SQLite and PostgreSQL), parsed back with icalendar.

NOW is Tuesday 2026-11-24 10:30 in Sävsjö, so the window is 2026-10-26 .. 2027-05-24.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select
from werkzeug.http import http_date, parse_date

from tests.conftest import NOW, load_default_calendar
from tests.factories import make_closure, make_slot, place
from webapp.extensions import db
from webapp.models import Municipality, PresenceSlot
from webapp.schedule import store
from webapp.schedule.office import holiday_names

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FEEDS = ["/feeds/all.ics", "/feeds/office.ics", "/feeds/presence.ics", "/feeds/places/torget.ics"]


def local(*args):
    return datetime(*args, tzinfo=STOCKHOLM)


def fetch(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response


def calendar(client, url="/feeds/all.ics", **kwargs):
    return icalendar.Calendar.from_ical(fetch(client, url, **kwargs).data)


def events(cal) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def expanded(cal, first: date, last: date):
    """(UID, local start, local end, STATUS, SUMMARY) for events in [first, last)."""
    return [
        (str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt, str(e["STATUS"]), str(e["SUMMARY"]))
        for e in recurring_ical_events.of(cal).between(first, last)
    ]


def office_on(cal, day: date):
    return [e for e in expanded(cal, day, day + timedelta(days=1)) if e[0].startswith("office-")]


def forget_rendered(app):
    """Make the next request render the feed again: the front cache keeps no response."""
    app.extensions["narvaro_front_cache"].forget()


def torget_slot_on(day: date) -> PresenceSlot:
    start, end = (datetime.combine(d, time(0), tzinfo=STOCKHOLM) for d in (day, day + timedelta(1)))
    slots = (
        db.session.query(PresenceSlot)
        .filter(
            PresenceSlot.place_id == place("torget").id,
            PresenceSlot.starts_at >= start,
            PresenceSlot.starts_at < end,
        )
        .all()
    )
    assert len(slots) == 1
    return slots[0]


# --- the calendar object ---------------------------------------------------------------


@pytest.mark.parametrize("url", FEEDS)
def test_feed_lines_are_crlf_folded_and_exact(client, url):
    body = fetch(client, url).data

    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    assert not body.startswith(b"\xef\xbb\xbf")
    text = body.decode().replace("\r\n ", "").split("\r\n")
    assert text[:4] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Närvaro//Närvaro//SV",
        "CALSCALE:GREGORIAN",
    ]
    assert text.count("REFRESH-INTERVAL;VALUE=DURATION:PT1H") == 1
    assert text.count("X-PUBLISHED-TTL:PT1H") == 1
    names = [line.split(":", 1)[1] for line in text if line.startswith(("NAME:", "X-WR-CALNAME:"))]
    assert len(names) == 2 and names[0] == names[1]
    assert [line for line in text if line.startswith(("DESCRIPTION:", "X-WR-CALDESC:"))][:2]
    assert not [line for line in text if line.startswith("METHOD")]
    assert "BEGIN:VALARM" not in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    assert text.index("END:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_all_feed_names_the_municipality(client):
    cal = calendar(client)

    assert str(cal["NAME"]) == "Polisen i Sävsjö kommun"
    assert str(cal["X-WR-CALNAME"]) == "Polisen i Sävsjö kommun"
    assert str(cal["X-WR-CALDESC"]) == str(cal["DESCRIPTION"])


@pytest.mark.parametrize("url", FEEDS)
def test_every_event_is_transparent_zoned_and_uniquely_identified(client, url):
    body = fetch(client, url).data.decode().replace("\r\n ", "")
    cal = icalendar.Calendar.from_ical(body)

    vevents = cal.walk("VEVENT")
    assert vevents
    assert len({str(e["UID"]) for e in vevents}) == len(vevents)
    assert {str(e["TRANSP"]) for e in vevents} == {"TRANSPARENT"}
    after_zone = body.split("END:VTIMEZONE", 1)[1].split("\r\n")
    starts = [line for line in after_zone if line.startswith(("DTSTART", "DTEND"))]
    assert len(starts) == 2 * len(vevents)
    assert all(
        line.startswith(("DTSTART;TZID=Europe/Stockholm:", "DTEND;TZID=Europe/Stockholm:"))
        for line in starts
    )
    order = [(e["DTSTART"].dt.astimezone(UTC), str(e["UID"])) for e in vevents]
    assert order == sorted(order)


def test_window_runs_from_four_weeks_back_to_26_weeks_ahead(client):
    vevents = calendar(client).walk("VEVENT")

    starts = sorted(e["DTSTART"].dt for e in vevents)
    assert starts[0] >= local(2026, 10, 26, 0, 0)
    assert starts[-1] < local(2027, 5, 24, 0, 0)
    assert starts[0] == local(2026, 10, 27, 9, 30)  # the first Tuesday opening in the window
    assert starts[-1].date() == date(2027, 5, 21)  # the last Friday before the window ends


# --- identity and stability ------------------------------------------------------------


@pytest.mark.parametrize("url", FEEDS)
def test_output_is_byte_identical_across_renders_and_a_calendar_reload(app, client, pin, url):
    first = fetch(client, url)
    forget_rendered(app)
    second = fetch(client, url)
    later = NOW + timedelta(days=2)
    pin(later)
    load_default_calendar(now=later)
    forget_rendered(app)
    third = fetch(client, url)

    assert first.data == second.data == third.data
    assert first.headers["ETag"] == third.headers["ETag"]
    assert first.headers["Last-Modified"] == third.headers["Last-Modified"]


def test_same_bytes_whatever_accept_or_user_agent_or_accept_language(client):
    plain = fetch(client, "/feeds/all.ics").data
    google = fetch(client, "/feeds/all.ics", headers={"User-Agent": "Google-Calendar-Importer"})
    other = fetch(
        client,
        "/feeds/all.ics",
        headers={"Accept": "text/html", "Accept-Language": "en", "Accept-Encoding": "gzip"},
    )

    assert plain == google.data == other.data
    assert "Content-Encoding" not in other.headers


def test_office_uids_are_per_day_and_interval(client):
    uids = events(calendar(client, "/feeds/office.ics"))

    tuesday = uids["office-20261201-0@narvaro.example"], uids["office-20261201-1@narvaro.example"]
    assert [(e["DTSTART"].dt, e["DTEND"].dt) for e in tuesday] == [
        (local(2026, 12, 1, 9, 30), local(2026, 12, 1, 11, 45)),
        (local(2026, 12, 1, 12, 45), local(2026, 12, 1, 15, 30)),
    ]
    assert str(tuesday[0]["SUMMARY"]) == "Öppet: Poliskontoret i Sävsjö"
    assert "office-20261202-0@narvaro.example" not in uids  # closed on Wednesdays
    assert all(u.startswith("office-") for u in uids)


# --- time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "before", "after"),
    [
        # October 2026: Fridays at Torget 13:00 local, either side of Sunday 25 October
        (
            datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            ("slot", date(2026, 10, 23), datetime(2026, 10, 23, 11, 0, tzinfo=UTC)),
            ("slot", date(2026, 10, 30), datetime(2026, 10, 30, 12, 0, tzinfo=UTC)),
        ),
        # March 2027: Thursday office 12:00 and Tuesday 09:30 around Sunday 28 March
        (
            NOW,
            ("office", date(2027, 3, 25), datetime(2027, 3, 25, 11, 0, tzinfo=UTC)),
            ("office", date(2027, 3, 30), datetime(2027, 3, 30, 7, 30, tzinfo=UTC)),
        ),
        # October 2027: Thursday office 12:00 and Tuesday 09:30 around Sunday 31 October
        (
            datetime(2027, 10, 20, 9, 0, tzinfo=UTC),
            ("office", date(2027, 10, 28), datetime(2027, 10, 28, 10, 0, tzinfo=UTC)),
            ("office", date(2027, 11, 2), datetime(2027, 11, 2, 8, 30, tzinfo=UTC)),
        ),
    ],
)
def test_local_times_are_right_on_both_sides_of_a_clock_change(client, pin, now, before, after):
    pin(now)
    cal = calendar(client)
    own_zone = cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)

    for kind, day, utc_start in (before, after):
        if kind == "slot":
            expected_uid = f"slot-{torget_slot_on(day).id}@narvaro.example"
        else:
            expected_uid = f"office-{day:%Y%m%d}-0@narvaro.example"
        event = events(cal)[expected_uid]
        wall = event["DTSTART"].dt.replace(tzinfo=None)
        assert event["DTSTART"].dt.astimezone(UTC) == utc_start
        # Read with the feed's own VTIMEZONE, as ical.js (Thunderbird) does.
        assert wall.replace(tzinfo=own_zone).astimezone(UTC) == utc_start


# --- office hours, holidays, closures ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 24), "Julafton"),
        (date(2026, 12, 25), "Juldagen"),
        (date(2026, 12, 31), "Nyårsafton"),
        (date(2027, 1, 1), "Nyårsdagen"),
        (date(2027, 3, 26), "Långfredagen"),
        (date(2027, 5, 6), "Kristi himmelsfärdsdag"),
    ],
)
def test_office_is_cancelled_on_holidays_with_the_holiday_named(client, day, name):
    found = office_on(calendar(client, "/feeds/office.ics"), day)

    assert found
    assert {(status, summary) for _uid, _s, _e, status, summary in found} == {
        ("CANCELLED", f"Stängt: {name}")
    }
    assert [uid for uid, *_ in found][0] == f"office-{day:%Y%m%d}-0@narvaro.example"


def test_holiday_names_follow_lang(client):
    found = office_on(calendar(client, "/feeds/office.ics?lang=en"), date(2026, 12, 25))

    assert found[0][4].endswith("Christmas Day")


def test_closure_with_changed_hours_replaces_the_times(client):
    cal = calendar(client, "/feeds/office.ics")

    for day in (date(2026, 12, 29), date(2026, 12, 30)):
        confirmed = [
            (s, e) for _u, s, e, status, _t in office_on(cal, day) if status == "CONFIRMED"
        ]
        assert confirmed == [
            (datetime.combine(day, time(9), STOCKHOLM), datetime.combine(day, time(11), STOCKHOLM))
        ]
    tuesday = office_on(cal, date(2026, 12, 29))
    assert tuesday[1] == (
        "office-20261229-1@narvaro.example",
        local(2026, 12, 29, 12, 45),
        local(2026, 12, 29, 15, 30),
        "CANCELLED",
        "Stängt: Kortare öppettider i mellandagarna",
    )
    note = str(events(cal)["office-20261229-0@narvaro.example"]["DESCRIPTION"])
    assert note.startswith("Kortare öppettider i mellandagarna")


def test_adding_a_closure_cancels_the_day_and_raises_its_sequence(client, pin):
    uid = "office-20261201-0@narvaro.example"
    before = events(calendar(client, "/feeds/office.ics"))[uid]
    later = NOW + timedelta(hours=2)
    pin(later)

    make_closure(created_at=later)
    after = events(calendar(client, "/feeds/office.ics"))[uid]

    assert str(before["STATUS"]) == "CONFIRMED"
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["SUMMARY"]) == "Stängt: Utbildningsdag"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LAST-MODIFIED"].dt == later
    assert after["DTSTAMP"].dt == later


def test_removing_a_closure_raises_sequence_again_and_last_modified_never_goes_back(client, pin):
    uid = "office-20261201-0@narvaro.example"
    pin(NOW + timedelta(hours=1))
    closure = make_closure(created_at=NOW + timedelta(hours=1))
    closed = fetch(client, "/feeds/office.ics")
    pin(NOW + timedelta(hours=3))

    closure.deleted_at = NOW + timedelta(hours=3)
    db.session.commit()
    reopened = fetch(client, "/feeds/office.ics")

    first, second = (events(icalendar.Calendar.from_ical(r.data))[uid] for r in (closed, reopened))
    assert str(second["STATUS"]) == "CONFIRMED"
    assert second["SEQUENCE"] == first["SEQUENCE"] + 1
    assert second["LAST-MODIFIED"].dt == NOW + timedelta(hours=3)
    assert parse_date(reopened.headers["Last-Modified"]) > parse_date(
        closed.headers["Last-Modified"]
    )
    assert closed.headers["ETag"] != reopened.headers["ETag"]


# --- presence ------------------------------------------------------------------------------


def test_presence_event_has_place_text_location_geo_and_page_link(client):
    slot = torget_slot_on(date(2026, 12, 4))
    event = events(calendar(client, "/feeds/presence.ics"))[f"slot-{slot.id}@narvaro.example"]

    assert str(event["SUMMARY"]) == "Polisen på plats: Torget"
    assert str(event["LOCATION"]) == "Torget, Sävsjö"
    assert event["GEO"].latitude == pytest.approx(57.40315)
    assert event["GEO"].longitude == pytest.approx(14.66530)
    assert str(event["DESCRIPTION"]) == (
        "Mitt i centrum, vid fontänen.\n\nhttps://narvaro.example/sv/places/torget"
    )
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (
        local(2026, 12, 4, 13),
        local(2026, 12, 4, 14, 30),
    )
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["LAST-MODIFIED"].dt == NOW == event["DTSTAMP"].dt


def test_english_feed_uses_the_data_files_english_text(client):
    slot = torget_slot_on(date(2026, 12, 4))
    event = events(calendar(client, "/feeds/presence.ics?lang=en"))[
        f"slot-{slot.id}@narvaro.example"
    ]

    assert str(event["LOCATION"]) == "Torget (the square), Sävsjö"
    assert str(event["URL"]) == "https://narvaro.example/en/places/torget"
    assert "In the town centre, by the fountain." in str(event["DESCRIPTION"])


def test_unknown_lang_gives_swedish(client):
    assert fetch(client, "/feeds/all.ics?lang=de").data == fetch(client, "/feeds/all.ics").data


def test_changed_slot_keeps_uid_and_raises_sequence_and_last_modified(client, pin):
    slot = torget_slot_on(date(2026, 12, 4))
    uid = f"slot-{slot.id}@narvaro.example"
    before = fetch(client, "/feeds/all.ics")
    later = NOW + timedelta(hours=5)
    pin(later)

    slot.starts_at += timedelta(hours=1)
    slot.ends_at += timedelta(hours=1)
    slot.touch(later)
    db.session.commit()
    after = fetch(client, "/feeds/all.ics", headers={"If-None-Match": before.headers["ETag"]})

    old, new = (events(icalendar.Calendar.from_ical(r.data))[uid] for r in (before, after))
    assert new["DTSTART"].dt == local(2026, 12, 4, 14, 0)

    assert new["SEQUENCE"] == old["SEQUENCE"] + 1 == 1
    assert new["LAST-MODIFIED"].dt == later > old["LAST-MODIFIED"].dt
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parse_date(after.headers["Last-Modified"]) == later


def test_cancelled_slot_is_kept_with_reason(client, pin):
    slot = torget_slot_on(date(2026, 12, 4))
    pin(NOW + timedelta(hours=1))

    slot.status = "cancelled"
    slot.note = "Polisen behövs på annat håll"
    slot.touch(NOW + timedelta(hours=1))
    db.session.commit()
    event = events(calendar(client, "/feeds/presence.ics"))[f"slot-{slot.id}@narvaro.example"]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Inställt: Polisen på plats: Torget"
    assert str(event["DESCRIPTION"]).startswith("Polisen behövs på annat håll\n\n")
    assert event["SEQUENCE"] == 1


def test_place_feed_has_only_that_place(client):
    cal = calendar(client, "/feeds/places/biblioteket.ics")
    library = {
        s.id for s in db.session.query(PresenceSlot).filter_by(place_id=place("biblioteket").id)
    }

    uids = list(events(cal))
    assert uids
    assert all(uid.startswith("slot-") for uid in uids)
    assert {int(uid.split("-")[1].split("@")[0]) for uid in uids} <= library
    assert {str(e["LOCATION"]) for e in cal.walk("VEVENT")} == {"Biblioteket, Sävsjö bibliotek"}
    assert str(cal["X-WR-CALNAME"]) == "Polisen på plats: Biblioteket"


def test_same_slot_has_the_same_uid_and_bytes_in_every_feed(client):
    slot = make_slot()
    uid = f"slot-{slot.id}@narvaro.example"

    found = [
        events(calendar(client, url))[uid]
        for url in ("/feeds/all.ics", "/feeds/presence.ics", "/feeds/places/torget.ics")
    ]
    single = events(calendar(client, f"/feeds/slots/{slot.id}.ics"))[uid]

    assert all(e.to_ical() == single.to_ical() for e in found)


def test_office_place_feed_gives_office_hours(client):
    uids = events(calendar(client, "/feeds/places/poliskontoret.ics"))

    assert uids and all(uid.startswith("office-") for uid in uids)


# --- HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", FEEDS)
def test_feed_headers(client, url):
    response = fetch(client, url)

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert "Content-Encoding" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert response.headers["ETag"].startswith('"')  # strong, not W/
    assert response.headers["Last-Modified"] == http_date(NOW)


def test_slot_download_is_one_event_as_attachment(client):
    slot = make_slot(note="Vi bjuder på kaffe")

    response = fetch(client, f"/feeds/slots/{slot.id}.ics")

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=torget-2026-12-02.ics"
    assert "Set-Cookie" not in response.headers
    cal = icalendar.Calendar.from_ical(response.data)
    assert list(events(cal)) == [f"slot-{slot.id}@narvaro.example"]
    assert "X-WR-CALNAME" not in cal and "REFRESH-INTERVAL" not in cal
    assert str(cal.walk("VEVENT")[0]["DESCRIPTION"]).startswith("Vi bjuder på kaffe\n\n")


def test_conditional_get_with_if_none_match_answers_304(client):
    first = fetch(client, "/feeds/all.ics")

    again = client.get("/feeds/all.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_conditional_get_with_if_modified_since_answers_304(client):
    first = fetch(client, "/feeds/all.ics")

    same = client.get(
        "/feeds/all.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    older = client.get(
        "/feeds/all.ics", headers={"If-Modified-Since": http_date(NOW - timedelta(seconds=1))}
    )

    assert same.status_code == 304
    assert older.status_code == 200 and older.data == first.data


def test_last_modified_is_this_weeks_monday_when_data_is_older(client, pin):
    pin(datetime(2027, 2, 3, 12, 0, tzinfo=UTC))  # the window last moved Monday 2027-02-01 00:00

    response = fetch(client, "/feeds/office.ics")

    assert parse_date(response.headers["Last-Modified"]) == datetime(2027, 1, 31, 23, 0, tzinfo=UTC)


def test_a_week_later_if_modified_since_gets_the_moved_window(client, pin):
    first = fetch(client, "/feeds/all.ics")
    pin(NOW + timedelta(weeks=1))

    again = client.get(
        "/feeds/all.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )

    assert again.status_code == 200
    assert again.data != first.data
    assert parse_date(again.headers["Last-Modified"]) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def test_head_answers_like_get_without_a_body(client):
    get = fetch(client, "/feeds/all.ics")

    head = client.head("/feeds/all.ics")

    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(get.data))


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/places/nowhere.ics",
        "/feeds/slots/999999.ics",
        "/feeds/slots/2147483648.ics",
        "/feeds/slots/99999999999999999999.ics",
        "/feeds/everything.ics",
        "/feeds/all.ical",
        "/feeds/slots/abc.ics",
        "/feeds/places/torget/x.ics",
    ],
)
def test_unknown_feeds_are_404(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


OFFERED = ("sv", "en", "ar", "fa", "so", "ti", "uk")


def _catalogue(lang):
    from babel.support import Translations

    from webapp.config import TRANSLATIONS

    return Translations.load(TRANSLATIONS, [lang])


@pytest.mark.parametrize("lang", OFFERED[1:])
def test_feed_in_every_offered_language_has_its_words_and_the_same_occurrences(client, lang):
    words = _catalogue(lang)
    swedish = calendar(client, "/feeds/all.ics")
    other = calendar(client, f"/feeds/all.ics?lang={lang}")
    first, last = date(2026, 10, 26), date(2027, 5, 24)

    def when(cal):
        return sorted(
            (uid, start, end, status) for uid, start, end, status, _s in expanded(cal, first, last)
        )

    presence = [e for e in expanded(other, first, last) if e[0].startswith("slot-")]
    christmas = office_on(other, date(2026, 12, 25))
    names = [p.text("name", lang) for p in store.presence_places(db.session)]
    day = date(2026, 12, 25)
    holiday = holiday_names(day, day, locale=lang)[day]

    assert when(other) == when(swedish) and len(presence) > 20
    town = db.session.scalar(select(Municipality)).text("name", lang)
    assert str(other["X-WR-CALNAME"]) == str(other["NAME"])
    assert str(other["NAME"]) == words.gettext("Polisen i %(town)s") % {"town": town}
    assert {summary for *_e, summary in presence} == {
        words.gettext("Polisen på plats: %(place)s") % {"place": name} for name in names
    }
    assert christmas[0][4] == words.gettext("Stängt: %(reason)s") % {"reason": holiday}


def test_arabic_feed_and_slot_file_are_in_arabic(client):
    slot = torget_slot_on(date(2026, 11, 27))
    feed = events(calendar(client, "/feeds/places/torget.ics?lang=ar"))
    single = events(calendar(client, f"/feeds/slots/{slot.id}.ics?lang=ar"))
    uid = f"slot-{slot.id}@narvaro.example"

    assert str(feed[uid]["SUMMARY"]) == str(single[uid]["SUMMARY"]) == "الشرطة حاضرة: Torget"
    assert str(single[uid]["LOCATION"]) == "Torget, Sävsjö"
    assert feed[uid]["DTSTART"].dt == single[uid]["DTSTART"].dt
