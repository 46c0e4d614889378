"""Faults under load: does every accepted feedback submission land, with no 5xx? Prints
figures; asserts nothing.

Builds a throwaway SQLite database (or uses --database-url), starts its own redis-server on a
free port and gunicorn with deploy/gunicorn.conf.py (4 workers, REDIS_URL set), then sends
1,000 feedback submissions from distinct clients (X-Forwarded-For behind PROXY_HOPS=1) while
it SIGKILLs one worker and stops Redis and starts it again. A submission that gets no answer
(its worker was killed) is sent again with the same token, as a person pressing Send again
would: single-use tokens make the retry safe. Prints: accepted, rows in the database, 5xx.

Usage: python bench/fault_bench.py [--submissions 1000] [--concurrency 16]
Every process it starts is stopped on exit, Ctrl-C or error.
"""

import argparse
import collections
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from interrupts import run_with_servers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_bench import (  # noqa: E402 - the sibling script's process handling
    ROOT,
    Processes,
    _children,
    build_database,
    free_port,
    start_gunicorn,
)

FORM = "/sv/feedback/torget"
THANKS = "/sv/feedback/torget/thanks"
TOKEN = re.compile(rb'name="token" type="hidden" value="([^"]+)"')


def client_address(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def call(port, method, path, body=None, headers=None):
    """(status, headers, body), or (None, None, error name) when the connection broke."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    except (OSError, http.client.HTTPException) as error:
        return None, None, type(error).__name__
    finally:
        conn.close()


def fetch_token(port, n):
    for _ in range(5):
        status, _h, body = call(port, "GET", FORM, headers={"X-Forwarded-For": client_address(n)})
        if status == 200:
            return TOKEN.search(body).group(1).decode()
        time.sleep(0.2)
    raise RuntimeError(f"no form for client {n}")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.accepted = self.five_xx = self.retries = self.unanswered = self.done = 0

    def add(self, status, accepted, retries):
        with self.lock:
            self.statuses[status] += 1
            self.accepted += accepted
            self.five_xx += status is not None and status >= 500
            self.unanswered += status is None
            self.retries += retries
            self.done += 1


def submit(port, n, token, tally):
    body = urlencode({"token": token, "comment": f"Bänkprov {n}", "safety": str(n % 5 + 1)})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": client_address(n),
    }
    status, answer_headers, _body = call(port, "POST", FORM, body, headers)
    retries = 0
    while status is None and retries < 3:  # no answer: press Send again, same token
        time.sleep(0.5)
        retries += 1
        status, answer_headers, _body = call(port, "POST", FORM, body, headers)
    accepted = status == 303 and answer_headers.get("Location", "").endswith(THANKS)
    tally.add(status, accepted, retries)


class Faults:
    """SIGKILL a worker at 25 %, stop Redis at 40 %, start it again at 70 %."""

    def __init__(self, processes, redis_args, gunicorn_pid, port, total):
        self.processes, self.redis_args, self.port = processes, redis_args, port
        self.gunicorn_pid, self.total = gunicorn_pid, total
        self.log = []
        self.health = collections.Counter()

    def run(self, tally):
        steps = [(0.25, self.kill_worker), (0.40, self.stop_redis), (0.70, self.start_redis)]
        for share, step in steps:
            while tally.done < share * self.total:
                time.sleep(0.01)
            step()
            status, _h, body = call(self.port, "GET", "/health")
            self.health[(step.__name__, status)] += 1
            self.log.append(f"{step.__name__} after {tally.done}: /health {status} {body[:80]!r}")

    def kill_worker(self):
        pid = _children(self.gunicorn_pid)[0][0]
        os.kill(pid, signal.SIGKILL)

    def stop_redis(self):
        _name, proc, _handle, _log = next(r for r in self.processes.running if r[0] == "redis")
        proc.terminate()
        proc.wait(timeout=10)

    def start_redis(self):
        self.processes.start("redis", self.redis_args, self.redis_log)


def count_rows(env) -> int:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT count(*) FROM feedback").fetchone()[0]
    from sqlalchemy import create_engine, text  # noqa: PLC0415 - PostgreSQL only

    with create_engine(url).connect() as conn:
        return conn.execute(text("SELECT count(*) FROM feedback")).scalar_one()


def run(options):
    processes = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="narvaro-faults-"))
    try:
        redis_port = free_port()
        redis_args = [shutil.which("redis-server"), "--port", str(redis_port)]
        redis_args += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        redis_args += ["--dir", str(tmp)]
        processes.start("redis", redis_args, tmp / "redis.log")
        print(f"building the database and starting servers in {tmp} ...", flush=True)
        env = build_database(tmp)
        if options.database_url:
            env["DATABASE_URL"] = options.database_url
            subprocess.run(
                [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True
            )
            subprocess.run(
                [sys.executable, "-m", "flask", "load-calendars"], cwd=ROOT, env=env, check=True
            )
        env.update(
            {
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "WEB_CONCURRENCY": "4",
                "FEEDBACK_ALL_CLIENTS_LIMIT": "100000 per hour",
            }
        )
        rows_before = count_rows(env)
        port = start_gunicorn(tmp, env, processes)
        gunicorn_pid = next(p.pid for n, p, _h, _l in processes.running if n == "gunicorn")
        total = options.submissions
        print(f"fetching {total} forms ...", flush=True)
        with ThreadPoolExecutor(options.concurrency) as pool:
            tokens = list(pool.map(lambda n: fetch_token(port, n), range(total)))
        time.sleep(3.5)  # the form's minimum fill time
        tally = Tally()
        faults = Faults(processes, redis_args, gunicorn_pid, port, total)
        faults.redis_log = tmp / "redis-2.log"
        injector = threading.Thread(target=faults.run, args=(tally,))
        injector.start()
        started = time.monotonic()
        print(f"sending {total} submissions, {options.concurrency} at a time ...", flush=True)
        with ThreadPoolExecutor(options.concurrency) as pool:
            for n, token in enumerate(tokens):
                pool.submit(submit, port, n, token, tally)
        seconds = time.monotonic() - started
        injector.join()
        health = call(port, "GET", "/health")
        rows = count_rows(env) - rows_before
        print_report(options, tally, rows, faults, health, seconds)
    finally:
        processes.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def print_report(options, tally, rows, faults, health, seconds):
    print("\nfaults")
    for line in faults.log:
        print(f"  {line}")
    print(f"  /health at the end: {health[0]} {health[2][:80]!r}")
    print(f"\nsubmissions                {options.submissions}  ({seconds:.1f} s)")
    print(f"answers by status          {dict(sorted(tally.statuses.items(), key=str))}")
    print(f"sent again after no answer {tally.retries}")
    print(f"never answered             {tally.unanswered}")
    print(f"accepted                   {tally.accepted}")
    print(f"rows in the database       {rows}")
    print(f"5xx                        {tally.five_xx}")
    verdict = "yes" if tally.accepted == rows and tally.five_xx == 0 else "NO"
    print(f"accepted = rows, 0 x 5xx   {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", help="PostgreSQL URL instead of a new SQLite file")
    options = parser.parse_args()
    run_with_servers(run, options, tools=("redis-server",))


if __name__ == "__main__":
    main()
