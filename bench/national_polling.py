"""Calendar clients polling every municipality's feeds, through the production stack.

national.py's 290 generated municipalities in police areas are loaded into PostgreSQL (a
schema of its own, dropped and made again); gunicorn runs with deploy/gunicorn.conf.py and
nginx with deploy/nginx/narvaro.conf itself (its TLS server turned into a plain loopback
one, every placeholder pointed into a temporary folder, the snippets included as they are),
with the page cache shared through Redis when --redis is given. By default the feeds are
published as files (FEED_PUBLISH_DIR, webapp/feeds/publish.py: every municipality's, timed,
as `flask publish-feeds` does), which nginx serves itself; --no-publish leaves every feed to
gunicorn behind nginx. Then:

1. A polling mix over every municipality's three feeds (all, office, presence), sent at a
   fixed rate (default 600 req/s for 60 s) by an open-loop client in this process: each
   request has its time on a fixed schedule and its latency is counted from that time, so a
   slow answer or a late client shows in the figures rather than lowering the rate. 60 % are
   conditional (half If-None-Match, half If-Modified-Since, taken from a first unconditional
   fetch of each feed), the rest unconditional. Prints the achieved rate, p50/p99 latency,
   errors, the 304 share and nginx's X-Cache-Status.
2. The same client and mix against nginx serving each feed's bytes as a static file, and
   wrk's closed-loop maximum for both (the ratio feed/static; target >= 0.95), as the median
   of pairs of short runs in alternating order beside an A/A control
   (nginx_feed_location.compare), and side by side: a second nginx as shipped on the same
   CPU, the two serving feeds and static files at once (nginx_feed_location.side_by_side),
   their CPU time per request compared. For the closed loop nginx's workers are pinned to one CPU
   and wrk (one thread) to another, so that wrk does not take nginx's time
   (bench/nginx_feed_location.py); nginx's CPU time per request is printed beside the rates.
3. Halfway through the feed run, staff cancel a slot in one municipality (as the staff page
   does, schedule.planning.cancel_slot; with publishing, its commit republishes that
   municipality's files as gunicorn's would). Printed: whether gunicorn's next answer for
   that municipality's feed has it, whether the first request through nginx after the
   commit has it, and that no other municipality's copy was touched: with publishing, their
   files keep their mtime and inode; without, their shared copies in Redis keep their
   stamps, gunicorn answers their conditional requests with 304, and nginx's cache status.

Asserts nothing; every process it starts is stopped at the end. Usage:

    python bench/national_polling.py postgresql+psycopg://postgres@127.0.0.1:5432/DB \\
        [--redis redis://127.0.0.1:6379/N] [--count 290] [--rate 600] [--duration 60] \\
        [--wrk 2] [--pairs 16] [--no-publish]

Figures on the 2-core development machine (shared with other work) are in deploy/README.md.
"""

import argparse
import asyncio
import hashlib
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from interrupts import run_with_servers

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import national  # noqa: E402 - bench/ siblings, after the path set-up above
import nginx_feed_location  # noqa: E402
import serve_bench  # noqa: E402
from serve_bench import DEPLOY, Processes, free_port, request  # noqa: E402

from tests.support.nginx_site import MAIN_CONF, SNIPPETS, site_config  # noqa: E402 - national.py set the path

FEEDS = ("all", "office", "presence")
EDITED = "kommun-002"  # the municipality whose slot staff cancel halfway (not the default)
MARKER = "Inställt i mätningen"
AS_NGINX = {"Host": "127.0.0.1"}  # nginx passes $host: gunicorn direct, the same kept copies


