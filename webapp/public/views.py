"""Resident-facing pages: the office, presence and places. Other pages are in info.py."""

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for

from webapp import site
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.i18n import supported
from webapp.public import structured
from webapp.public.formatting import change_reason, helpers, local_today, place_name
from webapp.public.summary import (
    HORIZON,
    WEEKS_AHEAD,
    changed_days,
    next_hours_change,
    next_presences,
    office_summary,
    slots_by_day,
    weekly_hours,
)
from webapp.public.urls import (
    absolute_url,
    map_links,
    place_feed,
    slot_calendar_links,
    slot_title,
)
from webapp.schedule import store

bp = Blueprint("public", __name__)
bp.app_context_processor(site.template_context)
bp.app_context_processor(helpers)


@bp.app_context_processor
def link_helpers():
    return {
        "href": url_for,
        "map_links": map_links,
        "slot_calendar_links": slot_calendar_links,
        "weeks_ahead": WEEKS_AHEAD,
    }


LANG = "/<lang:lang>"


@bp.get("/")
def root():
    """Send visitors to their language; the choice is in the URL from then on."""
    lang = request.accept_languages.best_match(supported()) or "sv"
    response = redirect(url_for("public.home", lang=lang))
    response.vary.add("Accept-Language")
    return response


def office_days():
    """The office's days from today to the horizon, holidays named in the page's language."""
    today = local_today()
    return store.office_days_between(
        db.session, today, last_shown_day(today), site.timezone(), locale=site.lang()
    )


def last_shown_day(today):
    return today + HORIZON - timedelta(days=1)


def current_rules(office):
    """Weekly hour rules in force today or later."""
    today = local_today()
    return [
        r
        for r in store.live_hours(db.session, office)
        if r.valid_until is None or r.valid_until >= today
    ]


def office_json_ld(office, days):
    if office is None:
        return None
    return structured.json_ld_script(
        structured.police_station(
            office,
            name=place_name(office),
            description=office.text("description", site.lang()),
            url=absolute_url("public.office"),
            rules=current_rules(office),
            changed=changed_days(days),
            describe=change_reason,
        )
    )


def upcoming_slots(place=None):
    now = utcnow()
    return store.slots_between(db.session, now, now + HORIZON, place=place)


@bp.get(f"{LANG}/")
def home(lang):
    office = store.get_office(db.session)
    days = office_days()
    upcoming = next_presences(upcoming_slots(), utcnow())
    return render_template(
        "public/home.html",
        office=office,
        summary=office_summary(days, utcnow(), site.timezone()),
        upcoming=upcoming,
        now=utcnow(),
        json_ld=office_json_ld(office, days),
    )


@bp.get(f"{LANG}/office")
def office(lang):
    office = store.get_office(db.session)
    if office is None:
        abort(404)
    days = office_days()
    rules = current_rules(office)
    today = local_today()
    change = next_hours_change(rules, today)
    return render_template(
        "public/office.html",
        office=office,
        summary=office_summary(days, utcnow(), site.timezone()),
        week=weekly_hours(rules, today),
        change=change,
        new_week=weekly_hours(rules, change) if change else None,
        changed=changed_days(days),
        last_day=last_shown_day(today),
        json_ld=office_json_ld(office, days),
    )


def presence_json_ld(slots):
    return structured.json_ld_script(
        structured.presence_events(
            slots,
            title=slot_title,
            place_name=place_name,
            place_url=lambda p: absolute_url("public.place", slug=p.slug),
            tz=site.timezone(),
        )
    )


@bp.get(f"{LANG}/presence")
def presence(lang):
    places = store.presence_places(db.session)
    # ?place=<slug> shows one place's times (links, no JavaScript); an unknown place is a 404.
    selected = next((p for p in places if p.slug == request.args.get("place")), None)
    if request.args.get("place") is not None and selected is None:
        abort(404)
    slots = upcoming_slots(selected)
    return render_template(
        "public/presence.html",
        days=slots_by_day(slots, site.timezone()),
        places=places,
        selected=selected,
        now=utcnow(),
        json_ld=presence_json_ld(slots),
    )


@bp.get(f"{LANG}/places/<slug>")
def place(lang, slug):
    place = store.place_by_slug(db.session, slug)
    if place is None:
        abort(404)
    if place.is_office:
        return redirect(url_for("public.office"))
    slots = upcoming_slots(place)
    return render_template(
        "public/place.html",
        place=place,
        now=utcnow(),
        days=slots_by_day(slots, site.timezone()),
        feed=place_feed(place),
        json_ld=presence_json_ld(slots),
    )


from webapp.public import info  # noqa: E402, F401 - registers the other pages on bp
