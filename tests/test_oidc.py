"""Staff sign-in through an organisation's OpenID Provider, without a browser: the `[[sign_in]]`
entries, the roles a claim gives, and the faults of a callback (a wrong state, the provider
stopped mid-flow), against the real provider (tests/support/oidc.py) on SQLite and PostgreSQL.
The whole flow in chromium is tests/browser/test_oidc_browser.py."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import CALENDAR, make_app
from tests.support.html import soup
from tests.support.oidc import OidcProvider, app_for_provider, sign_in_file
from tests.support.servers import free_port
from webapp.accounts import providers
from webapp.extensions import db
from webapp.models import AuditEvent

BASE = "https://narvaro.example"

ENTRY = {
    "name": "polisen",
    "label": "Logga in med Polisens konto",
    "issuer": "https://idp.example.se/realms/polisen",
    "client_id": "narvaro",
    "client_secret_env": "NARVARO_OIDC_POLISEN_SECRET",
    "roles_claim": "groups",
    "roles": {"narvaro-police": "police", "narvaro-admin": "admin"},
}


def test_sign_in_entry_is_read_and_checked():
    (provider,) = providers.read_sign_in([ENTRY], municipality=None, production=True)
    assert provider.metadata_url == (
        "https://idp.example.se/realms/polisen/.well-known/openid-configuration"
    )
    assert providers.redirect_uri(BASE + "/", "polisen") == (
        "https://narvaro.example/staff/oidc/polisen/callback"
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"issuer": "http://127.0.0.1:9000"}, "sign_in[0].issuer"),  # http in production
        ({"issuer": "http://idp.example.se"}, "sign_in[0].issuer"),
        ({"roles": {"g": "superuser"}}, "sign_in[0].roles.g"),
        ({"roles": {}}, "sign_in[0].roles"),
        ({"name": "Polisen!"}, "sign_in[0].name"),
        ({"client_secret": "in-the-file"}, "sign_in[0].client_secret"),
        ({"client_id": ""}, "sign_in[0].client_id"),
    ],
)
def test_a_bad_entry_names_its_field(change, where):
    with pytest.raises(providers.SignInError) as error:
        providers.read_sign_in([{**ENTRY, **change}], municipality=None, production=True)
    assert error.value.where == where


def test_loopback_http_issuer_only_outside_production():
    entry = {**ENTRY, "issuer": "http://127.0.0.1:9000"}
    (provider,) = providers.read_sign_in([entry], municipality=None, production=False)
    assert provider.issuer == "http://127.0.0.1:9000"


def test_the_same_name_twice_is_refused():
    with pytest.raises(providers.SignInError):
        providers.read_sign_in([ENTRY, ENTRY], municipality=None, production=False)


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["narvaro-police"], "police"),
        (["other", "narvaro-admin", "narvaro-police"], "admin"),
        ("narvaro-police", "police"),
        (["other"], None),
        ([], None),
        (None, None),
    ],
)
def test_the_role_comes_from_the_claim(groups, role):
    (provider,) = providers.read_sign_in([ENTRY], municipality=None, production=True)
    assert providers.role_from_claims(provider, {"groups": groups}) == role


@pytest.mark.parametrize(
    ("amr", "second"),
    [(["pwd", "mfa"], True), (["hwk"], True), (["pwd"], False), ("mfa", False), (None, False)],
)
def test_amr_shows_a_second_factor(amr, second):
    assert providers.second_factor({"amr": amr}) is second


@pytest.fixture
def oidc_app(database_url, provider, tmp_path, monkeypatch):
    """The app signing in through the session's provider (tests/conftest.py)."""
    yield from _app_for(provider, database_url, tmp_path, monkeypatch)


@pytest.fixture
def own_provider(tmp_path):
    """A provider of this test's own, to stop mid-flow."""
    op = OidcProvider(tmp_path, [BASE])
    op.start()
    yield op
    op.stop()


@pytest.fixture
def own_app(database_url, own_provider, tmp_path, monkeypatch):
    yield from _app_for(own_provider, database_url, tmp_path, monkeypatch)


def _app_for(provider, database_url, tmp_path, monkeypatch):
    yield from app_for_provider(provider.issuer, database_url, tmp_path, monkeypatch)


def _reasons(app):
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.oidc_failed").order_by(AuditEvent.id)
    )
    return [row.after["reason"] for row in rows]


