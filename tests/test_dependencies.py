"""Every third-party package webapp/ imports is one narvaro declares, not one that happens to
arrive through another package (pyproject.toml `dependencies`, read from the installed
metadata)."""

import ast
import sys
from importlib.metadata import packages_distributions, requires

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from webapp.config import PACKAGE


def imported_top_level_names() -> dict[str, set[str]]:
    """{top-level module: files importing it} for every absolute import in webapp/."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], set()).add(str(path.relative_to(PACKAGE)))
    return found


def third_party(names) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n != PACKAGE.name}


def declared_runtime_distributions() -> set[str]:
    """narvaro's requirements that hold without an extra, by canonical name."""
    wanted = (Requirement(line) for line in requires("narvaro") or ())
    return {
        canonicalize_name(r.name)
        for r in wanted
        if r.marker is None or r.marker.evaluate({"extra": ""})
    }


def test_every_third_party_import_in_webapp_is_a_declared_dependency():
    imports = imported_top_level_names()
    providers = packages_distributions()
    declared = declared_runtime_distributions()

    undeclared = {
        name: sorted(imports[name])
        for name in third_party(imports)
        if not {canonicalize_name(d) for d in providers.get(name, ())} & declared
    }

    assert undeclared == {}


def test_the_import_reader_sees_imports_inside_functions_and_migrations():
    imports = imported_top_level_names()

    # config.py imports limits inside a function; the migrations import alembic.
    assert {"flask", "limits", "alembic", "wtforms", "sqlalchemy", "redis"} <= third_party(imports)
    assert "migrations/env.py" in imports["alembic"]
    assert "os" not in third_party(imports)


def test_icalendar_is_for_the_tests_only():
    imports = imported_top_level_names()

    assert "icalendar" not in imports  # the feeds are written by webapp/feeds/ical.py
    assert canonicalize_name("icalendar") not in declared_runtime_distributions()
