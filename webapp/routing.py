"""URL rules whose builders are compiled when first used, not when the app starts.

werkzeug compiles two Python functions per rule (url_for with and without unknown arguments)
as soon as the rule is added: for Närvaro's ~100 rules that is three quarters of
`create_app`'s time (bench/app_start.py), paid by every gunicorn worker at start and by every
test that builds an app, although most rules are never built by a given process. This rule
defers the compilation to the first `url_for` of each rule; what it builds is werkzeug's own
function, unchanged (tests/test_routing.py builds every rule both ways and compares).
"""

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:  # two threads may both compile; either result is the same
                compiled = Rule._compile_builder(rule, append_unknown)
            return compiled(rule, *args, **kwargs)

        return build
