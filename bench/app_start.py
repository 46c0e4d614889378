"""How long does building the app take, with URL builders compiled lazily and eagerly?

Prints figures; asserts nothing. `create_app` runs when each gunicorn worker starts and in
nearly every test; webapp.routing defers werkzeug's compilation of URL builders to their first
use. Runs each variant ROUNDS times (after one warm-up) in this process and prints the median
and the tracemalloc peak.  Usage: python bench/app_start.py
"""

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from werkzeug.routing import Rule

from webapp import create_app
from webapp.routing import LazyBuildRule

ROUNDS = 15


def build(folder: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'narvaro.db'}",
            "SECRET_KEY": "bench",
        }
    )


def measure(folder: str) -> tuple[float, float]:
    build(folder)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        build(folder)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    build(folder)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main():
    with tempfile.TemporaryDirectory() as folder:
        lazy, lazy_peak = measure(folder)
        # werkzeug's eager compilation, put back on the class create_app uses
        LazyBuildRule._compile_builder = Rule._compile_builder
        eager, eager_peak = measure(folder)
    print(
        f"create_app, median of {ROUNDS}: lazy builders {lazy * 1000:.0f} ms "
        f"(peak {lazy_peak:.1f} MiB), eager {eager * 1000:.0f} ms (peak {eager_peak:.1f} MiB), "
        f"ratio {eager / lazy:.1f}x"
    )


if __name__ == "__main__":
    main()
