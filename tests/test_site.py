"""The one place that decides the public base URL for links, feed UIDs and QR codes."""

import icalendar

from webapp.site import public_base_url


def test_public_base_url_is_the_setting_whatever_the_host_header(app):
    with app.test_request_context("/", base_url="http://other.example"):
        assert public_base_url() == "https://narvaro.example"


def test_public_base_url_is_the_request_host_when_unset(app):
    app.config["PUBLIC_BASE_URL"] = ""

    with app.test_request_context("/", base_url="http://localhost:5000/narvaro"):
        assert public_base_url() == "http://localhost:5000"


def test_feed_links_under_a_path_prefix_name_the_prefix_once(app, client):
    app.config["PUBLIC_BASE_URL"] = ""

    response = client.get("/feeds/office.ics", base_url="http://localhost/narvaro")

    cal = icalendar.Calendar.from_ical(response.data)
    urls = {str(event["URL"]) for event in cal.walk("VEVENT")}
    uids = {str(event["UID"]).partition("@")[2] for event in cal.walk("VEVENT")}
    assert response.status_code == 200
    assert urls == {"http://localhost/narvaro/sv/office"}
    assert uids == {"localhost"}
