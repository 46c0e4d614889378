"""Does a flood of login attempts stall the public pages? Prints figures; asserts nothing.

Starts gunicorn with deploy/gunicorn.conf.py on a throwaway SQLite database (as
bench/serve_bench.py does), then measures the start page's median and 90th percentile latency
alone, and again while N threads post logins as fast as they can (each from its own
X-Forwarded-For, for unknown accounts, so neither rate limit stops them before Argon2 runs).
It does this once with Argon2 bounded per worker (ARGON2_SLOTS=--slots, 1 unless given) and once
effectively unbounded (ARGON2_SLOTS=64), and prints how many logins were answered and how
many were told to come back (503) meanwhile.

Usage: python bench/login_flood.py [--logins 16] [--samples 60] [--slots 1]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_bench import Processes, build_database, start_gunicorn  # noqa: E402


def _get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _latencies(port, samples) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        status, _h, _b = _get(port, "/sv/")
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"the start page answered {status}")
        time.sleep(0.02)
    return times


def _login_loop(port, number, stop, counts):
    """Log in again and again as an unknown user, from its own pretend address."""
    attempt = 0
    while not stop.is_set():
        attempt += 1
        address = f"10.{number}.{attempt // 250 % 250}.{attempt % 250}"
        status, headers, body = _get(port, "/sv/staff/login", {"X-Forwarded-For": address})
        found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body)
        if found is None:  # the form page itself failed: count it and go on
            counts[f"GET {status}"] = counts.get(f"GET {status}", 0) + 1
            continue
        token = found.group(1)
        cookie = headers["Set-Cookie"].split(";")[0]
        form = urllib.parse.urlencode(
            {
                "csrf_token": token.decode(),
                "email": f"nobody{number}-{attempt}@example.se",
                "password": "not the right password at all",
            }
        )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(
                "POST",
                "/sv/staff/login",
                body=form,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "X-Forwarded-For": address,
                },
            )
            status = conn.getresponse().status
        finally:
            conn.close()
        counts[status] = counts.get(status, 0) + 1


def _measure(env, slots, options) -> dict:
    processes = Processes()
    with tempfile.TemporaryDirectory() as folder:
        try:
            port = start_gunicorn(Path(folder), {**env, "ARGON2_SLOTS": str(slots)}, processes)
            _latencies(port, 10)  # warm up every worker
            quiet = _latencies(port, options.samples)
            stop, counts = threading.Event(), {}
            threads = [
                threading.Thread(target=_login_loop, args=(port, n, stop, counts), daemon=True)
                for n in range(options.logins)
            ]
            for thread in threads:
                thread.start()
            time.sleep(2)  # let the flood build up
            started = time.monotonic()
            flooded = _latencies(port, options.samples)
            seconds = time.monotonic() - started
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            processes.stop()
            log = (Path(folder) / "gunicorn.log").read_text(errors="replace")
            errors = [line for line in log.splitlines() if "Error" in line or "error" in line]
    if errors:
        print(f"ARGON2_SLOTS={slots}: {len(errors)} error lines, the last:", *errors[-5:], sep="\n")
    return {"quiet": quiet, "flooded": flooded, "counts": counts, "seconds": seconds}


def _row(label, times):
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"  {label:<34} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=16, help="concurrent login loops")
    parser.add_argument("--samples", type=int, default=60, help="start page requests per run")
    parser.add_argument("--slots", type=int, default=1, help="ARGON2_SLOTS for the bounded run")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = build_database(Path(folder))
        runs = {
            f"bounded (ARGON2_SLOTS={options.slots})": _measure(env, options.slots, options),
            "unbounded (ARGON2_SLOTS=64)": _measure(env, 64, options),
        }
    print(f"Start page /sv/ latency, {options.samples} requests, {options.logins} login loops")
    for name, run in runs.items():
        print(name)
        print(_row("no logins", run["quiet"]))
        print(_row(f"{options.logins} concurrent logins", run["flooded"]))
        answered = ", ".join(f"{k}: {v}" for k, v in sorted(run["counts"].items(), key=str))
        print(f"  login answers during the run       {answered}")


if __name__ == "__main__":
    main()
