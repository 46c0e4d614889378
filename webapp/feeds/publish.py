"""Subscription feeds published as files that nginx serves itself, the app behind them.

With FEED_PUBLISH_DIR set, each municipality's subscription feeds (/feeds/all|office|
presence.ics and /feeds/places/<slug>.ics, in each language it offers) are written there as
the app answers them, at the path nginx computes from the request:
`<dir>/<host><path>.<lang>` (deploy/nginx/snippets/narvaro-feeds.conf), for each address
that serves them: the default municipality's unprefixed ones and every other municipality's
/<slug>/ ones on PUBLIC_BASE_URL's host, and each municipality's own hosts. A file's mtime is
the feed's Last-Modified, so nginx answers If-Modified-Since from it.

The bodies are the app's own answers (each feed asked of the app's whole WSGI stack, with
the host and scheme nginx passes), so a published file never differs from what the app says.
After every commit that moved a municipality's schedule stamp, that municipality's files,
and only its, are removed at once (unlinked, nothing rendered: the request that committed
does not wait for publishing), so from then on nginx asks the app, which has the change;
they are published again in the background, by one thread per process that publishes the
municipalities left to it one after another (`settle` waits for it). A change that is no
single municipality's, such as a promise of the area, waits for `flask publish-feeds --due`.
A commit outside a request (a command: `load-calendars`) publishes before it returns. Under
a lock per municipality the stamp is read before rendering and again once the files are in
place: if a commit moved it meanwhile, what was rendered before it is rendered again, so no
file older than a commit outlives the lock; of two workers racing, the later commit's render
is written last. A failed write removes that municipality's files (nginx then asks the app)
and is logged; it never fails the request that made the change. The feed window moves
weekly: the `publish-feeds --due` timer (deploy/) republishes what is out of date (also what
a process that stopped before publishing left removed), and until it does the files hold
last week's window, as a kept copy would.

One background thread with a queue rather than a thread per commit: a burst of edits renders
each municipality once, never several renders at a time competing with the worker's
requests, and there is one thing to wait for.
"""

import atexit
import contextvars
import fcntl
import json
import logging
import os
import tempfile
import threading
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.test import Client

from webapp import i18n
from webapp.addresses import read_addresses
from webapp.clock import now_for
from webapp.extensions import db
from webapp.feeds import ical
from webapp.feeds.views import last_modified
from webapp.models import Municipality, Place
from webapp.schedule import store

log = logging.getLogger(__name__)

FEEDS = ("all", "office", "presence")
STATE = ".state"  # per municipality: its lock, and what was published (JSON)
PENDING = "feeds_to_publish"  # session.info: the municipalities whose stamp moved
RENDERS = 3  # renders under one lock while commits keep moving the stamp, then give up


def feed_path(prefix: str, feed: str) -> str:
    """The address of a subscription feed: "all", "office", "presence" or "places/<slug>"."""
    return f"{prefix}/feeds/{feed}.ics"


def addresses_of(town, table, base_url: str) -> list[tuple[str, str]]:
    """(host, prefix) of every address that serves `town`'s feeds."""
    main = urlsplit(base_url).hostname
    found = []
    if town.slug == table.default:
        found.append((main, ""))
    elif town.slug in table.prefixes:
        found.append((main, f"/{town.slug}"))
    found += [(host, "") for host, slug in sorted(table.hosts.items()) if slug == town.slug]
    return found


def expected_last_modified(town, stamp, now: datetime) -> datetime:
    """The Last-Modified the app gives `town`'s feeds now, its schedule stamp being `stamp`
    (webapp.feeds.views)."""
    window = ical.feed_window(now, ZoneInfo(town.timezone))
    return last_modified(stamp, window[0])


