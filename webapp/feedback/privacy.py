"""Keep client addresses out of the logs the app controls, and out of the rate limiter.

Werkzeug's development server (`flask run`, `make run`) starts every request line with the
client's address. Production runs gunicorn, whose access log format leaves it out
(deploy/gunicorn.conf.py); this filter does the same for the development server.
"""

import hashlib
import hmac
import logging

from flask import current_app, request

from webapp import site


class DropClientAddress(logging.Filter):
    """Remove the leading "<address> - - " from werkzeug's request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and " - - [" in record.msg:
            record.msg = "- - [" + record.msg.split(" - - [", 1)[1]
        return True


DROP_CLIENT_ADDRESS = DropClientAddress()


def keep_addresses_out_of_logs(_state=None) -> None:
    logging.getLogger("werkzeug").addFilter(DROP_CLIENT_ADDRESS)


def client_key(purpose: str = "feedback") -> str:
    """A per-client rate-limit key that is not the address: HMAC with a daily secret.

    The feedback form, poster scans and staff logins count per client with it.
    """
    day = site.now().date().isoformat()
    secret = current_app.config["SECRET_KEY"].encode()
    salt = hmac.new(secret, f"feedback-rate:{day}".encode(), hashlib.sha256).digest()
    address = (request.remote_addr or "").encode()
    return f"{purpose}:" + hmac.new(salt, address, hashlib.sha256).hexdigest()[:32]