def start_nginx(
    tmp: Path, app_port: int, processes: Processes, tcp_nopush="on", name="nginx"
) -> dict:
    """nginx as shipped (its configuration, logs and temporary files in tmp/<name>) serving
    tmp/published, and beside it the static server on the copies in tmp/static; its ports."""
    folder = tmp / name
    folder.mkdir()
    ports = {"site": free_port(), "static": free_port()}
    conf = folder / "nginx.conf"
    conf.write_text(
        nginx_feed_location.MAIN.format(
            workers="auto",
            connections=4096,
            tcp_nopush=tcp_nopush,
            main=f"include {MAIN_CONF};",
            tmp=folder,
            user="user root;" if os.geteuid() == 0 else "",
            site=site_config(folder, ports["site"], app_port, feeds=tmp / "published"),
            static_port=ports["static"],
            static=tmp / "static",
            snippets=SNIPPETS,
        )
    )
    args = ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")]
    processes.start(name, [*args, "-g", "daemon off;"], folder / "nginx.log")
    for port in ports.values():
        serve_bench.wait_until_serving(port, processes)
    return ports


def start_gunicorn(
    tmp: Path, url: str, redis_url: str | None, processes: Processes, publish: bool
) -> int:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NARVARO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "PROXY_HOPS": "1",
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": str(tmp / "gunicorn-access.log"),
    }
    env.pop("NOW", None)
    env.pop("FEED_PUBLISH_DIR", None)
    if publish:
        env["FEED_PUBLISH_DIR"] = str(tmp / "published")
    if redis_url:
        env["REDIS_URL"] = env["PAGE_CACHE_REDIS_URL"] = redis_url
    else:
        for name in ("REDIS_URL", "PAGE_CACHE_REDIS_URL"):
            env.pop(name, None)
    args = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    processes.start("gunicorn", [*args, "webapp:create_app()"], tmp / "gunicorn.log", env)
    serve_bench.wait_until_serving(port, processes, seconds=120)
    return port


# --- the open-loop client --------------------------------------------------------------


class Closed(Exception):
    """The server had closed a kept-alive connection before this request (nginx closes one
    after keepalive_requests); as any HTTP client does, the request is sent again on a new
    connection."""


