"""A provider that misbehaves: slower than OIDC_TIMEOUT (discovery, token), an ID token with a
wrong `nonce` or for another client. Each gets a clear page in the sign-in's language (503 or
403, never a 500, never a hang), an audit entry naming the fault, and nothing of a token or
code in the logs. The provider is tests/support/tiny_provider.py (a certified provider does
not make these faults), but for a code the real provider gave another application; on SQLite
and PostgreSQL."""

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from tests.support.html import soup
from tests.support.oidc import OTHER_CLIENT, OTHER_REDIRECT, app_for_provider, through_the_provider
from tests.support.tiny_provider import TinyProvider
from webapp.extensions import db
from webapp.models import AuditEvent, User

TIMEOUT = 0.3  # OIDC_TIMEOUT in these tests (seconds)


@pytest.fixture
def tiny():
    with TinyProvider() as provider:
        yield provider


@pytest.fixture
def app(database_url, tiny, tmp_path, monkeypatch):
    yield from app_for_provider(
        tiny.issuer, database_url, tmp_path, monkeypatch, OIDC_TIMEOUT=TIMEOUT
    )


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: urllib3, authlib, the app
    return caplog


def _failures():
    db.session.rollback()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.oidc_failed").order_by(AuditEvent.id)
    )
    return [row.after for row in rows]


def _callback(client, tiny, lang, **claims):
    """Start the sign-in, shape the ID token (`nonce=True`: the one Närvaro sent), return."""
    start = client.get(f"/{lang}/staff/oidc/polisen/login")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    if claims.get("nonce") is True:
        claims["nonce"] = query["nonce"][0]
    tiny.claims = claims
    code = f"code-{query['state'][0][:8]}"
    back = client.get(f"/staff/oidc/polisen/callback?code={code}&state={query['state'][0]}")
    return client.get(back.headers["Location"])


def _nothing_of_a_token_in(logs, tiny):
    assert tiny.issued, "the provider handed out nothing to look for"
    text = logs.text + "".join(str(r.args) for r in logs.records)
    for secret in tiny.issued:
        assert secret not in text


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"nonce": "not-the-one-sent"}, "invalid_claim:nonce"),
        ({"nonce": True, "aud": "another-client"}, "invalid_claim:aud"),
        # for another client, naming Närvaro as the party it was issued to
        ({"nonce": True, "aud": "another-client", "azp": "narvaro"}, "invalid_claim:aud"),
        ({"nonce": True, "iss": "http://127.0.0.1:1"}, "invalid_claim:iss"),
    ],
)
def test_a_wrong_nonce_audience_or_issuer_is_refused(app, tiny, logs, claims, reason):
    page = _callback(app.test_client(), tiny, "sv", **claims)
    assert page.status_code == 403
    assert soup(page).h1.get_text() == "Inloggningen kunde inte slutföras"
    assert page.headers["Cache-Control"] == "no-store"
    assert _failures() == [{"provider": "polisen", "reason": reason}]
    assert db.session.scalar(select(User).where(User.email == "anna@polisen.example")) is None
    _nothing_of_a_token_in(logs, tiny)


def test_the_right_token_from_the_same_provider_signs_in(app, tiny, logs):
    """The faults above are the token's, not the tiny provider's: right, it signs in."""
    page = _callback(app.test_client(), tiny, "sv", nonce=True)
    assert (page.status_code, page.headers["Location"]) == (302, "/sv/staff/")
    assert _failures() == []
    _nothing_of_a_token_in(logs, tiny)


def test_a_wrong_audience_in_english(app, tiny):
    page = _callback(app.test_client(), tiny, "en", nonce=True, aud=["another-client"])
    assert page.status_code == 403
    assert soup(page).h1.get_text() == "Sign-in could not be completed"


def test_a_slow_token_endpoint_gives_503_not_a_hang(app, tiny, logs):
    tiny.delays["token"] = 10
    began = time.monotonic()
    page = _callback(app.test_client(), tiny, "en", nonce=True)
    waited = time.monotonic() - began
    assert page.status_code == 503
    assert soup(page).h1.get_text() == "The sign-in service does not answer"
    assert page.headers["Retry-After"] == "60"
    assert waited < TIMEOUT + 2  # one timeout (plus the test's own requests), not ten seconds
    assert _failures() == [{"provider": "polisen", "reason": "unreachable"}]
    _nothing_of_a_token_in(logs, tiny)


def test_a_slow_discovery_gives_503_not_a_hang(app, tiny, logs):
    tiny.delays["discovery"] = 10
    began = time.monotonic()
    page = app.test_client().get("/sv/staff/oidc/polisen/login")
    assert time.monotonic() - began < TIMEOUT + 2
    assert page.status_code == 503
    assert soup(page).h1.get_text() == "Inloggningstjänsten svarar inte"
    assert _failures() == [{"provider": "polisen", "reason": "unreachable"}]
    assert "OpenID Provider polisen did not answer" in logs.text


def test_a_code_the_real_provider_gave_another_application_is_refused(
    database_url, provider, tmp_path, monkeypatch, logs
):
    """Code injection: a code the certified provider issued to another client, pasted into
    Närvaro's callback with Närvaro's own state. The provider refuses to exchange it for
    Närvaro (the code is bound to its client): 400, audited, nothing of it logged."""
    provider.users({"anna": {"email": "anna@polisen.example", "email_verified": True}})
    other = f"{provider.issuer}/auth?" + urlencode(
        {
            "client_id": OTHER_CLIENT,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": OTHER_REDIRECT,
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
            "nonce": "theirs",
            "state": "theirs",
        }
    )
    code = parse_qs(urlsplit(through_the_provider(other, OTHER_REDIRECT, "anna")).query)["code"]
    for app in app_for_provider(provider.issuer, database_url, tmp_path, monkeypatch):
        client = app.test_client()
        start = client.get("/en/staff/oidc/polisen/login")
        state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
        back = client.get(f"/staff/oidc/polisen/callback?code={code[0]}&state={state}")
        page = client.get(back.headers["Location"])
        assert page.status_code == 400
        assert soup(page).h1.get_text() == "Sign-in could not be completed"
        assert _failures() == [{"provider": "polisen", "reason": "invalid_grant"}]
        assert code[0] not in logs.text + "".join(str(r.args) for r in logs.records)
