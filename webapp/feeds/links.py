"""Links people click to subscribe to a feed or add one event to their calendar."""

from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit, urlunsplit


def webcal_url(https_url: str) -> str:
    """The same feed as webcal://, which Apple and desktop clients open as a subscription."""
    parts = urlsplit(https_url)
    return urlunsplit(("webcal", *parts[1:]))


def outlook_subscribe_url(https_url: str, name: str) -> str:
    """Outlook on the web: add a calendar from the internet."""
    query = urlencode({"url": https_url, "name": name})
    return f"https://outlook.live.com/calendar/0/addfromweb?{query}"


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_event_url(title: str, starts: datetime, ends: datetime, *, details="", location=""):
    """Google Calendar's "add event" template for one event."""
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{_utc_stamp(starts)}/{_utc_stamp(ends)}",
            "details": details,
            "location": location,
            "ctz": "Europe/Stockholm",
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_event_url(title: str, starts: datetime, ends: datetime, *, details="", location=""):
    """Outlook on the web's compose link for one event."""
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": starts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "enddt": ends.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": details,
            "location": location,
        }
    )
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"


def geo_uri(latitude: float, longitude: float) -> str:
    """A geo: URI (RFC 5870) that phones open in their own map app."""
    return f"geo:{latitude:.5f},{longitude:.5f}"


def openstreetmap_url(latitude: float, longitude: float, zoom: int = 18) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}"
        f"#map={zoom}/{latitude:.5f}/{longitude:.5f}"
    )
