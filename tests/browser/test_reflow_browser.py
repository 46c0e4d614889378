"""Reflow on a phone (WCAG 1.4.4 and 1.4.10): at 360 CSS px with the text at 200 % no page of
the follow-up scrolls sideways in any language, its charts stay inside themselves in both
directions and grow with the text, a table wider than the screen (the themes per place too)
shows that it scrolls, and the staff's audit log is cards whose words are whole."""

import pytest

from tests.browser.helpers import overflowing_elements
from tests.browser.pages import LANGS
from tests.conftest import NOW

FOLLOW_UP = [f"/{lang}/{page}" for lang in LANGS for page in ("promises", "promises/p2026")]


@pytest.fixture(scope="module")
def promise_data(live_server):
    """The promise tests' own promises on the live server, with figures for two tertials, so
    the pages have tables and charts (loading them again replaces them: other modules may)."""
    from datetime import UTC, date, datetime

    from sqlalchemy import select

    from tests.factories import load_test_promises
    from webapp.extensions import db
    from webapp.models import Promise, PromiseActivity, PromiseEntry, working_at

    with live_server.app.app_context():
        working_at(db.session, NOW)
        load_test_promises()
        activity = db.session.scalar(
            select(PromiseActivity)
            .join(Promise)
            .where(Promise.key == "p2026", PromiseActivity.key == "insatser")
        )
        stamp = datetime(2026, 11, 1, tzinfo=UTC)
        for day, value in ((date(2026, 2, 3), 3), (date(2026, 6, 9), 2)):
            db.session.add(PromiseEntry(activity_id=activity.id, day=day, value=value, note="",
                                        created_at=stamp, updated_at=stamp))  # fmt: skip
        _themes_raised(db.session)
        db.session.commit()
        db.session.remove()


# Feedback in T2 2026 with every theme at three places: the follow-up's widest table.
RAISED = {"torget": (6, 2, 0, 7, 1), "resecentrum": (5, 5, 3, 0, 8), "biblioteket": (1, 9, 6, 2, 5)}
THEMES = ("trygghet", "trafik", "narkotika", "ungdomar", "bemotande")


def _themes_raised(session):
    from datetime import UTC, datetime, timedelta

    from webapp.feedback.service import Answers, submit_feedback
    from webapp.schedule.store import place_by_slug

    day = datetime(2026, 6, 10, 9, tzinfo=UTC)
    for slug, counts in RAISED.items():
        place = place_by_slug(session, slug)
        for theme, count in zip(THEMES, counts, strict=True):
            for n in range(count):
                at = day + timedelta(hours=n)
                item = submit_feedback(session, place=place, poster=None, lang="sv",
                                       answers=Answers(safety=3), now=at)  # fmt: skip
                item.theme = theme  # as staff would set it; no audit entries for the audit test


def _at_200_percent(page, url) -> list[str]:
    page.goto(url)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth") - 360
    return overflowing_elements(page) if overflow > 0 else []


def test_follow_up_reflows_at_360_px_with_200_percent_text(context, promise_data):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})

    problems = {url: found for url in FOLLOW_UP if (found := _at_200_percent(page, url))}

    assert problems == {}, "\n".join(f"{u}: {p}" for u, ps in problems.items() for p in ps)


# Each chart's texts and bars, as drawn: whether they stay inside the chart, and the order of
# label, bar and value from the start edge (left on ltr pages, right on rtl ones).
CHART_BOXES = """() => [...document.querySelectorAll("svg.chart")].map((svg) => {
  const box = svg.getBoundingClientRect();
  const shapes = [...svg.querySelectorAll("text, rect")].map((s) => s.getBoundingClientRect());
  const outside = shapes.filter((s) => s.left < box.left - 1 || s.right > box.right + 1);
  const [label, bar, value] = shapes;
  return {width: box.width, outside: outside.length, label, bar, value,
          rtl: getComputedStyle(svg).direction === "rtl"};
})"""


