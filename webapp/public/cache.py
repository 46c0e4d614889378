"""Public pages rendered once per change, served many times.

A rendered page is kept under its path, the schedule's change stamp and the site's base URL,
until the moment its wording next changes (a slot starts or ends, the office opens or
closes, midnight turns "i morgon" into "idag"). The stamp is read from the database on every
request, so an edit made through any worker shows on the next request in every worker: a
worker's copy is never stale, only unused.
"""

import functools
import threading
from collections import OrderedDict
from datetime import datetime

from flask import current_app, g, request

from webapp import site
from webapp.extensions import db
from webapp.public.reads import next_midnight, schedule
from webapp.schedule import store

SIZE = 256  # pages per worker: 7 languages x (6 pages + places), with room


class PageCache:
    """A small thread-safe LRU of (body, valid from, valid until) entries."""

    def __init__(self, size: int = SIZE):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key, now: datetime) -> str | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None or not entry[1] <= now < entry[2]:
                return None
            self._items.move_to_end(key)
            return entry[0]

    def put(self, key, body: str, since: datetime, until: datetime) -> None:
        with self._lock:
            self._items[key] = (body, since, until)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _cache() -> PageCache:
    return current_app.extensions.setdefault("narvaro_page_cache", PageCache())


def cached_page(view):
    """Serve the view's rendered HTML from the cache while the data and its wording hold."""

    @functools.wraps(view)
    def serve(**kwargs):
        now = site.now()
        key = (
            request.full_path,
            store.schedule_changed_at(db.session),
            site.public_base_url(),
        )
        body = _cache().get(key, now)
        if body is not None:
            return body
        body = view(**kwargs)
        if isinstance(body, str):  # a page, not a redirect or an error
            _cache().put(key, body, now, _valid_until(now))
        return body

    return serve


def _valid_until(now: datetime) -> datetime:
    """When what the page says may change without the data changing."""
    if "public_schedule" in g:
        return schedule().wording_changes_at()
    return next_midnight(now, site.timezone())
