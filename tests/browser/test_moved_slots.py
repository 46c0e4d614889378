"""Issue 10: pages that list a moved and a cancelled slot, in a real browser: axe-core WCAG 2.2
AA at 1280 and 320 CSS px, no sideways scrolling, and valid HTML by the Nu Html Checker."""

import shutil
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import serving
from tests.browser.helpers import (
    html_errors,
    page_problems,
)
from tests.conftest import NOW, make_app
from webapp.extensions import db
from webapp.models import Place, PresenceSlot, working_at
from webapp.schedule import planning

MOVED = {"sv": "Flyttad", "en": "Moved"}  # the Arabic page is checked by axe and reflow only
PATHS = ["/sv/", "/sv/presence", "/en/presence", "/ar/presence", "/sv/places/resecentrum"]
# Under pytest-xdist the module stays on one worker, which starts its server once.
pytestmark = pytest.mark.xdist_group("moved_slots")


@pytest.fixture(scope="module")
def moved_server(sqlite_template, tmp_path_factory):
    """Its own server and database: a slot moved from Resecentrum to Torget, one cancelled."""
    path = tmp_path_factory.mktemp("moved") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        working_at(db.session, NOW)
        places = {p.slug: p for p in db.session.query(Place)}
        moved, cancelled = (
            PresenceSlot(
                place_id=places["resecentrum"].id,
                starts_at=starts,
                ends_at=starts.replace(hour=starts.hour + 1),
                created_at=NOW,
                updated_at=NOW,
            )
            for starts in (
                datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
                datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
            )
        )
        db.session.add_all([moved, cancelled])
        db.session.flush()
        planning.update_slot(
            db.session,
            moved,
            place=places["torget"],
            starts_at=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
            ends_at=datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
            note="Vi står vid fontänen",
            now=NOW,
            actor=None,
        )
        planning.cancel_slot(db.session, cancelled, reason="Utryckning", now=NOW, actor=None)
        db.session.commit()
        db.session.remove()
    with serving(app, "moved-server") as url:
        yield app, url


@pytest.mark.parametrize("path", PATHS)
def test_moved_and_cancelled_slots_pass_axe_and_reflow(page, moved_server, path):
    _app, base = moved_server
    problems = page_problems(page, base + path, axe_at=(1280, 320), h1=False, spills=True)
    text = page.locator("main").inner_text()
    if MOVED.get(path.split("/")[1], "") not in text:
        problems["move shown"] = text

    assert problems == {}


def test_moved_and_cancelled_slots_are_valid_html(moved_server, tmp_path):
    app, _base = moved_server
    client = app.test_client()
    pages = {path: client.get(path).get_data() for path in PATHS}

    assert html_errors(pages, tmp_path) == []
