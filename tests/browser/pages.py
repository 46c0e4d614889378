"""The public pages every browser and HTML check covers, in every language."""

from tests.conftest import CALENDAR
from webapp.schedule.calendar_file import load_calendar_file

LANGS = ("sv", "en")
PLACES = [place.slug for place in load_calendar_file(CALENDAR).places]
PAGES = [
    "",
    "office",
    "presence",
    *(f"places/{slug}" for slug in PLACES),
    "subscribe",
    "about",
    "accessibility",
    "feedback",
    "embed",
]
MISSING = "no-such-page"  # the localized 404 page
PUBLIC_URLS = [f"/{lang}/{page}" for lang in LANGS for page in [*PAGES, MISSING]]


def expected_status(url: str) -> int:
    return 404 if url.endswith(MISSING) else 200
