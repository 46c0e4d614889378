"""Sign-in with an organisation's account: OpenID Connect, authorization code flow with PKCE.

Authlib does the protocol: discovery (issuer + /.well-known/openid-configuration), `state`,
`nonce` and the PKCE verifier kept in the session cookie until the callback, the token request,
and the ID token's checks (signature with the provider's JWKS, read again when an unknown
`kid` appears; iss, aud, azp, exp, iat, nonce). Here: which provider, which account, which role.

The provider returns to PUBLIC_BASE_URL + /staff/oidc/<name>/callback (one address to register,
whatever the language); that hands the answer on to /<lang>/staff/oidc/<name>/return, the page
in the language the sign-in began in. Nothing of a token is logged or stored server-side.
Signing out (the provider's end-session page, back-channel logout): oidc_logout.py.
"""

import os
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

from webapp import audit, site
from webapp.accounts import providers as sign_in
from webapp.accounts import sessions, two_step
from webapp.extensions import db
from webapp.i18n import STAFF_LANGUAGES
from webapp.security import CSP
from webapp.staff import bp
from webapp.staff.auth import SIGNED_IN_WITH, TOKEN_KEY, safe_next, start_session
from webapp.staff.login_views import complete_login

RETURN_KEY = "oidc_return"  # session: the language and page the sign-in began from
PROVIDER_MFA = "oidc_second_factor"  # session: the provider's amr showed a second factor


@bp.record_once
def _set_up(state):
    app = state.app
    production = app.config.get("ENV_NAME") == "production"
    app.extensions["sign_in"] = sign_in.providers_in_file(
        app.config["CALENDAR_FILE"], production=production
    )
    app.extensions["sign_in_clients"] = OAuth(app)
    app.add_url_rule("/staff/oidc/<name>/callback", "staff_oidc_callback", _callback)


@bp.after_request
def _sign_out_may_go_to_the_provider(response):
    """Signing out is a form whose answer redirects to the provider's end-session endpoint;
    browsers hold a form's redirects to the page's form-action, so staff pages allow the
    providers' origins there (and only there)."""
    origins = sorted({_origin(p.issuer) for p in providers().values()})
    if origins and "Content-Security-Policy" not in response.headers:
        allowed = " ".join(["form-action 'self'", *origins])
        response.headers["Content-Security-Policy"] = CSP.replace("form-action 'self'", allowed)
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def providers() -> dict:
    return current_app.extensions.get("sign_in", {})


def provider_named(name: str) -> sign_in.Provider:
    provider = providers().get(name)
    if provider is None:
        abort(404)
    return provider


def client_for(provider: sign_in.Provider):
    registry = current_app.extensions["sign_in_clients"]
    client = registry.create_client(provider.name)
    if client is None:
        client = registry.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=os.environ.get(provider.client_secret_env, ""),
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                # each request to the provider: discovery, keys, token
                "default_timeout": current_app.config.get("OIDC_TIMEOUT", 5),
            },
        )
    return client


def redirect_uri(name: str) -> str:
    return sign_in.redirect_uri(current_app.config.get("PUBLIC_BASE_URL") or "", name)


@bp.get("/oidc/<name>/login")
def oidc_login(lang, name):
    provider = provider_named(name)
    target = safe_next(request.args.get("next"), url_for("staff.home"))
    try:
        answer = client_for(provider).authorize_redirect(redirect_uri(name))
    except (requests.RequestException, ValueError, RuntimeError):
        return _unreachable(provider)
    session[RETURN_KEY] = {"lang": lang, "next": target}
    return answer


def _callback(name):
    """The provider's answer, handed on to the page in the sign-in's language."""
    back = session.get(RETURN_KEY) or {}
    lang = back.get("lang") if back.get("lang") in STAFF_LANGUAGES else "sv"
    target = url_for("staff.oidc_return", lang=lang, name=name, **request.args.to_dict())
    response = redirect(target, 303)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/oidc/<name>/return")
