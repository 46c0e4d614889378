"""The residents' feedback form: three short questions, free text, contact only on request."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from webapp.feedback.service import Answers
from webapp.forms import BaseForm
from webapp.models import MET_POLICE

COMMENT_MAX = 2000
MET_LABELS = {
    "met": _l("Ja, jag pratade med polisen här"),
    "saw": _l("Ja, jag såg polisen här"),
    "no": _l("Nej"),
}
SAFETY_LABELS = {
    "1": _l("1 – Mycket otrygg"),
    "2": _l("2 – Ganska otrygg"),
    "3": _l("3 – Varken trygg eller otrygg"),
    "4": _l("4 – Ganska trygg"),
    "5": _l("5 – Mycket trygg"),
}
REACH_LABELS = {
    "1": _l("1 – Mycket svårt"),
    "2": _l("2 – Ganska svårt"),
    "3": _l("3 – Varken lätt eller svårt"),
    "4": _l("4 – Ganska lätt"),
    "5": _l("5 – Mycket lätt"),
}
SCALE = {"1", "2", "3", "4", "5"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def one_kind_of_line_break(text):
    """Browsers send CRLF; store LF, so a line break counts as one character."""
    if isinstance(text, str):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def choices(labels: dict) -> list[SelectChoice]:
    """wtforms options from {value: label}, in order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def _looks_like_contact(text: str) -> bool:
    """An e-mail address, or a phone number: digits with spaces, dashes, + or brackets."""
    if EMAIL.match(text):
        return True
    digits = sum(char.isdigit() for char in text)
    return digits >= 6 and all(char.isdigit() or char in " -+()/" for char in text)


class FeedbackForm(BaseForm):
    """No login and no cookie: the token is the form's own (see tokens.py), not Flask-WTF's."""

    class Meta:
        csrf = False

    met_police = RadioField(
        _l("Har du träffat eller sett polisen här?"),
        choices=choices(MET_LABELS),
        validate_choice=False,
    )
    safety = RadioField(
        _l("Hur trygg känner du dig här?"), choices=choices(SAFETY_LABELS), validate_choice=False
    )
    reach_ease = RadioField(
        _l("Hur lätt är det att komma i kontakt med polisen?"),
        choices=choices(REACH_LABELS),
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Vill du berätta mer?"),
        [Length(max=COMMENT_MAX, message=_l("Skriv högst 2000 tecken"))],
        filters=[one_kind_of_line_break],
    )
    wants_contact = BooleanField(_l("Jag vill att polisen eller kommunen kontaktar mig"))
    contact_name = StringField(
        _l("Ditt namn (valfritt)"), [Length(max=200, message=_l("Skriv högst 200 tecken"))]
    )
    contact_details = StringField(
        _l("Telefonnummer eller e-postadress"),
        [Length(max=254, message=_l("Skriv högst 254 tecken"))],
    )
    contact_consent = BooleanField(
        _l(
            "Jag samtycker till att mina kontaktuppgifter sparas så att polisen eller kommunen "
            "kan kontakta mig om det jag har skrivit"
        )
    )
    # The honeypot: hidden from people and assistive technology, filled in by bots.
    leave_empty = StringField(_l("Lämna det här fältet tomt"))
    token = HiddenField()

    def validate_met_police(self, field):
        if field.data is not None and field.data not in MET_POLICE:
            raise ValidationError(_("Välj ett av svaren, eller hoppa över frågan"))

    def validate_safety(self, field):
        if field.data is not None and field.data not in SCALE:
            raise ValidationError(_("Välj ett svar från 1 till 5, eller hoppa över frågan"))

    def validate_reach_ease(self, field):
        if field.data is not None and field.data not in SCALE:
            raise ValidationError(_("Välj ett svar från 1 till 5, eller hoppa över frågan"))

    def validate_wants_contact(self, field):
        if not field.data and (self.contact_name.data or self.contact_details.data):
            raise ValidationError(
                _("Kryssa i att du vill bli kontaktad, eller ta bort dina kontaktuppgifter")
            )

    def validate_contact_details(self, field):
        if not self.wants_contact.data:
            return
        if not field.data:
            raise ValidationError(
                _("Skriv ditt telefonnummer eller din e-postadress så att vi kan kontakta dig")
            )
        if not _looks_like_contact(field.data):
            raise ValidationError(
                _(
                    "Skriv ett telefonnummer eller en e-postadress, till exempel 070-123 45 67 "
                    "eller namn@exempel.se"
                )
            )

    def validate_contact_consent(self, field):
        if self.wants_contact.data and not field.data:
            raise ValidationError(
                _("Kryssa i att du samtycker, annars kan vi inte spara dina kontaktuppgifter")
            )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.answered:
            self.met_police.errors.append(
                _("Svara på minst en av frågorna, eller skriv vad du tycker")
            )
            return False
        return valid

    @property
    def answered(self) -> bool:
        return bool(
            self.met_police.data or self.safety.data or self.reach_ease.data or self.comment.data
        )

    def answers(self) -> Answers:
        """The validated answers, as the service stores them."""
        return Answers(
            met_police=self.met_police.data or None,
            safety=int(self.safety.data) if self.safety.data else None,
            reach_ease=int(self.reach_ease.data) if self.reach_ease.data else None,
            comment=self.comment.data or "",
            wants_contact=bool(self.wants_contact.data),
            contact_name=self.contact_name.data or "",
            contact_details=self.contact_details.data or "",
            contact_consent=bool(self.contact_consent.data),
        )
