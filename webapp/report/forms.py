"""The form that chooses the period of the follow-up report: a tertial, a whole year, or any
days from one to another."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from webapp.forms import FIRST_YEAR, LAST_YEAR, BaseForm, Within
from webapp.promise.periods import tertial, year

MAX_DAYS = 731  # two years: a whole promise period
WHOLE_YEAR = "year"
DATE_MESSAGE = _l("Skriv datumet som år-månad-dag, till exempel 2026-12-04")


def _day(label, name):
    return DateField(label, [Optional()], name=name, invalid_value_message=DATE_MESSAGE)


class PeriodForm(BaseForm):
    """A tertial or a whole year, or else any period from one day to another."""

    class Meta:
        csrf = False

    year = IntegerField(
        _l("År"),
        [Optional(), Within(FIRST_YEAR, LAST_YEAR, _l("Skriv ett år mellan 2000 och 2100"))],
        invalid_value_message=_l("Skriv året med siffror, till exempel 2026"),
    )
    tertial = SelectField(
        _l("Tertial"),
        choices=[
            SelectChoice("1", _l("Tertial 1 (januari–april)")),
            SelectChoice("2", _l("Tertial 2 (maj–augusti)")),
            SelectChoice("3", _l("Tertial 3 (september–december)")),
            SelectChoice(WHOLE_YEAR, _l("Hela året")),
        ],
        validate_choice=False,
    )
    first_day = _day(_l("Från och med"), "from")
    last_day = _day(_l("Till och med"), "to")

    def custom(self) -> bool:
        """Any text in from/to asks for a period of one's own."""
        return any((f.raw_data or [""])[0].strip() for f in (self.first_day, self.last_day))

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        if self.custom():
            self.year.errors, self.tertial.errors = [], []
            self._check_custom()
        else:
            self.first_day.errors, self.last_day.errors = [], []
            self._check_tertial()
        return not self.errors

    def _check_tertial(self):
        if self.year.data is None and not self.year.errors:
            self.year.errors = [_("Skriv året, till exempel 2026")]
        if self.tertial.data not in {c.value for c in self.tertial.choices}:
            self.tertial.errors = [_("Välj ett tertial eller hela året")]

    def _check_custom(self):
        first, last = self.first_day, self.last_day
        for f, missing in (
            (first, _("Skriv periodens första dag")),
            (last, _("Skriv periodens sista dag")),
        ):
            if f.data is None and not f.errors:
                f.errors = [missing]
            elif f.data and not FIRST_YEAR <= f.data.year <= LAST_YEAR:
                f.errors = [_("Skriv ett datum mellan år 2000 och 2100")]
        if first.errors or last.errors:
            return
        if last.data < first.data:
            last.errors = [_("Slutdatumet får inte vara före startdatumet")]
        elif (last.data - first.data).days >= MAX_DAYS:
            last.errors = [_("Välj en period på högst två år")]

    def query(self) -> dict:
        """The period as query arguments, for links to the CSV and back to the page."""
        if self.custom():
            return {"from": self.first_day.data.isoformat(), "to": self.last_day.data.isoformat()}
        return {"year": self.year.data, "tertial": self.tertial.data}

    def period(self) -> tuple[date, date, str]:
        """(first day, last day, a heading for the period); call after validate()."""
        if self.custom():
            return self.first_day.data, self.last_day.data, _("Egen period")
        y = self.year.data
        if self.tertial.data == WHOLE_YEAR:
            chosen, heading = year(y), _("Helåret %(year)d", year=y)
        else:
            chosen = tertial(y, int(self.tertial.data))
            heading = _("Tertial %(n)d %(year)d", n=chosen.n, year=y)
        return chosen.first_day, chosen.last_day, heading
