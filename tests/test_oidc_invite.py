"""An admin invites someone by e-mail to sign in through the organisation's provider; the
first sign-in there with that address verified binds the account to (issuer, sub), and no
other sign-in takes it. And the provider's back-channel logout naming only its session (`sid`).
Against the session's real provider (tests/support/oidc.py), on SQLite and PostgreSQL."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.support.html import soup
from tests.support.oidc import app_for_provider, provider_sign_in
from tests.support.staff import post_form, staff_client
from webapp.extensions import db
from webapp.models import AuditEvent, User, UserSession

BASE = "https://narvaro.example"
ANNA = {"email": "anna@polisen.example", "email_verified": True, "groups": ["narvaro-police"]}


@pytest.fixture
def app(database_url, provider, tmp_path, monkeypatch):
    yield from app_for_provider(provider.issuer, database_url, tmp_path, monkeypatch)


def _account(email):
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    return db.session.scalar(select(User).where(User.email == email))


def _audit(action):
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    )
    return [row.after for row in rows]


def _invite(admin, email, role="police"):
    return post_form(
        admin, "/sv/staff/users/invite", {"email": email, "role": role, "provider": "polisen"}
    )


def test_an_invite_is_bound_at_the_first_verified_sign_in_and_only_then(app, provider):
    admin = staff_client(app, "admin")
    form = soup(admin.get("/sv/staff/users/invite"))
    assert form.h1.get_text() == "Bjud in till inloggning med organisationens konto"
    assert form.find("input", attrs={"name": "provider", "checked": True})["value"] == "polisen"
    answer = _invite(admin, " Anna@Polisen.example ")
    assert answer.status_code == 302
    invited = _account("anna@polisen.example")
    assert (invited.password_hash, invited.role, invited.oidc_issuer, invited.oidc_subject) == (
        "",
        "police",
        provider.issuer,
        None,
    )
    assert _audit("user.invite") == [
        {
            "email": "anna@polisen.example",
            "role": "police",
            "active": True,
            "issuer": provider.issuer,
        }
    ]
    listed = soup(admin.get("/sv/staff/users")).find("td", string="anna@polisen.example")
    assert listed.find_next_siblings("td")[1].get_text() == "Inbjudet"

    # The first sign-in with the address verified binds the invite to (issuer, sub).
    provider.users({"anna-sub": {**ANNA, "groups": ["narvaro-admin"]}})
    page = provider_sign_in(app.test_client(), BASE, "anna-sub")
    assert (page.status_code, page.headers["Location"]) == (302, "/sv/staff/")
    bound = _account("anna@polisen.example")
    assert (bound.id, bound.oidc_issuer, bound.oidc_subject) == (
        invited.id,
        provider.issuer,
        "anna-sub",
    )
    assert bound.role == "admin"  # from the first sign-in the role follows the groups
    assert _audit("user.bind") == [{"email": "anna@polisen.example", "issuer": provider.issuer}]
    texts = [p.get_text() for p in soup(admin.get("/en/staff/audit")).select(".audit-text")]
    assert (
        "anna@polisen.example signed in with the organisation's account for the first time" in texts
    )
    assert (
        "admin@example.se invited anna@polisen.example to sign in with the organisation's account"
        in texts
    )

    # Another account at the provider with the same (verified) address takes nothing.
    provider.users({"someone-else": ANNA})
    page = provider_sign_in(app.test_client(), BASE, "someone-else")
    assert page.status_code == 403
    assert soup(page).h1.get_text() == "Ditt konto kan inte logga in här"
    assert _account("anna@polisen.example").oidc_subject == "anna-sub"
    assert _audit("login.oidc_refused")[-1]["reason"] == "email_taken"
    assert len(_audit("login.oidc")) == 1


def test_an_unverified_address_does_not_bind_an_invite(app, provider):
    admin = staff_client(app, "admin")
    assert _invite(admin, "bo@polisen.example").status_code == 302
    provider.users({"bo-sub": {**ANNA, "email": "bo@polisen.example", "email_verified": False}})
    page = provider_sign_in(app.test_client(), BASE, "bo-sub", lang="en")
    assert page.status_code == 403
    assert soup(page).h1.get_text() == "Your account cannot sign in here"
    assert _account("bo@polisen.example").oidc_subject is None
    assert _audit("user.bind") == []


def test_a_password_account_is_never_taken_by_a_provider(app, provider):
    email = make_user(app, "admin")
    provider.users({"x": {**ANNA, "email": email}})
    page = provider_sign_in(app.test_client(), BASE, "x")
    assert page.status_code == 403
    assert _account(email).oidc_issuer is None
    assert _audit("login.oidc_refused")[-1]["reason"] == "email_taken"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "admin@x.se"}, "email", "Det finns redan ett konto med den e-postadressen"),
        ({"email": "inte en adress"}, "email", "Skriv e-postadressen som namn@exempel.se"),
        ({"provider": "nobody"}, "provider", "Välj inloggningstjänst"),
        ({"role": "superuser"}, "role", "Välj en roll"),
    ],
)
def test_a_bad_invite_says_what_to_do(app, data, field, message):
    admin = staff_client(app, "admin", email="admin@x.se")
    form = {"email": "ny@polisen.example", "role": "police", "provider": "polisen", **data}
    answer = post_form(admin, "/sv/staff/users/invite", form)
    assert answer.status_code == 400
    error = soup(answer).find(id=f"{field}-error").get_text(" ", strip=True)
    assert error.endswith(message)
    assert _audit("user.invite") == []


def test_only_admins_invite(app):
    assert staff_client(app, "police").get("/sv/staff/users/invite").status_code == 403


def test_back_channel_logout_naming_only_the_session_ends_it(app, provider):
    """A logout token with `sid` and no `sub` (Back-Channel Logout 1.0, 2.4): the session the
    provider's session opened ends, and no other."""
    provider.users({"anna-sub": ANNA})
    first, second = app.test_client(), app.test_client()
    assert provider_sign_in(first, BASE, "anna-sub").status_code == 302
    assert provider_sign_in(second, BASE, "anna-sub").status_code == 302
    user = _account("anna@polisen.example")
    sids = db.session.scalars(
        select(UserSession.oidc_sid).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    assert len(sids) == 2 and all(sids) and sids[0] != sids[1]

    token = provider.logout_token(sid=sids[0])
    answer = app.test_client().post(
        "/staff/oidc/polisen/backchannel-logout", data={"logout_token": token}
    )
    assert answer.status_code == 200
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    left = db.session.scalars(select(UserSession.oidc_sid).where(UserSession.user_id == user.id))
    assert left.all() == [sids[1]]
    assert _audit("logout.backchannel") == [{"provider": "polisen", "sessions": 1}]
    assert first.get("/sv/staff/").status_code == 302  # to the login page
    assert second.get("/sv/staff/").status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {},  # neither sub nor sid
        {"sid": "x", "nonce": "n"},  # an ID token, not a logout token
        {"sid": "x", "aud": "another-client"},
    ],
)
def test_a_logout_token_without_what_it_must_say_ends_nothing(app, provider, claims):
    provider.users({"anna-sub": ANNA})
    client = app.test_client()
    provider_sign_in(client, BASE, "anna-sub")
    answer = app.test_client().post(
        "/staff/oidc/polisen/backchannel-logout",
        data={"logout_token": provider.logout_token(**claims)},
    )
    assert answer.status_code == 400
    assert client.get("/sv/staff/").status_code == 200
    assert _audit("logout.backchannel") == []


