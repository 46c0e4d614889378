"""What nginx's feeds location costs against nginx serving plain static files: nginx alone,
no app. Prints figures; asserts nothing.

The site is deploy/nginx/narvaro.conf itself (tests/support/nginx_site.py turns its TLS server
into a loopback one; the app behind it is never reached, since every requested feed has its
published file). Beside it, in the same nginx, a plain server serves the same bytes from a
`root`, with the app's security headers (as bench/national_polling.py's static server).
`--count` municipalities (default 290) each get three published feeds (all, office, presence)
of 2-40 KB, laid out as webapp/feeds/publish.py lays them out.

Each variant runs as its own nginx (one worker), pinned to one CPU with wrk on the other, so
the two do not take each other's time (on a 2-core machine an unpinned wrk takes as much CPU
as nginx, and the closed-loop ratio then measures their competition as much as nginx).
Two methods (`--method`, default both), each beside an A/A control (static against itself on
the same schedule) that shows what the method reads when there is no difference:
- paired (compare()): `--rounds` pairs of short runs in alternating order, read as the median
  of the pairs' ratios. Printed for the 870-feed polling mix (60 % conditional, as
  national_polling.py) and for one median feed alone: requests/s of both, nginx's CPU time per
  request (from /proc) of both, each one's CPU share (nginx's and wrk's), and the ratios with
  their quartiles (CPU: static over feed, the share of static's capacity the feeds location
  keeps on the same CPU). Run after run, the machine's speed wanders by as much as the target's
  margin, and this method's control shows it.
- side by side (side_by_side()): two instances of the shipped configuration on the same CPU,
  one serving feeds and one static files at the same time, their roles swapped each run; the
  ratio of their CPU time per request. Whatever slows the machine slows both alike.

Variants: `shipped` (the configuration as deploy/ has it: the site, and in nginx's main
context deploy/nginx/narvaro-main.conf, which turns on PCRE's JIT) and `no JIT` (the same
without narvaro-main.conf: the locations' regular expressions interpreted; paired only).

    python bench/nginx_feed_location.py [--count 290] [--duration 2] [--rounds 16]
        [--method paired|side|both]
"""

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from interrupts import run_with_servers  # noqa: E402
from serve_bench import NGINX_HEAD, Processes, free_port, request, wait_until_serving  # noqa: E402

from tests.support.nginx_site import MAIN_CONF, SNIPPETS, site_config  # noqa: E402

FEEDS = ("all", "office", "presence")
HOST = "127.0.0.1"  # wrk sends Host 127.0.0.1:PORT; nginx's $host drops the port

# nginx.conf for these benches and national_polling.py: the site's lines ({site}) and, on
# its own port, the plain static server the site is measured against.
MAIN = (
    NGINX_HEAD
    + """\
    tcp_nopush {tcp_nopush};

{site}

    server {{   # every feed's bytes as a file, with the app's security headers
        listen 127.0.0.1:{static_port};
        server_tokens off;
        access_log {tmp}/static-access.log narvaro_privacy;
        root {static};
        include {snippets}/narvaro-static-headers.conf;
    }}
}}
"""
)

WRK_LUA = """\
local requests = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do
    local path, name, value = line:match("^([^\\t]*)\\t([^\\t]*)\\t(.*)$")
    local headers = {}
    if name ~= "" then headers[name] = value end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  i = math.random(#requests)
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
"""


