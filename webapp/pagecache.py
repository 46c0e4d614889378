"""Public pages and feeds rendered once per change, served many times, before Flask runs.

A view that may be served again says so with `cacheable(stamp, until)`: its response holds
while the schedule's change stamp is `stamp` and the clock is before `until`, the moment its
wording next changes by itself (a slot starts or ends, the office opens or closes, midnight
turns "i morgon" into "idag", a feed's window moves). `FrontCache`, the outermost WSGI layer
inside the proxy fix, keeps such responses whole (status, headers, body) under the request's
scheme, host, path and query, and serves a repeat request from them with one SQL statement:
the stamp, read from the database on every request, so an edit made through any worker shows
on the next request in every worker. A worker's copy is never stale, only unused.

Only a 200 answer to a GET that set no cookie is kept. Conditional requests (If-None-Match,
If-Modified-Since) are answered from the copy by werkzeug's own rules, exactly as the view
would have answered them.

Only what a known URL and its known parameters make is kept: the view names the query it
read (`cacheable(..., query=...)`), and a response is kept only when the request's query string
is exactly that, so `?utm=<random>` or a repeated parameter is rendered, answered and never
stored. The copies are thus one per page, place, feed and language, whatever comes in.

With PAGE_CACHE_REDIS_URL set, each kept response is also stored in Redis (`SharedCopies`),
one entry per URL that holds its stamp (a newer render replaces it), expiring when its wording
changes, at most after a day; bodies over SHARED_BODY_LIMIT stay in the worker. So a page
rendered by one worker serves every worker and an edit costs one render per page, not one per
worker. Redis is a help, never a need: when it fails, each worker renders for itself and says
so in the log, at most every RETRY seconds.
"""

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import redis
from flask import request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from webapp import site
from webapp.clock import now_for
from webapp.extensions import db
from webapp.schedule import store

log = logging.getLogger(__name__)

SIZE = 512  # responses per worker: 7 languages x (pages + places + feeds), with room
BUDGET = 32 * 1024 * 1024  # bytes of bodies per worker, whatever query strings come in
SHARED_BODY_LIMIT = 512 * 1024  # bytes: a larger body is not shared through Redis
MARK = "narvaro.cacheable"  # the WSGI environ key a view sets through cacheable()
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_RANGE")


@dataclass(frozen=True)
class CachedResponse:
    """One response, good while the stamp is `stamp` and `since <= now < until`."""

    stamp: datetime | None
    since: datetime
    until: datetime
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def holds(self, now: datetime) -> bool:
        return self.since <= now < self.until

    def dumps(self) -> dict:
        meta = {"stamp": _iso(self.stamp), "since": self.since.isoformat(),
                "until": self.until.isoformat(), "status": self.status,
                "headers": self.headers}  # fmt: skip
        return {"meta": json.dumps(meta), "body": self.body}

    @classmethod
    def loads(cls, stamp, fields: dict) -> "CachedResponse | None":
        """The stored response, or None when it was made under another stamp."""
        meta = json.loads(fields[b"meta"])
        if meta.get("stamp") != _iso(stamp):
            return None
        headers = tuple((name, value) for name, value in meta["headers"])
        since, until = (datetime.fromisoformat(meta[k]) for k in ("since", "until"))
        return cls(stamp, since, until, meta["status"], headers, fields[b"body"])


def _iso(moment: datetime | None) -> str | None:
    return moment and moment.isoformat()


class SharedCopies:
    """Cached responses in Redis, one per URL, holding the stamp they were made under and
    expiring when their wording changes; `prefix` keeps two sites on one Redis apart."""

    RETRY = 30.0  # seconds to leave Redis alone after it failed

    def __init__(self, url: str, prefix: str):
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self._resting_until = 0.0

    def get(self, key, stamp) -> CachedResponse | None:
        fields = self._call(lambda r: r.hgetall(self._name(key)))
        return CachedResponse.loads(stamp, fields) if fields else None

    def put(self, key, kept: CachedResponse, now: datetime) -> None:
        if len(kept.body) > SHARED_BODY_LIMIT:
            return
        ttl = max(1, min(int((kept.until - now).total_seconds() * 1000), 86_400_000))
        name = self._name(key)
        self._call(lambda r: r.pipeline().delete(name).hset(name, mapping=kept.dumps())
                   .pexpire(name, ttl).execute())  # fmt: skip

    def _name(self, key) -> str:
        return f"{self.prefix}:{hashlib.sha256(repr(key).encode()).hexdigest()}"

    def _call(self, command):
        if time.monotonic() < self._resting_until:
            return None
        try:
            return command(self._redis)
        except redis.RedisError:
            self._resting_until = time.monotonic() + self.RETRY
            log.warning("page cache: Redis failed; each worker renders for itself for %ds",
                        self.RETRY, exc_info=True)  # fmt: skip
            return None


