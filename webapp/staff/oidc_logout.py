"""Signing out of a session opened through an organisation's OpenID Provider: the provider's
end-session page after Närvaro's own sign-out (RP-initiated logout), and the provider telling
Närvaro, server to server, that someone signed out there (Back-Channel Logout 1.0): a signed
`logout_token` naming the account (`sub`), its provider session (`sid`), or both."""

import requests
from flask import current_app, redirect, request
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from webapp import audit, site
from webapp.accounts import providers as sign_in
from webapp.accounts import sessions
from webapp.extensions import csrf, db
from webapp.models import User
from webapp.staff import bp
from webapp.staff.oidc_views import client_for, provider_named, providers

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@bp.record_once
def _set_up(state):
    app = state.app
    app.extensions["sign_out_redirect"] = end_session_redirect  # for login_views.logout
    app.add_url_rule(
        "/staff/oidc/<name>/backchannel-logout",
        "staff_oidc_backchannel",
        _backchannel_logout,
        methods=["POST"],
    )
    csrf.exempt(_backchannel_logout)  # the provider's signed logout token is its proof


def end_session_redirect(signed_in: dict | None, lang: str):
    """After the local sign-out: the provider's end-session endpoint (RP-initiated logout),
    back to the login page; None when the session was not a provider's or it has no such
    endpoint, or does not answer (the local session is ended either way)."""
    provider = providers().get((signed_in or {}).get("name"))
    if provider is None:
        return None
    back = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + f"/{lang}/staff/login"
    try:
        logout = client_for(provider).create_logout_url(
            post_logout_redirect_uri=back,
            id_token_hint=signed_in.get("id_token"),
            client_id=provider.client_id,
        )
    except (requests.RequestException, ValueError, RuntimeError) as error:
        current_app.logger.warning("no sign-out at %s: %s", provider.name, type(error).__name__)
        return None
    return redirect(logout["url"], 303)


def _backchannel_logout(name):
    """OpenID Connect Back-Channel Logout: the provider says a person signed out there; every
    Närvaro session of that account ends at once."""
    provider = provider_named(name)
    try:
        claims = _logout_claims(provider, request.form.get("logout_token", ""))
    except requests.RequestException:
        return _plain("provider unreachable", 503)
    except (JoseError, ValueError, KeyError):
        return _plain("invalid logout token", 400)
    if "sub" in claims:  # the account: every session of it ends
        user = db.session.scalar(
            select(User).where(
                User.oidc_issuer == claims["iss"], User.oidc_subject == claims["sub"]
            )
        )
        accounts = [user] if user is not None else []
        ended = sessions.end_all_sessions(db.session, user) if user is not None else 0
    else:  # only the provider's session: the sessions it opened end
        accounts, ended = sessions.end_provider_sessions(
            db.session, issuer=claims["iss"], sid=claims["sid"]
        )
    for user in accounts or [None]:
        audit.record(
            db.session,
            actor=user,
            action="logout.backchannel",
            obj=user,
            now=site.now(),
            after={"provider": provider.name, "sessions": ended},
        )
    db.session.commit()
    return _plain("", 200)


def _logout_claims(provider: sign_in.Provider, value: str) -> dict:
    """The checked claims of a logout token (OpenID Connect Back-Channel Logout 1.0, 2.6)."""
    client = client_for(provider)
    metadata = client.load_server_metadata()
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        token = jwt.decode(value, KeySet.import_key_set(client.fetch_jwk_set()), algorithms)
    except InvalidKeyIdError:
        keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
        token = jwt.decode(value, keys, algorithms)
    jwt.JWTClaimsRegistry(
        leeway=120,
        iss={"essential": True, "value": metadata.get("issuer", provider.issuer)},
        aud={"essential": True, "value": provider.client_id},
        iat={"essential": True},
    ).validate(token.claims)
    events = token.claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events or "nonce" in token.claims:
        raise ValueError("not a logout token")
    if not any(isinstance(token.claims.get(key), str) for key in ("sub", "sid")):
        raise ValueError("a logout token names the account (sub), its session (sid) or both")
    return token.claims


def _plain(text: str, status: int):
    return text, status, {"Cache-Control": "no-store", "Content-Type": "text/plain"}
