"""Keep client addresses out of the logs the app controls (the rate limiter's key without the
address is webapp.ratelimits.client_key).

Werkzeug's development server (`flask run`, `make run`) starts every request line with the
client's address. Production runs gunicorn, whose access log format leaves it out
(deploy/gunicorn.conf.py); this filter does the same for the development server.
"""

import logging


class DropClientAddress(logging.Filter):
    """Remove the leading "<address> - - " from werkzeug's request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and " - - [" in record.msg:
            record.msg = "- - [" + record.msg.split(" - - [", 1)[1]
        return True


DROP_CLIENT_ADDRESS = DropClientAddress()


def keep_addresses_out_of_logs(_state=None) -> None:
    logging.getLogger("werkzeug").addFilter(DROP_CLIENT_ADDRESS)
