"""/api/v1/municipalities and each municipality's API base: the list is the same under every
municipality's API, each entry's addresses answer for that municipality, and the OpenAPI
document of a prefixed municipality names where its paths begin."""

from urllib.parse import urlsplit

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
    assert [(m["slug"], m["police_area"], m["site"]) for m in listed] == [
        ("savsjo", "testomradet", f"{BASE}/sv/"),
        ("vastby", "testomradet", f"{BASE}/vastby/sv/"),
    ]
    vastby = listed[1]
    assert (vastby["languages"], vastby["example_data"]) == (["sv", "en", "so"], False)
    for entry in listed:
        places = client.get(urlsplit(entry["api"]).path + "/places").get_json()["places"]
        status = client.get(urlsplit(entry["api"]).path + "/status").get_json()
        assert {
            p["urls"]["page"].rsplit("/places/", 1)[0] for p in places if p["kind"] == "place"
        } == {entry["site"].removesuffix("/")}
        assert status["now"]
        for url in entry["feeds"].values():
            feed = client.get(urlsplit(url).path)
            assert feed.status_code == 200, url
            icalendar.Calendar.from_ical(feed.data)
        assert client.get(urlsplit(entry["site"]).path).status_code == 200


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
