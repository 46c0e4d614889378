"""The read-only JSON API and /health, on the default Sävsjö data at the pinned NOW."""

from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import select

from tests.conftest import make_app
from tests.factories import load_test_promises, offer_languages
from webapp.extensions import db
from webapp.models import PresenceSlot

BASE = "https://narvaro.example"
PLACE_SLUGS = ["poliskontoret", "torget", "resecentrum", "biblioteket"]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def interval(day, opens, closes, offset="+01:00"):
    return {"opens": f"{day}T{opens}:00{offset}", "closes": f"{day}T{closes}:00{offset}"}


def slot_id(starts_at):
    return db.session.scalar(select(PresenceSlot.id).where(PresenceSlot.starts_at == starts_at))


def expected_slot(place, day, starts, ends, *, offset="+01:00", lang="sv", **changes):
    starts_at = datetime.fromisoformat(f"{day}T{starts}:00{offset}")
    ident = slot_id(starts_at)
    feed = f"{BASE}/feeds/slots/{ident}.ics" + ("?lang=en" if lang == "en" else "")
    return {
        "id": ident,
        "place": place,
        "starts_at": f"{day}T{starts}:00{offset}",
        "ends_at": f"{day}T{ends}:00{offset}",
        "status": "scheduled",
        "note": "",
        "sequence": 0,
        # The loader ran at the pinned NOW.
        "updated_at": "2026-11-24T10:30:00+01:00",
        "urls": {"ics": feed},
    } | changes


# --- /api/v1/places --------------------------------------------------------------------------


def test_places_lists_the_office_then_places_in_file_order(client):
    body = get_json(client, "/api/v1/places")

    assert body["example_data"] is True
    assert [p["slug"] for p in body["places"]] == PLACE_SLUGS
    assert body["places"][0] == {
        "slug": "poliskontoret",
        "kind": "office",
        "name": "Poliskontoret i Sävsjö",
        "description": "Här kan du träffa polisen, få råd och lämna eller hämta handlingar.",
        "address": "Storgatan 1, 576 31 Sävsjö (exempeladress)",
        "latitude": 57.40289,
        "longitude": 14.66397,
        "phone": "114 14",
        "services": [
            "Anmäla brott som inte är akuta",
            "Lämna upphittat gods",
            "Få råd om brottsförebyggande arbete",
            "Ställa frågor till polisen",
        ],
        "urls": {"page": f"{BASE}/sv/office", "feed": f"{BASE}/feeds/office.ics"},
    }
    assert body["places"][1] == {
        "slug": "torget",
        "kind": "place",
        "name": "Torget",
        "description": "Mitt i centrum, vid fontänen.",
        "address": "Torget, Sävsjö",
        "latitude": 57.40315,
        "longitude": 14.6653,
        "phone": None,
        "services": [],
        "urls": {"page": f"{BASE}/sv/places/torget", "feed": f"{BASE}/feeds/places/torget.ics"},
    }


def test_places_in_english_use_the_files_en_tables_and_english_links(client):
    body = get_json(client, "/api/v1/places?lang=en")

    office, torget = body["places"][0], body["places"][1]
    assert office["name"] == "Poliskontoret i Sävsjö (the police office)"
    assert office["services"][0] == "Report crimes that are not urgent"
    assert office["urls"] == {
        "page": f"{BASE}/en/office",
        "feed": f"{BASE}/feeds/office.ics?lang=en",
    }
    assert (torget["name"], torget["description"]) == (
        "Torget (the square)",
        "In the town centre, by the fountain.",
    )
    assert torget["urls"] == {
        "page": f"{BASE}/en/places/torget",
        "feed": f"{BASE}/feeds/places/torget.ics?lang=en",
    }


def test_places_urls_use_the_request_host_without_public_base_url(app):
    app.config["PUBLIC_BASE_URL"] = ""

    body = get_json(app.test_client(), "/api/v1/places")

    assert body["places"][2]["urls"] == {
        "page": "http://localhost/sv/places/resecentrum",
        "feed": "http://localhost/feeds/places/resecentrum.ics",
    }


# --- /api/v1/office-hours --------------------------------------------------------------------


