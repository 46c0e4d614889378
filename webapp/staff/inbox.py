"""The feedback inbox for police and municipality: filter, read, mask, export to CSV."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp import site
from webapp.extensions import db
from webapp.feedback import inbox
from webapp.feedback.codes import normalise_code
from webapp.feedback.export import export_csv
from webapp.feedback.forms import (
    MET_LABELS,
    REACH_LABELS,
    SAFETY_LABELS,
    choices,
    one_kind_of_line_break,
)
from webapp.masking import MASK, suggest_mask
from webapp.models import Feedback
from webapp.schedule import store
from webapp.site import lang as page_lang
from webapp.site import timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required
from webapp.staff.forms import BaseForm

PAGE = 50
ANY = SelectChoice("", _l("Alla"))
# The inbox filter's query arguments; "unread" is a checkbox and handled on its own.
FILTER_FIELDS = (
    "place",
    "poster",
    "first_day",
    "last_day",
    "met_police",
    "safety",
    "reach_ease",
    "contact",
)
LABELS = {"met_police": MET_LABELS, "safety": SAFETY_LABELS, "reach_ease": REACH_LABELS}


def _one_of_the_options(_form, field):
    if field.data and field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(_("Välj ett av alternativen i listan"))


def _choice(label, labels: dict):
    """A select with "Alla" first; a value that is not an option is refused politely."""
    return SelectField(
        label,
        choices=[ANY, *choices(labels)],
        default="",
        validate_choice=False,
        validators=[_one_of_the_options],
    )


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    place = SelectField(_l("Plats"), [_one_of_the_options], default="", validate_choice=False)
    poster = StringField(_l("Affischkod"), [Length(max=16, message=_l("Skriv högst 16 tecken"))])
    first_day = DateField(
        _l("Från och med"), [Optional()], invalid_value_message=_l("Skriv datumet som 2026-12-04")
    )
    last_day = DateField(
        _l("Till och med"), [Optional()], invalid_value_message=_l("Skriv datumet som 2026-12-04")
    )
    met_police = _choice(_l("Träffat eller sett polisen"), MET_LABELS)
    safety = _choice(_l("Trygghet"), SAFETY_LABELS)
    reach_ease = _choice(_l("Lätt att nå polisen"), REACH_LABELS)
    contact = _choice(_l("Vill bli kontaktad"), {"yes": _l("Ja"), "no": _l("Nej")})
    unread = BooleanField(_l("Bara olästa"))

    def validate_poster(self, field):
        if field.data and normalise_code(field.data) is None:
            raise ValidationError(_("Skriv en affischkod, till exempel K7M3QX"))

    def validate_last_day(self, field):
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_("Slutdatumet får inte vara före startdatumet"))

    def filters(self) -> inbox.Filters:
        def number(value):
            return int(value) if value else None

        return inbox.Filters(
            place=self.place.data or None,
            poster=normalise_code(self.poster.data),
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            met_police=self.met_police.data or None,
            safety=number(self.safety.data),
            reach_ease=number(self.reach_ease.data),
            wants_contact={"yes": True, "no": False}.get(self.contact.data),
            unread=bool(self.unread.data),
        )

    def link_args(self) -> dict[str, str]:
        """The filter as query arguments for links, rebuilt from the validated fields: nothing
        else from the request reaches url_for (where "lang" or "_external" mean something)."""
        args = {name: _query_value(self[name].data) for name in FILTER_FIELDS if self[name].data}
        if self.unread.data:
            args["unread"] = "y"
        return args


def _query_value(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class ReadForm(BaseForm):
    read = HiddenField()


class MaskForm(BaseForm):
    masked = TextAreaField(
        _l("Texten som den får lämnas ut"),
        [InputRequired(_l("Skriv texten med personuppgifterna maskerade"))],
        filters=[one_kind_of_line_break],
    )


def _filter_form():
    form = FilterForm(formdata=request.args)
    form.place.choices = [
        ANY,
        *(SelectChoice(p.slug, p.text("name", page_lang())) for p in _places()),
    ]
    ok = form.validate() if request.args else True
    return form, (form.filters() if ok else inbox.Filters()), (form.link_args() if ok else {})


def _places():
    return store.all_places(db.session)


def _feedback_or_404(feedback_id) -> Feedback:
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        abort(404)
    return feedback


@bp.get("/feedback")
@staff_required("feedback.read")
def inbox_list(lang):
    form, filters, args = _filter_form()
    tz = timezone()
    total = inbox.count_feedback(db.session, filters, tz)
    pages = max((total + PAGE - 1) // PAGE, 1)
    # A page past the end shows the last one (a huge number would overflow the offset).
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    items = inbox.find_feedback(db.session, filters, tz, limit=PAGE, offset=(page - 1) * PAGE)
    inbox.audit_access(
        db.session,
        "feedback.list",
        actor=current_user,
        now=site.now(),
        filters=filters,
        count=len(items),
    )
    db.session.commit()
    return render_form(
        "staff/inbox.html",
        form,
        status=400 if form.errors else 200,
        items=items,
        total=total,
        page=page,
        pages=pages,
        args=args,
        tz=tz,
        labels=LABELS,
        unread=inbox.unread_count(db.session),
    )


@bp.get("/feedback/export.csv")
@staff_required("feedback.read")
def inbox_export(lang):
    form, filters, _args = _filter_form()
    if form.errors:
        fields = {
            name: request.args[name] for name in (*FILTER_FIELDS, "unread") if name in request.args
        }
        return redirect(url_for("staff.inbox_list", **fields))
    tz = timezone()
    items = inbox.find_feedback(db.session, filters, tz)
    now = site.now()
    inbox.audit_access(
        db.session,
        "feedback.export",
        actor=current_user,
        now=now,
        filters=filters,
        count=len(items),
    )
    db.session.commit()
    name = f"synpunkter-{now.astimezone(tz):%Y%m%d-%H%M}.csv"
    return (
        export_csv(items, tz),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


@bp.get("/feedback/<int(max=2147483647):feedback_id>")
@staff_required("feedback.read")
def inbox_item(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    inbox.audit_access(
        db.session, "feedback.view", actor=current_user, now=site.now(), obj=feedback
    )
    db.session.commit()
    return render_template(
        "staff/inbox_item.html",
        item=feedback,
        tz=timezone(),
        labels=LABELS,
        read_form=ReadForm(),
        mask=MASK,
    )


@bp.post("/feedback/<int(max=2147483647):feedback_id>/read")
@staff_required("feedback.read")
def inbox_read(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = ReadForm()
    if form.validate_on_submit():
        inbox.mark_read(
            db.session, feedback, read=form.read.data != "0", actor=current_user, now=site.now()
        )
        db.session.commit()
        flash(_("Markerad som läst.") if feedback.read_at else _("Markerad som oläst."))
    return redirect(url_for("staff.inbox_item", feedback_id=feedback.id))


@bp.route("/feedback/<int(max=2147483647):feedback_id>/mask", methods=["GET", "POST"])
@staff_required("feedback.read")
def inbox_mask(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = MaskForm()
    if request.method == "GET":
        form.masked.data = feedback.comment_masked or suggest_mask(feedback.comment)
    if form.validate_on_submit():
        try:
            inbox.save_masked_copy(
                db.session, feedback, form.masked.data, actor=current_user, now=site.now()
            )
        except inbox.MaskError:
            form.masked.errors.append(
                _(
                    "Du kan bara byta ut delar av texten mot %(mask)s. Skriv inte till eller "
                    "ändra något annat",
                    mask=MASK,
                )
            )
        else:
            db.session.commit()
            flash(_("Den maskerade texten är sparad. Originalet finns kvar."))
            return redirect(url_for("staff.inbox_item", feedback_id=feedback.id))
    return render_form("staff/inbox_mask.html", form, item=feedback, mask=MASK, tz=timezone())
