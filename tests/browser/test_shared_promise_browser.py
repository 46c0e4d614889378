"""The follow-up of a promise two municipalities signed (its places, answers, response times
and themes shown per municipality) in a real browser: axe-core finds no violations in a
right-to-left language at 320 px, and nothing scrolls sideways.

Its own server and database (the live server's are the other browser tests'): the area and
the arrangement of tests/test_shared_promise_figures.py, loaded once for the module."""

import shutil

import pytest

from tests.browser.conftest import serving
from tests.browser.helpers import axe_violations, describe_violations, horizontal_overflow
from tests.conftest import make_app
from tests.test_shared_promise_figures import KEY, PINNED, _arrange
from webapp.database import writing
from webapp.extensions import db
from webapp.models import working_at


@pytest.fixture(scope="module")
def shared_server(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("shared-browser") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", NOW=PINNED)
    with app.app_context():
        working_at(db.session, PINNED)
        with writing():
            _arrange()
        db.session.remove()
    with serving(app, "shared-server") as url:
        yield url


def test_the_shared_follow_up_is_accessible_and_reflows(browser, shared_server):
    """Arabic at 320 px: right to left and the narrowest width, checked once."""
    context = browser.new_context(base_url=shared_server, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"/ar/promises/{KEY}")
        assert page.locator("#presence-vastby tbody tr").count() == 2  # the tables are there
        assert page.locator("#response-times-vastby tbody tr").count() == 2
        violations = axe_violations(page)

        assert violations == [], describe_violations(violations)
        assert horizontal_overflow(page) == 0
    finally:
        context.close()
