"""Issue 10, item 5: addresses people type by hand lead somewhere useful."""

import pytest

from tests.support.html import soup


@pytest.mark.parametrize("path", ["/staff", "/staff/"])
@pytest.mark.parametrize(
    ("accept", "lang"), [("sv-SE", "sv"), ("en-GB,en;q=0.9", "en"), ("", "sv")]
)
def test_staff_without_a_language_redirects_to_the_staff_area(client, path, accept, lang):
    response = client.get(path, headers={"Accept-Language": accept} if accept else {})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/{lang}/staff/"
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize(
    ("accept", "heading", "links"),
    [
        ("sv", "Koden finns inte", "/sv/feedback/"),
        ("en", "We don't recognise that code", "/en/feedback/"),
    ],
)
def test_an_unknown_poster_code_says_so_and_links_to_every_place_form(
    client, accept, heading, links
):
    response = client.get("/q/BADCODE", headers={"Accept-Language": accept})

    page = soup(response)
    assert response.status_code == 404
    assert page.h1.get_text(strip=True) == heading
    assert page.title.get_text(strip=True).startswith(heading)
    assert "BADCODE" in page.select_one(".lead").get_text()
    hrefs = [a["href"] for a in page.select("ul.form-links a")]
    assert f"{links}torget" in hrefs
    assert f"{links}poliskontoret" in hrefs
    assert all(href.startswith(links) for href in hrefs)
    assert response.headers.getlist("Set-Cookie") == []
