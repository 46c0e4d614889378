"""The police area's staff pages in chromium: the week across municipalities, accounts with
their municipality and the audit log's municipality filter, axe-core WCAG 2.2 AA in Swedish
and English, valid HTML, one h1, and the week's table reflowing at 320 CSS px. On a server
of their own, with the tests' police area loaded (the shared live server stays one
municipality)."""

import shutil

import pytest

from tests.browser.conftest import serving
from tests.browser.helpers import (
    html_errors,
    log_in,
    page_problems,
)
from tests.conftest import make_app
from tests.test_police_area_data import load_test_area
from webapp.extensions import db

PASSWORD = "webbläsartest med lång fras"
ADMIN = "omrade-admin@example.se"
PAGES = (
    "/{lang}/staff/week",
    "/vastby/{lang}/staff/week?municipality=vastby",
    "/{lang}/staff/users",
    "/{lang}/staff/users/new",
    "/{lang}/staff/audit?municipality=savsjo",
)


@pytest.fixture(scope="module")
def area_server(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("area-live") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        load_test_area()
        db.session.remove()
    result = app.test_cli_runner().invoke(
        args=["create-user", ADMIN, "--role", "admin", "--area"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with serving(app, "area-server") as url:
        yield url


def test_the_area_staff_pages_pass_axe_in_swedish_and_english(browser, area_server, tmp_path):
    context = browser.new_context(base_url=area_server, service_workers="block")
    page = context.new_page()
    log_in(page, ADMIN, PASSWORD)
    problems, rows, sources = {}, {}, {}
    try:
        for url in [p.format(lang=lang) for lang in ("sv", "en") for p in PAGES]:
            widths = (1280, 320) if "/sv/staff/week" in url else (1280,)  # the wide table
            if found := page_problems(page, url, widths=widths):
                problems[url] = found
            rows[url] = page.locator("tbody tr, .audit-entry, #municipality option").count()
            sources[url] = context.request.get(url).body()  # as served, for the HTML checker
    finally:
        context.close()

    assert problems == {}
    assert all(rows.values()), rows  # every page was checked with rows on it, not empty
    assert html_errors(sources, tmp_path) == []
