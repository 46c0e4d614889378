"""Calendar feeds: thin responses around the pure builders in ical.py.

Endpoints (other blueprints link to these names):
  feeds.calendar  /feeds/<all|office|presence>.ics   subscription feeds (inline)
  feeds.place     /feeds/places/<slug>.ics           one place's presence
  feeds.slot      /feeds/slots/<id>.ics              one event, as a download
All take an optional ?lang=<code> for the text in any language the site offers; Swedish
otherwise. The language never comes from Accept-Language, so every client gets the same bytes.
"""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, request, url_for
from flask import Response as FlaskResponse
from flask_babel import force_locale, format_datetime, get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.routing import BuildError

from webapp import i18n, site, tenant
from webapp.addresses import is_default
from webapp.extensions import db
from webapp.feeds import ical
from webapp.models import Municipality, OfficeHours, PresenceSlot, scope_of
from webapp.pagecache import cacheable
from webapp.schedule import store
from webapp.site import municipality, public_base_url, timezone, uid_domain

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _lang() -> str:
    asked = request.args.get("lang")
    return asked if asked in i18n.supported() else i18n.SOURCE


def _page_url(endpoint, path, **values) -> str:
    """Absolute URL of a public page; the fixed path if that page is not registered."""
    try:
        path = url_for(endpoint, **values)
    except BuildError:
        pass
    return public_base_url() + path


def _moved_from(slot) -> str:
    """In the feed's language (force_locale): where and when the slot was before it moved."""
    when = slot.moved_from_start.astimezone(timezone())
    return _(
        "Flyttad från %(when)s, %(place)s",
        when=format_datetime(when, "EEEE d MMMM y HH:mm", rebase=False),
        place=slot.moved_from_place.text("name", str(get_locale())),
    )


def _wording() -> ical.Wording:
    return ical.Wording(
        presence=lambda place: _("Polisen på plats: %(place)s", place=place),
        office_open=lambda office: _("Öppet: %(office)s", office=office),
        closed=lambda reason: _("Stängt: %(reason)s", reason=reason) if reason else _("Stängt"),
        cancelled=lambda title: _("Inställt: %(title)s", title=title),
        moved_from=_moved_from,
    )


def _office_events(window, lang, host, wording):
    office = store.get_office(db.session)
    if office is None:
        return []
    first, last = window[0].date(), window[1].date() - timedelta(days=1)
    days = store.office_days_between(
        db.session, first, last, timezone(), locale=lang, municipality=municipality()
    )
    rows = _hours_touching(office, first, last) + store.closures_touching(
        db.session, office, first, last, deleted=True
    )
    url = _page_url("public.office", f"/{lang}/office", lang=lang)
    return ical.office_events(
        days, office, ical.day_revisions(days, rows), host=host, lang=lang, wording=wording, url=url
    )


def _hours_touching(office, first, last) -> list[OfficeHours]:
    """Weekly-hours rows whose validity overlaps [first, last], deleted ones included."""
    return list(
        db.session.scalars(
            select(OfficeHours)
            .where(
                OfficeHours.place_id == office.id,
                OfficeHours.valid_from <= last,
                or_(OfficeHours.valid_until.is_(None), OfficeHours.valid_until >= first),
            )
            .order_by(OfficeHours.id)
        )
    )


def _presence_events(slots, lang, host, wording):
    if tenant.police_area() is not None:  # the area's feed: each slot as its own site has it
        return _area_presence_events(slots, lang, wording)
    return [
        ical.presence_event(
            slot,
            host=host,
            lang=lang,
            wording=wording,
            url=_page_url(
                "public.place", f"/{lang}/places/{slot.place.slug}", lang=lang, slug=slot.place.slug
            ),
        )
        for slot in slots
    ]


def _area_presence_events(slots, lang, wording):
    """Every municipality's slots with the UID and page address of its own feed."""
    base = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).hostname
    towns = {t.id: t for t in db.session.scalars(select(Municipality))}
    events = []
    for slot in slots:
        town = towns[slot.municipality_id]
        own = is_default(town)
        root = site.municipality_url(town)
        # Its page in the feed's language where the municipality offers it (as the area page).
        page_lang = lang if lang in i18n.offered_by(town) else i18n.SOURCE
        events.append(
            ical.presence_event(
                slot,
                host=base if own else f"{town.slug}.{base}",
                lang=lang,
                wording=wording,
                url=f"{root}/{page_lang}/places/{slot.place.slug}",
            )
        )
    return events


