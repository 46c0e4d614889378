"""/api/v1/municipalities and each municipality's API base: the list is the same under every
municipality's API, each entry's addresses answer for that municipality, and the OpenAPI
document of a prefixed municipality names where its paths begin."""

import icalendar
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.test_police_area_data import load_test_area

BASE = "https://narvaro.example"


def test_a_single_municipality_lists_itself_with_the_unprefixed_addresses(client):
    listed = client.get("/api/v1/municipalities").get_json()["municipalities"]

    assert listed == [
        {
            "slug": "savsjo",
            "name": "Sävsjö kommun",
            "police_area": None,
            "site": f"{BASE}/sv/",
            "api": f"{BASE}/api/v1",
            "feeds": {k: f"{BASE}/feeds/{k}.ics" for k in ("all", "office", "presence")},
            "languages": ["sv", "en", "ar", "fa", "so", "ti", "uk"],
            "example_data": True,
        }
    ]


def test_an_area_lists_every_municipality_and_each_address_answers_for_it(app, client):
    load_test_area()

    listed = client.get("/api/v1/municipalities").get_json()["municipalities"]

    assert client.get("/vastby/api/v1/municipalities").get_json()["municipalities"] == listed
    # Västby has a host of its own (`hosts` in its file): its addresses are there.
    own = "https://narvaro.vastby.example"
    assert [(m["slug"], m["police_area"], m["site"], m["api"]) for m in listed] == [
        ("savsjo", "testomradet", f"{BASE}/sv/", f"{BASE}/api/v1"),
        ("vastby", "testomradet", f"{own}/sv/", f"{own}/api/v1"),
    ]
    assert listed[1]["feeds"] == {k: f"{own}/feeds/{k}.ics" for k in ("all", "office", "presence")}
    vastby = listed[1]
    assert (vastby["languages"], vastby["example_data"]) == (["sv", "en", "so"], False)
    for entry in listed:
        # Each address, asked as a client would (its host and path), answers for its own.
        places = client.get(entry["api"] + "/places").get_json()["places"]
        status = client.get(entry["api"] + "/status").get_json()
        assert {
            p["urls"]["page"].rsplit("/places/", 1)[0] for p in places if p["kind"] == "place"
        } == {entry["site"].removesuffix("/")}
        assert status["now"]
        for url in entry["feeds"].values():
            feed = client.get(url)
            assert feed.status_code == 200, url
            names = {
                str(event.get("location", ""))
                for event in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
            }
            vastby = any("Västby" in name or "Hamnen" in name for name in names)
            assert vastby == (entry["slug"] == "vastby"), url
        assert client.get(entry["site"]).status_code == 200


def test_the_openapi_document_of_a_prefixed_municipality_names_its_server(app, client):
    load_test_area()

    default = client.get("/api/v1/openapi.json").get_json()
    prefixed = client.get("/vastby/api/v1/openapi.json").get_json()

    validate(prefixed)
    assert "servers" not in default
    assert prefixed["servers"] == [{"url": f"{BASE}/vastby"}]
    assert prefixed["components"]["parameters"]["lang"]["schema"]["enum"] == ["sv", "en", "so"]
    schema = prefixed["paths"]["/api/v1/municipalities"]["get"]["responses"]["200"]
    schema = schema["content"]["application/json"]["schema"]
    body = client.get("/vastby/api/v1/municipalities").get_json()
    checker = Draft202012Validator({**schema, "components": prefixed["components"]})
    assert [e.message for e in checker.iter_errors(body)] == []