class Connection:
    """One keep-alive HTTP/1.1 connection; `get` reads one whole answer."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port):
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, path: str, headers: dict) -> tuple[int, dict, bytes]:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            first = await self.reader.readline()
        except ConnectionResetError as e:
            raise Closed() from e
        if not first:
            raise Closed()
        status = int(first.split()[1])
        found = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            found[name.strip().lower()] = value.strip()
        body = b""
        if "content-length" in found:
            body = await self.reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding") == "chunked":
            while (chunk := int((await self.reader.readline()).split(b";")[0], 16)) > 0:
                body += (await self.reader.readexactly(chunk + 2))[:-2]
            await self.reader.readline()
        return status, found, body

    def close(self):
        self.writer.close()


async def paced(port: int, requests: list, rate: float, halfway=None) -> dict:
    """Send `requests` at `rate` a second on a fixed schedule, each on an idle keep-alive
    connection (a new one when none is idle); latency counts from the scheduled time.
    `halfway` (a coroutine function) runs at the middle of the schedule."""
    loop = asyncio.get_running_loop()
    idle: list[Connection] = []
    records = []
    start = loop.time() + 0.5
    late = []

    async def ask(path, headers):
        connection = idle.pop() if idle else None
        if connection is not None:
            try:
                return connection, *await connection.get(path, headers)
            except Closed:
                connection.close()
        connection = await Connection.open(port)
        return connection, *await connection.get(path, headers)

    async def one(index, path, headers, at):
        late.append(loop.time() - at)
        try:
            connection, status, found, body = await asyncio.wait_for(ask(path, headers), 10)
        except Exception as e:  # noqa: BLE001 - every failure is counted, none stops the run
            records.append((index, at, loop.time(), path, None, type(e).__name__, 0))
            return
        idle.append(connection)
        done = loop.time()
        records.append((index, at, done, path, status, found.get("x-cache-status", "-"), len(body)))

    tasks = set()
    side = None
    middle = len(requests) // 2
    for index, (path, headers) in enumerate(requests):
        at = start + index / rate
        wait = at - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if index == middle and halfway is not None:
            side = asyncio.ensure_future(halfway(at))
        task = asyncio.ensure_future(one(index, path, headers, at))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    extra = await side if side is not None else None
    for connection in idle:
        connection.close()
    return {"records": records, "start": start, "late": late, "extra": extra, "rate": rate,
            "count": len(requests)}  # fmt: skip


def _p99(values):
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else 0


def summary(run: dict) -> dict:
    records = run["records"]
    ok = [r for r in records if r[4] in (200, 304)]
    latencies = sorted((r[2] - r[1]) * 1000 for r in ok)
    last = max(r[2] for r in records)
    quantile = statistics.quantiles(latencies, n=100, method="inclusive") if latencies else []
    by_status = {}
    for r in ok:
        by_status.setdefault(r[5], []).append((r[2] - r[1]) * 1000)
    return {
        "sent": run["count"],
        "p99_by": {k: _p99(v) for k, v in by_status.items()},
        "achieved": len(ok) / (last - run["start"]),
        "p50": quantile[49] if quantile else float("nan"),
        "p99": quantile[98] if quantile else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "errors": run["count"] - len(ok),
        "kinds": Counter(r[4] or r[5] for r in records if r not in ok),
        "share304": sum(r[4] == 304 for r in ok) / max(len(ok), 1),
        "late10": sum(lag > 0.010 for lag in run["late"]) / max(len(run["late"]), 1),
        "cache": Counter(r[5] for r in ok),
        "bytes": sum(r[6] for r in ok),
    }


def print_run(label: str, rate: float, duration: int, s: dict) -> None:
    print(f"\n{label}: {s['sent']} requests scheduled at {rate:.0f}/s for {duration} s")
    print(f"  achieved {s['achieved']:.1f} req/s (answered 200/304 over the run's span)")
    print(f"  latency from the scheduled time: p50 {s['p50']:.1f} ms, p99 {s['p99']:.1f} ms, "
          f"max {s['max']:.0f} ms  (target p99 <= 50 ms)")  # fmt: skip
    print(f"  errors (not 200/304, refused, reset, > 10 s): {s['errors']} {dict(s['kinds'])}"
          "  (target 0)")  # fmt: skip
    print(f"  304 share {s['share304'] * 100:.1f} %; {s['bytes'] / 1e6:.0f} MB of bodies; "
          f"{s['late10'] * 100:.1f} % sent > 10 ms after their time")  # fmt: skip
    total = sum(s["cache"].values())
    tally = ", ".join(f"{k} {v * 100 / total:.1f} % (p99 {s['p99_by'][k]:.0f} ms)"
                      for k, v in s["cache"].most_common())  # fmt: skip
    print(f"  X-Cache-Status: {tally}")


# --- the edit and what it drops ---------------------------------------------------------


def shared_name(url: str, path: str) -> str:
    """The Redis key webapp.pagecache gives the copy of `path` nginx asked for (Host
    127.0.0.1, no port: narvaro-proxy.conf passes $host)."""
    prefix = "narvaro:page:" + hashlib.sha256(url.encode()).hexdigest()[:16]
    key = ("http", "127.0.0.1", "", path, "")
    return f"{prefix}:{hashlib.sha256(repr(key).encode()).hexdigest()}"


def shared_stamps(client, url: str, paths: list[str]) -> dict:
    """path: the stamp its shared copy was made under (None: no copy in Redis)."""
    names = [shared_name(url, p) for p in paths]
    metas = client.pipeline()
    for name in names:
        metas.hget(name, "meta")
    return {p: m and json.loads(m)["stamp"] for p, m in zip(paths, metas.execute(), strict=True)}


def staff_edit(database: str, gunicorn: int) -> dict:
    """Run in a process of its own, so the paced client's loop never waits for it: staff
    cancel EDITED's next slot (schedule.planning.cancel_slot), then gunicorn's next answer
    for EDITED's feed is read and parsed."""
    from sqlalchemy import select

    from webapp.database import writing
    from webapp.extensions import db
    from webapp.models import Municipality, PresenceSlot
    from webapp.schedule import planning

    app = CHILD["app"]
    started = time.perf_counter()
    now = datetime.now(UTC)
    with app.app_context(), writing():
        town = db.session.scalar(select(Municipality.id).where(Municipality.slug == EDITED))
        slot = db.session.scalar(
            select(PresenceSlot)
            .where(PresenceSlot.municipality_id == town, PresenceSlot.starts_at > now)
            .order_by(PresenceSlot.starts_at)
            .limit(1)
        )
        planning.cancel_slot(db.session, slot, reason=MARKER, now=now, actor=None)
        db.session.commit()
        slot_start = slot.starts_at.isoformat()
    committed = time.time()  # with publishing on, after EDITED's files were written again
    edit_ms = (time.perf_counter() - started) * 1000
    status, _h, body = request(gunicorn, f"/{EDITED}/feeds/all.ics", AS_NGINX)
    with app.app_context():
        db.engine.dispose()
    return {"slot": slot_start, "edit_ms": edit_ms, "committed": committed,
            "next_ok": status == 200 and has_marker(body)}  # fmt: skip