def test_charts_stay_readable_in_every_direction_and_grow_with_the_text(page, promise_data):
    found = {}
    for lang in ("sv", "ar", "fa"):
        page.goto(f"/{lang}/promises/p2026")
        normal = page.evaluate(CHART_BOXES)
        page.evaluate("document.documentElement.style.fontSize = '150%'")
        larger = page.evaluate(CHART_BOXES)
        found[lang] = (normal, larger)

    for lang, (normal, larger) in found.items():
        assert normal and all(c["outside"] == 0 for c in normal + larger), lang
        assert all(c["rtl"] == (lang != "sv") for c in normal), lang
        for chart in normal:
            bar, value = chart["bar"], chart["value"]
            label = chart["label"]
            if lang == "sv":  # label, bar, value from the left
                assert label["right"] <= bar["left"] + 1 and value["left"] >= bar["right"]
            else:  # mirrored: label, bar, value from the right
                assert label["left"] >= bar["right"] - 1 and value["right"] <= bar["left"]
        grown = [round(b["width"] / a["width"], 2) for a, b in zip(normal, larger, strict=True)]
        assert grown == [1.5] * len(normal), lang


def test_the_presence_table_shows_that_it_scrolls_on_a_phone(context, promise_data):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/sv/promises/p2026")
    region = page.locator(".table-scroll:has(#presence-table)")

    scrolls = region.evaluate("(el) => el.scrollWidth > el.clientWidth")
    backgrounds = region.evaluate("(el) => getComputedStyle(el).backgroundImage")
    attachments = region.evaluate("(el) => getComputedStyle(el).backgroundAttachment")

    assert scrolls
    assert backgrounds.count("gradient(") == 4  # two covers, two shadows
    assert attachments == "local, local, scroll, scroll"
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"


def test_the_themes_table_fits_or_shows_that_it_scrolls_at_200_percent(context, promise_data):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    found = {}
    for lang in ("sv", "ar"):
        page.goto(f"/{lang}/promises/p2026")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        region = page.locator(".table-scroll:has(#themes-2026-T2)")
        found[lang] = region.evaluate(
            """(el) => ({scrolls: el.scrollWidth > el.clientWidth,
                        inside: el.getBoundingClientRect().right <= innerWidth + 1
                                && el.getBoundingClientRect().left >= -1,
                        shadows: getComputedStyle(el).backgroundImage.split("gradient(").length - 1,
                        focusable: el.tabIndex === 0 && el.getAttribute("role") === "region",
                        page: document.documentElement.scrollWidth - innerWidth,
                        columns: el.querySelectorAll("thead th").length})"""
        )

    expected = {"scrolls": True, "inside": True, "shadows": 4, "focusable": True, "page": 0,
                "columns": 7}  # fmt: skip
    assert found == {"sv": expected, "ar": expected}


AUDIT_ADMIN = "reflow-admin@example.se"
# Each word of the audit log as drawn (a hyphen may end a line): on one line, and no wider
# than the box it is in.
WORDS_THAT_DO_NOT_FIT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector(".audit-list"),
                                           NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const box = (node.parentElement.closest("p, li") || node.parentElement).getBoundingClientRect();
    for (const word of node.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const right = Math.max(...rects.map((r) => r.right));
      if (rects.length > 1 || right > box.right + 1) found.push(word[0]);
    }
  }
  return found;
}"""


def test_the_audit_log_on_a_phone_is_cards_with_whole_words(browser, live_server):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from tests.browser.helpers import log_in
    from tests.factories import PASSWORD
    from webapp.extensions import db
    from webapp.models import PresenceSlot, User
    from webapp.schedule import planning

    app = live_server.app
    result = app.test_cli_runner().invoke(
        args=["create-user", AUDIT_ADMIN, "--role", "admin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():  # far from NOW, beyond every page's and feed's window
        slot = db.session.scalars(
            select(PresenceSlot).where(PresenceSlot.starts_at > datetime(2027, 8, 1, tzinfo=UTC))
        ).first()
        admin = db.session.scalar(select(User).where(User.email == AUDIT_ADMIN))
        planning.cancel_slot(
            db.session, slot, reason="Utbildning", now=app.config["NOW"], actor=admin
        )
        db.session.commit()
        db.session.remove()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 800})
    page = context.new_page()
    log_in(page, AUDIT_ADMIN, PASSWORD)

    page.goto("/sv/staff/audit")
    overflow = page.evaluate("document.documentElement.scrollWidth") - 360
    cards = page.locator(".audit-entry").count()
    broken = page.evaluate(WORDS_THAT_DO_NOT_FIT)
    text = page.locator(".audit-list").inner_text()
    context.close()

    assert (overflow, broken) == (0, [])
    assert cards >= 3 and page.url  # the admin's login, the cancellation, the account
    assert f"{AUDIT_ADMIN} ställde in" in text and "Status: Planerat → Inställt" in text
