"""Presence: the schedule list, new series, single slots, moves, cancellations, outcomes."""

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from webapp import site
from webapp.extensions import db
from webapp.forms import choices
from webapp.models import PresenceSeries, PresenceSlot
from webapp.schedule import planning
from webapp.schedule.slots import REPORTED, is_move, slot_allows
from webapp.schedule.store import holiday_settings, place_by_slug, presence_places
from webapp.site import lang as current_lang
from webapp.site import municipality, timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required
from webapp.staff.fields import WEEKDAYS, set_place_choices
from webapp.staff.presence_forms import (
    CancelForm,
    EndSeriesForm,
    HeldForm,
    OutcomeForm,
    RestoreForm,
    SeriesForm,
    SlotForm,
)

WEEKS_SHOWN = 6


def _slot_or_404(slot_id: int) -> PresenceSlot:
    slot = db.session.get(PresenceSlot, slot_id)
    if slot is None:
        abort(404)
    return slot


def _local_date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _holidays(first: date, last: date) -> dict:
    return planning.holidays_between(first, last, holiday_settings(municipality()), current_lang())


@bp.get("/presence")
@staff_required("schedule.read")
def presence_list(lang):
    tz = timezone()
    now = site.now()
    today = now.astimezone(tz).date()
    first = _local_date(request.args.get("from"), today)
    first = min(max(first, date(2000, 1, 1)), date(2100, 1, 1))
    last = first + timedelta(weeks=WEEKS_SHOWN)
    slots = planning.slots_starting_between(
        db.session,
        datetime.combine(first, time(0), tzinfo=tz),
        datetime.combine(last, time(0), tzinfo=tz),
    )
    return render_template(
        "staff/presence.html",
        slots=slots,
        first=first,
        last=last,
        tz=tz,
        now=now,
        earlier=first - timedelta(weeks=WEEKS_SHOWN),
        last_shown=last - timedelta(days=1),
        weekday_names=dict(WEEKDAYS),
        holidays=_holidays(first, last),
        series=_series_list(),
    )


def _series_list():
    return list(
        db.session.scalars(
            select(PresenceSeries).order_by(PresenceSeries.first_day, PresenceSeries.id)
        )
    )


@bp.route("/presence/series/new", methods=["GET", "POST"])
@staff_required("schedule.edit")
def series_new(lang):
    form = SeriesForm()
    set_place_choices(form, presence_places(db.session), current_lang())
    warnings = None
    if form.validate_on_submit():
        tz, now = timezone(), site.now()
        place = place_by_slug(db.session, form.place.data)
        spans = planning.series_occurrences(
            form.weekdays.data,
            form.starts.data,
            form.ends.data,
            form.first_day.data,
            form.last_day.data,
            form.interval_weeks.data,
            tz,
            now,
        )
        if not spans:
            form.weekdays.errors.append(
                _(
                    "Serien får inga tillfällen som inte redan har varit. "
                    "Kontrollera veckodagar och datum"
                )
            )
            return render_form("staff/series_new.html", form)
        warnings = planning.check_warnings(
            db.session,
            place.id,
            spans,
            tz,
            holidays=_holidays(form.first_day.data, form.last_day.data),
        )
        if not warnings or form.confirm.data == "1":
            series = planning.create_series(
                db.session,
                place=place,
                weekdays=form.weekdays.data,
                starts=form.starts.data,
                ends=form.ends.data,
                first_day=form.first_day.data,
                last_day=form.last_day.data,
                interval_weeks=form.interval_weeks.data,
                tz=tz,
                now=now,
                actor=current_user,
            )
            db.session.commit()
            flash(
                ngettext(
                    "Serien är sparad med %(num)d tillfälle.",
                    "Serien är sparad med %(num)d tillfällen.",
                    len(spans),
                )
            )
            return redirect(url_for("staff.presence_list", _anchor=f"series-{series.id}"))
        form.confirm.data = "1"
    return render_form("staff/series_new.html", form, warnings=warnings, tz=timezone())


@bp.route("/presence/slots/new", methods=["GET", "POST"])
@staff_required("schedule.edit")
def slot_new(lang):
    form = SlotForm()
    set_place_choices(form, presence_places(db.session), current_lang())
    result = _save_slot(form, slot=None)
    if result is not None and not isinstance(result, planning.Warnings):
        return result
    return render_form(
        "staff/slot_form.html", form, slot=None, warnings=result, tz=timezone(), editable=True
    )


