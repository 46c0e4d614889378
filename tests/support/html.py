"""Reading the HTML the app answers with."""

from bs4 import BeautifulSoup


def soup(page) -> BeautifulSoup:
    """The parsed HTML of a test client's response, or of HTML text."""
    html = page.get_data(as_text=True) if hasattr(page, "get_data") else page
    return BeautifulSoup(html, "html.parser")


def get_soup(client, url, status=200) -> BeautifulSoup:
    """GET `url`, check the status, and parse the page."""
    response = client.get(url)
    assert response.status_code == status, url
    return soup(response)


def error_summary(response) -> list[str]:
    """The texts of the links in the form's error summary ("Det finns ett problem")."""
    box = soup(response).select_one(".error-summary")
    return [a.get_text(" ", strip=True) for a in box.select("a")] if box else []


def error_links(response) -> list[str]:
    """Where the error summary's links point (each at its field)."""
    box = soup(response).select_one(".error-summary")
    return [a["href"] for a in box.select("a")] if box else []
