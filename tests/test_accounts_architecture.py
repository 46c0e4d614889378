"""The accounts package stays free of Flask (the import contract would say so), and the staff
area's pages and limits each come from one place."""

import ast
import re
import shutil
from pathlib import Path

from tests.support.contracts import lint_imports
from webapp.app import staff_pages
from webapp.config import ROOT

CONTRACT = "The domain imports no Flask or Werkzeug"


def _copy_of_the_tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "webapp", tmp_path / "webapp", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_accounts_package_keeps_the_contract():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout


def test_a_flask_import_in_the_accounts_package_breaks_the_contract(tmp_path):
    root = _copy_of_the_tree(tmp_path)
    users = root / "webapp" / "accounts" / "users.py"
    users.write_text("import flask  # noqa\n" + users.read_text())

    result = lint_imports(root)

    assert result.returncode == 1
    assert f"{CONTRACT} BROKEN" in result.stdout
    assert "webapp.accounts.users -> flask" in result.stdout


def _modules_adding_staff_pages() -> set[str]:
    """Modules that import the staff blueprint `bp` and decorate something with it."""
    found = set()
    for path in (ROOT / "webapp").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_bp = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "webapp.staff"
            and any(alias.name == "bp" for alias in node.names)
            for node in ast.walk(tree)
        )
        if imports_bp and re.search(r"^@bp\.", path.read_text(encoding="utf-8"), re.MULTILINE):
            found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def test_every_module_with_staff_pages_is_listed_in_one_place():
    assert {module.__name__ for module in staff_pages()} == _modules_adding_staff_pages()


def test_staff_views_take_their_limits_from_the_throttle_table():
    # A limit typed on a view would be one an admin's lift does not know about.
    hand_typed = [
        path.name
        for path in (ROOT / "webapp" / "staff").glob("*.py")
        if "limiter." in path.read_text(encoding="utf-8") and path.name != "throttle.py"
    ]

    assert hand_typed == []