def christmas_days(holidays, note):
    """2026-12-21..31: holidays closed, 29-30 Dec 09-11 with the closure note."""
    usual = {  # weekday -> weekly hours, from the file's 2026 block
        1: [("09:30", "11:45"), ("12:45", "15:30")],
        3: [("12:00", "17:30")],
        4: [("08:30", "11:30")],
    }
    days = []
    for number in range(21, 32):
        day = f"2026-12-{number}"
        hours = usual.get(datetime(2026, 12, number).weekday(), [])
        weekly = [interval(day, a, b) for a, b in hours]
        entry = {
            "date": day,
            "is_open": bool(weekly),
            "intervals": weekly,
            "usual_intervals": weekly,
            "holiday": holidays.get(number),
            "closure_note": None,
            "is_exception": False,
        }
        if number in holidays:
            entry |= {"is_open": False, "intervals": [], "is_exception": True}
        if number in (29, 30):
            entry |= {
                "is_open": True,
                "intervals": [interval(day, "09:00", "11:00")],
                "closure_note": note,
                "is_exception": True,
            }
        days.append(entry)
    return days


def test_office_hours_over_christmas_show_holidays_closed_and_shorter_hours(client):
    body = get_json(client, "/api/v1/office-hours?from=2026-12-21&to=2026-12-31")

    holidays = {24: "Julafton", 25: "Juldagen", 26: "Annandag jul", 31: "Nyårsafton"}
    assert body == {
        "example_data": True,
        "timezone": "Europe/Stockholm",
        "from": "2026-12-21",
        "to": "2026-12-31",
        "days": christmas_days(holidays, "Kortare öppettider i mellandagarna"),
    }
    # Spelled out once, so the helper above can't hide a mistake.
    assert body["days"][3] == {
        "date": "2026-12-24",
        "is_open": False,
        "intervals": [],
        "usual_intervals": [interval("2026-12-24", "12:00", "17:30")],
        "holiday": "Julafton",
        "closure_note": None,
        "is_exception": True,
    }
    assert body["days"][8]["intervals"] == [interval("2026-12-29", "09:00", "11:00")]
    assert body["days"][8]["usual_intervals"] == [
        interval("2026-12-29", "09:30", "11:45"),
        interval("2026-12-29", "12:45", "15:30"),
    ]


def test_office_hours_in_english_name_holidays_and_notes_from_data(client):
    body = get_json(client, "/api/v1/office-hours?from=2026-12-21&to=2026-12-31&lang=en")

    holidays = {
        24: "Christmas Eve",
        25: "Christmas Day",
        26: "Second Day of Christmas",
        31: "New Year's Eve",
    }
    assert body["days"] == christmas_days(holidays, "Shorter hours between Christmas and New Year")


def test_office_hours_default_to_today_and_eight_weeks(client):
    body = get_json(client, "/api/v1/office-hours")

    assert (body["from"], body["to"]) == ("2026-11-24", "2027-01-19")
    assert len(body["days"]) == 57
    assert body["days"][0]["intervals"] == [
        interval("2026-11-24", "09:30", "11:45"),
        interval("2026-11-24", "12:45", "15:30"),
    ]


def test_office_hours_only_from_gives_eight_weeks_after_it(client):
    body = get_json(client, "/api/v1/office-hours?from=2027-07-01")

    assert (body["from"], body["to"]) == ("2027-07-01", "2027-08-26")
    summer = [d for d in body["days"] if d["closure_note"] == "Sommarstängt"]
    assert [d["date"] for d in summer][0::27] == ["2027-07-12", "2027-08-08"]
    assert all(d["intervals"] == [] and d["is_exception"] for d in summer)


def test_office_hours_accept_a_range_of_exactly_366_days(client):
    body = get_json(client, "/api/v1/office-hours?from=2028-01-01&to=2028-12-31")

    assert len(body["days"]) == 366


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("to=2026-11-20", "2026-11-20", "2026-11-20"),  # before today: from moves to it
        ("to=2026-12-01", "2026-11-24", "2026-12-01"),  # after today: from is today
        ("to=2099-12-31", "2098-12-31", "2099-12-31"),  # far off: the 366 days ending on it
    ],
)
def test_office_hours_only_to_is_a_valid_range_ending_on_it(client, query, first, last):
    body = get_json(client, f"/api/v1/office-hours?{query}")

    assert (body["from"], body["to"]) == (first, last)
    assert (body["days"][0]["date"], body["days"][-1]["date"]) == (first, last)


# --- /api/v1/presence ------------------------------------------------------------------------