def test_login_goes_to_the_provider_with_pkce_state_and_nonce(oidc_app, provider):
    client = oidc_app.test_client()
    page = client.get("/sv/staff/login")
    button = soup(page).find("a", string="Logga in med Polisens konto")
    assert button["href"].startswith("/sv/staff/oidc/polisen/login")
    answer = client.get(button["href"])
    assert answer.status_code == 302
    target = urlsplit(answer.headers["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}" == provider.issuer
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["narvaro"]
    assert query["redirect_uri"] == [f"{BASE}/staff/oidc/polisen/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()


def test_a_wrong_state_is_refused(oidc_app, provider):
    client = oidc_app.test_client()
    client.get("/sv/staff/oidc/polisen/login")
    answer = client.get("/staff/oidc/polisen/callback?code=abc&state=not-the-one")
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"])
    assert page.status_code == 400
    assert soup(page).h1.get_text() == "Inloggningen kunde inte slutföras"
    assert _reasons(oidc_app) == ["state"]


def test_a_callback_in_english_is_answered_in_english(oidc_app, provider):
    client = oidc_app.test_client()
    client.get("/en/staff/oidc/polisen/login")
    answer = client.get("/staff/oidc/polisen/callback?code=abc&state=forged")
    assert urlsplit(answer.headers["Location"]).path == "/en/staff/oidc/polisen/return"
    page = client.get(answer.headers["Location"])
    assert page.status_code == 400
    assert soup(page).h1.get_text() == "Sign-in could not be completed"


def test_the_provider_stopped_mid_flow_gives_503(own_app, own_provider):
    client = own_app.test_client()
    start = client.get("/sv/staff/oidc/polisen/login")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    own_provider.stop()
    answer = client.get(f"/staff/oidc/polisen/callback?code=abc&state={state}")
    page = client.get(answer.headers["Location"])
    assert page.status_code == 503
    assert soup(page).h1.get_text() == "Inloggningstjänsten svarar inte"
    assert page.headers["Retry-After"] == "60"
    assert _reasons(own_app) == ["unreachable"]


def test_the_provider_down_before_the_flow_gives_503(database_url, tmp_path, monkeypatch):
    class Nobody:  # nothing listens on this port
        issuer = f"http://127.0.0.1:{free_port()}"

    for app in _app_for(Nobody, database_url, tmp_path, monkeypatch):
        page = app.test_client().get("/en/staff/oidc/polisen/login")
        assert page.status_code == 503
        assert soup(page).h1.get_text() == "The sign-in service does not answer"
        assert _reasons(app) == ["unreachable"]


def test_an_unknown_provider_is_404(oidc_app):
    assert oidc_app.test_client().get("/sv/staff/oidc/nobody/login").status_code == 404


def test_the_admin_page_shows_the_redirect_uri(oidc_app):
    from tests.support.staff import staff_client

    page = staff_client(oidc_app, "admin").get("/sv/staff/users")
    cells = [code.get_text() for code in soup(page).find_all("code")]
    assert cells == [f"{BASE}/staff/oidc/polisen/callback"]


@pytest.fixture
def passwords_off_app(database_url, tmp_path):
    """Password login switched off for the organisation but for one named admin (no provider
    needs to run for password logins)."""
    data = sign_in_file(
        tmp_path, CALENDAR, "http://127.0.0.1:9", passwords_for=["Admin@example.se"]
    )
    app = make_app(database_url, CALENDAR_FILE=str(data))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_password_login_off_but_for_named_admins(passwords_off_app):
    from tests.factories import make_user
    from tests.support.staff import login

    app = passwords_off_app
    police, admin = make_user(app, "police"), make_user(app, "admin")
    refused = login(app.test_client(), police)
    assert refused.status_code == 400
    assert (
        soup(refused)
        .find(id="email-error")
        .get_text(" ", strip=True)
        .endswith("Ditt konto loggar in med organisationens konto. Använd knappen ovan")
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
    assert event.after == {"reason": "password_off"}
    assert login(app.test_client(), admin).status_code == 302
    # A wrong password is still just a wrong password.
    wrong = login(app.test_client(), police, password="fel lösenord helt och hållet")
    assert "Fel e-postadress eller lösenord" in wrong.get_data(as_text=True)


def test_passwords_for_must_be_addresses():
    with pytest.raises(providers.SignInError) as error:
        providers.read_sign_in(
            [{**ENTRY, "passwords_for": "admin"}], municipality=None, production=True
        )
    assert error.value.where == "sign_in[0].passwords_for"


def test_without_a_provider_there_is_no_invite(app):
    from tests.support.staff import post_form, staff_client

    admin = staff_client(app, "admin")
    assert (
        soup(admin.get("/sv/staff/users")).find("a", string="Bjud in med organisationens konto")
        is None
    )
    page = admin.get("/en/staff/users/invite")
    assert page.status_code == 200
    assert soup(page).find("form", action="/en/staff/users/invite") is None
    assert "There is no sign-in service in the data file ([[sign_in]])." in soup(page).get_text()
    posted = post_form(
        admin,
        "/en/staff/users/invite",
        {"email": "x@polisen.example"},
        token_from="/en/staff/users",
    )
    assert posted.status_code == 200 and soup(posted).find(class_="error-summary") is None
