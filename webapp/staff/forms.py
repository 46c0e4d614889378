"""Staff forms: Swedish labels, whitespace stripped, messages that say what to do."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms import FIRST_YEAR, LAST_YEAR, BaseForm, Within, choices
from webapp.models import ROLES

WEEKDAYS = [
    (0, _l("Måndag")),
    (1, _l("Tisdag")),
    (2, _l("Onsdag")),
    (3, _l("Torsdag")),
    (4, _l("Fredag")),
    (5, _l("Lördag")),
    (6, _l("Söndag")),
]
ROLE_LABELS = {"police": _l("Polis"), "municipality": _l("Kommunen"), "admin": _l("Administratör")}
DATE_HINT = _l("Till exempel 2026-12-04")
TIME_HINT = _l("Till exempel 15:00")


def _day_field(label, missing=None, **kwargs):
    """A date; required when `missing` (the message for an empty field) is given."""
    checks = [InputRequired(missing)] if missing else [Optional()]
    return DateField(
        label,
        checks,
        invalid_value_message=_l("Skriv datumet som år-månad-dag, till exempel 2026-12-04"),
        **kwargs,
    )


def _time_field(label, missing):
    return TimeField(
        label,
        [InputRequired(missing)],
        invalid_value_message=_l("Skriv tiden som timmar:minuter, till exempel 15:00"),
    )


def _check_year(field):
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _("Skriv ett datum mellan år %(first)s och %(last)s", first=FIRST_YEAR, last=LAST_YEAR)
        )


class TimeRangeMixin:
    def validate_place(self, field):
        if field.data not in {c.value for c in self.place.choices if c.value}:
            raise ValidationError(_("Välj en plats"))

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_("Sluttiden måste vara efter starttiden"))


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-postadress"),
        [
            InputRequired(_l("Skriv din e-postadress")),
            Length(max=254, message=_l("Skriv en kortare e-postadress")),
        ],
    )
    password = PasswordField(
        _l("Lösenord"),
        [
            InputRequired(_l("Skriv ditt lösenord")),
            Length(max=1024, message=_l("Lösenordet är för långt")),
        ],
    )
    next = HiddenField()


class LogoutForm(BaseForm):
    pass


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(x) for x in valuelist]
        except (ValueError, TypeError):
            self.data = []
            raise ValueError(_("Välj bland veckodagarna i listan")) from None

    def pre_validate(self, form):
        # A value that is not an option is a tampered request: say what to do, never 500.
        if self.data and any(v not in {c.value for c in self.choices} for v in self.data):
            raise ValidationError(_("Välj bland veckodagarna i listan"))


class SeriesForm(TimeRangeMixin, BaseForm):
    place = SelectField(
        _l("Plats"),
        coerce=str,
        validate_choice=False,
        validators=[InputRequired(_l("Välj en plats"))],
    )
    weekdays = MultiCheckboxField(
        _l("Veckodagar"),
        choices=choices(WEEKDAYS),
        coerce=int,
        validators=[InputRequired(_l("Välj minst en veckodag"))],
    )
    starts = _time_field(_l("Börjar kl."), _l("Skriv när tillfällena börjar"))
    ends = _time_field(_l("Slutar kl."), _l("Skriv när tillfällena slutar"))
    first_day = _day_field(_l("Första dagen"), _l("Skriv seriens första dag"))
    last_day = _day_field(_l("Sista dagen"), _l("Skriv seriens sista dag"))
    interval_weeks = IntegerField(
        _l("Varje hur många veckor"),
        [
            InputRequired(_l("Skriv hur många veckor det är mellan tillfällena, till exempel 1")),
            Within(1, 8, _l("Skriv ett tal från 1 till 8")),
        ],
        default=1,
        invalid_value_message=_l("Skriv ett heltal, till exempel 1 eller 2"),
    )
    confirm = HiddenField()

    def validate_first_day(self, field):
        _check_year(field)

    def validate_last_day(self, field):
        _check_year(field)
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_("Sista dagen får inte vara före första dagen"))
        if self.first_day.data and field.data and (field.data - self.first_day.data).days > 800:
            raise ValidationError(_("En serie kan gälla högst två år. Dela upp den i flera"))


class SlotForm(TimeRangeMixin, BaseForm):
    place = SelectField(
        _l("Plats"),
        coerce=str,
        validate_choice=False,
        validators=[InputRequired(_l("Välj en plats"))],
    )
    day = _day_field(_l("Datum"), _l("Skriv vilken dag tillfället är"))
    starts = _time_field(_l("Börjar kl."), _l("Skriv när tillfället börjar"))
    ends = _time_field(_l("Slutar kl."), _l("Skriv när tillfället slutar"))
    note = TextAreaField(
        _l("Meddelande till invånarna (valfritt)"),
        [Length(max=500, message=_l("Skriv högst 500 tecken"))],
    )
    confirm = HiddenField()

    def validate_day(self, field):
        _check_year(field)


class CancelForm(BaseForm):
    reason = TextAreaField(
        _l("Varför ställs tillfället in?"),
        [
            InputRequired(_l("Skriv varför tillfället ställs in")),
            Length(max=480, message=_l("Skriv högst 480 tecken")),
        ],
    )


class RestoreForm(BaseForm):
    pass


class EndSeriesForm(BaseForm):
    from_day = _day_field(_l("Från och med"), _l("Skriv från vilken dag serien upphör"))
    reason = TextAreaField(
        _l("Varför upphör tillfällena?"),
        [
            InputRequired(_l("Skriv varför tillfällena upphör")),
            Length(max=480, message=_l("Skriv högst 480 tecken")),
        ],
    )

    def validate_from_day(self, field):
        _check_year(field)


class OutcomeForm(BaseForm):
    held = RadioField(
        validate_choice=False,
        label=_l("Blev tillfället av?"),
        choices=choices([("yes", _l("Ja, vi var på plats")), ("no", _l("Nej"))]),
        validators=[InputRequired(_l("Välj om tillfället blev av"))],
    )
    reason = TextAreaField(
        _l("Varför blev det inte av?"), [Length(max=500, message=_l("Skriv högst 500 tecken"))]
    )
    people_met = IntegerField(
        _l("Hur många pratade ni med? (valfritt)"),
        [Optional(), Within(0, 10000, _l("Skriv ett antal från 0 till 10000"))],
        invalid_value_message=_l("Skriv antalet som en siffra, till exempel 12"),
    )

    def validate_held(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_("Välj om tillfället blev av"))

    def validate_reason(self, field):
        if self.held.data == "no" and not field.data:
            raise ValidationError(_("Skriv varför tillfället inte blev av"))


class HoursForm(BaseForm):
    """One week of opening hours, up to two intervals a day, valid from a date."""

    valid_from = _day_field(_l("Gäller från och med"), _l("Skriv från vilken dag tiderna gäller"))
    valid_until = _day_field(_l("Gäller till och med (valfritt)"))

    def validate_valid_from(self, field):
        _check_year(field)

    def validate_valid_until(self, field):
        _check_year(field)
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_("Slutdatumet får inte vara före startdatumet"))


def _interval_fields():
    for day, _name in WEEKDAYS:
        for n in (1, 2):
            for edge in ("opens", "closes"):
                yield f"d{day}_{n}_{edge}"


for _name in _interval_fields():
    setattr(
        HoursForm,
        _name,
        TimeField(
            _name,
            [Optional()],
            invalid_value_message=_l("Skriv tiden som timmar:minuter, till exempel 10:00"),
        ),
    )


def hours_intervals(form: HoursForm):
    """(weekday, opens, closes) for every filled-in interval; errors added to the fields."""
    out, ok = [], True
    for day, _name in WEEKDAYS:
        for n in (1, 2):
            opens = getattr(form, f"d{day}_{n}_opens")
            closes = getattr(form, f"d{day}_{n}_closes")
            if opens.data is None and closes.data is None:
                continue
            if opens.data is None or closes.data is None:
                (opens if opens.data is None else closes).errors.append(
                    _("Skriv både när kontoret öppnar och när det stänger")
                )
                ok = False
            elif closes.data <= opens.data:
                closes.errors.append(_("Stängningstiden måste vara efter öppningstiden"))
                ok = False
            else:
                out.append((day, opens.data, closes.data))
    return out, ok


class ClosureForm(BaseForm):
    first_day = _day_field(_l("Första dagen"), _l("Skriv vilken dag ändringen börjar gälla"))
    last_day = _day_field(_l("Sista dagen (valfritt)"))
    kind = RadioField(
        validate_choice=False,
        label=_l("Vad gäller?"),
        choices=choices([("closed", _l("Stängt")), ("changed", _l("Ändrade öppettider"))]),
        validators=[InputRequired(_l("Välj om kontoret är stängt eller har ändrade tider"))],
        default="closed",
    )
    opens = TimeField(
        _l("Öppnar kl."),
        [Optional()],
        invalid_value_message=_l("Skriv tiden som timmar:minuter, till exempel 10:00"),
    )
    closes = TimeField(
        _l("Stänger kl."),
        [Optional()],
        invalid_value_message=_l("Skriv tiden som timmar:minuter, till exempel 12:00"),
    )
    note = StringField(
        _l("Meddelande till invånarna"),
        [
            InputRequired(_l("Skriv ett kort meddelande, till exempel Utbildningsdag")),
            Length(max=300, message=_l("Skriv högst 300 tecken")),
        ],
    )
    note_en = StringField(
        _l("Meddelandet på engelska (valfritt)"),
        [Length(max=300, message=_l("Skriv högst 300 tecken"))],
    )

    def validate_first_day(self, field):
        _check_year(field)

    def validate_last_day(self, field):
        _check_year(field)
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_("Sista dagen får inte vara före första dagen"))
        if field.data and self.first_day.data and (field.data - self.first_day.data).days > 400:
            raise ValidationError(_("En ändring kan gälla högst ett år"))

    def validate_kind(self, field):
        if field.data not in ("closed", "changed"):
            raise ValidationError(_("Välj om kontoret är stängt eller har ändrade tider"))

    def validate_opens(self, field):
        if self.kind.data == "changed" and field.data is None and not field.errors:
            raise ValidationError(_("Skriv när kontoret öppnar"))

    def validate_closes(self, field):
        if self.kind.data != "changed":
            return
        if field.data is None and not field.errors:
            raise ValidationError(_("Skriv när kontoret stänger"))
        if field.data and self.opens.data and field.data <= self.opens.data:
            raise ValidationError(_("Stängningstiden måste vara efter öppningstiden"))


class RemoveForm(BaseForm):
    pass


def _password_message(code):
    return {
        "short": _(
            "Skriv ett lösenord med minst 12 tecken. En fras av flera ord är lätt att minnas"
        ),
        "long": _("Skriv ett lösenord med högst 1024 tecken"),
        "common": _("Lösenordet är för vanligt och lätt att gissa. Välj ett annat"),
        "personal": _("Lösenordet får inte innehålla e-postadressen. Välj ett annat"),
    }[code]


class UserForm(BaseForm):
    email = EmailField(
        _l("E-postadress"),
        [
            InputRequired(_l("Skriv en e-postadress")),
            Length(max=254, message=_l("Skriv en kortare e-postadress")),
        ],
    )
    role = RadioField(
        validate_choice=False,
        label=_l("Roll"),
        choices=choices((r, ROLE_LABELS[r]) for r in ROLES),
        validators=[InputRequired(_l("Välj en roll"))],
    )
    password = PasswordField(_l("Lösenord"), [InputRequired(_l("Skriv ett lösenord"))])

    def validate_email(self, field):
        local, at, domain = field.data.partition("@")
        if not (local and at and "." in domain) or " " in field.data:
            raise ValidationError(_("Skriv e-postadressen som namn@exempel.se"))

    def validate_role(self, field):
        if field.data not in ROLES:
            raise ValidationError(_("Välj en roll"))

    def validate_password(self, field):
        from webapp.staff.passwords import password_problem

        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(_password_message(problem))


class UserEditForm(BaseForm):
    role = RadioField(
        validate_choice=False,
        label=_l("Roll"),
        choices=choices((r, ROLE_LABELS[r]) for r in ROLES),
        validators=[InputRequired(_l("Välj en roll"))],
    )
    active = BooleanField(_l("Kontot är aktivt"))

    def validate_role(self, field):
        if field.data not in ROLES:
            raise ValidationError(_("Välj en roll"))


def set_place_choices(form, places, lang: str) -> None:
    form.place.choices = choices(
        [("", _("Välj plats"))] + [(p.slug, p.text("name", lang)) for p in places]
    )