def test_presence_for_a_week_has_the_files_slots(client):
    body = get_json(client, "/api/v1/presence?from=2026-12-07&to=2026-12-13")

    assert body == {
        "example_data": True,
        "timezone": "Europe/Stockholm",
        "from": "2026-12-07",
        "to": "2026-12-13",
        "place": None,
        "slots": [
            expected_slot("biblioteket", "2026-12-09", "10:00", "11:30"),
            expected_slot("resecentrum", "2026-12-10", "17:00", "18:30"),
            expected_slot("torget", "2026-12-11", "13:00", "14:30"),
        ],
    }


def test_presence_across_the_end_of_summer_time_keeps_local_times(client):
    body = get_json(client, "/api/v1/presence?from=2026-10-21&to=2026-10-28")

    assert [(s["place"], s["starts_at"]) for s in body["slots"]] == [
        ("resecentrum", "2026-10-22T17:00:00+02:00"),
        ("torget", "2026-10-23T13:00:00+02:00"),
        ("biblioteket", "2026-10-28T10:00:00+01:00"),
    ]


def test_presence_for_one_place_every_other_wednesday(client):
    body = get_json(client, "/api/v1/presence?place=biblioteket&from=2026-11-01&to=2026-12-31")

    assert body["place"] == "biblioteket"
    assert [s["starts_at"] for s in body["slots"]] == [
        f"{day}T10:00:00+01:00" for day in ("2026-11-11", "2026-11-25", "2026-12-09", "2026-12-23")
    ]


def test_presence_shows_a_cancelled_slot_with_its_reason_in_each_language(client):
    row = db.session.get(PresenceSlot, slot_id(datetime(2026, 12, 4, 12, 0, tzinfo=UTC)))
    row.status, row.note = "cancelled", "Inställt på grund av julmarknaden"
    row.translations = {"en": {"note": "Cancelled because of the Christmas market"}}
    row.touch(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    db.session.commit()

    sv = get_json(client, "/api/v1/presence?place=torget&from=2026-12-04&to=2026-12-04")
    en = get_json(client, "/api/v1/presence?place=torget&from=2026-12-04&to=2026-12-04&lang=en")

    assert sv["slots"] == [
        expected_slot(
            "torget",
            "2026-12-04",
            "13:00",
            "14:30",
            status="cancelled",
            sequence=1,
            note="Inställt på grund av julmarknaden",
            updated_at="2026-11-24T10:00:00+01:00",
        )
    ]
    assert en["slots"][0]["note"] == "Cancelled because of the Christmas market"
    assert en["slots"][0]["urls"]["ics"].endswith(".ics?lang=en")


def test_presence_for_the_office_is_empty_but_valid(client):
    body = get_json(client, "/api/v1/presence?place=poliskontoret")

    assert body["slots"] == []


# --- /api/v1/status --------------------------------------------------------------------------


def status_at(client, pin, moment):
    pin(moment)
    return get_json(client, "/api/v1/status")


def test_status_at_now_is_open_until_a_quarter_to_twelve_and_names_the_next_presence(client, pin):
    body = status_at(client, pin, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))

    assert body["now"] == "2026-11-24T10:30:00+01:00"
    assert {k: body["office"][k] for k in ("is_open", "closes_at", "opens_at")} == {
        "is_open": True,
        "closes_at": "2026-11-24T11:45:00+01:00",
        "opens_at": None,
    }
    assert body["office"]["today"]["date"] == "2026-11-24"
    assert body["presence_now"] == []
    assert body["next_presence"] == expected_slot("biblioteket", "2026-11-25", "10:00", "11:30")


def test_status_over_lunch_says_when_it_opens_again(client, pin):
    body = status_at(client, pin, datetime(2026, 11, 24, 11, 15, tzinfo=UTC))

    assert (body["office"]["is_open"], body["office"]["opens_at"]) == (
        False,
        "2026-11-24T12:45:00+01:00",
    )
    assert body["office"]["closes_at"] is None


def test_status_at_the_closing_minute_is_closed(client, pin):
    body = status_at(client, pin, datetime(2026, 11, 24, 14, 30, tzinfo=UTC))

    assert (body["office"]["is_open"], body["office"]["opens_at"]) == (
        False,
        "2026-11-26T12:00:00+01:00",
    )


def test_status_on_christmas_eve_opens_next_in_the_shorter_hours(client, pin):
    body = status_at(client, pin, datetime(2026, 12, 24, 13, 0, tzinfo=UTC))

    assert body["office"]["is_open"] is False
    assert body["office"]["opens_at"] == "2026-12-29T09:00:00+01:00"
    assert body["office"]["today"]["holiday"] == "Julafton"


