"""Field helpers the staff forms share: dates, times, weekdays, places."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectMultipleField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms import FIRST_YEAR, LAST_YEAR, choices

WEEKDAYS = [
    (0, _l("Måndag")),
    (1, _l("Tisdag")),
    (2, _l("Onsdag")),
    (3, _l("Torsdag")),
    (4, _l("Fredag")),
    (5, _l("Lördag")),
    (6, _l("Söndag")),
]
WEEKDAY_NOT_LISTED = _l("Välj bland veckodagarna i listan")
DATE_HINT = _l("Till exempel 2026-12-04")
TIME_HINT = _l("Till exempel 15:00")


def day_field(label, missing=None, **kwargs):
    """A date; required when `missing` (the message for an empty field) is given."""
    checks = [InputRequired(missing)] if missing else [Optional()]
    return DateField(
        label,
        checks,
        invalid_value_message=_l("Skriv datumet som år-månad-dag, till exempel 2026-12-04"),
        **kwargs,
    )


def time_field(label, missing):
    return TimeField(
        label,
        [InputRequired(missing)],
        invalid_value_message=_l("Skriv tiden som timmar:minuter, till exempel 15:00"),
    )


def check_year(field):
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


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; `not_listed` says what to do when a value is not one of the choices."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, not_listed=WEEKDAY_NOT_LISTED, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_listed = not_listed

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(x) for x in valuelist]
        except (ValueError, TypeError):
            self.data = []
            raise ValueError(str(self.not_listed)) from None

    def pre_validate(self, form):
        # A value that is not an option is a tampered request: say what to do, never 500.
        if self.data and any(v not in {c.value for c in self.choices} for v in self.data):
            raise ValidationError(str(self.not_listed))


def set_place_choices(form, places, lang: str) -> None:
    form.place.choices = choices(
        [("", _("Välj plats"))] + [(p.slug, p.text("name", lang)) for p in places]
    )
