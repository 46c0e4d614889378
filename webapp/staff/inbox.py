"""The feedback inbox for police and municipality: the cases as a list, filtered, changed
in bulk, exported to CSV. One case's page is in webapp.staff.cases."""

from datetime import date
from functools import partial
from urllib.parse import parse_qsl, urlencode

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from webapp import site
from webapp.extensions import db
from webapp.feedback import cases, inbox
from webapp.feedback.codes import normalise_code
from webapp.feedback.export import export_csv
from webapp.feedback.forms import MET_LABELS, REACH_LABELS, SAFETY_LABELS, choices
from webapp.models import Feedback
from webapp.schedule import store
from webapp.site import lang as page_lang
from webapp.site import timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required
from webapp.staff.case_forms import STATE_CHOICES, STATE_LABELS
from webapp.staff.cases import LABELS, bulk_change, bulk_form, theme_choices
from webapp.staff.forms import BaseForm

PAGE = 50
ANY = SelectChoice("", _l("Alla"))
# The inbox filter's query arguments.
FILTER_FIELDS = (
    "state",
    "theme",
    "assigned",
    "place",
    "poster",
    "first_day",
    "last_day",
    "met_police",
    "safety",
    "reach_ease",
    "contact",
)


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

    state = SelectField(
        _l("Läge"),
        choices=[ANY, *STATE_CHOICES],
        default="",
        validate_choice=False,
        validators=[_one_of_the_options],
    )
    theme = SelectField(_l("Tema"), [_one_of_the_options], default="", validate_choice=False)
    assigned = _choice(_l("Ansvarig"), {"me": _l("Jag"), "team": _l("Gruppen")})
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
            state=self.state.data or None,
            theme=self.theme.data or None,
            assigned_to={"me": current_user.id, "team": 0}.get(self.assigned.data),
        )

    def link_args(self) -> dict[str, str]:
        """The filter as query arguments for links, rebuilt from the validated fields: nothing
        else from the request reaches url_for (where "lang" or "_external" mean something)."""
        return {name: _query_value(self[name].data) for name in FILTER_FIELDS if self[name].data}


def _query_value(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def filter_form(formdata):
    """The filter form read from `formdata`, the filters it gives and its link arguments."""
    form = FilterForm(formdata=formdata)
    form.place.choices = [
        ANY,
        *(SelectChoice(p.slug, p.text("name", page_lang())) for p in _places()),
    ]
    form.theme.choices = [ANY, *(SelectChoice(key, name) for key, name in theme_choices())]
    ok = form.validate() if formdata else True
    return form, (form.filters() if ok else inbox.Filters()), (form.link_args() if ok else {})


def _places():
    return store.all_places(db.session)


@bp.get("/feedback")
@staff_required("feedback.read")
def inbox_list(lang):
    return _render_list(filter_form(request.args), bulk_form())


def _render_list(filtered, bulk, status=None):
    form, filters, args = filtered
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
    bulk.back.data = bulk.back.data or _query(args, page)
    return render_form(
        "staff/inbox.html",
        form,
        status=status or (400 if form.errors else 200),
        items=items,
        total=total,
        page=page,
        pages=pages,
        args=args,
        tz=tz,
        labels=LABELS,
        state_labels=STATE_LABELS,
        theme_name=partial(
            cases.theme_name, cases.themes_of(site.municipality()), lang=page_lang()
        ),
        unread=inbox.unread_count(db.session),
        bulk=bulk,
    )


def _query(args: dict, page: int) -> str:
    return urlencode({**args, **({"page": page} if page > 1 else {})})


@bp.get("/feedback/export.csv")
@staff_required("feedback.read")
def inbox_export(lang):
    form, filters, _args = filter_form(request.args)
    if form.errors:
        fields = {name: request.args[name] for name in FILTER_FIELDS if name in request.args}
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
        export_csv(items, tz, theme_names(page_lang())),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


@bp.post("/feedback/bulk")
@staff_required("feedback.handle")
def inbox_bulk(lang):
    """One change to the chosen cases; then the list again, with the filter it had."""
    bulk = bulk_form()
    pairs = parse_qsl((bulk.back.data or "")[:2000])
    filtered = filter_form(MultiDict(pairs))
    if not bulk.validate_on_submit():
        return _render_list(filtered, bulk, status=400)
    ids = bulk.item.data
    items = list(db.session.scalars(select(Feedback).where(Feedback.id.in_(ids))))
    changed = bulk_change(items, bulk.action.data)
    db.session.commit()
    flash(_("%(num)d av %(total)d synpunkter ändrades.", num=changed, total=len(items)))
    page = dict(pairs).get("page", "")
    extra = {"page": page} if page.isdigit() and len(page) < 8 else {}
    return redirect(url_for("staff.inbox_list", **filtered[2], **extra))


def theme_names(lang: str) -> dict[str, str]:
    """Each theme key's name in `lang` (Swedish where the data file has none), for the CSV."""
    themes = cases.themes_of(site.municipality())
    return {key: cases.theme_name(themes, key, lang) for key in themes}
