"""Staff forms for handling feedback as cases: state, assignee, theme, notes, public reply,
bulk actions and masking by choosing words."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.feedback import cases
from webapp.feedback.cases import NOTE_MAX, REPLY_MAX
from webapp.feedback.forms import one_kind_of_line_break
from webapp.forms import choices
from webapp.models import CASE_STATES
from webapp.staff.forms import BaseForm

# Each state's label from the domain's table, translated when shown.
STATE_LABELS = {state: _l(label) for state, label in cases.STATE_LABELS.items()}
# The model's states, in its order; a state without a label fails here, at import.
STATE_CHOICES = choices((state, STATE_LABELS[state]) for state in CASE_STATES)
TEAM = "team"  # the assignee choice "the team", i.e. nobody in particular
NO_THEME = "none"


def _known(message):
    def check(form, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message())

    return check


class CaseForm(BaseForm):
    """The case's state, who has it and its theme, saved together."""

    state = RadioField(
        _l("Läge"),
        choices=STATE_CHOICES,
        validate_choice=False,
        validators=[
            InputRequired(_l("Välj ett läge")),
            _known(lambda: _("Välj ett av lägena i listan")),
        ],
    )
    assignee = SelectField(
        _l("Ansvarig"),
        validate_choice=False,
        validators=[_known(lambda: _("Välj en person i listan eller Gruppen"))],
    )
    theme = SelectField(
        _l("Tema"),
        validate_choice=False,
        validators=[_known(lambda: _("Välj ett tema i listan"))],
    )


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Intern anteckning"),
        [
            DataRequired(_l("Skriv anteckningen")),  # spaces alone are no note
            Length(max=NOTE_MAX, message=_l("Skriv högst %(max)d tecken")),
        ],
        filters=[one_kind_of_line_break],
    )


class ReplyForm(BaseForm):
    reply = TextAreaField(
        _l("Svar på svenska"),
        [Length(max=REPLY_MAX, message=_l("Skriv högst %(max)d tecken"))],
        filters=[one_kind_of_line_break],
    )
    translated = TextAreaField(
        _l("Svar på synpunktens språk"),
        [Length(max=REPLY_MAX, message=_l("Skriv högst %(max)d tecken"))],
        filters=[one_kind_of_line_break],
    )

    publish = BooleanField(_l("Publicera svaret i uppföljningen"))

    def validate_publish(self, field):
        if field.data and not self.reply.data:
            raise ValidationError(_("Skriv ett svar att publicera"))

    def validate_translated(self, field):
        if field.data and not self.reply.data:
            raise ValidationError(_("Skriv svaret på svenska också"))


class IdsField(SelectMultipleField):
    """Checkboxes with whole numbers as values (cases or words); others are refused politely."""

    def __init__(self, label=None, message=None, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            self.data = [int(value) for value in valuelist[:1000]]
        except ValueError:
            self.data = []
            raise ValueError(self.message()) from None


class BulkForm(BaseForm):
    """One change to every chosen case: a state, an assignee or a theme."""

    item = IdsField(_l("Välj"), message=lambda: _("Välj synpunkter i listan"))
    action = SelectField(
        _l("Gör med de valda"),
        validate_choice=False,
        validators=[InputRequired(_l("Välj vad som ska göras"))],
    )
    back = HiddenField()

    def validate_item(self, field):
        if not field.data:
            raise ValidationError(_("Välj minst en synpunkt i listan"))

    def validate_action(self, field):
        values = {pair[0] for options in self.action.choices.values() for pair in options}
        if field.data not in values:
            raise ValidationError(_("Välj vad som ska göras i listan"))


class WordsForm(BaseForm):
    """Masking by choosing the words to hide."""

    word = IdsField(_l("Ord att maskera"), message=lambda: _("Välj bland orden i texten"))
