"""Forms for planning presence: series, single slots, cancellations, outcomes."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.forms import BaseForm, Within, choices
from webapp.staff.fields import (
    WEEKDAYS,
    MultiCheckboxField,
    TimeRangeMixin,
    check_year,
    day_field,
    time_field,
)


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
    starts = time_field(_l("Börjar kl."), _l("Skriv när tillfällena börjar"))
    ends = time_field(_l("Slutar kl."), _l("Skriv när tillfällena slutar"))
    first_day = day_field(_l("Första dagen"), _l("Skriv seriens första dag"))
    last_day = day_field(_l("Sista dagen"), _l("Skriv seriens sista dag"))
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
        check_year(field)

    def validate_last_day(self, field):
        check_year(field)
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
    day = day_field(_l("Datum"), _l("Skriv vilken dag tillfället är"))
    starts = time_field(_l("Börjar kl."), _l("Skriv när tillfället börjar"))
    ends = time_field(_l("Slutar kl."), _l("Skriv när tillfället slutar"))
    note = TextAreaField(
        _l("Meddelande till invånarna (valfritt)"),
        [Length(max=500, message=_l("Skriv högst 500 tecken"))],
    )
    confirm = HiddenField()

    def validate_day(self, field):
        check_year(field)


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
    from_day = day_field(_l("Från och med"), _l("Skriv från vilken dag serien upphör"))
    reason = TextAreaField(
        _l("Varför upphör tillfällena?"),
        [
            InputRequired(_l("Skriv varför tillfällena upphör")),
            Length(max=480, message=_l("Skriv högst 480 tecken")),
        ],
    )

    def validate_from_day(self, field):
        check_year(field)


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


class HeldForm(BaseForm):
    """The past slots without an outcome that were held as planned, ticked in one list; the
    view sets the choices (each slot waiting for an outcome)."""

    slots = MultiCheckboxField(
        _l("Tillfällen som blev av som planerat"),
        coerce=str,
        validators=[InputRequired(_l("Välj minst ett tillfälle som blev av"))],
        not_listed=_l("Välj bland tillfällena i listan"),
    )
