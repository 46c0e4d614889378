"""Where chromium draws the digit groups of phone numbers and codes on right-to-left pages:
left to right in the order they are written, wherever the number stands (the emergency box,
the footer, the office page, the feedback form's hint and its error message)."""

import pytest

from tests.browser.pages import RTL

NUMBERS = ("112", "114 14", "070-123 45 67")

# For each text node holding one of the numbers: the left edge of each digit group as drawn.
GROUP_EDGES = """(numbers) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const number of numbers) {
      const at = node.data.indexOf(number);
      if (at < 0 || node.parentElement.closest(".visually-hidden")) continue;
      const edges = [];
      for (const group of number.matchAll(/\\d+/g)) {
        const range = document.createRange();
        range.setStart(node, at + group.index);
        range.setEnd(node, at + group.index + group[0].length);
        edges.push(Math.round(range.getBoundingClientRect().left));
      }
      const where = node.parentElement.closest("[id], footer, main, form");
      found.push({number, edges, where: where ? (where.id || where.tagName) : ""});
    }
  }
  return found;
}"""


def _drawn(page, url):
    page.goto(url, wait_until="load")
    return page.evaluate(GROUP_EDGES, list(NUMBERS))


@pytest.mark.parametrize("lang", RTL)
def test_phone_numbers_and_codes_draw_in_written_order_on_right_to_left_pages(page, lang):
    drawn = []
    for url in (f"/{lang}/", f"/{lang}/office", f"/{lang}/feedback/torget"):
        drawn += [(url, d["number"], d["where"], d["edges"]) for d in _drawn(page, url)]
    page.fill("#contact_details", "x")
    page.check("#wants_contact")
    page.check("#contact_consent")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    after = page.evaluate(GROUP_EDGES, list(NUMBERS))
    drawn += [("form error", d["number"], d["where"], d["edges"]) for d in after]

    numbers = {number for _url, number, _where, _edges in drawn}
    turned = [d for d in drawn if d[3] != sorted(d[3]) or len(set(d[3])) != len(d[3])]
    assert numbers == set(NUMBERS)
    assert len([d for d in drawn if d[1] == "114 14"]) >= 6  # box, footer, office, form
    assert turned == []
