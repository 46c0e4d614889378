"""schema.org JSON-LD for search engines and assistants. Pure builders: data in, dicts out."""

import json
from datetime import time

from markupsafe import Markup

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEMA = "https://schema.org/"


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _geo(place) -> dict:
    if place.latitude is None or place.longitude is None:
        return {}
    return {
        "geo": {"@type": "GeoCoordinates", "latitude": place.latitude, "longitude": place.longitude}
    }


def opening_hours(rules) -> list[dict]:
    """One OpeningHoursSpecification per weekly interval, with its validity."""
    specs = []
    for rule in sorted(rules, key=lambda r: (r.valid_from, r.weekday, r.opens)):
        spec = {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": SCHEMA + DAYS[rule.weekday],
            "opens": _clock(rule.opens),
            "closes": _clock(rule.closes),
            "validFrom": rule.valid_from.isoformat(),
        }
        if rule.valid_until is not None:
            spec["validThrough"] = rule.valid_until.isoformat()
        specs.append(spec)
    return specs


def special_opening_hours(days, describe) -> list[dict]:
    """Changed days: 00:00-00:00 for closed (schema.org's convention), else each interval.

    `describe(day)` gives the reason people see (holiday name or closure note).
    """
    specs = []
    for day in days:
        base = {
            "@type": "OpeningHoursSpecification",
            "validFrom": day.day.isoformat(),
            "validThrough": day.day.isoformat(),
            "description": describe(day),
        }
        intervals = [(a.time(), b.time()) for a, b in day.intervals] or [(time(0), time(0))]
        specs.extend({**base, "opens": _clock(a), "closes": _clock(b)} for a, b in intervals)
    return specs


def police_station(office, *, name, description, url, rules, changed, describe) -> dict:
    """The office as a schema.org PoliceStation with weekly and special opening hours."""
    data = {
        "@context": "https://schema.org",
        "@type": "PoliceStation",
        "name": name,
        "description": description,
        "url": url,
        "address": office.address,
    }
    if office.phone:
        data["telephone"] = office.phone
    data.update(_geo(office))
    data["openingHoursSpecification"] = opening_hours(rules)
    data["specialOpeningHoursSpecification"] = special_opening_hours(changed, describe)
    return data


def presence_events(slots, *, title, place_name, place_url, tz) -> dict:
    """Presence slots as schema.org Events (cancelled ones marked EventCancelled)."""
    events = []
    for slot in slots:
        status = "EventCancelled" if slot.cancelled else "EventScheduled"
        location = {
            "@type": "Place",
            "name": place_name(slot.place),
            "address": slot.place.address,
            **_geo(slot.place),
        }
        events.append(
            {
                "@type": "Event",
                "name": title(slot),
                "startDate": slot.starts_at.astimezone(tz).isoformat(),
                "endDate": slot.ends_at.astimezone(tz).isoformat(),
                "eventStatus": SCHEMA + status,
                "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
                "isAccessibleForFree": True,
                "location": location,
                "url": place_url(slot.place),
            }
        )
    return {"@context": "https://schema.org", "@graph": events}


def json_ld_script(data: dict) -> Markup:
    """A <script type="application/ld+json"> block, escaped so the data cannot end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')  # noqa: S704 - escaped above
