"""Helpers the staff and auth tests share: accounts made with the real CLI, real logins."""

from bs4 import BeautifulSoup

PASSWORD = "lagom lång lösenfras för test"
EMAILS = {
    "police": "polis@example.se",
    "municipality": "kommun@example.se",
    "admin": "admin@example.se",
}


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def cli_create_user(app, email, role, password=PASSWORD):
    """`flask create-user EMAIL --role ROLE` with the password on standard input."""
    result = app.test_cli_runner().invoke(
        args=["create-user", email, "--role", role], input=password + "\n"
    )
    return result


def make_user(app, role, email=None, password=PASSWORD):
    result = cli_create_user(app, email or EMAILS[role], role, password)
    assert result.exit_code == 0, result.output
    return email or EMAILS[role]


def csrf_token(client, url):
    page = client.get(url)
    field = soup(page).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF token on {url} ({page.status_code})"
    return field["value"]


def post_form(client, url, data, *, token_from=None):
    """POST like a browser: fetch the form page for a CSRF token first."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data})


def login(client, email, password=PASSWORD, lang="sv"):
    return post_form(client, f"/{lang}/staff/login", {"email": email, "password": password})


def logged_in(app, role):
    """A test client logged in as a new user with `role`."""
    email = make_user(app, role)
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def error_summary(response) -> list[str]:
    box = soup(response).select_one(".error-summary")
    return [a.get_text(" ", strip=True) for a in box.select("a")] if box else []