def test_the_provider_signs_out_with_sub_and_sid(app, provider):
    """The provider's own logout token (sub and sid), sent when the person signs out there."""
    provider.users({"anna-sub": ANNA})
    client = app.test_client()
    provider_sign_in(client, BASE, "anna-sub")
    sid = db.session.scalar(select(UserSession.oidc_sid))
    token = provider.logout_token(sub="anna-sub", sid=sid)
    posted = app.test_client().post(
        "/staff/oidc/polisen/backchannel-logout", data={"logout_token": token}
    )
    assert posted.status_code == 200
    assert client.get("/sv/staff/").status_code == 302


def test_the_sid_survives_the_local_second_step(database_url, provider, tmp_path, monkeypatch):
    """Without a second factor at the provider the local code is asked for; the session the
    code completes still carries the provider's sid, so a sid-only logout ends it."""
    import pyotp

    from tests.conftest import NOW
    from tests.test_two_step import _code_step, _setup

    for app in app_for_provider(
        provider.issuer, database_url, tmp_path, monkeypatch, STAFF_MFA="required"
    ):
        provider.users({"anna-sub": ANNA})
        first = app.test_client()
        assert provider_sign_in(first, BASE, "anna-sub").status_code == 302
        secret, _codes = _setup(first)  # the local second step, set up once
        app.config["NOW"] = NOW + timedelta(minutes=1)  # a code works once: the next one
        client = app.test_client()
        asked = provider_sign_in(client, BASE, "anna-sub")
        assert asked.headers["Location"] == "/sv/staff/login/code?next=/sv/staff/"
        done = _code_step(client, pyotp.TOTP(secret).at(NOW + timedelta(minutes=1)))
        assert (done.status_code, done.headers["Location"]) == (302, "/sv/staff/")
        db.session.rollback()
        rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
        assert [row.complete for row in rows] == [True, True] and all(r.oidc_sid for r in rows)
        token = provider.logout_token(sid=rows[-1].oidc_sid)
        ended = app.test_client().post(
            "/staff/oidc/polisen/backchannel-logout", data={"logout_token": token}
        )
        assert ended.status_code == 200
        assert client.get("/sv/staff/").status_code == 302
        assert first.get("/sv/staff/").status_code == 200


