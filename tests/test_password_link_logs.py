"""A set-password link's token never reaches a log: it is the link's #fragment, which the
browser keeps to itself, and reaches the server only in a POST body. Shown with gunicorn's
real access log (deploy/gunicorn.conf.py) for a whole visit: open, confirm, set."""

import http.cookiejar
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

from tests.conftest import make_app
from tests.factories import make_user
from tests.support.html import soup
from tests.support.servers import gunicorn
from tests.test_accounts import LINK, NEW_PASSWORD, _path, _token
from webapp.extensions import db


def _link_for_new_account(database) -> str:
    """`flask reset-password` for a new account, as an admin would hand it over; on the wall
    clock, like the gunicorn that will read it."""
    app = make_app(f"sqlite:///{database}", NOW=None)
    with app.app_context():
        make_user(app, "police")
        output = app.test_cli_runner().invoke(args=["reset-password", "polis@example.se"]).output
        db.session.remove()
        db.engine.dispose()
    return LINK.search(output).group(0)


class Browser:
    """Cookies kept between requests; asks for what a browser asks for (no #fragment)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_a_password_link_visit_leaves_no_token_in_the_access_log(sqlite_template, tmp_path):
    database = tmp_path / "narvaro.db"
    shutil.copy(sqlite_template, database)
    link = _link_for_new_account(database)
    token, path = _token(link), _path(link)
    log = tmp_path / "access.log"

    with gunicorn(database, tmp_path, GUNICORN_ACCESS_LOG=str(log)) as (port, errors):
        browser = Browser(f"http://127.0.0.1:{port}")
        opened, page = browser.open(path)
        csrf = soup(page).find("input", attrs={"name": "csrf_token"})["value"]
        confirmed, form = browser.open(path, {"csrf_token": csrf, "token": token})
        new = {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        done, answer = browser.open(path, {"csrf_token": csrf, "token": token, **new})
        spent, _ = browser.open(path, {"csrf_token": csrf, "token": token, **new})

    written = log.read_text()
    assert (opened, confirmed, done, spent) == (200, 200, 200, 404)
    assert "polis@example.se" in soup(form).get_text()
    assert soup(answer).h1.get_text(strip=True) == "Lösenordet är sparat"
    assert re.fullmatch(r"/sv/staff/password/set", path)
    assert len(re.findall(r'"(GET|POST) /sv/staff/password/set HTTP/1.1"', written)) == 4
    assert token not in written
    assert token not in errors.read_text()
