"""A real OpenID Provider (npm oidc-provider, tests/support/oidc_provider.mjs) on a free loopback
port, with its own client and users; a data file that names it in `[[sign_in]]`; and a sign-in
through it without a browser (its login and consent pages are plain forms).

One provider serves the whole test session (tests/conftest.py, `oidc_provider`): its client
knows every site a test serves the app at, users() and faults() change it between tests, and
it signs with a key the tests hold (sign() makes a logout token it could have sent).
Skips when node or the npm package is missing (`make install-test` runs npm install)."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.support.html import soup
from tests.support.servers import free_port, stop, wait_for_port
from webapp.config import ROOT

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "narvaro"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - the test provider's, read from SECRET_ENV
SECRET_ENV = "NARVARO_OIDC_POLISEN_SECRET"  # noqa: S105 - a variable's name
ROLES = {"narvaro-police": "police", "narvaro-admin": "admin", "narvaro-kommun": "municipality"}
OTHER_CLIENT, OTHER_REDIRECT = "other-app", "https://other.example/callback"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class OidcProvider:
    """`node oidc_provider.mjs` on its own port for the Närvaro sites at `sites` (base URLs;
    the last one receives back-channel logouts); users() rewrites who may sign in."""

    def __init__(self, folder: Path, sites: list[str]):
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
            pytest.skip("the OpenID Provider tests need node and npm's oidc-provider")
        self.node, self.folder = node, folder
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.users_file, self.faults_file = folder / "users.json", folder / "faults.json"
        self.users({})
        self.faults({})
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-signing-key", "use": "sig"})
        self.config = {
            "issuer": self.issuer,
            "port": self.port,
            "users_file": str(self.users_file),
            "faults_file": str(self.faults_file),
            "jwks": {"keys": [self.key.as_dict(private=True)]},
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{site}/staff/oidc/polisen/callback" for site in sites],
                    "post_logout_redirect_uris": [
                        f"{site}/{lang}/staff/login" for site in sites for lang in ("sv", "en")
                    ],
                    "backchannel_logout_uri": f"{sites[-1]}/staff/oidc/polisen/backchannel-logout",
                    # the ID token carries the provider's session id (`sid`), as Entra ID's does
                    "backchannel_logout_session_required": True,
                },
                {  # another application at the same provider: its codes are not Närvaro's
                    "client_id": OTHER_CLIENT,
                    "client_secret": "other-secret",
                    "redirect_uris": [OTHER_REDIRECT],
                },
            ],
        }
        self.proc = None

    def users(self, users: dict) -> None:
        self.users_file.write_text(json.dumps(users), encoding="utf-8")

    def faults(self, faults: dict) -> None:
        """{"token_clock_offset": -7200} or {"publish_other_key": True}; {}: none."""
        self.faults_file.write_text(json.dumps(faults), encoding="utf-8")

    def sign(self, claims: dict) -> str:
        """A JWT signed with the provider's own key (RS256)."""
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)

    def logout_token(self, **claims) -> str:
        """A back-channel logout token from this provider for Närvaro's client."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 120}
        body |= {"jti": f"jti-{now}-{id(claims)}", "events": {BACKCHANNEL_EVENT: {}}}
        return self.sign(body | claims)

    def start(self) -> None:
        env = {**os.environ, "OIDC_CONFIG": json.dumps(self.config), "NODE_ENV": "test"}
        with (self.folder / "provider.log").open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own script, no shell
                [self.node, str(SCRIPT)], env=env, stdout=log, stderr=log, cwd=ROOT
            )
        wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


def sign_in_file(
    folder: Path, calendar: Path, issuer: str, name: str = "polisen", passwords_for=None
) -> Path:
    """The tests' data file with a `[[sign_in]]` entry for the provider at `issuer`."""
    roles = ", ".join(f'"{group}" = "{role}"' for group, role in ROLES.items())
    text = calendar.read_text(encoding="utf-8") + (
        "\n[[sign_in]]\n"
        f'name = "{name}"\n'
        'label = "Logga in med Polisens konto"\n'
        f'issuer = "{issuer}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret_env = "{SECRET_ENV}"\n'
        'roles_claim = "groups"\n'
        f"roles = {{ {roles} }}\n"
    )
    if passwords_for is not None:
        text += f"passwords_for = {json.dumps(passwords_for)}\n"
    path = folder / "with_sign_in.toml"
    path.write_text(text, encoding="utf-8")
    return path


def app_for_provider(issuer, database_url, folder, monkeypatch, **config):
    """The tests' app (make_app) with a `[[sign_in]]` entry for the provider at `issuer`, in
    an app context until the generator resumes."""
    from tests.conftest import CALENDAR, make_app
    from webapp.extensions import db

    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    data = sign_in_file(folder, CALENDAR, issuer)
    app = make_app(database_url, CALENDAR_FILE=str(data), **config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def provider_sign_in(client, site: str, account: str, *, lang: str = "sv", mfa: bool = False):
    """Sign in as `account` through the provider's login and consent forms (requests, no
    browser), the Flask test `client` playing the browser's part at Närvaro (`site`, its
    PUBLIC_BASE_URL); Närvaro's answer on its return page."""
    start = client.get(f"/{lang}/staff/oidc/polisen/login")
    assert start.status_code == 302, start.status_code
    callback = urlsplit(through_the_provider(start.headers["Location"], site, account, mfa=mfa))
    back = client.get(f"{callback.path}?{callback.query}")
    assert back.status_code == 303, back.status_code
    return client.get(back.headers["Location"])


def through_the_provider(url: str, back_to: str, account: str, *, mfa: bool = False) -> str:
    """Follow an authorization request `url` through the provider's login (as `account`) and
    consent forms until it redirects to an address starting with `back_to`; that address."""
    at_provider = requests.Session()
    for _step in range(12):
        if url.startswith(back_to):
            return url
        answer = at_provider.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200:  # the provider's login or consent form
            form = soup(answer.text).form
            fields = {"login": account, **({"mfa": "1"} if mfa else {})}
            answer = at_provider.post(
                urljoin(url, form["action"]),
                data=fields if form.find("input", attrs={"name": "login"}) else {},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:300])
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError(f"the provider did not send the browser back: {url}")
