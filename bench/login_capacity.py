"""How many logins a second does gunicorn sustain without a 503? Prints figures; asserts nothing.

Starts gunicorn with deploy/gunicorn.conf.py on a throwaway SQLite database (as
bench/login_flood.py does) for each ARGON2_SLOTS/ARGON2_WAIT setting asked for, and offers it
logins at a steady rate (each from its own X-Forwarded-For, for unknown accounts, so no rate
limit stops them before Argon2 runs) beside a light page load (the start page four times a
second). For each rate it prints the logins answered per second, how many were told to come
back (503), and the login's median and 99th percentile latency (the POST alone).

The highest rate with no 503 and a p99 under a few seconds is what the setting sustains on this
machine with this many workers; deploy/README.md records the figures.

Usage: python bench/login_capacity.py [--settings 1:0.5,1:3,2:3] [--rates 2,4,6,8]
       [--seconds 15] [--workers N]
"""

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interrupts import run_with_servers  # noqa: E402
from login_flood import _get  # noqa: E402
from serve_bench import Processes, build_database, start_gunicorn  # noqa: E402

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def _login(port, number) -> tuple[int, float]:
    """One login of an unknown account: the form, then the POST; its status and seconds."""
    address = f"10.{number // 62500 % 250}.{number // 250 % 250}.{number % 250}"
    status, headers, body = _get(port, "/sv/staff/login", {"X-Forwarded-For": address})
    found = CSRF.search(body)
    if found is None:
        return status, 0.0
    form = urllib.parse.urlencode(
        {
            "csrf_token": found.group(1).decode(),
            "email": f"nobody{number}@example.se",
            "password": "not the right password at all",
        }
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request(
            "POST",
            "/sv/staff/login",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": headers["Set-Cookie"].split(";")[0],
                "X-Forwarded-For": address,
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def _pages(port, stop, times):
    while not stop.is_set():
        started = time.perf_counter()
        _get(port, "/sv/")
        times.append(time.perf_counter() - started)
        time.sleep(0.25)


def _offer(port, rate, seconds, first_number) -> dict:
    """Logins at `rate` a second for `seconds`, evenly spaced, with the page load beside."""
    stop, page_times, futures = threading.Event(), [], []
    pages = threading.Thread(target=_pages, args=(port, stop, page_times), daemon=True)
    pages.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=128) as pool:
        for n in range(int(rate * seconds)):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            futures.append(pool.submit(_login, port, first_number + n))
        results = [future.result() for future in futures]
    elapsed = time.monotonic() - started
    stop.set()
    pages.join(timeout=30)
    return {"results": results, "elapsed": elapsed, "pages": page_times}


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def _report(rate, run):
    statuses = {}
    for status, _s in run["results"]:
        statuses[status] = statuses.get(status, 0) + 1
    answered = [s for status, s in run["results"] if status in (200, 400)]
    print(
        f"  offered {rate:4.1f}/s  answered {len(answered) / run['elapsed']:5.2f}/s"
        f"  503: {statuses.get(503, 0):3d}"
        f"  login median {statistics.median(answered) * 1000 if answered else 0:6.0f} ms"
        f"  p99 {_percentile(answered, 0.99) * 1000:6.0f} ms"
        f"  page p90 {_percentile(run['pages'], 0.9) * 1000:5.0f} ms"
        f"  statuses {dict(sorted(statuses.items()))}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="1:0.5,1:3,2:3", help="SLOTS:WAIT,...")
    parser.add_argument("--rates", default="2,4,6,8", help="logins a second to offer")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY")
    run_with_servers(run, parser.parse_args())


def run(options):
    rates = [float(r) for r in options.rates.split(",")]
    number = 0
    with tempfile.TemporaryDirectory() as folder:
        env = build_database(Path(folder))
        if options.workers:
            env["WEB_CONCURRENCY"] = str(options.workers)
        for setting in options.settings.split(","):
            slots, wait = setting.split(":")
            print(f"ARGON2_SLOTS={slots} ARGON2_WAIT={wait}", flush=True)
            processes = Processes()
            with tempfile.TemporaryDirectory() as run_folder:
                try:
                    settings = {**env, "ARGON2_SLOTS": slots, "ARGON2_WAIT": wait}
                    port = start_gunicorn(Path(run_folder), settings, processes)
                    for warm in range(10):  # every worker has its Argon2 threads and templates
                        _login(port, 10_000_000 + warm)
                    for rate in rates:
                        offered = _offer(port, rate, options.seconds, number)
                        number += len(offered["results"])
                        _report(rate, offered)
                finally:
                    processes.stop()


if __name__ == "__main__":
    main()