@bp.route("/presence/slots/<int(max=2147483647):slot_id>", methods=["GET", "POST"])
@staff_required("schedule.edit")
def slot_edit(lang, slot_id):
    slot = _slot_or_404(slot_id)
    tz = timezone()
    form = SlotForm()
    set_place_choices(form, presence_places(db.session), current_lang())
    if request.method == "GET":
        form.place.data = slot.place.slug
        form.day.data = slot.starts_at.astimezone(tz).date()
        form.starts.data = slot.starts_at.astimezone(tz).time()
        form.ends.data = slot.ends_at.astimezone(tz).time()
        form.note.data = slot.note if not slot.cancelled else ""
    editable = slot_allows(slot, "edit", site.now())
    result = _save_slot(form, slot=slot) if editable else None
    if result is not None and not isinstance(result, planning.Warnings):
        return result
    return render_form(
        "staff/slot_form.html",
        form,
        slot=slot,
        warnings=result,
        tz=tz,
        restore_form=RestoreForm(),
        now=site.now(),
        editable=editable,
    )


def _save_slot(form, slot):
    """Validate and save a new or changed slot: a redirect, Warnings to confirm, or None."""
    if not form.validate_on_submit():
        return None
    tz, now = timezone(), site.now()
    place = place_by_slug(db.session, form.place.data)
    starts_at, ends_at = planning.local_span(form.day.data, form.starts.data, form.ends.data, tz)
    warnings = planning.check_warnings(
        db.session,
        place.id,
        [(starts_at, ends_at)],
        tz,
        holidays=_holidays(form.day.data, form.day.data),
        ignore_id=slot.id if slot else None,
    )
    if slot is not None and not form.note.data:
        if is_move(slot, place_id=place.id, starts_at=starts_at, ends_at=ends_at):
            form.note.errors.append(
                _("Skriv ett meddelande till invånarna om varför tiden eller platsen ändras")
            )
            return None
    if warnings and form.confirm.data != "1":
        form.confirm.data = "1"
        return warnings
    wanted = {
        "place": place,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "note": form.note.data,
        "now": now,
        "actor": current_user,
    }
    if slot is None:
        slot = planning.add_slot(db.session, **wanted)
        flash(_("Tillfället är sparat."))
    elif planning.update_slot(db.session, slot, **wanted):
        flash(_("Ändringen är sparad. Invånarnas kalendrar uppdateras."))
    else:
        flash(_("Inget ändrades."))
    db.session.commit()
    return redirect(
        url_for(
            "staff.presence_list", **{"from": _week_start(starts_at, tz)}, _anchor=f"slot-{slot.id}"
        )
    )


def _week_start(moment: datetime, tz) -> str:
    day = moment.astimezone(tz).date()
    return (day - timedelta(days=day.weekday())).isoformat()


@bp.route("/presence/slots/<int(max=2147483647):slot_id>/cancel", methods=["GET", "POST"])
@staff_required("schedule.edit")
def slot_cancel(lang, slot_id):
    slot = _slot_or_404(slot_id)
    form = CancelForm()
    if not slot_allows(slot, "cancel", site.now()):
        flash(_("Bara kommande tillfällen kan ställas in."))
        return redirect(url_for("staff.slot_edit", slot_id=slot.id))
    if form.validate_on_submit():
        planning.cancel_slot(
            db.session, slot, reason=form.reason.data, now=site.now(), actor=current_user
        )
        db.session.commit()
        flash(_("Tillfället är inställt. Invånarna ser orsaken."))
        return redirect(
            url_for(
                "staff.presence_list",
                **{"from": _week_start(slot.starts_at, timezone())},
                _anchor=f"slot-{slot.id}",
            )
        )
    return render_form("staff/slot_cancel.html", form, slot=slot, tz=timezone())


@bp.route("/presence/slots/<int(max=2147483647):slot_id>/restore", methods=["POST"])
@staff_required("schedule.edit")
def slot_restore(lang, slot_id):
    slot = _slot_or_404(slot_id)
    form = RestoreForm()
    if form.validate_on_submit() and slot_allows(slot, "restore", site.now()):
        planning.restore_slot(db.session, slot, now=site.now(), actor=current_user)
        db.session.commit()
        flash(_("Tillfället gäller igen."))
        return redirect(url_for("staff.slot_edit", slot_id=slot.id))
    flash(_("Tillfället kunde inte återställas. Försök igen."))
    return redirect(url_for("staff.slot_edit", slot_id=slot.id))


