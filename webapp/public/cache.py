"""Public pages rendered once per change: `cached_page` marks a page as one the front cache
(webapp.pagecache) may serve again, while the schedule's stamp holds and until its wording
next changes by itself."""

import functools
from datetime import datetime

from flask import g, request

from webapp import site
from webapp.extensions import db
from webapp.models import scope_of
from webapp.pagecache import cacheable
from webapp.public.reads import next_midnight, schedule
from webapp.schedule import store


def cached_page(view=None, *, params: tuple[str, ...] = ()):
    """A public page that may be served again while the data and its wording hold;
    `params` are the query parameters it reads (`@cached_page(params=("place",))`): only a
    query of those, once each, is kept (webapp.pagecache)."""
    if view is None:
        return functools.partial(cached_page, params=params)

    @functools.wraps(view)
    def serve(**kwargs):
        # Before the data, so never newer than it; the request's municipalities' own.
        stamp = store.schedule_changed_at(db.session, scope_of(db.session))
        body = view(**kwargs)
        if isinstance(body, str):  # a page, not a redirect or an error
            query = {name: request.args[name] for name in params if name in request.args}
            cacheable(stamp, _valid_until(site.now()), query)
        return body

    return serve


def _valid_until(now: datetime) -> datetime:
    """When what the page says may change without the data changing."""
    if "wording_until" in g:  # a page that read several schedules (a police area's)
        return g.wording_until
    if "public_schedule" in g:
        return schedule().wording_changes_at()
    return next_midnight(now, site.timezone())
