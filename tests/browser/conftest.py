"""Browser tests: the app served for real on loopback, driven by Debian's chromium.

Fixtures
  live_server  the app (SQLite copy of the session template, NOW pinned) on 127.0.0.1:<free
               port) in a thread, for the whole session: .url, .app, .pin(moment). Its
               database is shared by every browser test: write data far from NOW, or undo it.
  browser      chromium launched once per session (skips when chromium or Playwright is missing)
  context      a fresh browser context per test, base_url = the live server
  page         a page in that context; seen_requests(page) lists every URL it asked for
Helpers for accessibility and layout checks are in tests/browser/helpers.py.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import NOW, make_app
from webapp.extensions import db

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _why_no_browser() -> str | None:
    if _chromium() is None:
        return "browser tests need Debian's chromium (/usr/bin/chromium or chromium on PATH)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"browser tests need playwright and axe-playwright-python: {error}"
    return None


def pytest_collection_modifyitems(config, items):
    """Tests that drive chromium carry the `browser` marker (pytest -m 'not browser')."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    app: object

    def pin(self, moment) -> None:
        """Move the server's pinned clock (reset to NOW after every test)."""
        self.app.config["NOW"] = moment


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass  # one line per request would bury the test output


def _closed_before_sending(app):
    """The answer read whole and its iterable closed before werkzeug writes a byte.

    werkzeug's development server skips `close()` on the app's iterable when the browser drops
    the connection mid-answer (it fails draining the socket first), so a static file stays open
    and its ResourceWarning surfaces in whichever test runs next. gunicorn, which production
    uses, closes it; here the answers are small, so reading them whole costs nothing."""

    def buffered(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return buffered


@contextmanager
def serving(app, name: str, port: int = 0):
    """`app` served on loopback (a free port unless given) in a thread of its own (answers
    read whole: _closed_before_sending); yields its base URL, and stops it and its database
    after."""
    server = make_server(
        "127.0.0.1", port, _closed_before_sending(app), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with serving(app, "live-server") as url:
        yield LiveServer(url=url, app=app)


@pytest.fixture(autouse=True)
def _reset_live_clock(request):
    yield
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server").pin(NOW)


@pytest.fixture(scope="session")
def browser():
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        service_workers="block",
    )
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def seen_requests(page):
    """Every URL the page requests from now on (documents, styles, images, fetches)."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture(scope="session")
def _warm_page(browser, live_server):
    """(page, its DevTools session): one page kept for the walks over public pages."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        service_workers="block",
    )
    page = context.new_page()
    yield page, context.new_cdp_session(page)
    context.close()


@pytest.fixture
def public_page(_warm_page):
    """One page per worker for the walks over public pages, which set no cookie and keep
    nothing in the browser (checked before and after each test): a warm renderer loads a
    page and runs axe in about a third of the time a fresh context takes. Each test starts
    at 1280 x 900 CSS px. Between tests the page is frozen: an open page costs Chromium a
    few per cent of a core even when idle."""
    page, devtools = _warm_page
    devtools.send("Page.setWebLifecycleState", {"state": "active"})
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.context.cookies() == []
    yield page
    assert page.context.cookies() == [], "a public page set a cookie"
    # A page of the same site, not about:blank: leaving the site ends the renderer process,
    # and the next test would start a new one and compile axe again (a quarter of the walk's
    # CPU time).
    page.goto("/robots.txt")
    devtools.send("Page.setWebLifecycleState", {"state": "frozen"})


@pytest.fixture
def public_requests(public_page):
    """Every URL the shared public page requests during the test."""
    urls = []

    def record(request):
        urls.append(request.url)

    public_page.on("request", record)
    yield urls
    public_page.remove_listener("request", record)
