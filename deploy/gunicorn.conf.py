"""Gunicorn settings for Närvaro behind nginx.

    gunicorn -c deploy/gunicorn.conf.py "webapp:create_app()"

Environment (all optional):
  PORT                     a port on 127.0.0.1, or a full address (0.0.0.0:8000, unix:/run/x.sock)
  WEB_CONCURRENCY          worker processes; GUNICORN_THREADS threads each
  GUNICORN_TIMEOUT         seconds before a stuck worker is replaced
  GUNICORN_ACCESS_LOG      "-" for stderr, a path, or "off"
  GUNICORN_CONTROL_SOCKET  a path enables gunicornc (gunicorn >= 25.1)
The app reads its own settings from the same environment: behind nginx set PROXY_HOPS=1.
"""

import logging
import multiprocessing
import os
import re

from gunicorn import glogging


def _bind(value: str) -> str:
    # A bare port stays on loopback: only the proxy on this machine should reach gunicorn.
    return value if (":" in value or value.startswith("unix:")) else f"127.0.0.1:{value}"


def _default_workers() -> int:
    # 2 x cores + 1 is gunicorn's rule of thumb; past 8 a small site only spends memory.
    return min(2 * multiprocessing.cpu_count() + 1, 8)


bind = [_bind(os.environ.get("PORT", "8000"))]
workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open; see deploy/nginx/snippets/narvaro-proxy.conf
# Recycle workers now and then so a slow leak can't grow for ever; not so often that a busy
# worker keeps starting cold (at 2,000 a worker serving kept pages restarted every few seconds
# under load, losing its kept pages and database connections each time).
max_requests = 50000
max_requests_jitter = 5000
preload_app = True  # import once in the master: faster start, a broken app fails before forking
_SHM = "/dev/shm"  # noqa: S108 - worker heartbeat files; a disk-backed /tmp can stall them
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

# The app alone reads X-Forwarded-For/-Proto (ProxyFix, PROXY_HOPS=1 behind nginx), the same
# under any WSGI server; gunicorn's own X-Forwarded-Proto handling stays off.
secure_scheme_headers = {}

# Access log without the client address (%(h)s) or referrer: IP addresses are personal data.
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access == "off" else _access
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class _DropClientAddress(logging.Filter):
    """gunicorn's error log names the client of a malformed request ("Invalid request from
    ip=…"); keep the line, drop the address."""

    PATTERN = re.compile(r"\bfrom ip=.*?: ")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "ip=" in record.msg:
            record.msg = self.PATTERN.sub("(client address not logged): ", record.msg)
        return True


class NoClientAddressLogger(glogging.Logger):
    """gunicorn's logger with the error log filtered: no client address in any line."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_DropClientAddress())


logger_class = NoClientAddressLogger
proc_name = "narvaro"

# gunicorn >= 25.1 opens a control socket in $HOME by default; two instances would collide.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET")
if _control:
    control_socket = _control
else:
    control_socket_disable = True


def post_fork(server, worker):
    """Each worker opens its own database connections; never reuse the master's."""
    from webapp.extensions import db

    app = worker.app.wsgi()
    if "sqlalchemy" not in app.extensions:  # another app under the same settings (the bench's)
        return
    with app.app_context():
        db.engine.dispose(close=False)
