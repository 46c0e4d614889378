"""schemathesis over the whole OpenAPI document, every check on, against the app in-process:
requests the document calls valid answer 2xx (404 for a promise id that doesn't exist), those
it calls invalid answer 4xx, and every answer matches its documented status, type, headers and
schema. For the unprefixed API and a prefixed municipality's, whose document names its server.

The one rule JSON Schema cannot state is across parameters: `from` no later than `to`, at most
MAX_DAYS days (the document says so in words). Valid cases keep to it; tests/test_api.py checks
the 400s for breaking it.
"""

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.support.fuzz import examples
from tests.test_police_area_data import load_test_area
from webapp.api.params import MAX_DAYS

# Operations whose answer is slow to compute try fewer cases; lang alone has few values anyway.
EXAMPLES = {"/api/v1/promises": 2, "/api/v1/promises/{id}": 3}
RUN = dict(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _within_range(case) -> bool:
    """The cross-parameter rule: a valid case's `from` is no later than its `to`, at most
    MAX_DAYS days (the defaults of a missing one always keep to it)."""
    query = case.query or {}
    if "from" not in query or "to" not in query:
        return True
    first, last = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
    return first <= last and (last - first).days < MAX_DAYS


def _failures(operation, mode) -> list[str]:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.filter(_within_range)

    @given(strategy)
    @settings(max_examples=examples(EXAMPLES.get(operation.path, 8)), **RUN)
    def run(case):
        case.call_and_validate()

    try:
        run()
    except Exception as failure:  # schemathesis's report, shrunk to the smallest case
        return [f"{operation.label} ({mode.value}): {failure}"]
    return []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("prefix", ["", "/vastby"])
def test_the_api_keeps_every_promise_its_openapi_document_makes(app, prefix):
    load_test_area()  # two municipalities: the default one unprefixed, vastby under /vastby
    schema = schemathesis.openapi.from_wsgi(f"{prefix}/api/v1/openapi.json", app)

    failures, tried = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.query or operation.path_parameters:
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            tried.append((operation.path, mode.value))
            failures += _failures(operation, mode)

    assert failures == []
    # Every path but the document's own (schemathesis leaves that out), five of them twice.
    assert sorted(set(tried)) == sorted(tried)
    assert {path for path, _mode in tried} == set(schema.raw_schema["paths"]) - {
        "/api/v1/openapi.json"
    }
    assert [path for path, mode in tried if mode == "negative"] == [
        "/api/v1/office-hours",
        "/api/v1/places",
        "/api/v1/presence",
        "/api/v1/promises",
        "/api/v1/promises/{id}",
        "/api/v1/status",
    ]
