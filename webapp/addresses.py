"""Which municipality a request is for, read from its address before Flask routes it.

A police area's municipalities share one installation. The default municipality keeps the
unprefixed addresses (`/sv/`, `/feeds/all.ics`, `/q/CODE`, `/api/v1/…`) exactly as before;
every other one lives under `/<slug>/` and, optionally, on hosts of its own (`hosts = [...]`
in its file), served there without the prefix. This WSGI layer moves a municipality's prefix
from PATH_INFO to SCRIPT_NAME, so Flask routes the same URL rules for every municipality and
every `url_for` (templates included) builds that municipality's addresses by itself; the
municipality's slug goes on to webapp.tenant in the environ (which redirects the default
municipality's own prefix permanently to its unprefixed address). A police area's slug
leads to the area's own addresses (its feed of all presence).

It sits inside the front cache, whose keys hold the host and the whole path: a kept page is
served before this layer runs. The table of slugs and hosts is read again whenever the
schedule stamp moves (loading a file moves it), so a new municipality is served at once.
"""

import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db
from webapp.models import Municipality, PoliceArea
from webapp.schedule import store

TENANT = "narvaro.municipality"  # environ: the slug of the request's municipality
TENANT_ID = "narvaro.municipality_id"  # environ: and its id
VIA_HOST = "narvaro.municipality_host"  # environ: set when its own host named it
UNPREFIXED = "narvaro.unprefixed"  # environ: the default municipality's prefix was used
AREA = "narvaro.police_area"  # environ: the ids of the municipalities of /<area slug>/
MOUNT = "narvaro.mount"  # environ: SCRIPT_NAME as the server gave it, before any prefix


def is_default(town) -> bool:
    """The municipality that keeps the unprefixed addresses: its area's default, or alone."""
    return town.police_area is None or town.police_area.default_slug == town.slug


def municipality_base(town, installation: str, *, own_host: bool = True) -> str:
    """Where `town`'s addresses begin, without a trailing slash: its own first host when it
    has one (in a police area, where hosts route), with the installation's scheme and root;
    else `installation` (the installation's own absolute address), with /<slug> unless
    `town` is the default municipality. The one rule for every link to a municipality.

    `own_host=False` keeps to the installation's host (every municipality is served there
    too): for staff pages, whose session cookie belongs to the host staff signed in at."""
    if own_host and town.hosts and town.police_area is not None:
        scheme, _netloc, root, _query, _fragment = urlsplit(installation)
        return urlunsplit((scheme, town.hosts[0], root, "", ""))
    return installation if is_default(town) else f"{installation}/{town.slug}"


@dataclass(frozen=True)
class Addresses:
    """The slugs that begin addresses and the hosts that name a municipality."""

    default: str | None = None
    prefixes: frozenset = frozenset()
    hosts: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)  # slug: municipality id
    areas: dict = field(default_factory=dict)  # police area slug: (default slug, ids)


def read_addresses(connection) -> Addresses:
    rows = connection.execute(
        select(
            Municipality.slug,
            Municipality.hosts,
            PoliceArea.default_slug,
            Municipality.id,
            PoliceArea.slug.label("area"),
        )
        .outerjoin(PoliceArea, Municipality.police_area_id == PoliceArea.id)
        .order_by(Municipality.id)
    ).all()
    ids = {row.slug: row.id for row in rows}
    defaults = {row.default_slug for row in rows if row.default_slug}
    default = next(iter(defaults)) if len(defaults) == 1 else (rows[0].slug if rows else None)
    if len(rows) == 1:
        return Addresses(default=default, ids=ids)
    hosts = {host.lower(): row.slug for row in rows for host in (row.hosts or [])}
    areas = {
        row.area: (row.default_slug, tuple(r.id for r in rows if r.area == row.area))
        for row in rows
        if row.area
    }
    return Addresses(default, frozenset(ids), hosts, ids, areas)


def _route(table: Addresses, environ) -> tuple:
    """(the municipality's slug, the prefix that named it, the area's ids if it is an area's
    address, whether its own host named it) for a request."""
    host = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").lower()
    slug = table.hosts.get(host.rsplit(":", 1)[0] if "]" not in host else host)
    if slug is not None:
        return slug, None, None, True
    first = environ.get("PATH_INFO", "").lstrip("/").partition("/")[0]
    if first in table.areas:
        return table.areas[first][0], first, table.areas[first][1], False
    if first in table.prefixes:
        return first, first, None, False
    return table.default, None, None, False


class MunicipalityAddresses:
    """WSGI middleware: the request's municipality from its host or its first path segment."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self._lock = threading.Lock()
        self._known: tuple = (object(), Addresses())
        self._engine = None

    def __call__(self, environ, start_response):
        environ.setdefault(MOUNT, environ.get("SCRIPT_NAME", ""))
        table = self.addresses()
        slug, first, area, via_host = _route(table, environ)
        if via_host:
            environ[VIA_HOST] = True
        if first is not None:
            if first == table.default:
                environ[UNPREFIXED] = True  # webapp.tenant redirects to it
            if area is not None:  # the area's own pages, in its default's words
                environ[AREA] = area
            _first, slash, rest = environ.get("PATH_INFO", "").lstrip("/").partition("/")
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + first
            environ["PATH_INFO"] = slash + rest
        if slug is not None:
            environ[TENANT], environ[TENANT_ID] = slug, table.ids[slug]
        return self.wsgi_app(environ, start_response)

    def towns_for(self, environ) -> tuple | None:
        """The ids of the municipalities a request's answer is made from, by the table last
        read (the front cache asks before this layer runs); None when it cannot tell."""
        table = self._known[1]
        slug, _first, area, _via_host = _route(table, environ)
        if area is not None:
            return area
        return (table.ids[slug],) if slug in table.ids else None

    def addresses(self) -> Addresses:
        """The table, read again after every change of the schedule stamp."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        try:
            with self._engine.connect() as connection:
                stamp = store.schedule_changed_at(connection, ())
                if stamp == self._known[0]:
                    return self._known[1]
                table = read_addresses(connection)
        except SQLAlchemyError:  # the view meets the same fault and answers it properly
            return self._known[1]
        with self._lock:
            self._known = (stamp, table)
        return table