def test_signing_out_after_the_local_second_step_goes_to_the_providers_sign_out(
    database_url, provider, tmp_path, monkeypatch
):
    """RP-initiated logout holds when the local code completed the sign-in: the session the
    code opens keeps the provider and its ID token (a password login in between would not)."""
    import pyotp

    from tests.conftest import NOW
    from tests.test_two_step import _code_step, _setup

    for app in app_for_provider(
        provider.issuer, database_url, tmp_path, monkeypatch, STAFF_MFA="required"
    ):
        provider.users({"anna-sub": ANNA})
        first = app.test_client()
        assert provider_sign_in(first, BASE, "anna-sub").status_code == 302
        secret, _codes = _setup(first)
        app.config["NOW"] = NOW + timedelta(minutes=1)
        client = app.test_client()
        provider_sign_in(client, BASE, "anna-sub")
        done = _code_step(client, pyotp.TOTP(secret).at(NOW + timedelta(minutes=1)))
        assert done.headers["Location"] == "/sv/staff/"

        out = post_form(client, "/sv/staff/logout", {}, token_from="/sv/staff/")

        assert out.status_code == 303, out.headers.get("Location")
        end = urlsplit(out.headers["Location"])
        query = parse_qs(end.query)
        assert f"{end.scheme}://{end.netloc}{end.path}" == f"{provider.issuer}/session/end"
        assert query["post_logout_redirect_uri"] == ["https://narvaro.example/sv/staff/login"]
        assert query["client_id"] == ["narvaro"] and query["id_token_hint"][0].count(".") == 2
        assert client.get("/sv/staff/").status_code == 302  # the local session ended too


def test_a_municipalitys_admin_invites_into_its_own_municipality_only(app, provider):
    from tests.test_police_area_data import load_test_area, town

    load_test_area()
    vastby = town("vastby")
    admin = staff_client(app, "admin", email="admin@vastby.example", municipality=vastby)

    answer = post_form(
        admin,
        "/vastby/sv/staff/users/invite",
        {"email": "bo@polisen.example", "role": "admin", "provider": "polisen"},
    )

    assert answer.status_code == 302
    # The provider signs in the whole area's staff; an invite by Västby's admin is Västby's.
    assert _account("bo@polisen.example").municipality_id == vastby.id
    assert _audit("user.invite")[-1]["email"] == "bo@polisen.example"
    listed = soup(admin.get("/vastby/sv/staff/users")).find("td", string="bo@polisen.example")
    assert listed.find_next_sibling("td").get_text(strip=True) == "Västby kommun"