def ical(size: int, chooser: random.Random) -> bytes:
    """An iCalendar-looking body of about `size` bytes (nginx never reads it)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Narvaro//bench//SV"]
    while sum(len(line) + 2 for line in lines) < size:
        uid = chooser.getrandbits(64)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid:016x}@narvaro.example",
            "DTSTART;TZID=Europe/Stockholm:20261124T100000",
            "SUMMARY:Poliser på plats på Torget",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def make_files(tmp: Path, count: int) -> list[str]:
    """Published feeds (<published>/<host><path>.sv) and their static copies (<static><path>)
    for `count` municipalities, the first unprefixed as the default one is."""
    chooser = random.Random(7)  # noqa: S311 - repeatable sizes, not a secret
    paths = []
    for number in range(count):
        prefix = "" if number == 0 else f"/kommun-{number:03d}"
        for feed in FEEDS:
            path = f"{prefix}/feeds/{feed}.ics"
            body = ical(int(2_000 * 20 ** chooser.random()), chooser)
            for target in (tmp / "published" / HOST / f"{path[1:]}.sv", tmp / "static" / path[1:]):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            paths.append(path)
    return paths


def start(tmp: Path, name: str, jit: bool, cpu: int, processes: Processes) -> dict:
    folder = tmp / name.replace(" ", "-")
    folder.mkdir()
    ports = {"feed": free_port(), "static": free_port()}
    conf = folder / "nginx.conf"
    conf.write_text(
        MAIN.format(
            workers=1,
            connections=4096,
            tcp_nopush="on",
            main=f"include {MAIN_CONF};" if jit else "",
            tmp=folder,
            user="user root;" if os.geteuid() == 0 else "",
            site=site_config(folder, ports["feed"], free_port(), feeds=tmp / "published"),
            static_port=ports["static"],
            static=tmp / "static",
            snippets=SNIPPETS,
        )
    )
    args = ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")]
    master = processes.start(name, [*args, "-g", "daemon off;"], folder / "nginx.log")
    for port in ports.values():
        wait_until_serving(port, processes)
    return {"ports": ports, "workers": pin_workers(master.pid, cpu)}


def pin_workers(master: int, cpu: int) -> list[int]:
    """Move nginx's worker processes (of the `master` pid) onto `cpu`; their pids."""
    workers = children(master)
    for pid in workers:
        subprocess.run(["taskset", "-p", "-c", str(cpu), str(pid)], check=True, capture_output=True)
    return workers


def children(pid: int) -> list[int]:
    """The master's worker processes (not the cache manager and loader, which come and go)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    kids = [int(kid) for kid in out.split()]
    return [kid for kid in kids if b"worker process" in Path(f"/proc/{kid}/cmdline").read_bytes()]


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def fetch_validators(port: int, paths: list[str]) -> dict:
    known = {}
    for path in paths:
        status, headers, _body = request(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} on port {port}")
        known[path] = (headers["ETag"], headers["Last-Modified"])
    return known


def plan(urls: list[str], known: dict, count: int, conditional=0.6, seed=17) -> list:
    """`count` requests: (path, headers), a share `conditional` of them revalidating (half
    If-None-Match, half If-Modified-Since, from `known`: {path: (ETag, Last-Modified)})."""
    chooser = random.Random(seed)  # noqa: S311 - a repeatable mix, not a secret
    out = []
    for _ in range(count):
        path = chooser.choice(urls)
        draw = chooser.random()
        etag, modified = known[path]
        if draw < conditional / 2:
            out.append((path, {"If-None-Match": etag}))
        elif draw < conditional:
            out.append((path, {"If-Modified-Since": modified}))
        else:
            out.append((path, {}))
    return out


def wrk_start(tmp: Path, port: int, requests: list, duration: int, cpu: int) -> dict:
    """Start wrk -t1 -c32 on `cpu` over `requests` ((path, headers) with one header at most)
    in turn, from a random start; wrk_result() waits for it."""
    lines = tmp / f"wrk-{port}.txt"
    lines.write_text(
        "".join(f"{p}\t{next(iter(h), '')}\t{next(iter(h.values()), '')}\n" for p, h in requests)
    )
    script = tmp / "mix.lua"
    script.write_text(WRK_LUA)
    command = ["taskset", "-c", str(cpu), "wrk", "-t1", "-c32", f"-d{duration}s", "-s",
               str(script), f"http://127.0.0.1:{port}", "--", str(lines)]  # fmt: skip
    return {"process": subprocess.Popen(command, stdout=subprocess.PIPE, text=True),
            "duration": duration}  # fmt: skip


def wrk_result(started: dict) -> dict:
    """What a wrk run from wrk_start() did: requests/s, requests, those not 2xx/3xx, and
    socket errors."""
    process = started["process"]
    out, _ = process.communicate(timeout=started["duration"] + 60)
    if process.returncode != 0:
        raise RuntimeError(f"wrk exited with {process.returncode}: {out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "done": int(re.search(r"(\d+) requests in", out).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "socket": socket_errors.group(1) if socket_errors else "none",
    }


def wrk(tmp: Path, port: int, requests: list, duration: int, cpu: int, workers: list) -> dict:
    """One wrk run (wrk_start) alone; nginx's CPU time over the run from its `workers`, and
    wrk's own."""
    before = cpu_seconds(workers)
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk_result(wrk_start(tmp, port, requests, duration, cpu))
    used = cpu_seconds(workers) - before
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = sum(
        getattr(client_after, field) - getattr(client_before, field)
        for field in ("ru_utime", "ru_stime")
    )
    return result | {
        "us": used / result["done"] * 1e6,
        "busy": used / duration,
        "client": client / duration,
    }


