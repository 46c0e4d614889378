"""Outcomes in bulk on a phone: at 360 CSS px in Chromium, the exceptions unticked and every
other past slot saved as "held as planned" in one submit, the exceptions kept in the list for
their own report; the page after it shows both, passes axe-core and does not scroll sideways,
in Swedish and in English."""

import pytest

from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    horizontal_overflow,
    log_in,
    overflowing_elements,
)

PASSWORD = "webbläsartest med lång fras"
EMAIL = "bulk-polis@example.se"
SAVED = {
    "sv": "%d tillfällen är rapporterade som genomförda.",
    "en": "%d times are recorded as held.",
}
BUTTON = {"sv": "Spara de valda som genomförda", "en": "Save the ticked ones as held"}


@pytest.fixture(scope="module")
def police(live_server):
    result = live_server.app.test_cli_runner().invoke(
        args=["create-user", EMAIL, "--role", "police"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return EMAIL


def _listed(page) -> list[str]:
    return page.locator('input[name="slots"]').evaluate_all("boxes => boxes.map(b => b.value)")


def _time(page, value) -> str:
    """The day and times written beside a slot's box ("tis 24 nov. 2026 09:00–10:00")."""
    box = page.locator(f'input[name="slots"][value="{value}"]')
    return " ".join(
        page.locator(f'label[for="{box.get_attribute("id")}"] .time').inner_text().split()
    )


def _recent(page) -> list[str]:
    """When each slot in the "last reported" table began (its first column, before the place)."""
    cells = page.locator("table tbody tr td:first-child").all_inner_texts()
    return [" ".join(cell.split()).split(",")[0] for cell in cells]


def _submit_all_but(page, lang, exceptions: int) -> tuple[list[str], list[str]]:
    """At 360 px: untick the slots after the newest (the exceptions), save the rest in one
    submit; (saved, kept) as the list had them."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/{lang}/staff/outcomes")
    listed = _listed(page)
    kept = listed[1 : 1 + exceptions]
    saved = [v for v in listed if v not in kept]
    times = [_time(page, value).split("–")[0] for value in saved]
    for value in kept:  # everything starts ticked: untick what was not as planned
        page.uncheck(f'input[name="slots"][value="{value}"]')
    page.get_by_role("button", name=BUTTON[lang]).click()
    page.wait_for_url(f"**/{lang}/staff/outcomes")
    return times, kept


def _checked(page) -> list[str]:
    violations = axe_violations(page)
    problems = [describe_violations(violations)] if violations else []
    if horizontal_overflow(page):
        problems.append(str(overflowing_elements(page)))
    return problems


def test_slots_held_in_one_submit_on_a_phone_the_exceptions_kept_sv_and_en(page, police):
    log_in(page, police, PASSWORD)

    held_sv, kept_sv = _submit_all_but(page, "sv", 2)
    notice_sv = page.locator(".notice-success").inner_text()
    listed_sv, recent_sv, problems_sv = _listed(page), _recent(page), _checked(page)
    held_en, kept_en = _submit_all_but(page, "en", 1)
    notice_en = page.locator(".notice-success").inner_text()
    listed_en, recent_en, problems_en = _listed(page), _recent(page), _checked(page)

    assert len(held_sv) >= 2 and notice_sv == SAVED["sv"] % len(held_sv)
    assert listed_sv == kept_sv and len(kept_sv) == 2
    assert [t for t in held_sv if t in recent_sv] == held_sv
    assert len(held_en) == 1 and notice_en == "1 time is recorded as held."
    assert listed_en == kept_en == kept_sv[1:]
    assert held_en[0] in recent_en  # English dates: the same slot, now among the reported
    assert (problems_sv, problems_en) == ([], [])
