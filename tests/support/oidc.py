"""A real OpenID Provider (npm oidc-provider, tests/support/oidc_provider.mjs) on a free loopback
port, with its own client and users; and a data file that names it in `[[sign_in]]`.

Skips when node or the npm package is missing (`make install-test` runs npm install)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.servers import free_port, stop, wait_for_port
from webapp.config import ROOT

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "narvaro"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - the test provider's, read from SECRET_ENV
SECRET_ENV = "NARVARO_OIDC_POLISEN_SECRET"  # noqa: S105 - a variable's name
ROLES = {"narvaro-police": "police", "narvaro-admin": "admin", "narvaro-kommun": "municipality"}


class OidcProvider:
    """`node oidc_provider.mjs` on its own port; users() rewrites who may sign in."""

    def __init__(self, folder: Path, redirect_uri: str, post_logout_uri: str, **faults):
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
            pytest.skip("the OpenID Provider tests need node and npm's oidc-provider")
        self.node, self.folder = node, folder
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.users_file = folder / "users.json"
        self.users({})
        self.config = {
            "issuer": self.issuer,
            "port": self.port,
            "users_file": str(self.users_file),
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [redirect_uri],
                    "post_logout_redirect_uris": [post_logout_uri],
                    "backchannel_logout_uri": redirect_uri.replace(
                        "/callback", "/backchannel-logout"
                    ),
                }
            ],
            **faults,  # token_clock_offset=-7200, publish_other_key=True (oidc_provider.mjs)
        }
        self.proc = None

    def users(self, users: dict) -> None:
        self.users_file.write_text(json.dumps(users), encoding="utf-8")

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
