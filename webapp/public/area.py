"""A police area's start page, /<area slug>/<lang>/: each of its municipalities with its
office's status and its next presence, linking to the municipality's own site."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import g, render_template
from markupsafe import Markup
from sqlalchemy import select

from webapp import site, tenant
from webapp.addresses import is_default
from webapp.extensions import db
from webapp.i18n import offered_by
from webapp.models import Municipality, scope_of, scope_to
from webapp.public.reads import PublicSchedule
from webapp.public.summary import OfficeSummary, next_presences, office_summary


@dataclass(frozen=True)
class TownCard:
    """What the area page says about one municipality."""

    town: Municipality
    site: str  # its start page, in the page's language if it offers it
    root: str  # where its addresses begin (site.municipality_url), for links to its places
    lang: str  # the language its links are in
    default: bool  # it keeps the installation's unprefixed addresses
    office: object
    summary: OfficeSummary | None
    upcoming: list


def area_towns(area) -> list[Municipality]:
    """The area's municipalities, by name."""
    query = select(Municipality).where(Municipality.police_area_id == area.id)
    return list(db.session.scalars(query.order_by(Municipality.name, Municipality.id)))


def town_card(town: Municipality, lang: str) -> tuple[TownCard, PublicSchedule]:
    """The municipality's office and next presence, read with the session limited to it."""
    outer = scope_of(db.session)
    scope_to(db.session, [town.id])
    try:
        now = PublicSchedule(site.now(), ZoneInfo(town.timezone), town, lang)
        summary = office_summary(now.days, now.now, now.tz) if now.office else None
        upcoming = next_presences(now.listing(), now.now, count=1)
        office = now.office
    finally:
        scope_to(db.session, outer)
    own = lang if lang in offered_by(town) else "sv"
    root = site.municipality_url(town)
    card = TownCard(town, f"{root}/{own}/", root, own, is_default(town), office, summary, upcoming)
    return card, now


def _card_html(card: TownCard):
    """One municipality's card, its times in its own zone (its office's "open now" and its
    next presence are its local time, as its own start page says them)."""
    with site.in_zone(ZoneInfo(card.town.timezone)):
        html = render_template("public/_area_card.html", card=card, now=site.now())
    return Markup(html)  # noqa: S704 - Jinja's output, escaped as it rendered


def area_home(lang: str) -> str:
    """The page; its copy holds until the first municipality's wording changes by itself."""
    area = tenant.police_area()
    read = [town_card(town, lang) for town in area_towns(area)]
    if read:
        g.wording_until = min(schedule.wording_changes_at() for _card, schedule in read)
    cards = [card for card, _schedule in read]
    return render_template(
        "public/area.html",
        area=area,
        cards=cards,
        card_html=[_card_html(card) for card in cards],
        now=site.now(),
        municipality=None,  # the page is the area's, not its default municipality's
    )
