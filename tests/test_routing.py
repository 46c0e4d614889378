"""Every URL rule builds the same URL as werkzeug's eagerly compiled rule (webapp.routing)."""

import pytest
from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from tests.conftest import make_app
from webapp.routing import LazyBuildRule


def _sample(converter, name):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[-1]
    if isinstance(converter, IntegerConverter):
        return 1207
    return f"{name}-ä ö/1" if "path" in type(converter).__name__.lower() else "sv"


@pytest.fixture(scope="module")
def url_map(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('routing') / 'narvaro.db'}")
    return app.url_map


def test_the_app_adds_its_rules_as_lazily_built_rules(url_map):
    rules = [r for r in url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 50
    assert all(type(r) is LazyBuildRule for r in rules)


def test_every_rule_builds_what_werkzeug_builds(url_map):
    eager = Map(
        [
            Rule(r.rule, endpoint=r.endpoint, defaults=r.defaults, methods=r.methods)
            for r in url_map.iter_rules()
        ],
        converters=url_map.converters,
    )
    lazy_adapter = url_map.bind("narvaro.example", script_name="/vetlanda")
    eager_adapter = eager.bind("narvaro.example", script_name="/vetlanda")
    built = 0
    for rule in url_map.iter_rules():
        values = {name: _sample(c, name) for name, c in rule._converters.items()}
        values["utm_source"] = "poster"  # an unknown argument goes to the query string
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for external in (False, True):
                expected = eager_adapter.build(rule.endpoint, values, method, external)
                assert lazy_adapter.build(rule.endpoint, values, method, external) == expected
                built += 1
    assert built >= 2 * len(list(url_map.iter_rules()))
