"""Failed logins are capped per client (an HMAC of the address) as well as per account; there
is no cap over all clients, so one attacker cannot lock every account out."""

from tests.factories import PASSWORD, make_user
from tests.support.staff import csrf_token
from webapp.accounts.throttles import CLIENT_LIMIT
from webapp.extensions import limiter


def _login(client, address, email, password):
    """A login POST from `address` (GET requests are not throttled)."""
    token = csrf_token(client, "/sv/staff/login")
    return client.post(
        "/sv/staff/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_thirty_failures_from_one_client_throttle_only_that_client(app):
    make_user(app, "police")
    attacker, colleague = app.test_client(), app.test_client()

    # Four tries per account: under the per-account limit of five, so only the client cap acts.
    failures = [
        _login(attacker, "203.0.113.9", f"user{n // 4}@example.se", "wrong password here")
        for n in range(30)
    ]
    throttled = _login(attacker, "203.0.113.9", "polis@example.se", PASSWORD)
    other_client = _login(colleague, "198.51.100.20", "polis@example.se", PASSWORD)

    assert CLIENT_LIMIT == "30 per 15 minutes"
    assert [r.status_code for r in failures] == [400] * 30
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert other_client.status_code == 302


def test_the_per_account_limit_still_holds_across_clients(app):
    make_user(app, "police")

    failures = [
        _login(app.test_client(), f"192.0.2.{n + 1}", "polis@example.se", "wrong password here")
        for n in range(5)
    ]
    throttled = _login(app.test_client(), "192.0.2.100", "polis@example.se", PASSWORD)

    assert [r.status_code for r in failures] == [400] * 5
    assert throttled.status_code == 429


def test_the_limiter_keys_logins_on_an_hmac_not_the_address(app):
    _login(app.test_client(), "203.0.113.77", "nobody@example.se", "wrong password here")

    keys = " ".join(limiter.storage.storage)
    assert "staff-login-client" in keys
    assert "203.0.113.77" not in keys
    assert "login-all" not in keys
