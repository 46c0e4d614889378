"""One list of a week's presence across the police area's municipalities, for the accounts
of the whole area (an account of one municipality sees its own): each row names its
municipality, in that municipality's own time, and the list filters by municipality."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from webapp import site, tenant
from webapp.extensions import db
from webapp.forms import BaseForm, choices
from webapp.models import Municipality, PresenceSlot
from webapp.schedule import planning
from webapp.staff import bp
from webapp.staff.auth import staff_required
from webapp.staff.guards import across_the_area
from webapp.staff.inbox import ANY
from webapp.staff.inbox import _one_of_the_options as one_of_the_options


class WeekFilterForm(BaseForm):
    class Meta:
        csrf = False

    municipality = SelectField(
        _l("Kommun"), [one_of_the_options], default="", validate_choice=False
    )


@dataclass(frozen=True)
class WeekRow:
    slot: PresenceSlot
    town: str  # the municipality's name
    tz: ZoneInfo  # the municipality's own time
    link: str  # the slot's page, under its municipality's address


def _monday(value: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    day = min(max(day, date(2000, 1, 3)), date(2100, 1, 4))
    return day - timedelta(days=day.weekday())


def _status(slot: PresenceSlot) -> str:
    if slot.cancelled:
        return _("Inställt")
    if slot.held is not None:
        return _("Blev av") if slot.held else _("Blev inte av")
    return _("Planerat")


def _link(slot: PresenceSlot, town: Municipality) -> str:
    """The slot's staff page under its municipality's prefix on the installation's host, where
    the staff member is signed in (a municipality's own host would ask them to sign in again)."""
    path = url_for("staff.slot_edit", slot_id=slot.id).removeprefix(request.script_root)
    return site.municipality_url(town, own_host=False) + path


@bp.get("/week")
@staff_required("schedule.read")
@across_the_area
def area_week(lang):
    tz = site.timezone()
    first = _monday(request.args.get("from"), site.now().astimezone(tz).date())
    towns = {town.id: town for town in tenant.towns_in_reach()}
    form = WeekFilterForm(formdata=request.args)
    form.municipality.choices = [
        ANY,
        *choices((t.slug, t.text("name", site.lang())) for t in towns.values()),
    ]
    ok = form.validate()
    chosen = form.municipality.data if ok else ""
    slots = planning.slots_starting_between(
        db.session,
        datetime.combine(first, time(0), tzinfo=tz),
        datetime.combine(first + timedelta(days=7), time(0), tzinfo=tz),
    )
    rows = [
        WeekRow(slot, town.text("name", site.lang()), ZoneInfo(town.timezone), _link(slot, town))
        for slot in slots
        if (town := towns.get(slot.municipality_id)) is not None
        and (not chosen or town.slug == chosen)
    ]
    return render_template(
        "staff/week.html",
        form=form,
        rows=rows,
        first=first,
        last=first + timedelta(days=6),
        earlier=first - timedelta(days=7),
        later=first + timedelta(days=7),
        tz=tz,
        status=_status,
        chosen=chosen,
        several=len(towns) > 1,
    ), (200 if ok else 400)
