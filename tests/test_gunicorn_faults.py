"""Issue 10, items 11 and 12, against gunicorn started with deploy/gunicorn.conf.py: malformed
requests and bodies get 400, never a 500, and no log line carries the client's address."""

import re
import shutil
import socket

import pytest

from tests.support.feedback import form_token
from tests.support.servers import gunicorn

MARKER = "198.51.100.77"  # sent as X-Forwarded-For (PROXY_HOPS=1): the app's client address


def _send(port: int, raw: bytes) -> bytes:
    """Send raw bytes, read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _allowed(answer: bytes) -> set[str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode()
    allow = [line.split(":", 1)[1] for line in head.split("\r\n") if line.startswith("Allow:")]
    return {method.strip() for value in allow for method in value.split(",")}


def _chunked_post(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: narvaro.example\r\nX-Forwarded-For: {MARKER}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


@pytest.fixture
def server(app, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("gunicorn runs on a copy of the SQLite database")
    path = tmp_path / "gunicorn.db"
    shutil.copy(database_url.removeprefix("sqlite:///"), path)
    with gunicorn(path, tmp_path, PROXY_HOPS="1") as running:
        yield running


def test_malformed_requests_get_400_and_no_log_line_names_the_client(app, client, server):
    port, log = server
    token = form_token(client, "/sv/feedback/torget")
    body = f"token={token}&comment=hej".encode()
    answers = {
        "bad chunk size": _send(port, _chunked_post("/sv/feedback/torget", b"zz\r\n" + body)),
        "chunk without its end": _send(
            port, _chunked_post("/sv/feedback/torget", b"%x\r\n" % len(body) + body + b"XX")
        ),
        "bad request line": _send(port, b"GET /sv/ HTTP/1.1 extra\r\nHost: x\r\n\r\n"),
        "bad header": _send(port, b"GET /sv/ HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"),
        "API with POST": _send(
            port,
            f"POST /api/v1/places HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {MARKER}\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n".encode(),
        ),
    }
    written = log.read_text()

    statuses = {name: _status(answer) for name, answer in answers.items()}
    assert statuses == {
        "bad chunk size": 400,
        "chunk without its end": 400,
        "bad request line": 400,
        "bad header": 400,
        "API with POST": 405,
    }
    assert _allowed(answers["API with POST"]) == {"GET", "HEAD", "OPTIONS"}
    assert "Traceback" not in written
    assert "Invalid request" in written  # gunicorn did log the malformed requests
    assert MARKER not in written
    assert [line for line in written.splitlines() if re.search(r"127\.0\.0\.1(?!:\d)", line)] == []
