"""Reflow with the text at 200 % on a 360 CSS px screen (WCAG 1.4.4 and 1.4.10): no page of
the follow-up scrolls sideways in any language, its tables and charts grow with the text, and
a table wider than the screen shows that it scrolls."""

from tests.browser.helpers import overflowing_elements
from tests.browser.pages import LANGS
from tests.browser.test_promise_pages import promise_data  # noqa: F401 - the fixture

FOLLOW_UP = [f"/{lang}/{page}" for lang in LANGS for page in ("promises", "promises/p2026")]


def _at_200_percent(page, url) -> list[str]:
    page.goto(url)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth") - 360
    return overflowing_elements(page) if overflow > 0 else []


def test_follow_up_reflows_at_360_px_with_200_percent_text(context, promise_data):  # noqa: F811
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


def test_charts_stay_readable_in_every_direction_and_grow_with_the_text(page, promise_data):  # noqa: F811
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


def test_the_presence_table_shows_that_it_scrolls_on_a_phone(context, promise_data):  # noqa: F811
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
