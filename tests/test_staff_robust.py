"""Odd URLs and parameters on staff pages answer 404 or a page, never a server error."""

import pytest

from tests.support.staff import logged_in

HUGE = "99999999999999999999"
URLS = {
    "police": [
        f"/sv/staff/presence/slots/{HUGE}",
        f"/sv/staff/presence/slots/{HUGE}/outcome",
        f"/sv/staff/presence/slots/{HUGE}/cancel",
        f"/sv/staff/office/closures/{HUGE}",
        f"/sv/staff/presence/series/{HUGE}/end",
        "/sv/staff/presence/slots/0",
        "/sv/staff/presence?from=99999-01-01",
        "/sv/staff/presence?from=0001-01-01",
        "/sv/staff/presence?from=2026-13-45",
    ],
    "admin": [
        f"/sv/staff/users/{HUGE}",
        f"/sv/staff/audit?before={HUGE}{HUGE}",
        "/sv/staff/audit?before=-5",
        "/sv/staff/audit?before=abc",
    ],
}


@pytest.mark.parametrize("role", ["police", "admin"])
def test_odd_ids_and_parameters_answer_404_or_200(app, role):
    client = logged_in(app, role)

    statuses = {url: client.get(url).status_code for url in URLS[role]}

    assert statuses == {
        url: 404
        if ("/slots/" in url or "/closures/" in url or "/series/" in url or "/users/" in url)
        else 200
        for url in URLS[role]
    }
