"""Every public page in a real browser, in every language the site offers: WCAG 2.2 AA by
axe-core at 1280 and 320 CSS px, a skip link first, one h1, the page's language and direction,
nothing from other hosts, reflow at 320 CSS px and at 360 px with the root text at 200 %; the
phone's first screen; right-to-left layout. (The office status at pinned times, a server-rendered
attribute, is checked in every language without a browser: tests/test_public_status.py.)"""

import io

import pytest
from PIL import Image

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    focused_element,
    in_viewport,
    other_hosts,
    overflowing_elements,
)
from tests.browser.pages import (
    EASY_SWEDISH,
    LANGS,
    MISSING,
    PAGES,
    PLACE_TEMPLATES,
    PLACES,
    PUBLIC_URLS,
    RTL,
    WALK_URLS,
    expected_status,
)

# The embed snippet is framed inside another site's page and is all main content: there is
# no block to bypass (WCAG 2.4.1), so its first Tab must land inside <main> instead.
FRAMED = ("embed",)


def _open(page, url):
    response = page.goto(url, wait_until="load")
    assert response.status == expected_status(url), url


_FACTS = """() => ({
    lang: document.documentElement.getAttribute("lang"),
    dir: document.documentElement.getAttribute("dir"),
    title: document.title,
    h1s: [...document.querySelectorAll("h1")].map(h1 => h1.innerText.trim()),
})"""


def _first_tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = focused_element(page)
    skip_link = "skip-link" in focused["className"].split()
    if skip_link:
        page.keyboard.press("Enter")
    return {
        "target": focused["href"] if skip_link else "in main" if focused["in_main"] else "",
        "visible": in_viewport(focused, page),
        "focus after Enter": page.evaluate("document.activeElement.id") if skip_link else "",
    }


def test_the_walk_has_every_page_in_every_language_and_every_place_in_two():
    """WALK_URLS (tests/browser/pages.py) leaves out no page: only some places' copies."""
    walked = {tuple(url.split("/", 2)[1:]) for url in WALK_URLS}
    per_place = {
        template.format(slug): {lang for lang, page in walked if page == template.format(slug)}
        for template in PLACE_TEMPLATES
        for slug in PLACES
    }
    assert {
        "pages missing in a language": sorted(
            (lang, page)
            for lang in LANGS
            for page in [*PAGES, MISSING]
            if page not in per_place and (lang, page) not in walked
        ),
        "templates missing in a language": sorted(
            (lang, template)
            for lang in LANGS
            for template in PLACE_TEMPLATES
            if not any(lang in per_place[template.format(slug)] for slug in PLACES)
        ),
        "places walked in fewer than two languages": sorted(
            page for page, langs in per_place.items() if len(langs) < 2
        ),
        "easy Swedish": [url for url in EASY_SWEDISH if url not in WALK_URLS],
        "fewer URLs than all": len(WALK_URLS) < len(PUBLIC_URLS),
    } == {
        "pages missing in a language": [],
        "templates missing in a language": [],
        "places walked in fewer than two languages": [],
        "easy Swedish": [],
        "fewer URLs than all": True,
    }


# One page load per URL runs every check (a fresh browser context costs more than a check);
# the dict comparison still names each check that fails.
@pytest.mark.parametrize("url", WALK_URLS)
def test_page_passes_axe_keyboard_language_hosts_and_reflow_checks(
    public_page, public_requests, live_server, url
):
    page = public_page
    framed = url.split("/")[2] in FRAMED
    _open(page, url)

    violations = axe_violations(page)
    # The page's facts in one call: each call to the browser is a round trip through
    # Playwright's driver, and the walk makes one per URL instead of five.
    facts = page.evaluate(_FACTS)
    h1s = facts["h1s"]
    seen = {
        "axe violations": [violation["id"] for violation in violations],
        "html lang": facts["lang"],
        "h1 count": len(h1s),
        "title starts with the h1": facts["title"].startswith(h1s[0]) if h1s else False,
        "first Tab": _first_tab(page),
        "other hosts": other_hosts(public_requests, live_server.url),
    }
    page.set_viewport_size({"width": 320, "height": 640})
    seen["px wider than 320"] = max(page.evaluate("document.documentElement.scrollWidth") - 320, 0)
    narrow = axe_violations(page)
    seen["axe violations at 320"] = [violation["id"] for violation in narrow]
    violations += narrow
    page.set_viewport_size({"width": 360, "height": 800})
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    seen["px wider than 360 at 200 %"] = max(
        page.evaluate("document.documentElement.scrollWidth") - 360, 0
    )
    seen["dir"] = facts["dir"]

    first_tab = (
        {"target": "in main", "visible": True, "focus after Enter": ""}
        if framed
        else {"target": "#main", "visible": True, "focus after Enter": "main"}
    )
    assert seen == {
        "axe violations": [],
        "html lang": url.split("/")[1],
        "h1 count": 1,
        "title starts with the h1": True,
        "first Tab": first_tab,
        "other hosts": [],
        "px wider than 320": 0,
        "axe violations at 320": [],
        "px wider than 360 at 200 %": 0,
        "dir": "rtl" if url.split("/")[1] in RTL else "ltr",
    }, "\n".join([describe_violations(violations), "Too wide:", *overflowing_elements(page)])


def _box(page, selector) -> dict | None:
    element = page.locator(selector).first
    return element.bounding_box() if element.count() else None


@pytest.mark.parametrize("lang", ["sv", "en", "ar"])
def test_phone_first_screen_shows_office_status_and_next_presence(public_page, lang):
    page = public_page
    page.set_viewport_size({"width": 360, "height": 800})
    _open(page, f"/{lang}/")

    boxes = {
        name: _box(page, selector)
        for name, selector in {
            "example-data notice": ".notice-example",
            "office status": "#office-status .status-line",
            "next presence": ".upcoming li",
        }.items()
    }

    assert {name: box is not None and in_viewport(box, page) for name, box in boxes.items()} == {
        "example-data notice": True,
        "office status": True,
        "next presence": True,
    }, boxes


@pytest.mark.parametrize("lang", RTL)
def test_right_to_left_page_starts_on_the_right(public_page, lang):
    page = public_page
    page.set_viewport_size({"width": 800, "height": 600})
    _open(page, f"/{lang}/")

    brand, h1 = _box(page, ".brand"), _box(page, "h1")
    text_right = page.evaluate(
        """() => { const r = document.createRange(); const h = document.querySelector('h1');
                   r.selectNodeContents(h); const b = r.getBoundingClientRect();
                   return [b.left, b.right]; }"""
    )
    width = page.evaluate("document.documentElement.clientWidth")

    # What the reader sees: the heading's dark pixels are at the right of its full-width row.
    shot = page.screenshot(clip={"x": 0, "y": h1["y"], "width": width, "height": h1["height"]})
    image = Image.open(io.BytesIO(shot)).convert("L")
    ink = image.load()  # Pillow comes with fpdf2
    inked = [x for x in range(image.width) if any(ink[x, y] < 100 for y in range(image.height))]

    # The brand and the heading's text sit against the right edge, not the left.
    assert brand["x"] + brand["width"] > width - 60 and brand["x"] > width / 2
    assert text_right[1] > width - 60 and text_right[0] > width / 3
    assert inked and min(inked) > width / 3 and max(inked) > width - 60, (min(inked), max(inked))