def _feed_texts(feed, place, lang):
    """(name, description) of a subscription feed, in the current locale."""
    town, area = municipality(), tenant.police_area()
    town_name = (area or town).text("name", lang) if town else ""
    if feed == "all":
        name = _("Polisen i %(town)s", town=town_name)
        about = _("Poliskontorets öppettider och när polisen finns på plats.")
    elif feed == "office" or (place is not None and place.is_office):
        office = place or store.get_office(db.session)
        name = _("%(office)s: öppettider", office=office.text("name", lang) if office else "")
        about = _("När poliskontoret har öppet, med helgdagar och ändrade tider.")
    elif feed == "presence":
        name = _("Polisen på plats i %(town)s", town=town_name)
        about = _("När och var polisen finns på plats.")
    else:
        name = _("Polisen på plats: %(place)s", place=place.text("name", lang))
        about = _("Tider då polisen finns på plats: %(place)s.", place=place.text("name", lang))
    if town is not None and town.example_data:
        unconfirmed = _("Tiderna är exempel och inte bekräftade än.")
        about = f"{about} {unconfirmed}"
    return name, about


def _render_feed(feed, lang, window, place=None) -> bytes:
    host = uid_domain()
    with force_locale(lang):
        wording = _wording()
        events = []
        if feed in ("all", "office") or (place is not None and place.is_office):
            events += _office_events(window, lang, host, wording)
        if feed in ("all", "presence"):
            events += _presence_events(
                store.slots_between(db.session, *window), lang, host, wording
            )
        if place is not None and not place.is_office:
            here = store.slots_between(db.session, *window, place=place)
            # A slot moved away from here stays in this feed (same UID, new time and place).
            gone = [
                s
                for s in store.slots_moved_from_between(db.session, *window)
                if s.moved_from_place_id == place.id and s not in here
            ]
            events += _presence_events(here + gone, lang, host, wording)
        name, about = _feed_texts(feed, place, lang)
        return ical.build_calendar(events, tzid=timezone().key, name=name, description=about)


def _respond(body, etag, last_modified, *, download=None):
    """The .ics response: revalidated by clients, cacheable by the microcache, no cookies."""
    response = FlaskResponse(body, content_type=CONTENT_TYPE)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if download:
        response.headers.set("Content-Disposition", "attachment", filename=download)
    return response.make_conditional(request)


def _serve_feed(feed, place=None):
    lang = _lang()
    window = ical.feed_window(site.now(), timezone())
    # Before the data, so never newer than it; the request's municipalities' own.
    stamp = store.schedule_changed_at(db.session, scope_of(db.session))
    body = _render_feed(feed, lang, window, place)
    # The front cache (webapp.pagecache) serves this response again while the stamp holds.
    given = request.args.get("lang")
    cacheable(stamp, ical.window_moves_at(window), {"lang": given} if given == lang else None)
    return _respond(body, _etag(body), last_modified(stamp, window[0]))


def _etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:40]


def last_modified(stamp, window_start):
    """The later of the data's last change and the window's last move: never goes backwards.

    The window moves at the start of each local week, and the body changes with it.
    """
    moved = window_start + timedelta(weeks=ical.WEEKS_BEFORE)  # this week's Monday, 00:00 local
    return max(stamp, moved) if stamp else moved


@bp.get("/<any(all,office,presence):name>.ics")
def calendar(name):
    return _serve_feed(name)


@bp.get("/places/<slug>.ics")
def place(slug):
    found = store.place_by_slug(db.session, slug)
    if found is None:
        abort(404)
    return _serve_feed("place", found)


@bp.get("/slots/<int(max=2147483647):slot_id>.ics")
def slot(slot_id):
    found = db.session.get(PresenceSlot, slot_id)
    if found is None:
        abort(404)
    lang, tz = _lang(), timezone()
    host = uid_domain()
    with force_locale(lang):
        url = _page_url(
            "public.place", f"/{lang}/places/{found.place.slug}", lang=lang, slug=found.place.slug
        )
        event = ical.presence_event(found, host=host, lang=lang, wording=_wording(), url=url)
        body = ical.build_calendar([event], tzid=tz.key)
    day = found.starts_at.astimezone(tz).date()
    return _respond(
        body,
        _etag(body),
        found.updated_at,
        download=f"{found.place.slug}-{day.isoformat()}.ics",
    )
