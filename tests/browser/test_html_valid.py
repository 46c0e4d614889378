"""Every public page, as the live server renders it, is valid HTML by the Nu Html Checker.

The checker is npm's vnu-jar (package.json; `make install-test` runs npm install) on java.
All pages go through one java run; each page then gets its own test result.
"""

import urllib.error
import urllib.request

import pytest

from tests.browser.helpers import vnu_messages
from tests.browser.pages import PUBLIC_URLS

# Under pytest-xdist the module stays on one worker: the checker runs once, not once per worker.
pytestmark = pytest.mark.xdist_group("html_valid")


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our loopback server
            return response.read()
    except urllib.error.HTTPError as error:  # the 404 page is checked too
        return error.read()


def _file_name(url: str) -> str:
    return url.strip("/").replace("/", "__") + ".html"


# Session scope: other modules' tests run between these on the same worker and would tear a
# module fixture down, running the checker again.
@pytest.fixture(scope="session")
def vnu_errors(live_server, tmp_path_factory) -> dict[str, list[dict]]:
    """{file name: [error messages]} for every page, from one run of the checker."""
    folder = tmp_path_factory.mktemp("html")
    for url in PUBLIC_URLS:
        (folder / _file_name(url)).write_bytes(_fetch(live_server.url + url))
    errors = {path.name: [] for path in folder.iterdir()}
    for message in vnu_messages(folder.iterdir()):
        errors.setdefault(message.get("url", "").rsplit("/", 1)[-1], []).append(message)
    return errors


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_page_is_valid_html(vnu_errors, url):
    errors = vnu_errors[_file_name(url)]

    described = [
        f"line {e.get('lastLine')}: {e['message']} [{e.get('extract', '')}]" for e in errors
    ]
    assert described == []