def compare(
    tmp: Path, ports: dict, requests: dict, rounds: int, duration: int, cpu: int, workers: list
) -> dict:
    """The feeds location against the static server, in `rounds` pairs of wrk runs.

    Alone, one run says little: on this shared machine two identical 5 s runs of the same
    server differ by up to 15 %, and the run that comes first in a pair is not the faster one
    by chance alone. So the pairs alternate their order (feed-static, static-feed, ...) and the
    figure is the median of the pairs' ratios. The same schedule run with the static server
    on both sides (an A/A control) prints what the method reads when there is no difference
    at all: the noise floor the feed's ratio must be read against.

    `ports` and `requests` are keyed "feed" and "static"; returns per side ("feed" and, for
    the control, "control") the pairs' ratios of requests/s and of CPU time per request
    (static's over feed's: the share of static's capacity the feed keeps), and the runs."""
    out = {}
    for label, kinds in (("feed", ("feed", "static")), ("control", ("static", "static"))):
        pairs = []
        for number in range(rounds):
            order = (0, 1) if number % 2 == 0 else (1, 0)
            runs = [None, None]
            for side in order:
                kind = kinds[side]
                runs[side] = wrk(tmp, ports[kind], requests[kind], duration, cpu, workers)
            pairs.append(runs)
        out[label] = {
            "rps": [a["rps"] / b["rps"] for a, b in pairs],
            "cpu": [b["us"] / a["us"] for a, b in pairs],
            "runs": pairs,
        }
    return out


def side_by_side(
    tmp: Path, instances: list, requests: dict, rounds: int, duration: int, cpu: int
) -> dict:
    """The feeds location against the static server at the same time, in `rounds` runs.

    Run after run, this machine's speed wanders by more than the difference sought (compare()'s
    control). Here two nginx instances of the same configuration, both pinned to one CPU,
    each get a wrk of their own at once: one serves the feeds location, the other the static
    server. The two workers share that CPU for the same seconds, so whatever slows the machine
    slows both, and the figure is each one's CPU time per request (from /proc; the kernel's
    share of the CPU between them does not enter it). Runs swap the two instances' roles, so
    any difference between the instances cancels; the A/A control is static on both.

    `instances`: two {"ports", "workers"} from start(); `requests` keyed "feed" and "static".
    Returns per side ("feed", "control") the runs' ratios of CPU time per request (static's
    over feed's) and the runs."""
    out = {}
    for label, kinds in (("feed", ("feed", "static")), ("control", ("static", "static"))):
        ratios, runs = [], []
        for number in range(rounds):
            serving = instances if number % 2 == 0 else instances[::-1]
            before = [cpu_seconds(instance["workers"]) for instance in serving]
            started = [
                wrk_start(tmp, instance["ports"][kind], requests[kind], duration, cpu)
                for instance, kind in zip(serving, kinds, strict=True)
            ]
            results = [wrk_result(run) for run in started]
            for instance, result, start_cpu in zip(serving, results, before, strict=True):
                used = cpu_seconds(instance["workers"]) - start_cpu
                result |= {"us": used / result["done"] * 1e6, "busy": used / duration}
            ratios.append(results[1]["us"] / results[0]["us"])
            runs.append(results)
        out[label] = {"cpu": ratios, "runs": runs}
    return out


def side_medians(runs: list, keys: tuple) -> dict:
    """{key: [the feed side's median, the static side's]} over `runs` (pairs of wrk results,
    feed first)."""
    return {key: [statistics.median(pair[side][key] for pair in runs) for side in (0, 1)]
            for key in keys}  # fmt: skip


def print_side_by_side(label: str, result: dict) -> None:
    feed, control = result["feed"], result["control"]
    bad = sum(run["bad"] for pair in feed["runs"] for run in pair)
    medians = side_medians(feed["runs"], ("rps", "us", "busy"))
    print(
        f"  {label}, side by side: feeds {medians['rps'][0]:,.0f} / static "
        f"{medians['rps'][1]:,.0f} req/s on a shared CPU (medians), its share "
        f"{medians['busy'][0]:.2f} / {medians['busy'][1]:.2f}; nginx CPU a request "
        f"{medians['us'][0]:.2f} / {medians['us'][1]:.2f} µs; {bad} not 2xx/3xx\n"
        f"    static/feed CPU a request, median of {len(feed['cpu'])} runs (quartiles): "
        f"{quartiles(feed['cpu'])}; A/A control: {quartiles(control['cpu'])}"
    )


