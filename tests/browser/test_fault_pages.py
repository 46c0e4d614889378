"""Issue 10: the page for an unknown poster code, in both languages: axe-core WCAG 2.2 AA,
one h1 that starts the title, reflow at 320 CSS px, and valid HTML by the Nu Html Checker."""

import pytest

from tests.browser.helpers import (
    html_errors,
    page_problems,
)


@pytest.mark.parametrize("accept", ["sv-SE", "en-GB"])
def test_unknown_poster_code_page_passes_axe_and_reflows(page, live_server, accept):
    page.set_extra_http_headers({"Accept-Language": accept})
    assert page_problems(page, "/q/BADCODE", status=404, spills=True) == {}


def test_unknown_poster_code_page_is_valid_html(live_server, tmp_path):
    client = live_server.app.test_client()
    pages = {
        accept: client.get("/q/BADCODE", headers={"Accept-Language": accept}).get_data()
        for accept in ("sv", "en")
    }

    assert html_errors(pages, tmp_path) == []
