"""The poster's line for each offered language, in that language: "Formuläret finns på svenska".

Public text: every offered language's catalogue holds it (i18n.PUBLIC_SOURCES lists this file),
and each line is translated with its own language's catalogue, whatever the poster's language.
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import i18n
from webapp.feedback.poster_pdf import LanguageLine


def language_lines(languages) -> tuple[LanguageLine, ...]:
    """One LanguageLine per language code, each saying the form is in that language."""
    lines = []
    for code in languages:
        with force_locale(code):
            # Translators: say that the feedback form is in your language, e.g. "The form is in
            # English". One short line under the poster's QR code.
            text = _("Formuläret finns på svenska")
        lines.append(LanguageLine(code, text, rtl=i18n.direction(code) == "rtl"))
    return tuple(lines)
