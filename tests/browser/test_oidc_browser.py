"""Staff sign in with their organisation's account, the whole way in chromium: Närvaro's login
page, the real OpenID Provider's login and consent pages (npm oidc-provider, OpenID Certified;
tests/support/oidc.py), back to the staff area; on SQLite and PostgreSQL.

Each test has its own app, served at the session's `oidc_site` (the redirect URI the session's
provider knows; tests/conftest.py); the provider's users and faults are set per test."""

import pytest
import requests
from sqlalchemy import select

from tests.browser.conftest import serving
from tests.browser.helpers import axe_violations, describe_violations
from tests.conftest import CALENDAR, make_app
from tests.factories import PASSWORD, make_user
from tests.support.oidc import CLIENT_SECRET, SECRET_ENV, sign_in_file
from webapp.extensions import db
from webapp.models import AuditEvent, User, UserSession

ANNA = {"email": "anna@polisen.example", "email_verified": True, "name": "Anna Polis"}


class Site:
    def __init__(self, url, app, provider):
        self.url, self.app, self.provider = url, app, provider

    def account(self, subject):
        with self.app.app_context():
            user = db.session.scalar(
                select(User).where(
                    User.oidc_issuer == self.provider.issuer, User.oidc_subject == subject
                )
            )
            db.session.expunge_all()
            return user

    def audit(self, action):
        with self.app.app_context():
            rows = db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).all()
            return [row.after for row in rows]

    def sessions(self, user_id):
        with self.app.app_context():
            return db.session.scalars(
                select(UserSession.id).where(UserSession.user_id == user_id)
            ).all()


# What a browser adds is the pages and the protocol's redirects; the accounts, sessions and
# audit entries they make are the database's, and those run on PostgreSQL too: the whole flow
# here, the invite, first sign-in, logout-token and fault cases in tests/test_oidc*.py.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def site(request, database_url, provider, oidc_site, tmp_path, monkeypatch):
    """The app and the session's provider; `indirect` parameters: {"config": app settings,
    "faults": the provider's faults (tests/support/oidc_provider.mjs)}."""
    wanted = getattr(request, "param", {})
    url = oidc_site
    port = int(url.rsplit(":", 1)[1])
    provider.faults(wanted.get("faults", {}))
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    data_file = sign_in_file(tmp_path, CALENDAR, provider.issuer)
    app = make_app(
        database_url, PUBLIC_BASE_URL=url, CALENDAR_FILE=str(data_file), **wanted.get("config", {})
    )
    with serving(app, "oidc-site", port):
        yield Site(url, app, provider)


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page, account, *, lang="sv", mfa=False):
    """From Närvaro's login page through the provider's login page (and its consent page when
    it asks again); the answer of Närvaro's return page."""
    page.goto(f"/{lang}/staff/login")
    label = "Logga in med Polisens konto"
    with page.expect_response(lambda r: "/oidc/polisen/return" in r.url) as answer:
        page.get_by_role("link", name=label).click()
        page.get_by_label("Account").fill(account)
        if mfa:
            page.get_by_label("Second factor given").check()
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_load_state()
        if "/interaction/" in page.url:
            page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return answer.value


