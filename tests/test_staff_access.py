"""Who may open which staff route: every staff.* rule in app.url_map, for each role and for
anonymous visitors, with GET and POST as the rule allows."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.factories import load_test_promises, make_closure, make_entry, make_slot, make_user
from tests.support.staff import csrf_token, logged_in
from webapp.extensions import db
from webapp.models import PresenceSeries, User
from webapp.permissions import roles_for

READERS = {"police", "municipality", "admin"}
POLICE = {"police"}
# Residents' feedback, posters and the promise's activities: the police and the municipality.
CASEWORKERS = {"police", "municipality"}
ADMIN = {"admin"}
PUBLIC = {"anonymous", *READERS}
# Every staff endpoint and who may open it, written out here rather than read from the guards,
# so a guard that lets in the wrong role fails the test.
EXPECTED = {
    "staff.login": PUBLIC,
    "staff.login_code": PUBLIC,
    "staff.logout": PUBLIC,
    "staff.password_forgot": PUBLIC,
    "staff.password_set": PUBLIC,
    # Signing in through an organisation's provider (no provider in the tests' data file: 404).
    "staff.oidc_login": PUBLIC,
    "staff.oidc_return": PUBLIC,
    "staff.home": READERS,
    "staff.presence_list": READERS,
    "staff.area_week": READERS,
    "staff.outcomes": READERS,
    "staff.office_overview": READERS,
    "staff.series_new": POLICE,
    "staff.series_end": POLICE,
    "staff.slot_new": POLICE,
    "staff.slot_edit": POLICE,
    "staff.slot_cancel": POLICE,
    "staff.slot_restore": POLICE,
    "staff.outcome": POLICE,
    "staff.outcomes_held": POLICE,
    "staff.hours_edit": POLICE,
    "staff.closure_new": POLICE,
    "staff.closure_edit": POLICE,
    "staff.closure_remove": POLICE,
    "staff.inbox_list": CASEWORKERS,
    "staff.inbox_item": CASEWORKERS,
    "staff.inbox_case": CASEWORKERS,
    "staff.inbox_note": CASEWORKERS,
    "staff.inbox_reply": CASEWORKERS,
    "staff.inbox_bulk": CASEWORKERS,
    "staff.inbox_mask": CASEWORKERS,
    "staff.inbox_export": CASEWORKERS,
    "staff.posters": CASEWORKERS,
    "staff.poster_new": CASEWORKERS,
    "staff.poster_pdf": CASEWORKERS,
    "staff.promise_activity": CASEWORKERS,
    "staff.promise_entry": CASEWORKERS,
    "staff.promise_entry_remove": CASEWORKERS,
    # The reports: the presence report, and the one for kommunstyrelsen (report.read),
    # whichever period is asked for.
    "staff.report": READERS,
    "staff.report_export": READERS,
    "staff.promises": READERS,
    "staff.promise_report_pdf": READERS,
    "staff.promise_report_xlsx": READERS,
    "staff.account": READERS,
    "staff.account_password": READERS,
    "staff.account_sessions_end": READERS,
    "staff.two_step_setup": READERS,
    "staff.two_step_off": READERS,
    "staff.recovery_codes_new": READERS,
    "staff.user_list": ADMIN,
    "staff.user_new": ADMIN,
    "staff.user_invite": ADMIN,
    "staff.user_edit": ADMIN,
    "staff.user_password_link": ADMIN,
    "staff.user_two_step_remove": ADMIN,
    "staff.user_throttle_clear": ADMIN,
    "staff.audit_log": ADMIN,
}
# They end the session they are called in: checked last.
ENDING = ("staff.account_sessions_end", "staff.logout")
# Without a login waiting for its code, the code page sends everyone back to the login.
SENDS_TO_LOGIN = ("/sv/staff/logout", "/sv/staff/login/code", "/sv/staff/account/sessions/end")


def _staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")]


def _arguments():
    """URL arguments that point at real rows: a future slot, a past one for outcomes."""
    load_test_promises()
    future = make_slot()
    past = make_slot(starts_at=datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    series = db.session.scalar(select(PresenceSeries).order_by(PresenceSeries.id))
    user = db.session.scalar(select(User).order_by(User.id))
    common = {
        "lang": "sv",
        "slot_id": future.id,
        "series_id": series.id,
        "closure_id": make_closure().id,
        "user_id": user.id,
        # The promise tests' meetings: police and the municipality both record them.
        "key": "p2026",
        "activity_id": (meetings := make_entry("moten")).activity_id,
        "entry_id": meetings.id,
    }
    return lambda endpoint: (
        {**common, "slot_id": past.id} if endpoint == "staff.outcome" else common
    )


def _url(app, rule, values):
    with app.test_request_context():
        return app.url_map.bind("localhost").build(
            rule.endpoint, {k: v for k, v in values.items() if k in rule.arguments}
        )


def _cases(app):
    """(endpoint, method, rule), with logout last: it ends the session."""
    cases = [
        (r.endpoint, m, r)
        for r in _staff_rules(app)
        for m in sorted(r.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(cases, key=lambda c: (c[0] in ENDING, c[0] == "staff.logout", c[0], c[1]))


def test_every_staff_route_is_in_the_table(app):
    endpoints = {r.endpoint for r in _staff_rules(app)}

    assert sorted(endpoints - set(EXPECTED)) == []  # a new route: say who may open it
    assert sorted(set(EXPECTED) - endpoints) == []


@pytest.mark.parametrize("role", ["anonymous", "police", "municipality", "admin"])
def test_staff_routes_let_in_only_their_roles(app, role):
    make_user(app, "admin", email="first-admin@example.se")
    client = app.test_client() if role == "anonymous" else logged_in(app, role)
    arguments = _arguments()
    token = csrf_token(client, "/sv/staff/login" if role == "anonymous" else "/sv/staff/")
    outcomes = {}

    for endpoint, method, rule in _cases(app):
        url = _url(app, rule, {**dict.fromkeys(rule.arguments, 1), **arguments(endpoint)})
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        outcomes[(endpoint, method)] = _kind(
            response,
            role,
            allowed=role in EXPECTED[endpoint],
            unknown_ids=bool(rule.arguments - set(arguments(endpoint))),
        )

    wrong = {k: v for k, v in outcomes.items() if v != "ok"}
    assert wrong == {}


def _kind(response, role, *, allowed, unknown_ids=False):
    """ "ok" when the answer fits the role, else what happened instead."""
    status = response.status_code
    to_login = status == 302 and response.headers["Location"].startswith("/sv/staff/login")
    if status >= 500:
        return f"server error {status}"
    if not allowed and role == "anonymous":
        return "ok" if to_login else f"not sent to login ({status})"
    if not allowed:
        return "ok" if status == 403 else f"let in ({status})"
    if status in (401, 403) or (to_login and response.request.path not in SENDS_TO_LOGIN):
        return f"refused ({status})"
    fine = (200, 302, 400, 404) if unknown_ids else (200, 302, 400)
    return "ok" if status in fine else f"unexpected {status}"


def test_anonymous_visitors_are_sent_to_login_and_back(client):
    response = client.get("/en/staff/presence")

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/staff/login?next=/en/staff/presence"


@pytest.mark.parametrize("role", ["anonymous", "police", "municipality", "admin"])
def test_only_roles_with_report_read_get_the_report_for_a_period(app, role):
    load_test_promises()
    client = app.test_client() if role == "anonymous" else logged_in(app, role)
    expected = 200 if role in roles_for("report.read") else 302 if role == "anonymous" else 403

    # The guard is the endpoint's; which period is asked for is the report's own concern
    # (tests/test_promise_report.py renders every kind of period).
    for kind in ("pdf", "xlsx"):
        url = f"/sv/staff/promises/p2026/report.{kind}?period=2026-T2"
        assert client.get(url).status_code == expected, url