CHILD = {}  # the spawned process's app


def warm_up(database: str, published: str | None = None) -> None:
    """Make the spawned process's app (and import everything) before the run starts; with
    `published`, its commits publish feeds there as gunicorn's do."""
    from webapp import create_app
    from webapp.extensions import db

    CHILD["app"] = create_app(publishing_config(database, published))
    with CHILD["app"].app_context():
        db.session.execute(db.text("SELECT 1"))


def publishing_config(database: str, published: str | None) -> dict:
    """An app as gunicorn runs it here (its base URL, the clock not pinned)."""
    return {"SQLALCHEMY_DATABASE_URI": national.schema_url(database), "SECRET_KEY": "bench-only",
            "PUBLIC_BASE_URL": "http://127.0.0.1", "FEED_PUBLISH_DIR": published or "",
            "NOW": None}  # fmt: skip


def publish_all(database: str, published: Path) -> str:
    """Every municipality's feeds published as `flask publish-feeds` does: what and how long."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.feeds.publish import publisher

    app = create_app(publishing_config(database, str(published)))
    started = time.perf_counter()
    done = publisher(app).publish()
    took = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()
    failed = sum(files is None for files in done.values())
    return (f"published {sum(files or 0 for files in done.values())} feed files of "
            f"{len(done)} municipalities in {took:.1f} s ({failed} failed)")  # fmt: skip


def published_files(folder: Path, skip: str) -> dict:
    """(mtime, inode) of every published file but those of the municipality `skip`."""
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*.ics.*")
        if f"/{skip}/" not in str(p.relative_to(folder))
    }


def marker_in(body: bytes) -> bool:
    """MARKER in the unfolded text: quick enough to run beside the paced client."""
    return MARKER.encode() in body.replace(b"\r\n ", b"")


def has_marker(body: bytes) -> bool:
    """A cancelled event with MARKER in its description (the feed parsed)."""
    import icalendar

    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return any(
        str(e.get("STATUS")) == "CANCELLED" and MARKER in str(e.get("DESCRIPTION", ""))
        for e in events
    )


def edit_and_watch(pool, database, ports: dict, gunicorn: int, redis_client, paths, published):
    """The halfway edit, run beside the polling, and what it shows (`published`: the folder
    of published feeds, None when publishing is off)."""
    url = national.schema_url(database)
    edited = f"/{EDITED}/feeds/all.ics"
    others = [p for p in paths if not p.startswith(f"/{EDITED}/")]

    async def watch(_at):
        loop = asyncio.get_running_loop()
        before = None
        if redis_client is not None:
            before = await loop.run_in_executor(None, shared_stamps, redis_client, url, others)
        files = None
        if published is not None:
            files = await loop.run_in_executor(None, published_files, published, EDITED)
        done = await loop.run_in_executor(pool, staff_edit, database, gunicorn)
        at = time.monotonic() - (time.time() - done["committed"])  # the commit, on this clock
        seen, statuses, first = None, [], None
        connection = await Connection.open(ports["site"])
        while time.monotonic() < at + 20:  # nginx: poll the edited feed until it has it
            _status, found, body = await connection.get(edited, {})
            statuses.append(found.get("x-cache-status", "-"))
            first = marker_in(body) if first is None else first
            if marker_in(body):
                seen = time.monotonic() - at
                break
            await asyncio.sleep(0.25)
        connection.close()
        return {**done, "before": before, "seen": seen, "statuses": statuses, "at": at,
                "first": first, "files": files}  # fmt: skip

    return watch, others


def others_checks(result, run, redis_client, url, others, gunicorn, known, published):
    after = shared_stamps(redis_client, url, others) if redis_client else {}
    out = []
    if published is not None:
        now = published_files(published, EDITED)
        same = sum(now.get(p) == kept for p, kept in result["files"].items())
        out.append(f"published files of the other municipalities: {len(result['files'])} "
                   f"before the edit, {same} of them with the same mtime and inode after "
                   "the run")  # fmt: skip
        return out  # nginx answers them from the files: neither Redis nor gunicorn is asked
    if redis_client:
        kept = [p for p, stamp in result["before"].items() if stamp is not None]
        same = sum(after.get(p) == result["before"][p] for p in kept)
        out.append(f"shared copies in Redis of the other municipalities' feeds: {len(kept)} "
                   f"before the edit, {same} of them still there under the same stamp after "
                   "the run")  # fmt: skip
    times, statuses = [], Counter()
    for path in others:
        started = time.perf_counter()
        status, _h, _b = request(gunicorn, path, {**AS_NGINX, "If-None-Match": known[path][0]})
        times.append((time.perf_counter() - started) * 1000)
        statuses[status] += 1
    out.append(f"gunicorn direct, the other {len(others)} feeds revalidated with their first "
               f"ETag after the run: {dict(statuses)}; median {statistics.median(times):.1f} "
               f"ms, max {max(times):.0f} ms")  # fmt: skip
    window = [r for r in run["records"] if 0 <= r[1] - result["at"] < 15 and r[4] is not None]
    tally = Counter(r[5] for r in window if not r[3].startswith(f"/{EDITED}/"))
    out.append(f"nginx X-Cache-Status for the other municipalities' feeds in the 15 s after "
               f"the edit: {dict(tally.most_common())}")  # fmt: skip
    return out


# --- the run ----------------------------------------------------------------------------


def feed_paths(app) -> list[str]:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Municipality

    with app.app_context():
        slugs = db.session.scalars(select(Municipality.slug).order_by(Municipality.id)).all()
    default = slugs[0]  # webapp.addresses: the first municipality when areas differ
    return [
        f"{'' if slug == default else '/' + slug}/feeds/{feed}.ics"
        for slug in slugs
        for feed in FEEDS
    ]


def first_fetch(port: int, paths: list[str], store: Path | None = None) -> tuple[dict, Counter]:
    """Each path once, unconditionally (4 at a time): its ETag and Last-Modified; with
    `store`, the body is written there as a file of the same path."""
    local = threading.local()

    def fetch(path):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local.conn.request("GET", path)
        response = local.conn.getresponse()
        body = response.read()
        if store is not None:
            target = store / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        return path, response.status, response.headers["ETag"], response.headers["Last-Modified"]

    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(fetch, paths))
    return {p: (etag, modified) for p, _s, etag, modified in found}, Counter(
        s for _p, s, _e, _m in found
    )


def run(options):
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start")
    app = national.fresh_app(options.database)
    url = national.schema_url(options.database)
    redis_client = None
    if options.redis:
        import redis

        redis_client = redis.Redis.from_url(options.redis)
    processes = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="narvaro-national-"))
    try:
        groups, _paths, load_all = national.load_all_areas(app, tmp / "areas", options.count)
        print(f"{options.count} municipalities in {len(groups)} police areas loaded in "
              f"{load_all:.1f} s")  # fmt: skip
        forget_shared(redis_client, url)
        published = tmp / "published" if options.publish else None
        gunicorn = start_gunicorn(tmp, url, options.redis, processes, options.publish)
        ports = start_nginx(tmp, gunicorn, processes, options.tcp_nopush)
        paths = feed_paths(app)
        if published is not None:
            print(publish_all(options.database, published) + " (flask publish-feeds)")
        started = time.perf_counter()
        known, statuses = first_fetch(ports["site"], paths, tmp / "static")
        sizes = min_med_max([(tmp / "static" / p[1:]).stat().st_size for p in paths])
        print(f"first fetch of {len(paths)} feeds through nginx: {dict(statuses)} in "
              f"{time.perf_counter() - started:.1f} s; bodies {sizes}")  # fmt: skip
        static_known, static_statuses = first_fetch(ports["static"], paths)
        print(f"first fetch of their static copies: {dict(static_statuses)}")
        count = int(options.rate * options.duration)
        feed_plan = nginx_feed_location.plan(paths, known, count, options.conditional)
        static_plan = nginx_feed_location.plan(paths, static_known, count, options.conditional)

        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        pool.submit(warm_up, options.database, published and str(published)).result()
        watch, others = edit_and_watch(
            pool, options.database, ports, gunicorn, redis_client, paths, published
        )
        access = tmp / "gunicorn-access.log"
        before = access.read_bytes().count(b"\n")
        feed_run = asyncio.run(paced(ports["site"], feed_plan, options.rate, watch))
        pool.shutdown()
        processes.check_alive()
        feed = summary(feed_run)
        served = "published files" if published else "gunicorn (publishing off)"
        print_run(f"feeds through nginx (narvaro.conf), {served}", options.rate,
                  options.duration, feed)  # fmt: skip
        reached = access.read_bytes().count(b"\n") - before
        print(f"  gunicorn answered {reached} requests meanwhile (feeds without a file, the "
              f"edit's one): {reached / options.duration:.0f} a second")  # fmt: skip
        edit = feed_run["extra"]
        publishing = " and republish its feeds" if published else ""
        print(f"\nhalfway, staff cancelled the slot at {edit['slot']} in {EDITED} "
              f"({edit['edit_ms']:.0f} ms to commit{publishing}):")  # fmt: skip
        print(f"  gunicorn's next answer for /{EDITED}/feeds/all.ics has it: "
              f"{'yes' if edit['next_ok'] else 'NO'}")  # fmt: skip
        seen = f"{edit['seen']:.1f} s" if edit["seen"] is not None else "NOT within 20 s"
        print(f"  through nginx: the first request after the commit has it: "
              f"{'yes' if edit['first'] else 'NO'}; served after {seen}; "
              f"cache status while polling: {' '.join(edit['statuses'])}")  # fmt: skip
        checks = others_checks(edit, feed_run, redis_client, url, others, gunicorn, known,
                               published)  # fmt: skip
        for line in checks:
            print("  " + line)

        static_run = asyncio.run(paced(ports["static"], static_plan, options.rate))
        static = summary(static_run)
        print_run("the same bytes as static files from nginx", options.rate, options.duration,
                  static)  # fmt: skip
        print(
            f"\npaced ratio feed/static, achieved rate: {feed['achieved'] / static['achieved']:.3f}"
        )

        # Closed loop: the mix, and one median-sized feed alone (its copy never expires for
        # long under load: what the microcache costs without the revalidations of 870 keys).
        one = sorted(paths, key=lambda p: (tmp / "static" / p[1:]).stat().st_size)[len(paths) // 2]
        mixes = {"mix": (feed_plan, static_plan), f"{one} alone": ([(one, {})], [(one, {})])}
        pinned = pin_nginx(processes)
        print(f"\nwrk -t1 -c32 on CPU {pinned['wrk']}, nginx's workers on CPU {pinned['nginx']}, "
              f"closed loop, {options.pairs} pairs of {options.wrk} s runs in alternating "
              "order (target: feed/static >= 0.95):")  # fmt: skip
        site = {"feed": ports["site"], "static": ports["static"]}
        for label, (feeds, copies) in mixes.items():
            result = nginx_feed_location.compare(
                tmp, site, {"feed": feeds, "static": copies}, options.pairs, options.wrk,
                pinned["wrk"], pinned["workers"],
            )  # fmt: skip
            nginx_feed_location.print_comparison(label, result)
        # The same, side by side: a second nginx as shipped on the same files and the same
        # CPU, each serving one side at once (nginx_feed_location.side_by_side).
        second = start_nginx(tmp, gunicorn, processes, options.tcp_nopush, name="nginx-again")
        pair = [
            {"ports": {"feed": ports["site"], "static": ports["static"]},
             "workers": pinned["workers"]},
            {"ports": {"feed": second["site"], "static": second["static"]},
             "workers": pin_nginx(processes, "nginx-again")["workers"]},
        ]  # fmt: skip
        print(f"\nside by side, two nginx as shipped on CPU {pinned['nginx']}: {options.pairs} "
              f"runs of {options.wrk} s, their roles swapped each run")  # fmt: skip
        for label, (feeds, copies) in mixes.items():
            result = nginx_feed_location.side_by_side(
                tmp, pair, {"feed": feeds, "static": copies}, options.pairs, options.wrk,
                pinned["wrk"],
            )  # fmt: skip
            nginx_feed_location.print_side_by_side(label, result)
        if redis_client:
            names = list(redis_client.scan_iter(match=shared_prefix(url) + ":*", count=1000))
            used = sum(redis_client.memory_usage(n) or 0 for n in names)
            print(f"page cache in Redis: {len(names)} entries, {used / 1e6:.1f} MB")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        processes.stop()
        forget_shared(redis_client, url)
        shutil.rmtree(tmp, ignore_errors=True)
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()


def pin_nginx(processes: Processes, name="nginx") -> dict:
    """The workers of nginx `name` onto the last CPU, wrk's onto the first (two CPUs or more)."""
    cpus = sorted(os.sched_getaffinity(0))
    master = next(proc for started, proc, _h, _l in processes.running if started == name)
    workers = nginx_feed_location.pin_workers(master.pid, cpus[-1])
    return {"nginx": cpus[-1], "wrk": cpus[0], "workers": workers}