def test_status_during_presence_lists_it_as_now(client, pin):
    body = status_at(client, pin, datetime(2026, 11, 25, 9, 30, tzinfo=UTC))

    assert body["presence_now"] == [expected_slot("biblioteket", "2026-11-25", "10:00", "11:30")]
    assert body["next_presence"]["starts_at"] == "2026-11-26T17:00:00+01:00"


def test_status_skips_a_cancelled_next_presence(client, pin):
    row = db.session.get(PresenceSlot, slot_id(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)))
    row.status = "cancelled"
    db.session.commit()

    body = status_at(client, pin, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))

    assert body["next_presence"]["place"] == "resecentrum"
    assert body["next_presence"]["starts_at"] == "2026-11-26T17:00:00+01:00"


# --- errors ----------------------------------------------------------------------------------

BAD_REQUESTS = [
    (
        "/api/v1/office-hours?from=2026-13-01",
        "Ange from som ett datum ÅÅÅÅ-MM-DD från 2000-01-01 till 2099-12-31.",
    ),
    (
        "/api/v1/office-hours?to=20261201",
        "Ange to som ett datum ÅÅÅÅ-MM-DD från 2000-01-01 till 2099-12-31.",
    ),
    (
        "/api/v1/presence?from=1999-12-31",
        "Ange from som ett datum ÅÅÅÅ-MM-DD från 2000-01-01 till 2099-12-31.",
    ),
    (
        "/api/v1/presence?from=%D9%A2%D9%A0%D9%A2%D9%A6-01-01",  # Arabic-Indic digits
        "Ange from som ett datum ÅÅÅÅ-MM-DD från 2000-01-01 till 2099-12-31.",
    ),
    (
        "/api/v1/presence?from=2026-12-02&to=2026-12-01",
        "from måste vara samma dag som to eller tidigare.",
    ),
    ("/api/v1/office-hours?from=2028-01-01&to=2029-01-01", "Välj högst 366 dagar."),
    ("/api/v1/presence?place=stationen", "Det finns ingen plats med den beteckningen."),
    ("/api/v1/presence?place=Torget%00", "Det finns ingen plats med den beteckningen."),
    ("/api/v1/places?lang=de", "Okänt språk. Välj ett av: sv, en, ar, fa, so, ti, uk."),
    ("/api/v1/status?lang=", "Okänt språk. Välj ett av: sv, en, ar, fa, so, ti, uk."),
    ("/api/v1/presence?place=torget&place=torget", "Parametern place får bara anges en gång."),
    ("/api/v1/places?form=2026-01-01", "Okänd parameter. Tillåtna här: lang."),
    ("/api/v1/openapi.json?lang=sv", "Okänd parameter. Tillåtna här: ."),
    ("/api/v1/presence?place=" + "a" * 65, "Parametern place är för lång."),
    ("/api/v1/presence?lang=" + "x" * 1100, "Frågesträngen är för lång."),
    ("/api/v1/presence?place=torg%E9t", "Frågesträngen är inte giltig UTF-8."),
]


@pytest.mark.parametrize(("url", "message"), BAD_REQUESTS)
def test_invalid_parameters_are_a_400_that_says_why(client, url, message):
    body = get_json(client, url, status=400)

    assert body == {"error": {"status": 400, "message": message}}


def test_unknown_paths_under_api_are_a_json_404(client):
    body = get_json(client, "/api/v1/slots", status=404)

    assert body["error"]["status"] == 404


def test_writing_to_the_api_is_a_json_405(client):
    response = client.post("/api/v1/places")

    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "cache"),
    [
        ("/api/v1/places", 200, "public, max-age=60"),
        ("/api/v1/status", 200, "public, max-age=30"),
        ("/api/v1/presence?from=x", 400, "no-store"),
        ("/api/v1/nothing", 404, "no-store"),
    ],
)
def test_api_answers_any_origin_without_cookies_and_caches_briefly(client, url, status, cache):
    response = client.get(url, headers={"Origin": "https://www.savsjo.se"})

    assert response.status_code == status
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == cache
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- OpenAPI ---------------------------------------------------------------------------------


def response_schema(document, path, status="200"):
    content = document["paths"][path]["get"]["responses"][status]
    if "$ref" in content:
        content = document["components"]["responses"][content["$ref"].rsplit("/", 1)[1]]
    return content["content"]["application/json"]["schema"]


def validator(document, schema):
    return Draft202012Validator({**schema, "components": document["components"]})


