"""Forms for one's own account, password links and the second login step."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.accounts.passwords import MAX_LENGTH
from webapp.forms import BaseForm


def _new_password_field():
    return PasswordField(
        _l("Nytt lösenord"),
        [
            InputRequired(_l("Skriv ett nytt lösenord")),
            Length(max=MAX_LENGTH, message=_l("Skriv ett lösenord med högst 1024 tecken")),
        ],
    )


def _repeat_field():
    return PasswordField(
        _l("Skriv det nya lösenordet igen"),
        [
            InputRequired(_l("Skriv det nya lösenordet en gång till")),
            Length(max=MAX_LENGTH, message=_l("Skriv ett lösenord med högst 1024 tecken")),
        ],
    )


class NewPasswordMixin:
    def validate_repeat(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_("Lösenorden är inte lika. Skriv samma lösenord två gånger"))


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current = PasswordField(
        _l("Nuvarande lösenord"),
        [
            InputRequired(_l("Skriv ditt nuvarande lösenord")),
            Length(max=MAX_LENGTH, message=_l("Lösenordet är för långt")),
        ],
    )
    password = _new_password_field()
    repeat = _repeat_field()


def _link_token_field(field=StringField):
    return field(
        _l("Koden från länken"),
        [
            InputRequired(_l("Klistra in det som står efter # i länken")),
            Length(max=100, message=_l("Klistra in bara det som står efter # i länken")),
        ],
    )


class LinkForm(BaseForm):
    """The page a set-password link opens: its token, from the link's #fragment."""

    token = _link_token_field()


class SetPasswordForm(NewPasswordMixin, BaseForm):
    token = _link_token_field(HiddenField)
    password = _new_password_field()
    repeat = _repeat_field()


class ForgotForm(BaseForm):
    email = EmailField(
        _l("E-postadress"),
        [
            InputRequired(_l("Skriv din e-postadress")),
            Length(max=254, message=_l("Skriv en kortare e-postadress")),
        ],
    )


class CodeForm(BaseForm):
    code = StringField(
        _l("Kod"),
        [
            InputRequired(_l("Skriv koden från appen, eller en reservkod")),
            Length(max=32, message=_l("Skriv koden med 6 siffror, eller en reservkod")),
        ],
    )
    next = HiddenField()


class SetupForm(BaseForm):
    code = StringField(
        _l("Kod från appen"),
        [
            InputRequired(_l("Skriv koden som appen visar")),
            Length(max=32, message=_l("Skriv koden med 6 siffror")),
        ],
    )


class ActionForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class ConfirmTwoStepForm(BaseForm):
    """Password and a second factor again, before the second factor itself is changed."""

    password = PasswordField(
        _l("Ditt lösenord"),
        [
            InputRequired(_l("Skriv ditt lösenord")),
            Length(max=MAX_LENGTH, message=_l("Lösenordet är för långt")),
        ],
    )
    code = StringField(
        _l("Kod från appen, eller en reservkod"),
        [
            InputRequired(_l("Skriv koden från appen, eller en reservkod")),
            Length(max=32, message=_l("Skriv koden med 6 siffror, eller en reservkod")),
        ],
    )
