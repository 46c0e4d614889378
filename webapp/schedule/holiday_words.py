"""The Swedish holidays' names as catalogue entries, for the languages the holidays package
does not name them in (Arabic, Persian, Somali, Tigrinya): `translate update` extracts them
from here, and office.holiday_names looks them up in the page's catalogue. A test checks that
every name the package gives is listed."""


def _(text: str) -> str:
    """Marks a name for extraction; the lookup happens in office.holiday_names."""
    return text


NAMES = (
    _("Nyårsdagen"),
    _("Trettondedag jul"),
    _("Långfredagen"),
    _("Påskdagen"),
    _("Annandag påsk"),
    _("Första maj"),
    _("Kristi himmelsfärdsdag"),
    _("Nationaldagen"),
    _("Pingstdagen"),
    _("Midsommarafton"),
    _("Midsommardagen"),
    _("Alla helgons dag"),
    _("Julafton"),
    _("Juldagen"),
    _("Annandag jul"),
    _("Nyårsafton"),
)
