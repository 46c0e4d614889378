"""Staff forms for logging in and for accounts."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from webapp import permissions
from webapp.forms import BaseForm, choices
from webapp.permissions import ROLES

# Each role's label from the permission table, translated when shown.
ROLE_LABELS = {role: _l(label) for role, label in permissions.ROLE_LABELS.items()}


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


def _password_message(code):
    return {
        "short": _(
            "Skriv ett lösenord med minst 12 tecken. En fras av flera ord är lätt att minnas"
        ),
        "long": _("Skriv ett lösenord med högst 1024 tecken"),
        "common": _("Lösenordet är för vanligt och lätt att gissa. Välj ett annat"),
        "personal": _("Lösenordet får inte innehålla e-postadressen. Välj ett annat"),
    }[code]


class _AccountForm(BaseForm):
    """The e-mail and role every new account is given, checked one way."""

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

    def validate_email(self, field):
        local, at, domain = field.data.partition("@")
        if not (local and at and "." in domain) or " " in field.data:
            raise ValidationError(_("Skriv e-postadressen som namn@exempel.se"))

    def validate_role(self, field):
        if field.data not in ROLES:
            raise ValidationError(_("Välj en roll"))


class InviteForm(_AccountForm):
    """Invite someone to sign in through one of the organisations' providers."""

    provider = RadioField(
        validate_choice=False,
        label=_l("Inloggningstjänst"),
        validators=[InputRequired(_l("Välj inloggningstjänst"))],
    )

    def validate_provider(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Välj inloggningstjänst"))


class UserForm(_AccountForm):
    """A new account with a password."""

    password = PasswordField(_l("Lösenord"), [InputRequired(_l("Skriv ett lösenord"))])
    # Only for an admin of the whole area (the view removes it otherwise): whose account.
    municipality = SelectField(_l("Kommun"), default="", validate_choice=False)

    def validate_municipality(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Välj ett av alternativen i listan"))

    def validate_password(self, field):
        from webapp.accounts.passwords import password_problem

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
    # Only for an admin of the whole area (the view removes it otherwise): whose account.
    municipality = SelectField(_l("Kommun"), default="", validate_choice=False)

    def validate_municipality(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Välj ett av alternativen i listan"))

    def validate_role(self, field):
        if field.data not in ROLES:
            raise ValidationError(_("Välj en roll"))
