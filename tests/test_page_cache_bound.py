"""The shared page cache keeps only what a known URL and its known parameters make: 300
requests with random query strings add nothing to Redis, whose rate-limit counters (in the
same Redis, as on a small installation) are all still there afterwards."""

import random
import shutil
import string

import pytest
import redis

from tests.conftest import make_app
from tests.factories import make_user
from tests.support.servers import redis_server
from tests.support.staff import login
from webapp.extensions import db, limiter
from webapp.pagecache import SHARED_BODY_LIMIT

PREFIX = "test:pages"
# Each known URL meets each kind of noise about ten times.
REQUESTS = 300
# Each a URL the site links to, with the parameters its view reads.
KNOWN = [
    "/sv/",
    "/en/office",
    "/sv/presence",
    "/sv/presence?place=torget",
    "/sv/subscribe?feed=all",
    "/feeds/all.ics",
    "/feeds/presence.ics?lang=en",
]


@pytest.fixture
def shared(sqlite_template, tmp_path):
    """(app, Redis client): rate limits and the page cache in one Redis of the test's own.
    SQLite only: the database plays no part here, and hundreds of renders take a while."""
    database = tmp_path / "narvaro.db"
    shutil.copy(sqlite_template, database)
    with redis_server(tmp_path) as server:
        app = make_app(
            f"sqlite:///{database}",
            RATELIMIT_STORAGE_URI=server.url,
            PAGE_CACHE_REDIS_URL=server.url,
            PAGE_CACHE_PREFIX=PREFIX,
        )
        with app.app_context():
            yield app, redis.Redis.from_url(server.url)
            limiter.reset()
            db.session.remove()
            db.engine.dispose()


def _noise(rng) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=12))


def _random_variant(rng, url: str) -> str:
    """The URL with what a campaign link, a crawler or a prankster adds."""
    path, _, query = url.partition("?")
    extra = rng.choice(
        [
            f"utm_source={_noise(rng)}",
            f"{_noise(rng)}={_noise(rng)}",
            f"place={_noise(rng)}" if path == "/sv/presence" else f"lang={_noise(rng)}",
            query,  # the known parameter twice
        ]
    )
    return f"{path}?{'&'.join(p for p in (query, extra) if p)}"


def _memory(client, names) -> int:
    return sum(client.memory_usage(n) or 0 for n in names)


def test_random_query_strings_leave_the_shared_cache_as_it_was(shared):
    app, client = shared
    make_user(app, "police")
    for _ in range(2):  # counters of the login throttle, in the same Redis
        login(app.test_client(), "polis@example.se", "a wrong password")
    for url in KNOWN:
        assert app.test_client().get(url).status_code == 200, url
    cached = set(client.keys(f"{PREFIX}:*"))
    counters = {n: client.get(n) for n in client.keys("*") if n not in cached}
    cached_bytes = _memory(client, cached)
    front = app.extensions["narvaro_front_cache"]
    kept_here = set(front._items)

    rng = random.Random(21)  # noqa: S311 - repeatable noise, nothing secret
    answers = [
        app.test_client().get(_random_variant(rng, rng.choice(KNOWN))) for _ in range(REQUESTS)
    ]

    assert {a.status_code for a in answers} <= {200, 404}  # a random ?place= is no place
    assert len(cached) == len(KNOWN)
    assert set(client.keys(f"{PREFIX}:*")) == cached
    assert _memory(client, cached) == cached_bytes <= len(KNOWN) * SHARED_BODY_LIMIT
    assert set(front._items) == kept_here
    assert counters and {n: client.get(n) for n in counters} == counters
    assert all(client.pttl(n) > 0 for n in counters)
