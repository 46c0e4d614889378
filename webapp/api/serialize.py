"""Plain dicts for the JSON API. Every time is local ISO 8601 with its UTC offset."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from werkzeug.routing import BuildError

from webapp.models import Place, PresenceSlot
from webapp.schedule.office import OfficeDay, OfficeStatus
from webapp.site import public_base_url


def moment(value: datetime | None, tz: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def absolute_url(endpoint: str, **values) -> str | None:
    """An absolute URL, from PUBLIC_BASE_URL when set; None if the site has no such page."""
    try:
        return public_base_url() + url_for(endpoint, **values)
    except BuildError:
        return None


def _feed_lang(lang: str) -> dict:
    return {} if lang == "sv" else {"lang": lang}


def place(row: Place, lang: str) -> dict:
    if row.is_office:
        page = absolute_url("public.office", lang=lang)
        feed = absolute_url("feeds.calendar", name="office", **_feed_lang(lang))
    else:
        page = absolute_url("public.place", lang=lang, slug=row.slug)
        feed = absolute_url("feeds.place", slug=row.slug, **_feed_lang(lang))
    services = (row.translations or {}).get(lang, {}).get("services") or row.services or []
    return {
        "slug": row.slug,
        "kind": row.kind,
        "name": row.text("name", lang),
        "description": row.text("description", lang),
        "address": row.address,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "phone": row.phone,
        "services": list(services),
        "urls": {"page": page, "feed": feed},
    }


def _intervals(pairs, tz: ZoneInfo) -> list[dict]:
    return [{"opens": moment(a, tz), "closes": moment(b, tz)} for a, b in pairs]


def office_day(entry: OfficeDay, lang: str, tz: ZoneInfo) -> dict:
    return {
        "date": entry.day.isoformat(),
        "is_open": entry.is_open,
        "intervals": _intervals(entry.intervals, tz),
        "usual_intervals": _intervals(entry.usual, tz),
        "holiday": entry.holiday,
        "closure_note": entry.closure.text("note", lang) if entry.closure else None,
        "is_exception": entry.is_exception,
    }


def slot(row: PresenceSlot, lang: str, tz: ZoneInfo) -> dict:
    return {
        "id": row.id,
        "place": row.place.slug,
        "starts_at": moment(row.starts_at, tz),
        "ends_at": moment(row.ends_at, tz),
        "status": row.status,
        "note": row.text("note", lang),
        "sequence": row.sequence,
        "updated_at": moment(row.updated_at, tz),
        "urls": {"ics": absolute_url("feeds.slot", slot_id=row.id, **_feed_lang(lang))},
    }


def office_status(status: OfficeStatus, lang: str, tz: ZoneInfo) -> dict:
    return {
        "is_open": status.is_open,
        "closes_at": moment(status.closes_at, tz),
        "opens_at": moment(status.opens_at, tz),
        "today": office_day(status.today, lang, tz) if status.today else None,
    }