def quartiles(values: list[float]) -> str:
    """'median (lower-upper quartile)' of ratios."""
    if len(values) < 2:  # one pair (--rounds 1): no spread to show
        return f"{values[0]:.3f}"
    low, middle, high = statistics.quantiles(values, n=4, method="inclusive")
    return f"{middle:.3f} ({low:.3f}-{high:.3f})"


def print_comparison(label: str, result: dict) -> None:
    feed, control = result["feed"], result["control"]
    bad = sum(run["bad"] for pair in feed["runs"] for run in pair)
    rps, us, busy, client = side_medians(feed["runs"], ("rps", "us", "busy", "client")).values()
    print(
        f"  {label}: feeds {rps[0]:,.0f} / static {rps[1]:,.0f} req/s (medians); "
        f"nginx CPU a request {us[0]:.1f} / {us[1]:.1f} µs; {bad} not 2xx/3xx\n"
        f"    share of its CPU busy: nginx {busy[0]:.2f} / {busy[1]:.2f}, "
        f"wrk {client[0]:.2f} / {client[1]:.2f}\n"
        f"    feed/static, median of {len(feed['rps'])} pairs (quartiles): requests/s "
        f"{quartiles(feed['rps'])}, CPU {quartiles(feed['cpu'])}\n"
        f"    A/A control, static/static on the same schedule: requests/s "
        f"{quartiles(control['rps'])}, CPU {quartiles(control['cpu'])}"
    )


def run(options):
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        sys.exit("needs two CPUs: nginx on one, wrk on the other")
    nginx_cpu, wrk_cpu = cpus[-1], cpus[0]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start; "
          f"nginx (1 worker) on CPU {nginx_cpu}, wrk -t1 -c32 on CPU {wrk_cpu}")  # fmt: skip
    processes = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="narvaro-nginx-feeds-"))
    try:
        paths = make_files(tmp, options.count)
        sizes = sorted((tmp / "static" / p[1:]).stat().st_size for p in paths)
        print(f"{len(paths)} feeds of {sizes[0] / 1e3:.0f}/{sizes[len(sizes) // 2] / 1e3:.0f}/"
              f"{sizes[-1] / 1e3:.0f} KB (min/median/max)")  # fmt: skip
        one = sorted(paths, key=lambda p: (tmp / "static" / p[1:]).stat().st_size)[len(paths) // 2]
        variants = {
            name: start(tmp, name, jit, nginx_cpu, processes)
            for name, jit in (("shipped", True), ("no JIT", False), ("shipped again", True))
        }
        for variant in variants.values():
            ports = variant["ports"]
            known = {kind: fetch_validators(ports[kind], paths) for kind in ("feed", "static")}
            variant["mixes"] = {
                "mix": {kind: plan(paths, known[kind], 20_000) for kind in known},
                f"{one} alone": {kind: [(one, {})] for kind in known},
            }
        if options.method in ("paired", "both"):
            for name in ("shipped", "no JIT"):
                variant = variants[name]
                print(f"\n{name}: {options.rounds} pairs of {options.duration} s runs, in "
                      "alternating order")  # fmt: skip
                for label, requests in variant["mixes"].items():
                    result = compare(tmp, variant["ports"], requests, options.rounds,
                                     options.duration, wrk_cpu, variant["workers"])  # fmt: skip
                    print_comparison(label, result)
        if options.method in ("side", "both"):
            pair = [variants["shipped"], variants["shipped again"]]
            print(
                f"\nshipped, two instances side by side on CPU {nginx_cpu}: "
                f"{options.rounds} runs of {options.duration} s, their roles swapped each run"
            )
            for label, requests in pair[0]["mixes"].items():
                result = side_by_side(tmp, pair, requests, options.rounds, options.duration,
                                      wrk_cpu)  # fmt: skip
                print_side_by_side(label, result)
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    finally:
        processes.stop()
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=290, help="municipalities")
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=16, help="pairs of runs per comparison")
    parser.add_argument(
        "--method", choices=("paired", "side", "both"), default="both",
        help="runs in alternating order (compare), side by side at once (side_by_side), or both",
    )  # fmt: skip
    run_with_servers(run, parser.parse_args(), tools=("nginx", "wrk", "taskset"))


if __name__ == "__main__":
    main()
