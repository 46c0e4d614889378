"""Hypothesis fuzz of every API parameter: any query answers 200, 400 or 404 in JSON, never 500."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.fuzz import examples

ENDPOINTS = {
    "/api/v1/places": ("lang",),
    "/api/v1/office-hours": ("from", "to", "lang"),
    "/api/v1/presence": ("from", "to", "place", "lang"),
    "/api/v1/status": ("lang",),
    "/api/v1/openapi.json": (),
    "/api/v1/promises": ("lang",),
    "/api/v1/promises/2023-2024": ("lang",),
}
# The requests only read, so one database per test serves every example.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PLACES = ["poliskontoret", "torget", "resecentrum", "biblioteket", "nowhere"]
SPECIAL = [
    "sv",
    "en",
    "",
    "SV",
    "en-GB",
    "torget",
    "poliskontoret",
    "biblioteket",
    "nowhere",
    "Torget",
    "torget\n",
    "2026-02-29",
    "2028-02-29",
    "0000-01-01",
    "9999-12-31",
    "2026-1-1",
    "2026-01-01T00:00",
    "20260101",
    "١٢٣٤-٠١-٠١",
    "-1",
    "null",
    "a" * 64,
    "a" * 65,
    "x" * 2000,
]
values = st.one_of(
    st.dates(min_value=date(1999, 1, 1), max_value=date(2101, 1, 1)).map(str),
    st.dates().map(str),
    st.sampled_from(SPECIAL),
    st.text(max_size=80),
    st.text(alphabet="0123456789-", max_size=12),
)


@st.composite
def encoded(draw):
    """A value as it goes into a query string: quoted text, or raw bytes percent-encoded."""
    if draw(st.integers(0, 4)):
        return quote(draw(values), safe="")
    return "".join(f"%{b:02X}" for b in draw(st.binary(max_size=12)))


@st.composite
def chaos(draw, names):
    """Up to five name=value pairs: the endpoint's names mostly, repeats and strangers too."""
    name = st.one_of(
        st.sampled_from(names) if names else st.just("lang"),
        st.sampled_from(["lang", "from", "to", "place", "x", ""]),
        st.text(max_size=8).map(lambda text: quote(text, safe="")),
    )
    pairs = draw(st.lists(st.tuples(name, encoded()), max_size=5))
    return "&".join(f"{n}={v}" for n, v in pairs)


@st.composite
def well_formed(draw, names):
    """Each of the endpoint's names at most once with a plausible value, so most answer 200."""
    first = draw(st.dates(min_value=date(1999, 12, 1), max_value=date(2100, 1, 31)))
    value = {
        "from": lambda: str(first),
        "to": lambda: str(first + timedelta(days=draw(st.integers(-3, 400)))),
        "lang": lambda: draw(st.sampled_from(["sv", "en"])),
        "place": lambda: draw(st.sampled_from(PLACES)),
    }
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    return "&".join(f"{name}={value[name]()}" for name in chosen)


def queries(names):
    return st.one_of(well_formed(names), chaos(names))


def assert_json_answer(response):
    event(f"HTTP {response.status_code}")
    assert response.status_code in {200, 400, 404}, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, dict)
    if response.status_code != 200:
        assert set(body) == {"error"}
        assert body["error"]["status"] == response.status_code
        assert isinstance(body["error"]["message"], str)


# Endpoints with dates and places to combine get the most examples; those that take only the
# language (the promise follow-ups among them, the costliest answers) need far fewer to reach
# every kind of value the language strategy draws.
RANGES = [path for path, names in ENDPOINTS.items() if len(names) > 1]
AT_MOST_A_LANGUAGE = [path for path, names in ENDPOINTS.items() if len(names) <= 1]


@pytest.mark.parametrize("path", RANGES)
@settings(FUZZ, max_examples=examples(150))
@given(data=st.data())
def test_fuzz_every_parameter_answers_json_never_500(client, path, data):
    query = data.draw(queries(ENDPOINTS[path]), label="query")

    assert_json_answer(client.get(f"{path}?{query}"))


@pytest.mark.parametrize("path", AT_MOST_A_LANGUAGE)
@settings(FUZZ, max_examples=examples(40))
@given(data=st.data())
def test_fuzz_the_language_answers_json_never_500(client, path, data):
    query = data.draw(queries(ENDPOINTS[path]), label="query")

    assert_json_answer(client.get(f"{path}?{query}"))


@settings(FUZZ, max_examples=examples(100))
@given(
    segment=st.one_of(
        st.sampled_from(["places", "status", "places/", "v2/places", ""]),
        st.text(min_size=1, max_size=30),
    )
)
def test_fuzz_paths_under_api_answer_json(client, segment):
    assert_json_answer(client.get("/api/v1/" + quote(segment, safe="/")))
