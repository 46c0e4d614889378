"""Forms for what was done for a promise: few fields, so it takes under a minute on a phone."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.forms import BaseForm
from webapp.promise.records import NOTE_MAX

REASON_MAX = 300
MAX_VALUE = 1_000_000


def parse_number(text: str) -> float | None:
    """ "3", "93,5" or "93.5" as a number; None when it is not one."""
    try:
        value = float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value <= MAX_VALUE else None


class EntryForm(BaseForm):
    """One entry. The view sets `measure` and the promise's first and last day."""

    day = DateField(
        _l("Datum"),
        [InputRequired(_l("Skriv vilken dag det gjordes"))],
        invalid_value_message=_l("Skriv datumet som år-månad-dag, till exempel 2026-12-04"),
    )
    value = StringField(_l("Antal"))
    note = TextAreaField(
        _l("Kort text till invånarna"),
        [Length(max=NOTE_MAX, message=_l("Skriv högst %(max)d tecken", max=NOTE_MAX))],
    )

    def __init__(self, *args, measure="count", first_day=None, last_day=None, today=None, **kw):
        super().__init__(*args, **kw)
        self.measure, self.first_day, self.last_day, self.today = (
            measure, first_day, last_day, today
        )  # fmt: skip
        if measure == "figure":
            self.value.label.text = _("Värde")

    def validate_day(self, field):
        if field.data is None:
            return
        if field.data > self.today:
            raise ValidationError(_("Datumet får inte vara senare än i dag"))
        if not self.first_day <= field.data <= self.last_day:
            raise ValidationError(
                _("Välj en dag när löftet gällde, %(first)s–%(last)s",
                  first=self.first_day.isoformat(), last=self.last_day.isoformat())
            )  # fmt: skip

    def validate_value(self, field):
        if self.measure == "status":
            return
        if not field.data:
            raise ValidationError(
                _("Skriv hur många, till exempel 1") if self.measure == "count"
                else _("Skriv värdet, till exempel 93,5")
            )  # fmt: skip
        number = parse_number(field.data)
        if number is None or (self.measure == "count" and number != int(number)):
            raise ValidationError(
                _("Skriv ett heltal från 0, till exempel 1") if self.measure == "count"
                else _("Skriv ett tal från 0, till exempel 93,5")
            )  # fmt: skip

    def validate_note(self, field):
        if self.measure == "status" and not field.data:
            raise ValidationError(_("Skriv hur arbetet går, i några meningar"))

    def number(self) -> float | None:
        return None if self.measure == "status" else parse_number(self.value.data)


class ReasonForm(BaseForm):
    """Why an entry is changed or removed; it goes to the audit log."""

    reason = StringField(
        _l("Varför ändras eller tas uppgiften bort?"),
        [
            InputRequired(_l("Skriv varför, till exempel Fel datum")),
            Length(max=REASON_MAX, message=_l("Skriv högst %(max)d tecken", max=REASON_MAX)),
        ],
    )


class EditEntryForm(EntryForm):
    reason = ReasonForm.reason
