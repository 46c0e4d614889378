"""A generated police area of 12 municipalities loads in one run and serves each its own
site and feed (bench/national.py does the same for 290, with figures)."""

import icalendar
from sqlalchemy import func, select

from tests.support.generated_area import write_area
from tests.support.html import get_soup
from webapp.database import writing
from webapp.extensions import db
from webapp.models import Municipality, PresenceSlot
from webapp.schedule.area_file import load_data_file
from webapp.schedule.loading import load_area

NUMBERS = range(1, 13)


def test_a_generated_area_of_twelve_loads_and_serves_each_municipality(app, client, tmp_path):
    path = write_area(tmp_path, "genererat", NUMBERS)
    db.session.rollback()
    with writing():
        counts = load_area(db.session, load_data_file(path), now=app.config["NOW"])
        db.session.commit()

    assert list(counts) == [f"kommun-{n:03d}" for n in NUMBERS]
    assert all(c["slots_added"] > 0 for c in counts.values())
    towns = db.session.scalars(select(Municipality).where(Municipality.slug.in_(counts))).all()
    assert len(towns) == 12
    for n in NUMBERS:
        slug = f"kommun-{n:03d}"
        prefix = "" if n == NUMBERS[0] else f"/{slug}"
        town = next(t for t in towns if t.slug == slug)
        html = get_soup(client, f"{prefix}/sv/")
        assert f"Kommun {n}" in html.title.get_text(), slug
        events = icalendar.Calendar.from_ical(client.get(f"{prefix}/feeds/presence.ics").data)
        locations = {str(e["LOCATION"]).split(",")[0] for e in events.walk("VEVENT")}
        assert locations and all(loc.endswith(f" i kommun {n}") for loc in locations), slug
        slots = select(func.count()).where(PresenceSlot.municipality_id == town.id)
        assert db.session.scalar(slots) == counts[slug]["slots_added"]
