"""The public pages every browser and HTML check covers, in every language.

PUBLIC_URLS is every page in every language (the HTML checker and the non-browser tests go
through all of them). WALK_URLS, the browser walk's (axe at two widths, keyboard, reflow), has
every page in every language too, but of the pages that are one template filled with one
place's data (a place's page, its feedback form, the presence list filtered to it) each
language gets one place, a different one from the language before: every template is walked in
every language, every place's page in at least two languages, and the walk is a fifth shorter.
"""

from tests.conftest import CALENDAR
from webapp.schedule.calendar_file import load_calendar_file

_DATA = load_calendar_file(CALENDAR)
LANGS = _DATA.languages  # every language the data file offers (all have complete catalogues)
RTL = ("ar", "fa")
PLACES = [place.slug for place in _DATA.places]
PAGES = [
    "",
    "office",
    "presence",
    "presence?place=torget",
    *(f"places/{slug}" for slug in PLACES),
    "subscribe",
    "about",
    "accessibility",
    "feedback",
    # The feedback form each poster leads to: the office and every place.
    *(f"feedback/{slug}" for slug in [_DATA.office.slug, *PLACES]),
    "embed",
    "editors",
]
MISSING = "no-such-page"  # the localized 404 page
# Easy Swedish (lättläst) exists in Swedish only.
EASY_SWEDISH = [f"/sv/lattlast/{topic}" for topic in ("om", "prenumerera", "synpunkter")]
PUBLIC_URLS = [f"/{lang}/{page}" for lang in LANGS for page in [*PAGES, MISSING]] + EASY_SWEDISH


PLACE_TEMPLATES = ("places/{}", "feedback/{}", "presence?place={}")
_PLACE_PAGES = {template.format(slug) for template in PLACE_TEMPLATES for slug in PLACES}


def _walked(number: int) -> list[str]:
    """The pages walked in the `number`th language: the place pages with its turn's place."""
    place = PLACES[number % len(PLACES)]
    return [
        *(page for page in PAGES if page not in _PLACE_PAGES),
        *(template.format(place) for template in PLACE_TEMPLATES),
        MISSING,
    ]


WALK_URLS = [
    f"/{lang}/{page}" for number, lang in enumerate(LANGS) for page in _walked(number)
] + EASY_SWEDISH


def expected_status(url: str) -> int:
    return 404 if url.endswith(MISSING) else 200
