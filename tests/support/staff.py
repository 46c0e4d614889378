"""Staff clients: forms posted like a browser (CSRF token first), real logins, and a cheap
logged-in client for tests that are not about logging in."""

import hashlib
import secrets

from tests.conftest import NOW
from tests.factories import EMAILS, PASSWORD, make_user
from tests.support.html import soup
from webapp.extensions import db
from webapp.models import User, UserSession
from webapp.staff.auth import TOKEN_KEY


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
    """A test client logged in as a new user with `role`, through the login form."""
    email = make_user(app, role)
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def staff_client(app, role, *, email=None, municipality=None):
    """A client with a live staff session, without paying for argon2 in every test.

    The account and its server-side session row are made directly; the cookie carries the
    session's token exactly as a real login leaves it (logins themselves are tested in
    test_auth.py and used by the browser test). With `municipality`, the account is that
    municipality's only.
    """
    user = User(
        email=email or EMAILS[role],
        password_hash="not-used",
        role=role,
        created_at=NOW,
        municipality_id=municipality.id if municipality is not None else None,
    )
    db.session.add(user)
    db.session.flush()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=app.config["NOW"],
            last_seen_at=app.config["NOW"],
        )
    )
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
    return client
