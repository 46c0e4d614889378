"""Issue 10: the page for an unknown poster code, in both languages: axe-core WCAG 2.2 AA,
one h1 that starts the title, reflow at 320 CSS px, and valid HTML by the Nu Html Checker."""

import pytest

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    html_errors,
    overflowing_elements,
    title_starts_with,
)


@pytest.mark.parametrize("accept", ["sv-SE", "en-GB"])
def test_unknown_poster_code_page_passes_axe_and_reflows(page, live_server, accept):
    page.set_extra_http_headers({"Accept-Language": accept})
    problems = {}
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto("/q/BADCODE")
        violations = axe_violations(page) if width == 1280 else []
        h1s = page.locator("h1").all_inner_texts()
        found = {
            "status": "" if response.status == 404 else response.status,
            "axe": describe_violations(violations) if violations else "",
            "overflow": overflowing_elements(page),
            "h1": "" if len(h1s) == 1 and title_starts_with(page.title(), h1s[0]) else h1s,
        }
        if any(found.values()):
            problems[width] = found

    assert problems == {}


def test_unknown_poster_code_page_is_valid_html(live_server, tmp_path):
    client = live_server.app.test_client()
    pages = {
        accept: client.get("/q/BADCODE", headers={"Accept-Language": accept}).get_data()
        for accept in ("sv", "en")
    }

    assert html_errors(pages, tmp_path) == []
