"""A tiny OpenID Provider of the test's own, in a thread on loopback: discovery, JWKS and a
token endpoint whose ID token (really signed, RS256) the test shapes, and delays. For the faults
a certified provider will not produce: a wrong `nonce`, an ID token for another client, a
provider slower than OIDC_TIMEOUT. The app under test talks to it over HTTP as to any provider.
"""

import functools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.support.oidc import CLIENT_ID


@functools.cache
def _key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "tiny", "use": "sig"})


class TinyProvider:
    def __init__(self):
        self.key = _key()  # made once: a new RSA key costs a third of a second
        self.claims: dict = {}  # the next ID token's claims, over the defaults
        self.delays = {"discovery": 0.0, "token": 0.0}
        self.issued: list[str] = []  # every token and code it handed out, to look for in logs
        self._release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()  # a delayed answer stops waiting
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def token_answer(self) -> dict:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "anna", "aud": CLIENT_ID, "iat": now}
        claims |= {"exp": now + 300, "email": "anna@polisen.example", "email_verified": True}
        claims |= {"groups": ["narvaro-police"], **self.claims}
        id_token = jwt.encode({"alg": "RS256", "kid": "tiny"}, claims, self.key)
        access_token = f"tiny-access-{now}-{len(self.issued)}"
        self.issued += [id_token, access_token]
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body: dict):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path.startswith("/.well-known/openid-configuration"):
                    provider._release.wait(provider.delays["discovery"])
                    self._json(provider.metadata())
                elif self.path.startswith("/jwks"):
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                else:
                    self.send_error(404)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                provider.issued += parse_qs(body).get("code", [])
                provider._release.wait(provider.delays["token"])
                if self.path.startswith("/token"):
                    self._json(provider.token_answer())
                else:
                    self.send_error(404)

        return Handler
