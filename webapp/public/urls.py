"""Links the public pages hand out: absolute feed URLs, add-to-calendar and map links."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from webapp import i18n
from webapp.feeds import ical, links
from webapp.public.formatting import place_name
from webapp.site import lang, municipality, public_base_url


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL, built from PUBLIC_BASE_URL when it is set (it is what QR codes print)."""
    return public_base_url() + url_for(endpoint, **values)


def feed_url(endpoint: str, **values) -> str:
    """A feed's https URL in the page's language (?lang=ar; Swedish, the source, without)."""
    if lang() != i18n.SOURCE:
        values["lang"] = lang()
    return absolute_url(endpoint, **values)


@dataclass(frozen=True)
class Feed:
    key: str
    title: str
    description: str
    https: str

    @property
    def webcal(self) -> str:
        return links.webcal_url(self.https)

    @property
    def outlook(self) -> str:
        town = municipality()
        name = f"{self.title} – {town.text('name', lang())}" if town else self.title
        return links.outlook_subscribe_url(self.https, name)


def all_feeds(office, places) -> list[Feed]:
    """Everything, the office, all presence, then one feed per place."""
    feeds = [
        Feed(
            "all",
            _("Allt"),
            _("Poliskontorets öppettider och polisens tider på plats."),
            feed_url("feeds.calendar", name="all"),
        ),
    ]
    if office is not None:
        feeds.append(
            Feed(
                "office",
                _("Öppettider: %(office)s", office=place_name(office)),
                _("Bara poliskontorets öppettider, med helgdagar och ändringar."),
                feed_url("feeds.calendar", name="office"),
            )
        )
    feeds.append(
        Feed(
            "presence",
            _("Polisen på plats"),
            _("Alla tider då polisen finns på plats."),
            feed_url("feeds.calendar", name="presence"),
        )
    )
    feeds.extend(place_feed(place) for place in places)
    return feeds


def place_feed(place) -> Feed:
    return Feed(
        place.slug,
        _("Polisen på plats: %(place)s", place=place_name(place)),
        _("Bara tiderna vid %(place)s.", place=place_name(place)),
        feed_url("feeds.place", slug=place.slug),
    )


def slot_title(slot) -> str:
    return _("Polisen på plats: %(place)s", place=place_name(slot.place))


def slot_calendar_links(slot) -> dict:
    """Ways to put one slot in a personal calendar: .ics file, Google, Outlook."""
    title = slot_title(slot)
    where = ical.location(slot.place, lang())
    details = slot.place.text("description", lang())
    ics_values = {"slot_id": slot.id}
    if lang() != i18n.SOURCE:
        ics_values["lang"] = lang()
    return {
        "ics": url_for("feeds.slot", **ics_values),
        "google": links.google_event_url(
            title, slot.starts_at, slot.ends_at, details=details, location=where
        ),
        "outlook": links.outlook_event_url(
            title, slot.starts_at, slot.ends_at, details=details, location=where
        ),
    }


def map_links(place) -> dict | None:
    """geo: for the phone's own map app and an OpenStreetMap link, when the place has a position."""
    if place.latitude is None or place.longitude is None:
        return None
    return {
        "geo": links.geo_uri(place.latitude, place.longitude),
        "osm": links.openstreetmap_url(place.latitude, place.longitude),
    }