def min_med_max(values):
    low, middle, high = (v / 1e3 for v in (min(values), statistics.median(values), max(values)))
    return f"{low:.0f}/{middle:.0f}/{high:.0f} KB (min/median/max)"


def shared_prefix(url: str) -> str:
    return "narvaro:page:" + hashlib.sha256(url.encode()).hexdigest()[:16]


def forget_shared(client, url: str) -> None:
    """Drop this bench's shared copies (its prefix only) from Redis."""
    if client is not None:
        for name in client.scan_iter(match=shared_prefix(url) + ":*", count=1000):
            client.delete(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="a PostgreSQL URL (a schema of its own is used)")
    parser.add_argument("--redis", help="Redis for the page cache and rate limits (optional)")
    parser.add_argument("--count", type=int, default=290)
    parser.add_argument("--rate", type=float, default=600.0, help="requests per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of polling")
    parser.add_argument("--conditional", type=float, default=0.6)
    parser.add_argument("--wrk", type=int, default=2, help="seconds per closed-loop wrk run")
    parser.add_argument(
        "--pairs",
        type=int,
        default=16,
        help="pairs of closed-loop runs per comparison (alternating order)",
    )
    parser.add_argument("--publish", action=argparse.BooleanOptionalAction, default=True,
                        help="publish the feeds as files nginx serves (FEED_PUBLISH_DIR); "
                        "--no-publish: every feed from gunicorn through nginx")  # fmt: skip
    parser.add_argument("--tcp-nopush", choices=("on", "off"), default="on",
                        help="nginx's tcp_nopush (on in Debian's nginx.conf)")  # fmt: skip
    options = parser.parse_args()
    run_with_servers(run, options, tools=("nginx", "wrk", "taskset"))


if __name__ == "__main__":
    main()
