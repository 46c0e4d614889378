"""deploy/nginx/narvaro.conf run by nginx itself, in front of an upstream that names the path
it was asked for: every rule holds for the default municipality's unprefixed addresses and
for each other municipality or police area under its /<slug>/ (API and public pages
microcached; staff, feedback, poster scans and feeds without a published file always
reaching the app; one login budget)."""

import http.client
import shutil

import pytest

from tests.support.nginx_site import running_nginx, site_config
from tests.support.servers import free_port, wait_for_port

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

APP_STANDIN = """\
    server {{
        listen 127.0.0.1:{app_port};
        return 200 "answered $request_uri";
    }}
"""

CACHED = [
    "/api/v1/places",
    "/kommun-002/api/v1/places",
    "/sv/",
    "/kommun-002/en/places/torget",
]
PASSED = [
    # Feeds with no published file (tests/test_nginx_feeds.py serves published ones).
    "/feeds/all.ics",
    "/kommun-002/feeds/all.ics",
    "/kommun-002/feeds/places/torget.ics?lang=en",
    "/lpo-01/feeds/presence.ics",
    "/q/ABC123",
    "/kommun-002/q/ABC123",
    "/sv/staff/",
    "/kommun-002/sv/staff/inbox",
    "/sv/feedback",
    "/kommun-002/ar/feedback/new",
    "/kommun-002/",
    "/robots.txt",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    port, app_port = free_port(), free_port()
    http = site_config(tmp, port, app_port) + APP_STANDIN.format(app_port=app_port)
    with running_nginx(tmp, http, port) as proc:
        wait_for_port(app_port, proc, seconds=10)
        yield port


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("X-Cache-Status"), response.read().decode()
    finally:
        conn.close()


def test_public_addresses_are_microcached_with_or_without_a_prefix(site):
    first = {path: get(site, path) for path in CACHED}
    again = {path: get(site, path) for path in CACHED}

    assert first == {path: (200, "MISS", f"answered {path}") for path in CACHED}
    assert again == {path: (200, "HIT", f"answered {path}") for path in CACHED}


def test_staff_feedback_scans_and_unpublished_feeds_always_reach_the_app(site):
    answers = {path: [get(site, path) for _ in range(2)] for path in PASSED}

    assert answers == {path: [(200, None, f"answered {path}")] * 2 for path in PASSED}


def test_one_login_budget_for_every_municipalitys_login_page(site):
    pages = ["/sv/staff/login", "/kommun-002/sv/staff/login", "/lpo-01/en/staff/password/x"]
    statuses = [get(site, pages[n % 3])[0] for n in range(12)]

    assert statuses == [200] * 11 + [429]  # 1 + a burst of 10, then 429 (narvaro.conf)
