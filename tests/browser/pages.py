"""The public pages every browser and HTML check covers, in every language."""

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
PUBLIC_URLS = [f"/{lang}/{page}" for lang in LANGS for page in [*PAGES, MISSING]]
# Easy Swedish (lättläst) exists in Swedish only.
PUBLIC_URLS += [f"/sv/lattlast/{topic}" for topic in ("om", "prenumerera", "synpunkter")]


def expected_status(url: str) -> int:
    return 404 if url.endswith(MISSING) else 200