@bp.route("/presence/series/<int(max=2147483647):series_id>/end", methods=["GET", "POST"])
@staff_required("schedule.edit")
def series_end(lang, series_id):
    series = db.session.get(PresenceSeries, series_id)
    if series is None:
        abort(404)
    tz, now = timezone(), site.now()
    form = EndSeriesForm()
    if request.method == "GET":
        form.from_day.data = now.astimezone(tz).date() + timedelta(days=1)
    if form.validate_on_submit():
        count = planning.end_series(
            db.session,
            series,
            from_day=form.from_day.data,
            reason=form.reason.data,
            tz=tz,
            now=now,
            actor=current_user,
        )
        db.session.commit()
        flash(ngettext("%(num)d tillfälle är inställt.", "%(num)d tillfällen är inställda.", count))
        return redirect(url_for("staff.presence_list"))
    return render_form("staff/series_end.html", form, series=series, tz=tz)


def _held_form(to_report) -> HeldForm:
    """The list of slots waiting for an outcome, all ticked at first: most were held. The
    template writes each slot's time and place beside its box."""
    form = HeldForm()
    form.slots.choices = choices([(str(s.id), str(s.id)) for s in to_report])
    if request.method == "GET":
        form.slots.data = [str(s.id) for s in to_report]
    return form


@bp.get("/outcomes")
@staff_required("schedule.read")
def outcomes(lang):
    now = site.now()
    to_report = planning.slots_to_report(db.session, now)
    return _outcomes_page(_held_form(to_report), to_report, now)


@bp.post("/outcomes")
@staff_required("outcome.record")
def outcomes_held(lang):
    """ "Held as planned" for the ticked slots, in one submit; the exceptions go one by one."""
    now = site.now()
    to_report = planning.slots_to_report(db.session, now)
    form = _held_form(to_report)
    if not form.validate_on_submit():
        return _outcomes_page(form, to_report, now)
    chosen = set(form.slots.data)
    done, skipped = planning.record_held(
        db.session, [s for s in to_report if str(s.id) in chosen], now=now, actor=current_user
    )
    db.session.commit()
    flash(
        ngettext(
            "%(num)d tillfälle är rapporterat som genomfört.",
            "%(num)d tillfällen är rapporterade som genomförda.",
            len(done),
        )
    )
    if skipped:
        flash(
            ngettext(
                "%(num)d tillfälle hade någon annan redan rapporterat. Det ändrades inte.",
                "%(num)d tillfällen hade någon annan redan rapporterat. De ändrades inte.",
                len(skipped),
            )
        )
    return redirect(url_for("staff.outcomes"))


def _outcomes_page(form, to_report, now):
    recent = list(
        db.session.scalars(
            select(PresenceSlot)
            .where(REPORTED.sql(now))
            .order_by(PresenceSlot.starts_at.desc())
            .limit(50)
        )
    )
    return render_form(
        "staff/outcomes.html", form, to_report=to_report, recent=recent, tz=timezone()
    )


@bp.route("/presence/slots/<int(max=2147483647):slot_id>/outcome", methods=["GET", "POST"])
@staff_required("outcome.record")
def outcome(lang, slot_id):
    slot = _slot_or_404(slot_id)
    now = site.now()
    if not slot_allows(slot, "outcome", now):
        flash(
            _("Resultat kan bara rapporteras för tillfällen som har varit och inte är inställda.")
        )
        return redirect(url_for("staff.outcomes"))
    form = OutcomeForm()
    if request.method == "GET" and slot.held is not None:
        form.held.data = "yes" if slot.held else "no"
        form.reason.data = slot.outcome_reason or ""
        form.people_met.data = slot.people_met
    if form.validate_on_submit():
        planning.record_outcome(
            db.session,
            slot,
            held=form.held.data == "yes",
            reason=form.reason.data,
            people_met=form.people_met.data,
            now=now,
            actor=current_user,
        )
        db.session.commit()
        flash(_("Resultatet är sparat."))
        return redirect(url_for("staff.outcomes"))
    return render_form("staff/outcome.html", form, slot=slot, tz=timezone())