def oidc_return(lang, name):
    provider = provider_named(name)
    now = site.now()
    try:
        checks = _id_token_checks(provider)
        token = client_for(provider).authorize_access_token(claims_options=checks)
    except MismatchingStateError:
        return _refused(provider, "state", 400)
    except OAuthError as error:
        return _refused(provider, error.error or "oauth", 400)
    except requests.RequestException:
        return _unreachable(provider)
    except (JoseError, AuthlibBaseError) as error:
        return _refused(provider, _why(error), 403)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refused(provider, "no_id_token", 403)
    back = session.get(RETURN_KEY) or {}
    user, why = sign_in.account_for(
        db.session,
        provider,
        claims,
        now=now,
        municipality_id=sign_in.municipality_id(db.session, provider),
    )
    if user is None:
        audit.record(
            db.session,
            actor=None,
            action="login.oidc_refused",
            now=now,
            label=(claims.get("email") or "")[:254],
            after={"provider": provider.name, "issuer": claims["iss"], "reason": why},
        )
        db.session.commit()
        return _page("no_role" if why == "no_role" else "refused", 403)
    mfa = sign_in.second_factor(claims)
    if two_step.enabled(user) and not mfa:
        start_session(user, now, complete=False)
        sessions.note_provider_session(db.session, session.get(TOKEN_KEY), claims.get("sid"))
        db.session.commit()
        session[SIGNED_IN_WITH] = {"name": provider.name, "id_token": token.get("id_token")}
        return redirect(url_for("staff.login_code", next=back.get("next")))
    complete_login(user, now, via=f"oidc:{provider.name}")
    sessions.note_provider_session(db.session, session.get(TOKEN_KEY), claims.get("sid"))
    db.session.commit()
    session[PROVIDER_MFA] = mfa
    session[SIGNED_IN_WITH] = {"name": provider.name, "id_token": token.get("id_token")}
    return redirect(safe_next(back.get("next"), url_for("staff.home")))


def _id_token_checks(provider: sign_in.Provider) -> dict:
    """What the ID token must say besides Authlib's own checks (nonce, azp, exp, iat): issued by
    this provider (as its discovery names itself) for this client. Authlib checks `aud` only
    when asked."""
    issuer = client_for(provider).load_server_metadata().get("issuer", provider.issuer)
    return {
        "iss": {"essential": True, "values": [issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
    }


def _why(error) -> str:
    """The audit's reason for a refused ID token: the error and the claim it names."""
    if isinstance(error, ClaimError) and not isinstance(error, ExpiredTokenError):
        return f"{error.error}:{error.claim}"
    return type(error).__name__


def _refused(provider, reason: str, status: int):
    """A callback that cannot be trusted: audited (its reason, never the token)."""
    db.session.rollback()
    audit.record(
        db.session,
        actor=None,
        action="login.oidc_failed",
        now=site.now(),
        after={"provider": provider.name, "reason": reason[:64]},
    )
    db.session.commit()
    return _page("failed", status)


def _unreachable(provider):
    current_app.logger.warning("OpenID Provider %s did not answer", provider.name)
    db.session.rollback()
    audit.record(
        db.session,
        actor=None,
        action="login.oidc_failed",
        now=site.now(),
        after={"provider": provider.name, "reason": "unreachable"},
    )
    db.session.commit()
    return _page("unreachable", 503)


def _page(kind: str, status: int):
    titles = {
        "failed": _("Inloggningen kunde inte slutföras"),
        "unreachable": _("Inloggningstjänsten svarar inte"),
        "no_role": _("Ditt konto har ingen behörighet i Närvaro"),
        "refused": _("Ditt konto kan inte logga in här"),
    }
    headers = {"Cache-Control": "no-store"}
    if status == 503:
        headers["Retry-After"] = "60"
    page = render_template("staff/oidc_problem.html", kind=kind, title=titles[kind])
    return page, status, headers
