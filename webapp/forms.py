"""What every form shares, public or staff: whitespace stripped, a CSRF failure explained."""

from flask import g
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates outside these are typing mistakes


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def clean(value):
    """Trim whitespace and drop NUL characters (PostgreSQL refuses them in text)."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


class BaseForm(FlaskForm):
    """Base form: strips text fields; a failed CSRF check gets a message people understand."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (clean, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if g.get("csrf_failed") or (self.meta.csrf and self.csrf_token.errors):
            self._explain_token()
            return False
        return valid

    def explain_token_failure(self) -> None:
        """For a page that shows none of the form's fields: a failed token is still explained
        (and nothing else is validated)."""
        if g.get("csrf_failed"):
            self._explain_token()

    def _explain_token(self) -> None:
        self.csrf_token.errors = [
            _(
                "Sidan var öppen för länge, så av säkerhetsskäl sparades "
                "inget. Kontrollera uppgifterna och skicka igen."
            )
        ]


class Within(NumberRange):
    """NumberRange that stays quiet when the value could not even be read as a number."""

    def __call__(self, form, field):
        if field.data is None and field.errors:
            return
        super().__call__(form, field)