def test_openapi_document_is_valid_openapi_3_1(client):
    document = get_json(client, "/api/v1/openapi.json")

    validate(document)
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == [
        "/api/v1/municipalities",
        "/api/v1/office-hours",
        "/api/v1/openapi.json",
        "/api/v1/places",
        "/api/v1/presence",
        "/api/v1/promises",
        "/api/v1/promises/{id}",
        "/api/v1/status",
        "/health",
    ]


def test_every_documented_path_answers_200_with_the_documented_body(client):
    document = get_json(client, "/api/v1/openapi.json")

    load_test_promises()  # the promise tests' own data: /api/v1/promises/{id} answers for p2026
    for path in document["paths"]:
        body = get_json(client, path.replace("{id}", "p2026"))
        schema = response_schema(document, path)
        required = (
            document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            if "$ref" in schema
            else schema
        )["required"]
        assert set(required) <= set(body), path
        errors = [e.message for e in validator(document, schema).iter_errors(body)]
        assert errors == [], path


def test_documented_schemas_match_answers_with_cancelled_slots_and_english(client, pin):
    document = get_json(client, "/api/v1/openapi.json")
    row = db.session.get(PresenceSlot, slot_id(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)))
    row.status, row.note = "cancelled", "Sjukdom"

    db.session.commit()
    pin(datetime(2026, 12, 24, 13, 0, tzinfo=UTC))

    for path, query in [
        ("/api/v1/presence", "?from=2026-11-01&to=2026-12-31&lang=en"),
        ("/api/v1/office-hours", "?from=2026-12-01&to=2027-08-31"),
        ("/api/v1/status", "?lang=en"),
    ]:
        body = get_json(client, path + query)
        errors = [
            e.message
            for e in validator(document, response_schema(document, path)).iter_errors(body)
        ]
        assert errors == [], path


def _file_languages():
    import tomllib

    from tests.conftest import CALENDAR

    return tomllib.loads(CALENDAR.read_text(encoding="utf-8"))["municipality"]["languages"]


def test_lang_enum_is_every_offered_language_and_each_is_accepted(client):
    languages = _file_languages()
    document = get_json(client, "/api/v1/openapi.json")
    schema = document["components"]["parameters"]["lang"]["schema"]

    assert schema["enum"] == languages
    assert len(languages) == 7
    for lang in languages:
        body = get_json(client, f"/api/v1/places?lang={lang}")
        errors = list(
            validator(document, response_schema(document, "/api/v1/places")).iter_errors(body)
        )
        assert errors == [], lang


def test_lang_enum_follows_the_data_file(client):
    offer_languages("sv", "uk", "ar")

    document = get_json(client, "/api/v1/openapi.json")

    validate(document)
    assert document["components"]["parameters"]["lang"]["schema"]["enum"] == ["sv", "uk", "ar"]
    assert get_json(client, "/api/v1/places?lang=fa", status=400) == {
        "error": {"status": 400, "message": "Okänt språk. Välj ett av: sv, uk, ar."}
    }


def test_the_place_parameter_lists_exactly_the_places_the_api_accepts(client):
    document = get_json(client, "/api/v1/openapi.json")

    schema = document["components"]["parameters"]["place"]["schema"]
    assert schema == {"type": "string", "enum": PLACE_SLUGS}
    for slug in PLACE_SLUGS:
        assert get_json(client, f"/api/v1/presence?place={slug}")["place"] == slug
    body = get_json(client, "/api/v1/presence?place=0", status=400)
    assert body["error"]["message"] == "Det finns ingen plats med den beteckningen."


def test_documented_error_schema_matches_a_400(client):
    document = get_json(client, "/api/v1/openapi.json")
    body = get_json(client, "/api/v1/presence?to=never", status=400)

    schema = response_schema(document, "/api/v1/presence", "400")
    assert list(validator(document, schema).iter_errors(body)) == []


# --- /health ---------------------------------------------------------------------------------


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "broken_url",
    [
        "sqlite:///{tmp}",  # a folder is no database file
        "postgresql+psycopg://postgres@127.0.0.1:1/narvaro?connect_timeout=2",  # nothing listens
    ],
)
def test_health_is_503_when_the_database_does_not_answer(tmp_path, broken_url):
    broken = make_app(broken_url.format(tmp=tmp_path))

    with broken.app_context():
        response = broken.test_client().get("/health")

    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unavailable",
        "rate_limits": "ok",
    }