def log_out(page, provider):
    """Närvaro's sign-out, then the provider's "sign me out" page, back to the login page."""
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{provider.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url("**/staff/login**")


def test_the_whole_flow_and_roles_follow_the_group_claim(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police", "other"]}})
    answer = sign_in(tab, "anna")
    assert answer.status == 302
    assert tab.url == f"{site.url}/sv/staff/"
    assert tab.get_by_role("heading", level=1).inner_text() == "Översikt"
    user = site.account("anna")
    assert (user.email, user.role, user.password_hash, user.municipality_id) == (
        "anna@polisen.example",
        "police",
        "",
        None,
    )
    assert site.audit("login.oidc") == [
        {
            "provider": "polisen",
            "issuer": site.provider.issuer,
            "role": "police",
            "second_factor": False,
        }
    ]
    assert site.audit("user.create") == [{"role": "police", "issuer": site.provider.issuer}]

    # The group changes at the provider: the role follows at the next sign-in.
    log_out(tab, site.provider)
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-admin"]}})
    assert sign_in(tab, "anna").status == 302
    assert site.account("anna").role == "admin"
    assert site.audit("user.role_from_provider")[-1] == {
        "role": "admin",
        "issuer": site.provider.issuer,
    }

    # Every mapped group removed: refused with a clear page, no session.
    log_out(tab, site.provider)
    site.provider.users({"anna": {**ANNA, "groups": ["other"]}})
    answer = sign_in(tab, "anna")
    assert answer.status == 403
    assert tab.get_by_role("heading", level=1).inner_text() == (
        "Ditt konto har ingen behörighet i Närvaro"
    )
    assert site.sessions(user.id) == []
    assert site.audit("login.oidc_refused")[-1]["reason"] == "no_role"


@ON_SQLITE
def test_no_mapped_group_at_first_sign_in_makes_no_account(tab, site):
    site.provider.users({"bo": {**ANNA, "email": "bo@polisen.example", "groups": ["other"]}})
    answer = sign_in(tab, "bo", lang="en")
    assert answer.status == 403
    assert (
        tab.get_by_role("heading", level=1).inner_text() == "Your account has no access to Närvaro"
    )
    assert site.account("bo") is None


@ON_SQLITE
def test_a_replayed_callback_is_refused(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    callbacks = []
    tab.on("request", lambda r: "/staff/oidc/polisen/callback" in r.url and callbacks.append(r.url))
    sign_in(tab, "anna")
    assert len(callbacks) == 1
    answer = tab.goto(callbacks[0])
    assert answer.status == 400
    assert tab.get_by_role("heading", level=1).inner_text() == "Inloggningen kunde inte slutföras"
    assert site.audit("login.oidc_failed")[-1] == {"provider": "polisen", "reason": "state"}
    violations = axe_violations(tab)
    assert not violations, describe_violations(violations)


@ON_SQLITE
@pytest.mark.parametrize("site", [{"config": {"STAFF_MFA": "required"}}], indirect=True)
def test_a_second_factor_at_the_provider_skips_the_local_one(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    assert sign_in(tab, "anna", mfa=True).status == 302
    assert site.audit("login.oidc")[-1]["second_factor"] is True
    tab.goto("/sv/staff/")
    assert tab.url == f"{site.url}/sv/staff/"
    assert tab.get_by_role("heading", level=1).inner_text() == "Översikt"


@ON_SQLITE
@pytest.mark.parametrize("site", [{"config": {"STAFF_MFA": "required"}}], indirect=True)
def test_without_a_second_factor_the_local_one_is_asked_for(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    assert sign_in(tab, "anna", mfa=False).status == 302
    tab.goto("/sv/staff/")
    assert tab.url.startswith(f"{site.url}/sv/staff/account/two-step")


@ON_SQLITE
@pytest.mark.parametrize("site", [{"faults": {"token_clock_offset": -7200}}], indirect=True)
def test_an_expired_id_token_is_refused(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    answer = sign_in(tab, "anna")
    assert answer.status == 403
    assert tab.get_by_role("heading", level=1).inner_text() == "Inloggningen kunde inte slutföras"
    assert site.account("anna") is None
    assert site.audit("login.oidc_failed")[-1]["reason"] == "ExpiredTokenError"


@ON_SQLITE
@pytest.mark.parametrize("site", [{"faults": {"publish_other_key": True}}], indirect=True)
def test_a_token_signed_with_an_unknown_key_is_refused(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    answer = sign_in(tab, "anna", lang="en")
    assert answer.status == 403
    assert tab.get_by_role("heading", level=1).inner_text() == "Sign-in could not be completed"
    assert site.account("anna") is None
    assert site.audit("login.oidc_failed")[-1]["reason"] == "InvalidKeyIdError"
    violations = axe_violations(tab)
    assert not violations, describe_violations(violations)


@ON_SQLITE
def test_signing_out_signs_out_at_the_provider_too(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    sign_in(tab, "anna")
    user = site.account("anna")
    log_out(tab, site.provider)
    assert site.sessions(user.id) == []
    assert tab.get_by_role("heading", level=1).inner_text() == "Logga in"
    # The provider forgot the person: the next sign-in asks for the account again.
    tab.goto("/sv/staff/login")
    tab.get_by_role("link", name="Logga in med Polisens konto").click()
    assert tab.get_by_label("Account").is_visible()


@ON_SQLITE
def test_back_channel_logout_ends_the_session_at_once(tab, site):
    site.provider.users({"anna": {**ANNA, "groups": ["narvaro-police"]}})
    sign_in(tab, "anna")
    user = site.account("anna")
    assert len(site.sessions(user.id)) == 1
    # Signed out at the provider (another application, say): it tells Närvaro server to server.
    tab.goto(f"{site.provider.issuer}/session/end")
    tab.get_by_role("button", name="Yes, sign me out").click()
    tab.wait_for_load_state()
    assert site.sessions(user.id) == []
    assert site.audit("logout.backchannel") == [{"provider": "polisen", "sessions": 1}]
    tab.goto("/sv/staff/")
    assert tab.url.startswith(f"{site.url}/sv/staff/login")


def test_a_forged_logout_token_ends_nothing(site):
    answer = requests.post(
        f"{site.url}/staff/oidc/polisen/backchannel-logout",
        data={"logout_token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm5hIn0."},
        timeout=10,
    )
    assert answer.status_code == 400
    assert site.audit("logout.backchannel") == []


WALK = {
    "sv": {
        "refused": "Ditt konto har ingen behörighet i Närvaro",
        "invite": "Bjud in till inloggning med organisationens konto",
        "problem": "Det finns ett problem",
    },
    "en": {
        "refused": "Your account has no access to Närvaro",
        "invite": "Invite someone to sign in with the organisation's account",
        "problem": "There is a problem",
    },
}


@ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_sign_in_pages_have_no_axe_violations(tab, site, lang):
    """One page walks the login page with the provider's button, the refusal (no mapped
    group), the accounts page with the redirect-URI table and the invite form (empty and with
    its errors); axe-core checks each."""
    words, violations = WALK[lang], {}
    tab.goto(f"/{lang}/staff/login")
    assert tab.get_by_role("link", name="Logga in med Polisens konto").is_visible()
    violations["login"] = axe_violations(tab)

    site.provider.users({"bo": {**ANNA, "email": "bo@polisen.example", "groups": ["other"]}})
    assert sign_in(tab, "bo", lang=lang).status == 403
    assert tab.get_by_role("heading", level=1).inner_text() == words["refused"]
    violations["refused"] = axe_violations(tab)

    admin = make_user(site.app, "admin")
    tab.goto(f"/{lang}/staff/login")
    tab.fill("#email", admin)
    tab.fill("#password", PASSWORD)
    tab.click("#submit")
    tab.wait_for_url(f"**/{lang}/staff/")
    tab.goto(f"/{lang}/staff/users")
    assert tab.locator("td code").all_inner_texts() == [f"{site.url}/staff/oidc/polisen/callback"]
    violations["users"] = axe_violations(tab)

    tab.goto(f"/{lang}/staff/users/invite")
    assert tab.get_by_role("heading", level=1).inner_text() == words["invite"]
    violations["invite"] = axe_violations(tab)
    tab.click("#submit")
    tab.wait_for_load_state()
    assert tab.get_by_role("heading", level=2, name=words["problem"]).is_visible()
    violations["invite with errors"] = axe_violations(tab)

    found = {page: v for page, v in violations.items() if v}
    assert not found, "\n".join(f"{page}: {describe_violations(v)}" for page, v in found.items())