class Publisher:
    """Writes municipalities' feeds under `folder` for `app` (see the module doc)."""

    def __init__(self, app, folder):
        self.app, self.folder = app, Path(folder)
        self.base_url = app.config.get("PUBLIC_BASE_URL") or ""

    def publish(self, slugs=None, *, due=False) -> dict:
        """Publish the municipalities `slugs` (None: every one); with `due`, only those whose
        files are not those of their current stamp and window. {slug: files or None}."""
        with self.app.app_context():
            towns = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
            db.session.remove()
        done = {}
        for town in towns:
            if slugs is None or town.slug in slugs:
                done[town.slug] = self.publish_one(town.slug, due=due)
        return done

    def publish_one(self, slug: str, *, due=False) -> int | None:
        """Publish one municipality's feeds: the number of files written, 0 when they were
        up to date, None when publishing failed (its files are then removed, so nginx asks
        the app rather than serve what may be stale)."""
        state_dir = self.folder / STATE
        state_dir.mkdir(parents=True, exist_ok=True)
        with _locked(state_dir / f"{slug}.lock"):
            state = _read_state(state_dir / f"{slug}.json")
            wanted, written = [], []
            try:
                for _attempt in range(RENDERS):
                    with self.app.app_context():
                        town, wanted, modified, stamp = self._plan(slug)
                        db.session.remove()
                    if town is None:  # the municipality is gone: so are its files
                        self._remove(slug, state.get("files", []))
                        return 0
                    if due and state.get("last_modified") == modified.isoformat():
                        return 0
                    written = self._write(wanted)
                    _write_state(state_dir, slug, {"last_modified": modified.isoformat(),
                                                   "files": sorted(written)})  # fmt: skip
                    # A commit during the render removed the files, maybe before some of
                    # these were renamed into place: what was rendered before it goes again.
                    if self._stamp_of(town.id) == stamp:
                        break
                    due = False
                else:
                    raise RuntimeError(f"the data of {slug} kept changing while it rendered")
            except Exception:  # disk full, permissions, the database away: the app answers
                log.exception("feeds of %s could not be published; nginx asks the app", slug)
                self._remove(slug, {*state.get("files", []), *written, *(w[0] for w in wanted)})
                return None
            self._unlink_quietly(set(state.get("files", [])) - set(written))
            return len(written)

    def _stamp_of(self, town_id):
        with self.app.app_context():
            try:
                return store.schedule_changed_at(db.session, (town_id,))
            finally:
                db.session.remove()

    def withdraw(self, slug: str) -> None:
        """Remove a municipality's published files at once, without its lock or any render
        (after a commit that changed its data: nginx then asks the app, which has it)."""
        state = _read_state(self.folder / STATE / f"{slug}.json")
        self._remove(slug, state.get("files", []))  # and what was published: none is current

    def _plan(self, slug):
        """(the municipality, [(file, host, path, query)], its feeds' Last-Modified now, its
        schedule stamp)."""
        town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
        if town is None:
            return None, [], None, None
        stamp = store.schedule_changed_at(db.session, (town.id,))
        with db.engine.connect() as connection:
            table = read_addresses(connection)
        places = db.session.scalars(
            select(Place.slug).where(Place.municipality_id == town.id).order_by(Place.slug)
        ).all()
        feeds = [*FEEDS, *(f"places/{p}" for p in places)]
        wanted = [
            (f"{host}{feed_path(prefix, feed)}.{lang}", host, feed_path(prefix, feed),
             "" if lang == i18n.SOURCE else f"lang={lang}")
            for host, prefix in addresses_of(town, table, self.base_url)
            for feed in feeds
            for lang in i18n.offered_by(town)
        ]  # fmt: skip
        now = now_for(self.app.config)
        return town, wanted, expected_last_modified(town, stamp, now), stamp

    def _write(self, wanted) -> list[str]:
        """Ask the app for each feed and write what it answers; the files written."""
        scheme = urlsplit(self.base_url).scheme or "http"
        client = Client(self.app)
        written = []
        for name, host, path, query in wanted:
            with self.app.app_context():  # a request of its own, as nginx's would be
                response = client.get(path, query_string=query, base_url=f"{scheme}://{host}",
                                      headers={"X-Forwarded-Proto": scheme})  # fmt: skip
            if response.status_code == 404:  # a place gone meanwhile: no file, as no feed
                continue
            if response.status_code != 200:
                raise RuntimeError(f"{host}{path}?{query} answered {response.status_code}")
            modified = parsedate_to_datetime(response.headers["Last-Modified"]).timestamp()
            self._replace(self.folder / name, response.get_data(), modified)
            written.append(name)
        return written

    def _replace(self, target: Path, body: bytes, modified: float) -> None:
        """Write `body` to `target` at once (a file beside it, renamed over it), its mtime
        `modified` or the file's own if that is later: never backwards."""
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            modified = max(modified, target.stat().st_mtime)
        except FileNotFoundError:
            pass
        handle, temporary = tempfile.mkstemp(dir=self.folder / STATE, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(body)
            os.chmod(temporary, 0o644)
            os.utime(temporary, (modified, modified))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _remove(self, slug: str, names) -> None:
        """Remove a municipality's files (nginx then asks the app) and what was published."""
        self._unlink_quietly(names)
        self._unlink_quietly([f"{STATE}/{slug}.json"])

    def _unlink_quietly(self, names) -> None:
        for name in names:
            try:
                (self.folder / name).unlink(missing_ok=True)
            except IsADirectoryError:
                pass
            except OSError:
                log.exception("published feed %s could not be removed", name)


@contextmanager
def _locked(path: Path):
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_state(state_dir: Path, slug: str, state: dict) -> None:
    handle, temporary = tempfile.mkstemp(dir=state_dir, suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        json.dump(state, file)
    os.replace(temporary, state_dir / f"{slug}.json")


def publisher(app=None) -> Publisher | None:
    """The app's publisher, or None unless FEED_PUBLISH_DIR and PUBLIC_BASE_URL (whose host
    the files are published for) are set."""
    app = app or current_app._get_current_object()
    folder, base = app.config.get("FEED_PUBLISH_DIR"), app.config.get("PUBLIC_BASE_URL")
    return Publisher(app, folder) if folder and base else None


# --- after a commit that moved a municipality's stamp ------------------------------------


@event.listens_for(Session, "after_flush")
def _note_moved_stamps(session, _flush_context):
    moved = session.info.get("schedule_stamped")  # webapp.models.schedule, per transaction
    if moved:
        session.info.setdefault(PENDING, set()).update(moved)


@event.listens_for(Session, "after_rollback")
def _forget_moved_stamps(session):
    session.info.pop(PENDING, None)


@event.listens_for(Session, "after_commit")
def _publish_moved(session):
    moved = session.info.pop(PENDING, None)
    if not moved or not has_app_context():
        return
    target = publisher()
    if target is None:
        return
    ids = {town for town in moved if town is not None}
    in_request = has_request_context()
    if None in moved and not in_request:  # a command: every municipality's
        ids = None
    # In a context of its own: the app's requests for the feeds must not share this
    # request's Flask context, session or write intent.
    slugs = contextvars.Context().run(_withdraw, target, ids)
    if not slugs:
        return
    if in_request:  # the staff member's answer waits for no render
        _background.submit(target, slugs)
    else:  # a command publishes before it exits
        contextvars.Context().run(_publish_now, target, slugs)


def _withdraw(target: Publisher, ids) -> set[str]:
    """Remove the files of the municipalities `ids` (None: all): their slugs."""
    try:
        with target.app.app_context():
            query = select(Municipality.slug)
            if ids is not None:
                query = query.where(Municipality.id.in_(ids))
            slugs = set(db.session.scalars(query))
            db.session.remove()
        for slug in sorted(slugs):
            target.withdraw(slug)
        return slugs
    except Exception:  # never the request's failure: nginx asks the app for what is missing
        log.exception("feeds could not be withdrawn after a change")
        return set()


def _publish_now(target: Publisher, slugs) -> None:
    try:
        target.publish(slugs)
    except Exception:  # never the request's failure: nginx asks the app for what is missing
        log.exception("feeds could not be published after a change")


class _Queue:
    """One thread per process publishing, one municipality after another, what commits left
    to publish; a municipality asked for again while it waits is published once."""

    def __init__(self):
        self._cond = threading.Condition()
        self._waiting: dict[tuple, Publisher] = {}  # (folder, app id, slug): its publisher
        self._busy = False
        self._thread = None

    def submit(self, target: Publisher, slugs) -> None:
        with self._cond:
            for slug in sorted(slugs):
                self._waiting[(str(target.folder), id(target.app), slug)] = target
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="feed-publisher",
                                                daemon=True)  # fmt: skip
                self._thread.start()
            self._cond.notify_all()

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is waiting or being published: False if `timeout` ran out."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._waiting)
                key = next(iter(self._waiting))
                target, self._busy = self._waiting.pop(key), True
            try:
                contextvars.Context().run(target.publish_one, key[2], due=True)
            except Exception:
                log.exception("feeds of %s could not be published after a change", key[2])
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _forget(self) -> None:  # in a forked child: the parent's thread is not there
        self._cond, self._waiting, self._busy, self._thread = threading.Condition(), {}, False, None


_background = _Queue()
os.register_at_fork(after_in_child=_background._forget)
atexit.register(_background.settle, 20)  # a worker that stops finishes what it began


def settle(timeout: float | None = None) -> bool:
    """Wait for this process's background publishing to finish (tests; anything that must
    not exit with it half done): False if `timeout` ran out first."""
    return _background.settle(timeout)
