"""How long does the "all" feed take to render, cold and from the front cache?

Prints figures; asserts nothing. Builds a throwaway SQLite database with the default calendar,
pins the clock to Tuesday 2026-11-24 10:30 in Sävsjö, then times requests through Flask's test
client (no network): cold = the front cache emptied before each request, cached = repeated
requests, and 304 = revalidation with If-None-Match.  Usage: python bench/feed_render.py [-n 50]
"""

import argparse
import statistics
import tempfile
import time

from throwaway import throwaway_app  # noqa: E402 - bench/ is on the path when run as a script

from webapp.extensions import db  # noqa: E402

URL = "/feeds/all.ics"


def timed(client, runs, before=None, headers=None):
    """Milliseconds per request, and the last response."""
    spent, response = [], None
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(URL, headers=headers or {})
        spent.append((time.perf_counter() - started) * 1000)
    return spent, response


def report(label, spent):
    spent = sorted(spent)
    p95 = spent[int(len(spent) * 0.95) - 1] if len(spent) > 1 else spent[0]
    print(
        f"{label:<28} median {statistics.median(spent):8.2f} ms   p95 {p95:8.2f} ms   "
        f"min {spent[0]:8.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=50)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        app = throwaway_app(folder)
        with app.app_context():
            client = app.test_client()

            def forget():  # no kept response: a real render
                app.extensions["narvaro_front_cache"].forget()

            client.get(URL)  # warm imports and templates once
            cold, response = timed(client, runs, before=forget)
            cached, _ = timed(client, runs)
            etag = {"If-None-Match": response.headers["ETag"]}
            revalidated, not_modified = timed(client, runs, headers=etag)
            db.session.remove()
            db.engine.dispose()
    events = response.data.count(b"BEGIN:VEVENT")
    print(f"{URL}: {len(response.data)} bytes, {events} events, {runs} requests each")
    report("cold (render each time)", cold)
    report("cached body", cached)
    report(f"304 If-None-Match ({not_modified.status_code})", revalidated)
    print(f"cold / cached: {statistics.median(cold) / statistics.median(cached):.1f}x")


if __name__ == "__main__":
    main()
