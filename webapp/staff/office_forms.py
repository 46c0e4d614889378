"""Forms for the office: weekly hours, closures and changed hours."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.forms import BaseForm, choices
from webapp.staff.fields import WEEKDAYS, check_year, day_field


class HoursForm(BaseForm):
    """One week of opening hours, up to two intervals a day, valid from a date."""

    valid_from = day_field(_l("Gäller från och med"), _l("Skriv från vilken dag tiderna gäller"))
    valid_until = day_field(_l("Gäller till och med (valfritt)"))

    def validate_valid_from(self, field):
        check_year(field)

    def validate_valid_until(self, field):
        check_year(field)
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
    first_day = day_field(_l("Första dagen"), _l("Skriv vilken dag ändringen börjar gälla"))
    last_day = day_field(_l("Sista dagen (valfritt)"))
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
        check_year(field)

    def validate_last_day(self, field):
        check_year(field)
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
