"""Staff record what was done for the promise: /<lang>/staff/promises. Police and municipality
staff add, change and remove entries for the activities they own; every change is audited."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp import site
from webapp.extensions import db
from webapp.models import PromiseEntry
from webapp.promise import records
from webapp.promise.followup import promise_followup
from webapp.promise.periods import periods_begun, whole
from webapp.site import timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required
from webapp.staff.promise_forms import EditEntryForm, EntryForm, ReasonForm


def _today():
    return site.now().astimezone(timezone()).date()


@bp.get("/promises")
@staff_required("promise.read")
def promises(lang):
    now = site.now()  # once: the page's figures, periods and marks agree at midnight
    today = now.astimezone(timezone()).date()
    rows = records.all_promises(db.session)
    key = request.args.get("promise", "")
    chosen = next((p for p in rows if p.key == key), None) if key else None
    chosen = chosen or records.promise_in_force(rows, today) or records.latest_started(rows, today)
    followup = (
        promise_followup(db.session, chosen, timezone(), now, public=False) if chosen else None
    )
    periods = periods_begun(whole(chosen), today) if chosen else []
    return render_template(
        "staff/promises.html", promises=rows, chosen=chosen, f=followup,
        may_record=lambda a: records.may_record(current_user.role, a),
        periods=periods, today=today,
    )  # fmt: skip


def _activity_or_404(activity_id):
    activity = records.activity_by_id(db.session, activity_id)
    if activity is None:
        abort(404)
    if not records.may_record(current_user.role, activity):
        abort(403)
    return activity


def _form(cls, activity, **kw):
    p = activity.promise
    return cls(measure=activity.measure, first_day=p.first_day, last_day=p.last_day,
               today=_today(), **kw)  # fmt: skip


@bp.route("/promises/activities/<int(max=2147483647):activity_id>", methods=["GET", "POST"])
@staff_required("promise.record")
def promise_activity(lang, activity_id):
    activity = _activity_or_404(activity_id)
    form = _form(EntryForm, activity)
    if request.method == "GET":
        form.day.data = min(_today(), activity.promise.last_day)
        form.value.data = "1" if activity.measure == "count" else ""
    if form.validate_on_submit():
        records.add_entry(db.session, activity, day=form.day.data, value=form.number(),
                        note=form.note.data, actor=current_user, now=site.now())  # fmt: skip
        db.session.commit()
        flash(_("Uppgiften är sparad."))
        return redirect(url_for("staff.promise_activity", activity_id=activity.id))
    return render_form("staff/promise_activity.html", form, activity=activity,
                       entries=records.entries(db.session, activity))  # fmt: skip


def _entry_or_404(entry_id):
    entry = db.session.get(PromiseEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        abort(404)
    _activity_or_404(entry.activity_id)
    return entry


@bp.route("/promises/entries/<int(max=2147483647):entry_id>", methods=["GET", "POST"])
@staff_required("promise.record")
def promise_entry(lang, entry_id):
    entry = _entry_or_404(entry_id)
    form = _form(EditEntryForm, entry.activity)
    if request.method == "GET":
        form.day.data, form.note.data = entry.day, entry.note
        form.value.data = "" if entry.value is None else f"{entry.value:g}"
    if form.validate_on_submit():
        records.edit_entry(db.session, entry, day=form.day.data, value=form.number(),
                         note=form.note.data, reason=form.reason.data, actor=current_user,
                         now=site.now())  # fmt: skip
        db.session.commit()
        flash(_("Uppgiften är ändrad."))
        return redirect(url_for("staff.promise_activity", activity_id=entry.activity_id))
    return render_form("staff/promise_entry.html", form, entry=entry, remove_form=ReasonForm(
        formdata=None, prefix="remove"))  # fmt: skip


@bp.route("/promises/entries/<int(max=2147483647):entry_id>/remove", methods=["POST"])
@staff_required("promise.record")
def promise_entry_remove(lang, entry_id):
    entry = _entry_or_404(entry_id)
    remove_form = ReasonForm(prefix="remove")
    if remove_form.validate_on_submit():
        records.remove_entry(db.session, entry, reason=remove_form.reason.data,
                           actor=current_user, now=site.now())  # fmt: skip
        db.session.commit()
        flash(_("Uppgiften är borttagen."))
        return redirect(url_for("staff.promise_activity", activity_id=entry.activity_id))
    form = _form(EditEntryForm, entry.activity, formdata=None)
    form.day.data, form.note.data = entry.day, entry.note
    form.value.data = "" if entry.value is None else f"{entry.value:g}"
    return render_template("staff/promise_entry.html", form=form, entry=entry,
                           remove_form=remove_form), 400  # fmt: skip
