"""Where a login sends people afterwards: only back into the staff area, never off the site."""

import pytest

from tests.factories import PASSWORD, make_user
from tests.support.staff import csrf_token
from webapp.staff.auth import safe_next

NASTY = [
    "/\t/evil.example/staff",
    "/\t/evil.example/sv/staff/",
    "/sv/staff/\t/evil.example",
    "/\n/evil.example/sv/staff/",
    "/\r/evil.example/sv/staff/",
    "/\x00/evil.example/sv/staff/",
    "/sv/staff/\x7f",
    "/sv/staff/\u0085x",
    "//evil.example/sv/staff/",
    "///evil.example/sv/staff/",
    "/\\evil.example/sv/staff/",
    "/sv/staff/\\..\\evil",
    "\\\\evil.example/sv/staff/",
    "https://evil.example/sv/staff/",
    "javascript:alert(1)//sv/staff/",
    " /sv/staff/",
    "sv/staff/",
    "/de/staff/",
    "/sv/staffx/",
    "/sv/staff",
    "/sv/public/staff/",
    "/evil/sv/staff/",
    "",
    None,
]


@pytest.mark.parametrize("target", NASTY)
def test_safe_next_refuses_anything_outside_the_staff_area(target):
    assert safe_next(target, "/sv/staff/") == "/sv/staff/"


@pytest.mark.parametrize(
    "target", ["/sv/staff/", "/en/staff/inbox?page=2", "/sv/staff/office/3/hours", "/sv/staff/?a=b"]
)
def test_safe_next_keeps_staff_paths(target):
    assert safe_next(target, "/sv/staff/") == target


@pytest.mark.parametrize("target", ["/\t/evil.example/staff", "/\t/evil.example/sv/staff/"])
def test_login_with_a_tab_in_next_stays_on_the_site(app, target):
    make_user(app, "police")
    client = app.test_client()
    token = csrf_token(client, "/sv/staff/login")

    response = client.post(
        "/sv/staff/login",
        data={
            "csrf_token": token,
            "email": "polis@example.se",
            "password": PASSWORD,
            "next": target,
        },
    )

    assert (response.status_code, response.headers["Location"]) == (302, "/sv/staff/")