def cacheable(stamp: datetime | None, until: datetime, query: Mapping[str, str] = None) -> None:
    """Let this request's response be served again while `stamp` holds, until `until`, when
    the request's query string is exactly `query` (the parameters the view read, as it
    accepted them; none by default)."""
    request.environ[MARK] = (stamp, site.now(), until, urlencode(query or {}))


class FrontCache:
    """WSGI middleware: serve kept responses without entering Flask (see the module doc)."""

    def __init__(self, wsgi_app, app, size: int = SIZE, budget: int = BUDGET):
        self.wsgi_app, self.app, self.size, self.budget = wsgi_app, app, size, budget
        self._bytes = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._engine = None
        url = app.config.get("PAGE_CACHE_REDIS_URL")
        self.shared = SharedCopies(url, _prefix(app.config)) if url else None
        # Whose data a request's answer is made of (webapp.addresses): its stamp is theirs.
        self.towns_for = lambda environ: None

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        key = _key(environ)
        kept = self._lookup(key, environ)
        if kept is None:
            return self._fill(key, environ, start_response)
        if method == "HEAD" or any(h in environ for h in CONDITIONAL):
            response = Response(kept.body, status=kept.status, headers=list(kept.headers))
            return response.make_conditional(environ)(environ, start_response)
        start_response(kept.status, list(kept.headers))
        return [kept.body]

    def forget(self) -> None:
        """Drop this worker's copies (tests and benches that must see a fresh render)."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _lookup(self, key, environ) -> CachedResponse | None:
        now = now_for(self.app.config)
        with self._lock:
            kept = self._items.get(key)
        if kept is not None and not kept.holds(now):
            kept = None
        if kept is None and self.shared is None:
            return None
        try:
            with self._connect() as connection:
                stamp = store.schedule_changed_at(connection, self.towns_for(environ))
        except SQLAlchemyError:  # the view meets the same fault, answers and logs it once
            log.debug("page cache: the schedule stamp could not be read")
            return None
        if kept is not None and stamp == kept.stamp:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
            return kept
        if self.shared is None:
            return None
        kept = self.shared.get(key, stamp)
        if kept is None or not kept.holds(now):
            return None
        self._keep(key, kept)
        return kept

    def _keep(self, key, kept: CachedResponse) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(kept.body) - (len(old.body) if old else 0)
            self._items[key] = kept
            while len(self._items) > self.size or self._bytes > self.budget:
                self._bytes -= len(self._items.popitem(last=False)[1].body)

    def _connect(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine.connect()

    def _fill(self, key, environ, start_response):
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        mark = environ.get(MARK)
        if mark is None or not _keepable(environ, seen):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        stamp, since, until, _query = mark
        # Date is when a response is sent, not when it was rendered: the server adds it.
        headers = tuple((k, v) for k, v in seen["headers"] if k.lower() != "date")
        kept = CachedResponse(stamp, since, until, seen["status"], headers, body)
        self._keep(key, kept)
        if self.shared is not None:
            self.shared.put(key, kept, since)
        return [body]


def _key(environ) -> tuple:
    """What a kept response may differ by: scheme (HSTS), host (links), path and query."""
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )


def _prefix(config) -> str:
    """Set PAGE_CACHE_PREFIX, or one derived from the database: two sites never share."""
    given = config.get("PAGE_CACHE_PREFIX")
    if given:
        return given
    database = hashlib.sha256(config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:16]
    return f"narvaro:page:{database}"


def _keepable(environ, seen) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or not seen.get("status", "").startswith("200"):
        return False
    if environ.get("QUERY_STRING", "") != environ[MARK][3]:
        return False  # parameters the view did not read, or not as it read them
    names = {name.lower() for name, _value in seen["headers"]}
    return "set-cookie" not in names
