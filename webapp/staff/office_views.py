"""Office hours and closures: everyone on staff reads them, police change them."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import site
from webapp.extensions import db
from webapp.models import Closure
from webapp.schedule import office_edits as office
from webapp.schedule.office import holiday_names
from webapp.schedule.store import get_office, holiday_settings, live_hours
from webapp.site import municipality, timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required
from webapp.staff.fields import WEEKDAYS
from webapp.staff.office_forms import ClosureForm, HoursForm, RemoveForm, hours_intervals


def _office_or_404():
    place = get_office(db.session)
    if place is None:
        abort(404)
    return place


def _live_closures(place):
    return list(
        db.session.scalars(
            select(Closure)
            .where(Closure.place_id == place.id, Closure.deleted_at.is_(None))
            .order_by(Closure.first_day, Closure.id)
        )
    )


@bp.get("/office")
@staff_required("schedule.read")
def office_overview(lang):
    place = _office_or_404()
    today = site.now().astimezone(timezone()).date()
    closures = [c for c in _live_closures(place) if c.last_day >= today]
    # Which holidays close the office depends on the data file's [holidays] settings.
    settings = holiday_settings(municipality())
    holidays = holiday_names(today, today + timedelta(days=365), locale=lang, **settings)
    return render_template(
        "staff/office.html",
        office=place,
        hours=live_hours(db.session, place),
        closures=closures,
        weekdays=dict(WEEKDAYS),
        holidays=holidays,
        tz=timezone(),
    )


@bp.route("/office/hours", methods=["GET", "POST"])
@staff_required("schedule.edit")
def hours_edit(lang):
    place = _office_or_404()
    form = HoursForm()
    today = site.now().astimezone(timezone()).date()
    if request.method == "GET":
        form.valid_from.data = today
        _fill_current_hours(form, live_hours(db.session, place), today)
    if form.validate_on_submit():
        intervals, ok = hours_intervals(form)
        if ok:
            office.set_weekly_hours(
                db.session,
                place,
                intervals,
                valid_from=form.valid_from.data,
                valid_until=form.valid_until.data,
                now=site.now(),
                actor=current_user,
            )
            db.session.commit()
            flash(_("Öppettiderna är sparade."))
            return redirect(url_for("staff.office_overview"))
    return render_form("staff/hours.html", form, weekdays=WEEKDAYS)


def _fill_current_hours(form, rules, day):
    """Prefill the form with the rules in force on `day`."""
    by_weekday: dict[int, list] = {}
    for rule in rules:
        if rule.covers(day):
            by_weekday.setdefault(rule.weekday, []).append(rule)
    for weekday, day_rules in by_weekday.items():
        for n, rule in enumerate(sorted(day_rules, key=lambda r: r.opens)[:2], start=1):
            getattr(form, f"d{weekday}_{n}_opens").data = rule.opens
            getattr(form, f"d{weekday}_{n}_closes").data = rule.closes


@bp.route("/office/closures/new", methods=["GET", "POST"])
@staff_required("schedule.edit")
def closure_new(lang):
    return _closure_form(None)


@bp.route("/office/closures/<int(max=2147483647):closure_id>", methods=["GET", "POST"])
@staff_required("schedule.edit")
def closure_edit(lang, closure_id):
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.deleted_at is not None:
        abort(404)
    return _closure_form(closure)


def _closure_form(closure):
    place = _office_or_404()
    form = ClosureForm()
    if request.method == "GET" and closure is not None:
        form.first_day.data, form.last_day.data = closure.first_day, closure.last_day
        form.kind.data = "changed" if closure.hours else "closed"
        if closure.intervals:
            form.opens.data, form.closes.data = closure.intervals[0]
        form.note.data = closure.note
        form.note_en.data = (closure.translations or {}).get("en", {}).get("note", "")
    if form.validate_on_submit():
        hours = None
        if form.kind.data == "changed":
            hours = [[form.opens.data.strftime("%H:%M"), form.closes.data.strftime("%H:%M")]]
        office.add_closure(
            db.session,
            place,
            first_day=form.first_day.data,
            last_day=form.last_day.data,
            hours=hours,
            note=form.note.data,
            note_en=form.note_en.data,
            now=site.now(),
            actor=current_user,
            replaces=closure,
        )
        db.session.commit()
        flash(_("Ändringen av öppettiderna är sparad."))
        return redirect(url_for("staff.office_overview"))
    return render_form("staff/closure_form.html", form, closure=closure, remove_form=RemoveForm())


@bp.route("/office/closures/<int(max=2147483647):closure_id>/remove", methods=["POST"])
@staff_required("schedule.edit")
def closure_remove(lang, closure_id):
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.deleted_at is not None:
        abort(404)
    form = RemoveForm()
    if form.validate_on_submit():
        office.remove_closure(db.session, closure, now=site.now(), actor=current_user)
        db.session.commit()
        flash(_("Ändringen är borttagen. De vanliga öppettiderna gäller."))
        return redirect(url_for("staff.office_overview"))
    flash(_("Ändringen kunde inte tas bort. Försök igen."))
    return redirect(url_for("staff.closure_edit", closure_id=closure.id))
