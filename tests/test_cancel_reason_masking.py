"""A cancellation reason staff wrote with a phone number in it is published masked on every
surface residents see: the presence and place pages, the API, the feeds and the promise
page's table of reasons."""

import json
from datetime import UTC, datetime

from icalendar import Calendar

from tests.factories import load_test_promises, make_slot
from tests.support.html import soup
from webapp.masking import MASK

REASON = "Anna Andersson sjuk, ring 070-123 45 67"
PUBLISHED = f"Anna Andersson sjuk, ring {MASK}"
NUMBER = "123 45 67"


def _cancelled(**overrides):
    return make_slot(status="cancelled", note=REASON, sequence=1, **overrides)


def _feed_descriptions(body: bytes) -> list[str]:
    return [str(e.get("DESCRIPTION", "")) for e in Calendar.from_ical(body).walk("VEVENT")]


def test_a_cancellation_reason_is_masked_on_every_public_surface(client):
    load_test_promises()  # a promise that follows presence up
    _cancelled(starts_at=datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    _cancelled(starts_at=datetime(2026, 11, 17, 14, 0, tzinfo=UTC))  # past: in the follow-up
    surfaces = {
        path: client.get(path)
        for path in (
            "/sv/presence",
            "/sv/places/torget",
            "/api/v1/presence",
            "/feeds/presence.ics",
            "/feeds/places/torget.ics",
            "/sv/promises/p2026",
            "/api/v1/promises",
        )
    }

    assert {path: r.status_code for path, r in surfaces.items()} == dict.fromkeys(surfaces, 200)
    for path, response in surfaces.items():
        assert NUMBER not in response.get_data(as_text=True), path
    page = soup(surfaces["/sv/presence"])
    assert page.select_one(".cancel-reason").get_text(strip=True) == f"Inställt: {PUBLISHED}"
    place = soup(surfaces["/sv/places/torget"]).select_one(".cancel-reason")
    assert place.get_text(strip=True) == f"Inställt: {PUBLISHED}"
    notes = [s["note"] for s in json.loads(surfaces["/api/v1/presence"].data)["slots"]]
    assert PUBLISHED in notes
    for feed in ("/feeds/presence.ics", "/feeds/places/torget.ics"):
        assert any(PUBLISHED in d for d in _feed_descriptions(surfaces[feed].data)), feed
    reasons = soup(surfaces["/sv/promises/p2026"]).select("#cancel-reasons tbody th")
    assert PUBLISHED in [th.get_text(strip=True) for th in reasons]
