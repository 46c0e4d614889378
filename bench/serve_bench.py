"""How fast is the production stack on this machine? Prints figures; asserts nothing.

Builds a throwaway SQLite database, starts gunicorn with deploy/gunicorn.conf.py and nginx
with the snippets in deploy/nginx/snippets/ (all on loopback, in a temporary prefix), then
hits the main feed and the start page with wrk and prints requests/s for:

  static       nginx serving a file with the same bytes the app returned, with the app's
               security headers (the ceiling: the same response, nothing asked of anyone)
  static+ofc   the same, with nginx's open_file_cache as the microcache has it (for
               comparison: how much of the gap is open()/close() per request)
  bare flask   a minimal Flask app returning those bytes under the same gunicorn settings
               (the ceiling for a Python app on this machine)
  gunicorn     the app directly
  nginx proxy  nginx as a plain reverse proxy in front of gunicorn
  microcache   nginx with the 10 s microcache from deploy/nginx/narvaro.conf

and a few behaviour checks of the nginx configuration (cache hits, 304, gzip, headers).
Every process it starts is stopped on exit, Ctrl-C or error.  Usage: python bench/serve_bench.py
[--duration 5] [--connections 32] [--threads 2] [--rounds 3]
"""

import argparse
import contextlib
import gzip
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interrupts import run_with_servers

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SNIPPETS = DEPLOY / "nginx" / "snippets"
PAGES = {"feed": "/feeds/all.ics", "start page": "/sv/"}
STATIC_FILES = {"/feeds/all.ics": "feeds/all.ics", "/sv/": "sv/index.html"}
HEADERS_TO_MATCH = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


class Processes:
    """The servers this script started; stop() ends each of them by its own pid."""

    def __init__(self):
        self.running = []

    def start(self, name, args, log, env=None):
        handle = open(log, "wb")  # closed in stop()
        # Own session: a Ctrl-C reaches only this script, which then stops them in order.
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((name, proc, handle, log))
        return proc

    def stop(self):
        # gunicorn's workers are ours too: note them first, so none outlives a killed master.
        workers = [kid for _n, proc, _h, _l in self.running for kid in _children(proc.pid)]
        for _name, proc, _handle, _log in reversed(self.running):
            if proc.poll() is None:
                proc.terminate()  # graceful for gunicorn, fast for nginx
        for _name, proc, handle, _log in reversed(self.running):
            try:
                proc.wait(timeout=40)  # gunicorn's graceful_timeout is 30 s
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            handle.close()
        for pid, started in workers:
            if _start_time(pid) == started:  # the same process, not a reused pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.running.clear()

    def check_alive(self):
        for name, proc, _handle, log in self.running:
            if proc.poll() is not None:
                tail = Path(log).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")


def _start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _children(parent: int) -> list[tuple[int, str]]:
    """(pid, start time) of each child process of parent, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append((int(stat.parent.name), fields[19]))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, path, headers=None, method="GET"):
    """(status, headers, body) without following redirects or decompressing."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def wait_until_serving(port, processes, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.check_alive()
        try:
            request(port, "/robots.txt", method="HEAD")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds} s")


def build_database(tmp: Path) -> dict:
    """A migrated SQLite database with the default calendar; returns the app's environment."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'narvaro.db'}",
        "NARVARO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "FLASK_APP": "webapp",
    }
    env.pop("NOW", None)
    for command in (["db", "upgrade"], ["load-calendars"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return env


def start_gunicorn(tmp, env, processes) -> int:
    port = free_port()
    # PROXY_HOPS=1 as in deploy/narvaro.service: nginx's X-Forwarded-For is the client.
    env = {
        **env,
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": str(tmp / "gunicorn-access.log"),
        "PROXY_HOPS": "1",
    }
    return serve_with_gunicorn("gunicorn", "webapp:create_app()", port, tmp / "gunicorn.log", env,
                               processes)  # fmt: skip


def serve_with_gunicorn(name, app_spec, port, log, env, processes) -> int:
    """Start `app_spec` under deploy/gunicorn.conf.py on `port`; return once it answers."""
    args = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), app_spec]
    processes.start(name, args, log, env)
    wait_until_serving(port, processes)
    return port


def write_static_copies(tmp, app_port) -> dict:
    """Fetch the app's responses and store the same bytes for nginx to serve as files."""
    statuses = {}
    for path, relative in STATIC_FILES.items():
        status, _headers, body = request(app_port, path)
        statuses[path] = status
        target = tmp / "static" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return statuses


