"""Resident-facing pages: the office, presence and places. Other pages are in info.py."""

from flask import abort, redirect, render_template, request, url_for

from webapp import site, tenant
from webapp.extensions import db
from webapp.i18n import supported
from webapp.public import LANG, bp, structured
from webapp.public.area import area_home
from webapp.public.cache import cached_page
from webapp.public.formatting import change_reason, helpers, place_name
from webapp.public.reads import last_shown_day, schedule
from webapp.public.summary import (
    WEEKS_AHEAD,
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
from webapp.schedule.office import changed_days
from webapp.schedule.slots import STATES

bp.app_context_processor(site.template_context)
bp.app_context_processor(helpers)
# `text|isolate`: numbers, codes and addresses in running text keep their order (RTL pages).
bp.add_app_template_filter(site.isolate, "isolate")
# `slot is in_progress(now)`: templates ask the slot's states, they don't compare times.
for _state in STATES:
    bp.add_app_template_test(_state.holds, _state.name)


@bp.app_context_processor
def link_helpers():
    return {
        "href": url_for,
        "map_links": map_links,
        "slot_calendar_links": slot_calendar_links,
        "weeks_ahead": WEEKS_AHEAD,
    }


@bp.get("/")
def root():
    """Send visitors to their language; the choice is in the URL from then on."""
    lang = request.accept_languages.best_match(supported()) or "sv"
    response = redirect(url_for("public.home", lang=lang))
    response.vary.add("Accept-Language")
    return response


def office_json_ld(office, days):
    if office is None:
        return None
    return structured.json_ld_script(
        structured.police_station(
            office,
            name=place_name(office),
            description=office.text("description", site.lang()),
            url=absolute_url("public.office"),
            rules=schedule().current_rules(),
            changed=changed_days(days),
            describe=change_reason,
        )
    )


@bp.get(f"{LANG}/")
@cached_page
def home(lang):
    if tenant.police_area() is not None:  # /<area slug>/<lang>/: the area's own start page
        return area_home(lang)
    now = schedule()
    return render_template(
        "public/home.html",
        office=now.office,
        summary=office_summary(now.days, now.now, now.tz),
        upcoming=next_presences(now.listing(), now.now),
        now=now.now,
        json_ld=office_json_ld(now.office, now.days),
    )


@bp.get(f"{LANG}/office")
@cached_page
def office(lang):
    now = schedule()
    if now.office is None:
        abort(404)
    rules = now.current_rules()
    change = next_hours_change(rules, now.today)
    return render_template(
        "public/office.html",
        office=now.office,
        summary=office_summary(now.days, now.now, now.tz),
        week=weekly_hours(rules, now.today),
        change=change,
        new_week=weekly_hours(rules, change) if change else None,
        changed=changed_days(now.days),
        last_day=last_shown_day(now.today),
        json_ld=office_json_ld(now.office, now.days),
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
@cached_page(params=("place",))
def presence(lang):
    now = schedule()
    places = store.presence_places(db.session)
    # ?place=<slug> shows one place's times (links, no JavaScript); an unknown place is a 404.
    selected = next((p for p in places if p.slug == request.args.get("place")), None)
    if request.args.get("place") is not None and selected is None:
        abort(404)
    listing = now.listing(selected)
    return render_template(
        "public/presence.html",
        days=slots_by_day(listing, now.tz),
        places=places,
        selected=selected,
        now=now.now,
        json_ld=presence_json_ld([s for s in listing if not s.moved_away]),
    )


@bp.get(f"{LANG}/places/<slug>")
@cached_page
def place(lang, slug):
    place = store.place_by_slug(db.session, slug)
    if place is None:
        abort(404)
    if place.is_office:
        return redirect(url_for("public.office"))
    now = schedule()
    listing = now.listing(place)
    slots = [s for s in listing if not s.moved_away]
    return render_template(
        "public/place.html",
        place=place,
        now=now.now,
        days=slots_by_day(listing, now.tz),
        feed=place_feed(place),
        json_ld=presence_json_ld(slots),
    )