BARE_APP = """\
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)
STATIC = Path(__file__).parent / "static"
BODIES = {{path: (STATIC / file).read_bytes() for path, file in {files!r}.items()}}
TYPES = {{"/feeds/all.ics": "text/calendar; charset=utf-8"}}


@app.get("/<path:path>")
@app.get("/", defaults={{"path": ""}})
def same_bytes(path):
    key = "/" + path
    return Response(BODIES[key], content_type=TYPES.get(key, "text/html; charset=utf-8"))
"""


def start_bare_flask(tmp, env, processes) -> int:
    """The same bytes from a Flask app with nothing in it, under deploy/gunicorn.conf.py."""
    (tmp / "bare_app.py").write_text(BARE_APP.format(files=STATIC_FILES))
    port = free_port()
    env = {**env, "PORT": str(port), "PYTHONPATH": str(tmp)}
    env.pop("GUNICORN_ACCESS_LOG", None)
    return serve_with_gunicorn("bare flask", "bare_app:app", port, tmp / "bare.log", env, processes)


# The start of an nginx.conf's http block for the benches' nginx (a format string: {tmp} is
# the folder nginx keeps its files in); nginx_feed_location.py's template uses it too.
HTTP_COMMON = """\
    types {{ text/html html; text/calendar ics; text/css css; image/svg+xml svg; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/calendar text/css;
    sendfile on;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
"""

# The start of every bench's nginx.conf, up to and into its http block ({main}: lines for
# nginx's main context, such as deploy/nginx/narvaro-main.conf's).
NGINX_HEAD = (
    """\
worker_processes {workers};
{main}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections {connections}; }}
http {{
"""
    + HTTP_COMMON
)

NGINX_CONF = (
    NGINX_HEAD
    + """\
    server_tokens off;

    include {snippets}/narvaro-http.conf;
    include {snippets}/narvaro-gzip.conf;
    access_log {tmp}/nginx-access.log narvaro_privacy;
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=narvaro:10m max_size=200m
                     inactive=10m use_temp_path=off;
    upstream narvaro_app {{
        server 127.0.0.1:{app_port};
        keepalive 16;
    }}

    server {{   # (a) the same bytes as files, with the same security headers as the app's
        listen 127.0.0.1:{static_port};
        root {tmp}/static;
        index index.html;
        include {snippets}/narvaro-static-headers.conf;
    }}
    server {{   # (a2) the same, with the file kept open as the microcache keeps its files
        listen 127.0.0.1:{static_ofc_port};
        root {tmp}/static;
        index index.html;
        include {snippets}/narvaro-static-headers.conf;
        open_file_cache max=1000 inactive=60s;
        open_file_cache_valid 60s;
    }}
    server {{   # (b) plain reverse proxy
        listen 127.0.0.1:{proxy_port};
        location / {{
            include {snippets}/narvaro-proxy.conf;
        }}
    }}
    server {{   # (c) the production microcache and static files
        listen 127.0.0.1:{cache_port};
        client_max_body_size 64k;
        location ^~ /static/ {{
            alias {static_root}/;
            expires 7d;
            include {snippets}/narvaro-static-headers.conf;
        }}
        location / {{
            include {snippets}/narvaro-proxy.conf;
            include {snippets}/narvaro-microcache.conf;
        }}
    }}
    server {{   # (d) an upstream whose every answer differs ...
        listen 127.0.0.1:{clock_port};
        default_type text/plain;
        return 200 "rendered at $msec\\n";
    }}
    server {{   # (e) ... behind the production microcache
        listen 127.0.0.1:{replaced_port};
        location / {{
            proxy_pass http://127.0.0.1:{clock_port};
            include {snippets}/narvaro-microcache.conf;
        }}
    }}
}}
"""
)


def start_nginx(tmp, app_port, processes) -> dict:
    names = ("static", "static+ofc", "nginx proxy", "microcache", "clock", "replaced")
    ports = {name: free_port() for name in names}
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            workers="auto",
            main="",
            connections=1024,
            tmp=tmp,
            snippets=SNIPPETS,
            app_port=app_port,
            static_root=ROOT / "webapp" / "static",
            static_port=ports["static"],
            static_ofc_port=ports["static+ofc"],
            clock_port=ports["clock"],
            replaced_port=ports["replaced"],
            proxy_port=ports["nginx proxy"],
            cache_port=ports["microcache"],
            # As root, nginx would hand the workers to "nobody", who can't read the temp dir.
            user="user root;" if os.geteuid() == 0 else "",
        )
    )
    errors = tmp / "nginx-error.log"
    args = ["nginx", "-p", str(tmp), "-c", str(conf), "-e", str(errors), "-g", "daemon off;"]
    processes.start("nginx", args, tmp / "nginx.log")
    for port in ports.values():
        wait_until_serving(port, processes)
    return ports


def wrk(port, path, options) -> dict:
    """requests/s, mean latency and non-2xx/3xx count from one wrk run."""
    o = options
    args = ["wrk", f"-t{o.threads}", f"-c{o.connections}", f"-d{o.duration}s"]
    args.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, timeout=options.duration + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "latency": latency, "bad": int(errors.group(1)) if errors else 0}


def nginx_t_on_site(tmp) -> str:
    """`nginx -t` on deploy/nginx/narvaro.conf with its placeholders pointed into tmp."""
    site = tmp / "site-check"
    (site / "ssl").mkdir(parents=True)
    (site / "snippets").symlink_to(SNIPPETS)
    key, crt = site / "ssl" / "key.pem", site / "ssl" / "crt.pem"
    openssl = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=narvaro.test".split()
    made = subprocess.run(
        [*openssl, "-keyout", str(key), "-out", str(crt)], capture_output=True, timeout=60
    )
    if made.returncode:
        return "skipped (openssl failed)"
    text = (DEPLOY / "nginx" / "narvaro.conf").read_text()
    for placeholder, real in {
        "/etc/ssl/narvaro/fullchain.pem": crt,
        "/etc/ssl/narvaro/privkey.pem": key,
        "/var/cache/nginx/narvaro": site / "cache",
        "/var/log/nginx/": f"{site}/",
        "/srv/narvaro/app/": f"{ROOT}/",
    }.items():
        text = text.replace(placeholder, str(real))
    (site / "narvaro.conf").write_text(text)
    (site / "nginx.conf").write_text(
        f"pid {site}/nginx.pid;\nerror_log {site}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include narvaro.conf;\n}}\n"
    )
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(site), "-c", str(site / "nginx.conf"), "-e", str(site / "e.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return "ok" if checked.returncode == 0 else "FAILED: " + checked.stderr.strip()


def cache_checks(proxy_port, cache_port) -> list[tuple[str, str]]:
    # Compared with the plain proxy's body: both send nginx's $host (no port) to the app.
    _s, _h, direct = request(proxy_port, "/sv/")
    statuses = [request(cache_port, "/sv/")[1]["X-Cache-Status"] for _ in range(2)]
    cached = request(cache_port, "/sv/")[2]
    cookie = {"Cookie": "lang=sv; __Host-narvaro-session=abc"}
    bypass = request(cache_port, "/sv/", cookie)[1]["X-Cache-Status"]
    status, headers, _b = request(cache_port, "/feeds/all.ics")
    etag = headers.get("ETag")
    revalidated = (
        request(cache_port, "/feeds/all.ics", {"If-None-Match": etag})[0] if etag else None
    )
    no_store = [request(cache_port, "/api/v1/no-such")[1]["X-Cache-Status"] for _ in range(2)]
    return [
        ("/sv/ twice through the cache", " then ".join(statuses)),
        ("cached /sv/ body equals the proxied app's", "yes" if cached == direct else "NO"),
        ("/sv/ with a session cookie", bypass),
        ("feed If-None-Match through the cache", revalidated or f"no ETag (status {status})"),
        ("no-store API 404 twice through the cache", " then ".join(no_store)),
    ]


def gzip_check(proxy_port, cache_port) -> tuple[str, str]:
    zipped = {"Accept-Encoding": "gzip"}
    feed = request(cache_port, "/feeds/all.ics", zipped)[1].get("Content-Encoding") or "none"
    _s, headers, body = request(cache_port, "/sv/", zipped)
    page = headers.get("Content-Encoding") or "none"
    if page == "gzip" and gzip.decompress(body) != request(proxy_port, "/sv/")[2]:
        page = "gzip, but NOT the app's bytes"
    return ("Content-Encoding for gzip clients: feed / page", f"{feed} / {page}")


def static_checks(app_port, cache_port) -> list[tuple[str, str]]:
    app_css = request(app_port, "/static/site.css")[1]
    nginx_css = request(cache_port, "/static/site.css")[1]
    drift = [name for name in HEADERS_TO_MATCH if app_css.get(name) != nginx_css.get(name)]
    return [
        (
            "/static/ security headers same as the app's",
            "NO: " + ", ".join(drift) if drift else "yes",
        ),
        ("/static/ Cache-Control", nginx_css.get("Cache-Control", "none")),
    ]


def replaced_copy_check(port) -> tuple[str, str]:
    """An expired copy's successor is what nginx sends, though the old file is held open."""
    path = "/replaced-copy-check"
    first = request(port, path)[2]
    for _ in range(8):  # hits on every worker: each now holds the cache file open
        request(port, path)
    time.sleep(11.5)  # past proxy_cache_valid's 10 s
    request(port, path)  # STALE: the old copy, while the new one is fetched in the background
    time.sleep(0.5)
    after = [request(port, path) for _ in range(8)]
    fresh = all(h.get("X-Cache-Status") == "HIT" and body != first for _s, h, body in after)
    return ("expired copy replaced, its successor served", "yes" if fresh else "NO")


def behaviour_checks(tmp, ports) -> list[tuple[str, str]]:
    """What the microcache site does, observed over HTTP (printed, not asserted)."""
    proxy, cache = ports["nginx proxy"], ports["microcache"]
    return [
        ("nginx -t deploy/nginx/narvaro.conf", nginx_t_on_site(tmp)),
        *cache_checks(proxy, cache),
        gzip_check(proxy, cache),
        *static_checks(ports["gunicorn"], cache),
        replaced_copy_check(ports["replaced"]),
    ]


TARGETS = ("static", "static+ofc", "bare flask", "gunicorn", "nginx proxy", "microcache")


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests/s; bad responses summed over all runs."""
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    return {**middle, "bad": sum(r["bad"] for r in runs)}


def print_table(results, statuses, options, load):
    targets = options.targets
    print(
        f"\nwrk -t{options.threads} -c{options.connections} -d{options.duration}s on loopback, "
        f"median of {options.rounds} interleaved rounds, "
        f"{os.cpu_count()} CPUs shared by wrk, nginx and gunicorn; load average {load:.1f} "
        "before the run\n"
    )
    print(
        f"{'page':<12} {'server':<12} {'req/s':>10} {'vs static':>10} {'vs bare':>8} "
        f"{'latency':>9} {'bad':>6}"
    )
    for page, path in PAGES.items():
        base = results[(page, "static")]["rps"]
        bare = results[(page, "bare flask")]["rps"]
        for target in targets:
            row = results[(page, target)]
            print(
                f"{page:<12} {target:<12} {row['rps']:>10.0f} {row['rps'] / base:>10.3f} "
                f"{row['rps'] / bare:>8.3f} {row['latency']:>9} {row['bad']:>6}"
            )
        print(f"{'':<12} (app status for {path}: {statuses[path]})")


def run(options):
    load = os.getloadavg()[0]  # other work on the machine skews every figure
    processes = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="narvaro-bench-"))
    try:
        print(f"building the database and starting servers in {tmp} ...", flush=True)
        env = build_database(tmp)
        app_port = start_gunicorn(tmp, env, processes)
        statuses = write_static_copies(tmp, app_port)
        ports = {**start_nginx(tmp, app_port, processes), "gunicorn": app_port}
        ports["bare flask"] = start_bare_flask(tmp, env, processes)
        checks = behaviour_checks(tmp, ports)
        runs = {}
        # Rounds interleave the targets, so a burst of other work on the machine touches them
        # all alike; each figure is the median of its rounds.
        for n in range(1, options.rounds + 1):
            for page, path in PAGES.items():
                for target in options.targets:
                    processes.check_alive()
                    print(f"  round {n}: wrk {target:<12} {path}", flush=True)
                    runs.setdefault((page, target), []).append(wrk(ports[target], path, options))
        results = {key: median_run(found) for key, found in runs.items()}
        print_table(results, statuses, options, load)
        print("\nchecks")
        for name, outcome in checks:
            print(f"  {name:<48} {outcome}")
    finally:
        processes.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument(
        "--targets",
        type=lambda text: tuple(t.strip() for t in text.split(",")),
        default=TARGETS,
        help=f"comma-separated, from: {', '.join(TARGETS)} (static and bare flask always run)",
    )
    options = parser.parse_args()
    unknown = set(options.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    options.targets = tuple(t for t in TARGETS if t in {"static", "bare flask", *options.targets})
    run_with_servers(run, options, tools=("nginx", "wrk"))


if __name__ == "__main__":
    main()
